package web

import (
	"net/http"
	"strings"
	"time"

	"parkd/internal/access"
	"parkd/internal/operators"
	"parkd/internal/park"
)

// The bookings page of a lot: partners' reservations on one day of the
// lot (those whose window overlaps it, the access subsystem's rule), by
// state and plate, latest window first. Read only.
func bookingsSection() section {
	return section{key: "booking_nav", lotPath: "bookings", routes: []route{
		{"GET " + Prefix + "lots/{lot}/bookings", (*Console).bookingsPage},
	}}
}

type bookingsData struct {
	Lot      *park.Lot
	Loc      *time.Location
	Day      string // yyyy-mm-dd in the lot's zone
	State    string
	Plate    string
	States   []string
	Bookings []*park.Reservation
	More     bool // the core had more than it returned
	Shown    int
	Refusal  *pageError // the filter refused, shown above it as typed
}

var bookingStates = []string{park.ReservationBooked, park.ReservationInside, park.ReservationDone,
	park.ReservationExpired, park.ReservationTerminated}

func (w *Console) bookingsPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	loc := l.Location()
	d := bookingsData{Lot: l, Loc: loc, State: q.Get("state"), Plate: strings.TrimSpace(q.Get("plate")),
		States: bookingStates, Shown: access.MaxLotReservations}
	day := w.now().In(loc)
	if s := q.Get("day"); s != "" {
		if day, err = time.ParseInLocation(time.DateOnly, s, loc); err != nil {
			err = park.Invalid("day", "must be a date (yyyy-mm-dd)")
		}
	}
	if err == nil {
		d.Day = day.Format(time.DateOnly)
		d.Bookings, d.More, err = w.sys.Access.LotReservations(r.Context(), access.LotReservationQuery{
			LotCode: l.Code, Day: day, State: d.State, Plate: d.Plate})
	}
	status := http.StatusOK
	if err != nil {
		if d.Refusal = refusedInput(p.Language, err); d.Refusal == nil {
			return err
		}
		status, d.Day, d.More = d.Refusal.Status, q.Get("day"), false
	}
	w.render(rw, r, status, "bookings", p, "overview", d)
	return nil
}
