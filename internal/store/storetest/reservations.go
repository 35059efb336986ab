package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"parkd/internal/park"
)

func testReservations(t *testing.T, s park.Store) {
	t.Run("GateCommands", func(t *testing.T) { testGateCommands(t, s) })
	t.Run("LaneHolds", func(t *testing.T) { testLaneHolds(t, s) })
	t.Run("Orders", func(t *testing.T) { testReservationOrders(t, s) })
	t.Run("LotOrders", func(t *testing.T) { testLotReservations(t, s) })
}

func testGateCommands(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "G1")
	list := func(lot, lane string, limit int) []*park.GateCommand {
		t.Helper()
		var got []*park.GateCommand
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.ListGateCommands(ctx, lot, lane, limit); return }))
		return got
	}
	at := base.Add(987654321 * time.Nanosecond)
	// Ids are time-ordered (UUIDv7 in the service); here c1 < c2 < c3.
	for i, c := range []struct{ id, lane, cmd, result string }{
		{"c1", "in-1", park.GateOpen, park.GateDelivered},
		{"c2", "out-1", park.GateHoldOpen, park.GateUndelivered},
		{"c3", "in-1", park.GateClose, park.GateDelivered},
	} {
		must(t, update(t, s, func(tx park.Tx) error {
			return tx.InsertGateCommand(ctx, &park.GateCommand{ID: c.id, LotCode: "G1", Lane: c.lane, Command: c.cmd,
				By: "test", Reason: "reason " + c.id, At: at.Add(time.Duration(i) * time.Second), Result: c.result,
				Detail: map[bool]string{true: "no answer"}[c.result == park.GateUndelivered]})
		}))
	}
	all := list("G1", "", 10)
	if len(all) != 3 || all[0].ID != "c3" || all[1].ID != "c2" || all[2].ID != "c1" {
		t.Fatalf("all lanes, newest first: %+v", all)
	}
	c2 := all[1]
	if c2.LotCode != "G1" || c2.Lane != "out-1" || c2.Command != park.GateHoldOpen || c2.By != "test" ||
		c2.Reason != "reason c2" || c2.Result != park.GateUndelivered || c2.Detail != "no answer" ||
		!c2.At.Equal(at.Add(time.Second).Truncate(park.Precision)) || c2.At.Location() != time.UTC {
		t.Fatalf("command %+v", c2)
	}
	if in := list("G1", "in-1", 10); len(in) != 2 || in[0].ID != "c3" || in[1].ID != "c1" {
		t.Fatalf("lane in-1: %+v", in)
	}
	if got := list("G1", "", 1); len(got) != 1 || got[0].ID != "c3" {
		t.Fatalf("limit 1: %+v", got)
	}
	if got := list("nope", "", 10); len(got) != 0 {
		t.Fatalf("unknown lot: %+v", got)
	}
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.InsertGateCommand(ctx, &park.GateCommand{ID: "c1", LotCode: "G1", Lane: "in-1", Command: park.GateOpen, At: at, Result: park.GateDelivered})
	}), park.EConflict)
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.InsertGateCommand(ctx, &park.GateCommand{ID: "c9", LotCode: "nope", Lane: "in-1", Command: park.GateOpen, At: at, Result: park.GateDelivered})
	}), park.ENotFound)
}

func testLaneHolds(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "H1")
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.CreateLane(ctx, &park.Lane{LotCode: "H1", ID: "out-1", Direction: park.DirectionOut, CreatedAt: base})
	}))
	hold := func(lane string) *park.LaneHold {
		t.Helper()
		var got *park.LaneHold
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetLaneHold(ctx, "H1", lane); return }))
		return got
	}
	if h := hold("out-1"); h != nil {
		t.Fatalf("held before any hold: %+v", h)
	}
	since := base.Add(time.Minute + 1500*time.Nanosecond)
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.HoldLane(ctx, &park.LaneHold{LotCode: "H1", Lane: "out-1", By: "op", Since: since})
	}))
	if h := hold("out-1"); h == nil || h.By != "op" || h.Lane != "out-1" || !h.Since.Equal(since.Truncate(park.Precision)) {
		t.Fatalf("hold %+v", h)
	}
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.HoldLane(ctx, &park.LaneHold{LotCode: "H1", Lane: "out-1", Since: since})
	}), park.EConflict)
	var all []*park.LaneHold
	must(t, s.View(ctx, func(tx park.Tx) (err error) { all, err = tx.ListLaneHolds(ctx); return }))
	if len(all) != 1 || all[0].LotCode != "H1" || all[0].Lane != "out-1" || all[0].By != "op" {
		t.Fatalf("held lanes %+v", all)
	}
	// Only a lane that exists can be held.
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.HoldLane(ctx, &park.LaneHold{LotCode: "H1", Lane: "out-9", Since: since})
	}), park.ENotFound)
	must(t, update(t, s, func(tx park.Tx) error { return tx.ReleaseLane(ctx, "H1", "out-1") }))
	if h := hold("out-1"); h != nil {
		t.Fatalf("still held: %+v", h)
	}
	must(t, s.View(ctx, func(tx park.Tx) (err error) { all, err = tx.ListLaneHolds(ctx); return }))
	if len(all) != 0 {
		t.Fatalf("held lanes after release %+v", all)
	}
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.ReleaseLane(ctx, "H1", "out-1") }), park.ENotFound)
}

