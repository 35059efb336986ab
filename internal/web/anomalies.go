package web

import (
	"net/http"
	"net/url"
	"time"

	"parkd/internal/gate"
	"parkd/internal/operators"
	"parkd/internal/park"
)

// The anomalies page of a lot: everything the core flagged in it, newest
// first, the ones of no stay (a charger that ignored its stop requests, a
// plate-less offline record, a device's clock) beside a stay's, through
// the use case the native API's GET /v1/lots/{code}/anomalies reads.
func anomaliesSection() section {
	return section{key: "anomalies", lotPath: "anomalies", routes: []route{
		{"GET " + Prefix + "lots/{lot}/anomalies", (*Console).anomaliesPage},
	}}
}

// anomalyPageSize is how many anomalies a page shows.
const anomalyPageSize = 100

type anomaliesData struct {
	Lot       *park.Lot
	Loc       *time.Location
	Anomalies []*park.Anomaly // newest first
	// Newest and Oldest are the times of the page's first and last.
	Newest, Oldest time.Time
	// First and Older link the newest page and the one after this one
	// ("": none).
	First, Older string
}

func (w *Console) anomaliesPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	// A page is placed by the last anomaly of the one before it, as the
	// native API's before: anomalies recorded meanwhile do not shift it,
	// and every older one can be reached.
	before := r.URL.Query().Get("before")
	as, more, err := w.sys.Gate.AnomalyPage(r.Context(), gate.AnomalyQuery{LotCode: l.Code, Limit: anomalyPageSize, BeforeID: before})
	if err != nil {
		return err
	}
	d := anomaliesData{Lot: l, Loc: l.Location(), Anomalies: as}
	if len(as) > 0 {
		d.Newest, d.Oldest = as[0].At, as[len(as)-1].At
	}
	page := Prefix + "lots/" + url.PathEscape(l.Code) + "/anomalies"
	if before != "" {
		d.First = page
	}
	if more {
		d.Older = page + "?" + url.Values{"before": {as[len(as)-1].ID}}.Encode()
	}
	w.render(rw, r, http.StatusOK, "anomalies", p, "overview", d)
	return nil
}
