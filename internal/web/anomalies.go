package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

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
	// From and To number the rows shown (1 is the newest).
	From, To    int
	First, Next string // "" : none
	// Capped: older anomalies than the last page's may exist, beyond the
	// most the core lists (park.MaxListLimit).
	Capped int
}

func (w *Console) anomaliesPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	skip := 0 // newest anomalies before this page
	if s := r.URL.Query().Get("skip"); s != "" {
		if skip, err = strconv.Atoi(s); err != nil || skip < 0 || skip >= park.MaxListLimit {
			return park.Invalid("skip", "must be a whole number from 0 to %d", park.MaxListLimit-1)
		}
	}
	// The core lists the newest ones only: this page is the rows after
	// the skip newest, and one more says whether older ones follow.
	limit := min(skip+anomalyPageSize+1, park.MaxListLimit)
	as, err := w.sys.Gate.ListAnomalies(r.Context(), l.Code, limit)
	if err != nil {
		return err
	}
	d := anomaliesData{Lot: l, Loc: l.Location()}
	if skip < len(as) {
		d.Anomalies = as[skip:min(len(as), skip+anomalyPageSize)]
		d.From, d.To = skip+1, skip+len(d.Anomalies)
	}
	link := func(skip int) string {
		u := Prefix + "lots/" + url.PathEscape(l.Code) + "/anomalies"
		if skip > 0 {
			u += "?" + url.Values{"skip": {strconv.Itoa(skip)}}.Encode()
		}
		return u
	}
	if skip > 0 {
		d.First = link(0)
	}
	switch {
	case len(as) > skip+anomalyPageSize:
		d.Next = link(skip + anomalyPageSize)
	case len(as) == park.MaxListLimit:
		d.Capped = park.MaxListLimit
	}
	w.render(rw, r, http.StatusOK, "anomalies", p, "overview", d)
	return nil
}