func newReservation(id, partner, lot, orderNo, plateKey string, from time.Time) *park.Reservation {
	return &park.Reservation{
		ID: id, PartnerID: partner, LotCode: lot, OrderNo: orderNo, Kind: park.ReservationShared,
		Plate: plateKey, PlateKey: plateKey, Mobile: "13800000000", UserName: "李四",
		From: from, To: from.Add(2 * time.Hour), Prepaid: 1500, MayEnter: true, MayExit: true,
		State: park.ReservationBooked, CreatedAt: base, UpdatedAt: base,
	}
}

func testReservationOrders(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "R1")
	seedLot(t, s, "R2")
	from := base.Add(3*time.Hour + 777*time.Nanosecond)
	r := newReservation("r1", "p1", "R1", "ORD-1", "京A12345", from)
	r.MayExit = false
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateReservation(ctx, r) }))
	if r.Version != 1 {
		t.Fatalf("version %d", r.Version)
	}
	get := func(fn func(tx park.Tx) (*park.Reservation, error)) *park.Reservation {
		t.Helper()
		var got *park.Reservation
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = fn(tx); return }))
		return got
	}
	same := func(got, want *park.Reservation) {
		t.Helper()
		g, w := *got, *want
		w.From, w.To = w.From.Truncate(park.Precision), w.To.Truncate(park.Precision)
		if g.From.Location() != time.UTC || g.CreatedAt.Location() != time.UTC {
			t.Fatalf("times not in UTC: %+v", g)
		}
		if !g.From.Equal(w.From) || !g.To.Equal(w.To) || !g.CreatedAt.Equal(w.CreatedAt) || !g.UpdatedAt.Equal(w.UpdatedAt) ||
			(g.TerminatedAt == nil) != (w.TerminatedAt == nil) || (g.TerminatedAt != nil && !g.TerminatedAt.Equal(w.TerminatedAt.Truncate(park.Precision))) {
			t.Fatalf("times %+v, want %+v", g, w)
		}
		g.From, g.To, g.CreatedAt, g.UpdatedAt, g.TerminatedAt = w.From, w.To, w.CreatedAt, w.UpdatedAt, w.TerminatedAt
		if fmt.Sprintf("%+v", g) != fmt.Sprintf("%+v", w) {
			t.Fatalf("got %+v\nwant %+v", g, w)
		}
	}
	same(get(func(tx park.Tx) (*park.Reservation, error) { return tx.GetReservation(ctx, "r1") }), r)
	same(get(func(tx park.Tx) (*park.Reservation, error) { return tx.FindReservation(ctx, "p1", "R1", "ORD-1") }), r)

	// The order number is unique per partner and lot only.
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.CreateReservation(ctx, newReservation("r9", "p1", "R1", "ORD-1", "京B1", from))
	}), park.EConflict)
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.CreateReservation(ctx, newReservation("r2", "p2", "R1", "ORD-1", "京A12345", from.Add(24*time.Hour)))
	}))
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.CreateReservation(ctx, newReservation("r3", "p1", "R2", "ORD-1", "京A12345", from))
	}))
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.CreateReservation(ctx, newReservation("r4", "p1", "nope", "ORD-4", "京A12345", from))
	}), park.ENotFound)
	for _, fn := range []func(tx park.Tx) error{
		func(tx park.Tx) error { _, err := tx.GetReservation(ctx, "nope"); return err },
		func(tx park.Tx) error { _, err := tx.FindReservation(ctx, "p2", "R2", "ORD-1"); return err },
	} {
		wantCode(t, s.View(ctx, fn), park.ENotFound)
	}
	taken := func(stayID string) string {
		t.Helper()
		var got []*park.Reservation
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.StayReservations(ctx, stayID); return }))
		ids := []string{}
		for _, g := range got {
			ids = append(ids, g.ID)
		}
		return fmt.Sprint(ids)
	}
	for _, id := range []string{"s1", ""} { // no stay took one yet; "" is no stay
		if got := taken(id); got != "[]" {
			t.Fatalf("reservations of stay %q: %s", id, got)
		}
	}

	// Booked reservations of a plate in a lot, earliest window first, of
	// those whose window has not ended.
	var booked []*park.Reservation
	must(t, s.View(ctx, func(tx park.Tx) (err error) {
		booked, err = tx.BookedReservations(ctx, "R1", "京A12345", from)
		return
	}))
	if len(booked) != 2 || booked[0].ID != "r1" || booked[1].ID != "r2" {
		t.Fatalf("booked %+v", booked)
	}
	must(t, s.View(ctx, func(tx park.Tx) (err error) {
		booked, err = tx.BookedReservations(ctx, "R1", "京A12345", from.Add(2*time.Hour)) // r1 ends then
		return
	}))
	if len(booked) != 1 || booked[0].ID != "r2" {
		t.Fatalf("booked once r1 ended %+v", booked)
	}

	// The car enters: linked to a stay, found by it.
	r.State, r.StayID, r.UpdatedAt = park.ReservationInside, "s1", base.Add(time.Hour)
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateReservation(ctx, r) }))
	if r.Version != 2 {
		t.Fatalf("version after update %d", r.Version)
	}
	var byStay []*park.Reservation
	must(t, s.View(ctx, func(tx park.Tx) (err error) { byStay, err = tx.StayReservations(ctx, "s1"); return }))
	if len(byStay) != 1 {
		t.Fatalf("reservations of s1: %+v", byStay)
	}
	same(byStay[0], r)
	must(t, s.View(ctx, func(tx park.Tx) (err error) {
		booked, err = tx.BookedReservations(ctx, "R1", "京A12345", from)
		return
	}))
	if len(booked) != 1 || booked[0].ID != "r2" {
		t.Fatalf("booked after entry %+v", booked)
	}
	// The same stay takes a later window too (its car stayed through it):
	// both are the stay's, earliest window first, and neither is booked.
	r2 := get(func(tx park.Tx) (*park.Reservation, error) { return tx.GetReservation(ctx, "r2") })
	r2.State, r2.StayID, r2.UpdatedAt = park.ReservationInside, "s1", base.Add(27*time.Hour)
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateReservation(ctx, r2) }))
	if got := taken("s1"); got != "[r1 r2]" {
		t.Fatalf("reservations of s1 after a second: %s", got)
	}
	must(t, s.View(ctx, func(tx park.Tx) (err error) {
		booked, err = tx.BookedReservations(ctx, "R1", "京A12345", from)
		return
	}))
	if len(booked) != 0 {
		t.Fatalf("booked after both were taken %+v", booked)
	}
	// A stale version loses; an unknown id is not found.
	stale := *r
	stale.Version = 1
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdateReservation(ctx, &stale) }), park.EConflict)
	ghost := *r
	ghost.ID = "nope"
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdateReservation(ctx, &ghost) }), park.ENotFound)
	// Terminated: the time is kept.
	end := base.Add(90*time.Minute + 5*time.Microsecond)
	r.State, r.TerminatedAt = park.ReservationTerminated, &end
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateReservation(ctx, r) }))
	same(get(func(tx park.Tx) (*park.Reservation, error) { return tx.GetReservation(ctx, "r1") }), r)

	// Listing by plate or mobile, one partner and lot, latest window first.
	list := func(f park.ReservationFilter) []string {
		t.Helper()
		var got []*park.Reservation
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.ListReservations(ctx, f); return }))
		ids := []string{}
		for _, g := range got {
			ids = append(ids, g.ID)
		}
		return ids
	}
	for _, c := range []struct {
		f    park.ReservationFilter
		want string
	}{
		{park.ReservationFilter{PartnerID: "p1", LotCode: "R1", PlateKey: "京A12345", Limit: 10}, "[r1]"},
		{park.ReservationFilter{PartnerID: "p2", LotCode: "R1", Mobile: "13800000000", Limit: 10}, "[r2]"},
		{park.ReservationFilter{PartnerID: "p1", LotCode: "R2", PlateKey: "京A12345", Mobile: "13800000000", Limit: 10}, "[r3]"},
		{park.ReservationFilter{PartnerID: "p1", LotCode: "R2", PlateKey: "京A12345", Mobile: "139", Limit: 10}, "[]"},
		{park.ReservationFilter{PartnerID: "p1", LotCode: "R1", Mobile: "139", Limit: 10}, "[]"},
		{park.ReservationFilter{PartnerID: "p3", LotCode: "R1", PlateKey: "京A12345", Limit: 10}, "[]"},
	} {
		if got := fmt.Sprint(list(c.f)); got != c.want {
			t.Errorf("list %+v: %s, want %s", c.f, got, c.want)
		}
	}
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.CreateReservation(ctx, newReservation("r5", "p2", "R1", "ORD-5", "京C5", from.Add(48*time.Hour)))
	}))
	if got := fmt.Sprint(list(park.ReservationFilter{PartnerID: "p2", LotCode: "R1", Mobile: "13800000000", Limit: 10})); got != "[r5 r2]" {
		t.Errorf("latest window first: %s", got)
	}
	if got := fmt.Sprint(list(park.ReservationFilter{PartnerID: "p2", LotCode: "R1", Mobile: "13800000000", Limit: 1})); got != "[r5]" {
		t.Errorf("limit 1: %s", got)
	}
	// A rolled-back reservation leaves nothing.
	_ = update(t, s, func(tx park.Tx) error {
		must(t, tx.CreateReservation(ctx, newReservation("r6", "p1", "R1", "ORD-6", "京D6", from)))
		return park.Errorf(park.EInvalid, "roll back")
	})
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetReservation(ctx, "r6"); return err }), park.ENotFound)
}

