package web

import (
	"net/http"
	"slices"
	"time"

	"parkd/internal/charging"
	"parkd/internal/operators"
	"parkd/internal/park"
)

// The chargers page of a lot: its chargers, what each last said, and
// each one's latest charging sessions under it (the charging subsystem's).
func chargersSection() section {
	return section{key: "chargers", lotPath: "chargers", routes: []route{
		{"GET " + Prefix + "lots/{lot}/chargers", (*Console).chargersPage},
		{"GET " + Prefix + "lots/{lot}/chargers/{id}", (*Console).chargerPage},
	}}
}

type chargersData struct {
	Lot      *park.Lot
	Loc      *time.Location
	Chargers []*park.Charger
	// Sessions are each charger's latest, by charger id, newest first.
	Sessions map[string][]*park.ChargeSession
	// Shown is how many of each charger's the page shows at most.
	Shown int
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
	d := chargersData{Lot: l, Loc: l.Location(), Chargers: cs, Shown: chargerSessions}
	if d.Sessions, err = w.sys.Charging.LatestSessionsOfLot(ctx, l.Code, chargerSessions); err != nil {
		return err
	}
	w.render(rw, r, http.StatusOK, "chargers", p, "overview", d)
	return nil
}

// portRow is one connector: its state by the core's rule
// (charging.PortState) beside what the charger last reported of it.
type portRow struct {
	charging.PortState
	Reported *park.ConnectorState
}

type chargerData struct {
	Lot      *park.Lot
	Loc      *time.Location
	Charger  *park.Charger
	Standard string // the price standard's name, "" when it is gone
	Ports    []portRow
	Commands []park.CommandResult  // newest first
	Sessions []*park.ChargeSession // newest first
	// Shown is how many sessions the page shows at most.
	Shown int
}

// chargerPageSessions is how many of its latest sessions a charger's page
// shows.
const chargerPageSessions = 20

// chargerPage is one charger of the lot: another lot's reads as one that
// does not exist.
func (w *Console) chargerPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	ctx, id := r.Context(), r.PathValue("id")
	c, err := w.sys.Charging.Charger(ctx, id)
	if err == nil && c.LotCode != l.Code {
		err = park.Errorf(park.ENotFound, "charger %q not found", id)
	}
	if err != nil {
		return notFoundAs(err, "charger", id)
	}
	d := chargerData{Lot: l, Loc: l.Location(), Charger: c, Commands: slices.Clone(c.Commands)}
	slices.Reverse(d.Commands)
	switch st, err := w.sys.Charging.StandardByID(ctx, c.StandardID); {
	case err == nil:
		d.Standard = st.Name
	case !park.IsCode(err, park.ENotFound):
		return err
	}
	ports, err := w.sys.Charging.PortStates(ctx, c)
	if err != nil {
		return err
	}
	for _, ps := range ports {
		row := portRow{PortState: ps}
		for i := range c.Ports {
			if c.Ports[i].Connector == ps.Connector {
				row.Reported = &c.Ports[i]
			}
		}
		d.Ports = append(d.Ports, row)
	}
	if d.Sessions, err = w.sys.Charging.LatestSessions(ctx, c.ID, chargerPageSessions); err != nil {
		return err
	}
	d.Shown = chargerPageSessions
	w.render(rw, r, http.StatusOK, "charger", p, "overview", d)
	return nil
}
