package web

import (
	"net/http"
	"sort"
	"time"

	"parkd/internal/operators"
	"parkd/internal/park"
)

// The chargers page of a lot: its chargers, what each last said, and
// their latest charging sessions (the charging subsystem's).
func chargersSection() section {
	return section{key: "chargers", lotPath: "chargers", routes: []route{
		{"GET " + Prefix + "lots/{lot}/chargers", (*Console).chargersPage},
	}}
}

type chargersData struct {
	Lot      *park.Lot
	Loc      *time.Location
	Chargers []*park.Charger
	Sessions []*park.ChargeSession
}

// chargerSessions is how many of each charger's latest sessions the page
// shows.
const chargerSessions = 5

func (w *Console) chargersPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	ctx := r.Context()
	cs, err := w.sys.Charging.Chargers(ctx, l.Code)
	if err != nil {
		return err
	}
	d := chargersData{Lot: l, Loc: l.Location(), Chargers: cs}
	for _, c := range cs {
		page, err := w.sys.Charging.Sessions(ctx, park.ChargeSessionFilter{ChargerID: c.ID, Limit: chargerSessions}, 0)
		if err != nil {
			return err
		}
		d.Sessions = append(d.Sessions, page.Sessions...)
	}
	sort.SliceStable(d.Sessions, func(i, j int) bool { return d.Sessions[i].UpdatedAt.After(d.Sessions[j].UpdatedAt) })
	w.render(rw, r, http.StatusOK, "chargers", p, "overview", d)
	return nil
}