// A lot's orders of every partner, by window, state and plate.
func testLotReservations(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "R3")
	seedLot(t, s, "R4")
	day := base.Truncate(24 * time.Hour).Add(48 * time.Hour) // a day's start
	// a: 22:00 the day before to 00:00 (touches the day: not on it);
	// b: 23:00 the day before to 01:00, crossing into the day;
	// c: 10:00-12:00, inside; d: the next day; e: another lot.
	a := newReservation("a", "p1", "R3", "A", "京A1", day.Add(-2*time.Hour))
	b := newReservation("b", "p2", "R3", "B", "京B2", day.Add(-time.Hour))
	c := newReservation("c", "p1", "R3", "C", "京C3", day.Add(10*time.Hour))
	c.State = park.ReservationInside
	d := newReservation("d", "p1", "R3", "D", "京A1", day.Add(24*time.Hour))
	e := newReservation("e", "p1", "R4", "E", "京A1", day.Add(10*time.Hour))
	must(t, update(t, s, func(tx park.Tx) error {
		for _, r := range []*park.Reservation{a, b, c, d, e} {
			if err := tx.CreateReservation(ctx, r); err != nil {
				return err
			}
		}
		return nil
	}))
	list := func(f park.LotReservationFilter) string {
		t.Helper()
		var got []*park.Reservation
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.LotReservations(ctx, f); return }))
		ids := []string{}
		for _, g := range got {
			ids = append(ids, g.ID)
		}
		return fmt.Sprint(ids)
	}
	far := day.AddDate(100, 0, 0)
	onDay := park.LotReservationFilter{LotCode: "R3", FromBefore: day.Add(24 * time.Hour), ToAfter: day, ToBy: far, Limit: 10}
	for _, c := range []struct {
		name string
		f    func(f *park.LotReservationFilter)
		want string
	}{
		{"OnDay", func(*park.LotReservationFilter) {}, "[c b]"},
		{"Limit", func(f *park.LotReservationFilter) { f.Limit = 1 }, "[c]"},
		{"State", func(f *park.LotReservationFilter) { f.State = park.ReservationBooked }, "[b]"},
		{"Plate", func(f *park.LotReservationFilter) { f.PlateKey = "京C3" }, "[c]"},
		{"ToBy", func(f *park.LotReservationFilter) { f.ToBy = day.Add(time.Hour) }, "[b]"},
		{"Wide", func(f *park.LotReservationFilter) { f.ToAfter, f.FromBefore = day.Add(-48*time.Hour), far }, "[d c b a]"},
	} {
		f := onDay
		c.f(&f)
		if got := list(f); got != c.want {
			t.Errorf("%s %+v: %s, want %s", c.name, f, got, c.want)
		}
	}
}
