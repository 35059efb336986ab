package access_test

import (
	"fmt"
	"testing"
	"time"

	"parkd/internal/access"
	"parkd/internal/park"
)

// A lot's orders on a day of the lot (Shanghai): those whose window
// overlaps it, of every partner, the state as partners see it.
func TestLotReservations(t *testing.T) {
	b := setup(t)
	b.Clock.Set(t0) // 09:00 Shanghai
	night := b.order("NIGHT", "京N12345")
	night.From, night.To = t0.Add(14*time.Hour), t0.Add(18*time.Hour) // 23:00-03:00 next day
	b.sync(t, night)
	b.sync(t, b.order("MORNING", "京M12345")) // 10:00-12:00
	gone := b.order("GONE", "京G12345")
	gone.From, gone.To = t0.Add(-2*time.Hour), t0.Add(-time.Hour+time.Minute) // booked while open
	gone.PartnerID = "p2"
	b.Clock.Set(t0.Add(-3 * time.Hour))
	b.sync(t, gone)
	b.Clock.Set(t0)
	ids := func(q access.LotReservationQuery) string {
		t.Helper()
		q.LotCode = b.Lot
		rs, more, err := b.Sys.Access.LotReservations(b.Ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rs {
			out = append(out, r.OrderNo+":"+r.State)
		}
		return fmt.Sprint(out, more)
	}
	next := t0.Add(24 * time.Hour)
	for _, c := range []struct {
		name string
		q    access.LotReservationQuery
		want string
	}{
		{"Today", access.LotReservationQuery{Day: t0}, "[NIGHT:booked MORNING:booked GONE:expired] false"},
		{"NextDayHasTheNight", access.LotReservationQuery{Day: next}, "[NIGHT:booked] false"},
		{"Booked", access.LotReservationQuery{Day: t0, State: park.ReservationBooked}, "[NIGHT:booked MORNING:booked] false"},
		{"Expired", access.LotReservationQuery{Day: t0, State: park.ReservationExpired}, "[GONE:expired] false"},
		{"Plate", access.LotReservationQuery{Day: t0, Plate: "京m12345"}, "[MORNING:booked] false"},
	} {
		if got := ids(c.q); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	_, _, err := b.Sys.Access.LotReservations(b.Ctx, access.LotReservationQuery{LotCode: b.Lot, Day: t0, State: "lost"})
	wantCode(t, err, park.EInvalid)
	_, _, err = b.Sys.Access.LotReservations(b.Ctx, access.LotReservationQuery{LotCode: "NOPE", Day: t0})
	wantCode(t, err, park.ENotFound)
}

// A day with more orders than the page shows returns the latest
// MaxLotReservations and says there were more.
func TestLotReservationsMore(t *testing.T) {
	b := setup(t)
	b.Clock.Set(t0)
	for i := range access.MaxLotReservations + 1 {
		in := b.order(fmt.Sprintf("O-%03d", i), "京A12345")
		in.From = t0.Add(time.Hour + time.Duration(i)*time.Minute)
		b.sync(t, in)
	}
	rs, more, err := b.Sys.Access.LotReservations(b.Ctx, access.LotReservationQuery{LotCode: b.Lot, Day: t0})
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("O-%03d", access.MaxLotReservations); !more || len(rs) != access.MaxLotReservations || rs[0].OrderNo != want {
		t.Errorf("%d orders (first %s), more %v; want %d from %s and more", len(rs), rs[0].OrderNo, more, access.MaxLotReservations, want)
	}
}
