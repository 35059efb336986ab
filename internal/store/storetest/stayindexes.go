package storetest

import (
	"context"
	"testing"
	"time"

	"parkd/internal/park"
)

// testStayChangedAfterRead changes a stay in the transaction that read it,
// as the core does, one kind of change at a time, and finds it afterwards
// by every way a stay is looked up: by plate inside, by state, by plate,
// by its pass, by its exit time. A store that writes only the index
// entries a change moves must still move each one it does.
func testStayChangedAfterRead(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	must(t, update(t, s, func(tx park.Tx) error { return tx.InsertStay(ctx, newStay("L1", "s1", "K1", "1000000001")) }))
	change := func(read func(tx park.Tx) (*park.Stay, error), fn func(*park.Stay)) {
		t.Helper()
		must(t, update(t, s, func(tx park.Tx) error {
			st, err := read(tx)
			if err != nil {
				return err
			}
			fn(st)
			return tx.UpdateStay(ctx, st)
		}))
	}
	ids := func(f park.StayFilter) string {
		t.Helper()
		var got []*park.Stay
		f.LotCode, f.Limit = "L1", 10
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.ListStays(ctx, f); return }))
		out := ""
		for _, st := range got {
			out += st.ID + " "
		}
		return out
	}
	inside := func(plateKey string) *park.Stay {
		t.Helper()
		var got *park.Stay
		err := s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.FindInside(ctx, "L1", plateKey); return })
		if park.IsCode(err, park.ENotFound) {
			return nil
		}
		must(t, err)
		return got
	}
	forPass := func(pass string) int {
		t.Helper()
		var n int
		must(t, s.View(ctx, func(tx park.Tx) (err error) { n, err = tx.CountInsideForPass(ctx, pass); return }))
		return n
	}
	byPlate := func(tx park.Tx) (*park.Stay, error) { return tx.FindInside(ctx, "L1", "K1") }

	// A payment: amounts only, twice in one transaction.
	must(t, update(t, s, func(tx park.Tx) error {
		st, err := byPlate(tx)
		if err != nil {
			return err
		}
		for _, paid := range []int64{300, 500} {
			st.Total, st.Paid = paid, paid
			if err := tx.UpdateStay(ctx, st); err != nil {
				return err
			}
		}
		return nil
	}))
	if st := inside("K1"); st == nil || st.Paid != 500 || st.Version != 3 {
		t.Fatalf("after two payments: %+v, want paid 500 at version 3", st)
	}
	if got := ids(park.StayFilter{State: park.StayIn}); got != "s1 " {
		t.Fatalf("inside after payments: %q", got)
	}

	// A pass becomes the car's while it is inside.
	change(func(tx park.Tx) (*park.Stay, error) { return tx.GetStay(ctx, "s1") }, func(st *park.Stay) { st.PassID = "p1" })
	if n := forPass("p1"); n != 1 {
		t.Fatalf("cars of pass p1 inside: %d, want 1", n)
	}

	// The plate read wrong at entry is corrected.
	change(func(tx park.Tx) (*park.Stay, error) { return tx.GetStayByLocator(ctx, "L1", "1000000001") },
		func(st *park.Stay) { st.Plate, st.PlateKey = "K2", "K2" })
	if inside("K1") != nil || inside("K2") == nil {
		t.Fatal("after the plate's correction the car is not found inside by its new plate only")
	}
	if old, now := ids(park.StayFilter{PlateKey: "K1"}), ids(park.StayFilter{PlateKey: "K2"}); old != "" || now != "s1 " {
		t.Fatalf("stays by plate after the correction: K1 %q, K2 %q", old, now)
	}

	// It leaves.
	exit := base.Add(2 * time.Hour)
	change(func(tx park.Tx) (*park.Stay, error) { return tx.FindInside(ctx, "L1", "K2") },
		func(st *park.Stay) { st.State, st.ExitAt, st.ExitLane = park.StayOut, &exit, "out-1" })
	if inside("K2") != nil || forPass("p1") != 0 {
		t.Fatal("the car that left is still inside")
	}
	if in, out := ids(park.StayFilter{State: park.StayIn}), ids(park.StayFilter{State: park.StayOut}); in != "" || out != "s1 " {
		t.Fatalf("stays by state after the exit: in %q, out %q", in, out)
	}
	var sums map[string]park.DaySums
	must(t, s.View(ctx, func(tx park.Tx) (err error) {
		sums, err = tx.SumStaysLeft(ctx, []string{"L1"}, exit.Add(-time.Minute), exit.Add(time.Minute))
		return
	}))
	if left := sums["L1"]; left.Left != 1 || left.Paid != 500 {
		t.Fatalf("stays left around the exit: %+v, want 1 that paid 500", sums)
	}

	// A stay inserted and closed in one transaction.
	must(t, update(t, s, func(tx park.Tx) error {
		st := newStay("L1", "s2", "K3", "1000000002")
		if err := tx.InsertStay(ctx, st); err != nil {
			return err
		}
		st.State, st.ExitAt = park.StayOut, &exit
		return tx.UpdateStay(ctx, st)
	}))
	if inside("K3") != nil {
		t.Fatal("a stay closed in the transaction that opened it is inside")
	}
	if out := ids(park.StayFilter{State: park.StayOut}); out != "s1 s2 " {
		t.Fatalf("stays out: %q", out)
	}
}

// testSessionChangedAfterRead does for a charge session what
// testStayChangedAfterRead does for a stay: started, billed at a reading,
// then stopped, each in the transaction that read it.
func testSessionChangedAfterRead(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	must(t, update(t, s, func(tx park.Tx) error {
		if err := tx.CreateCharger(ctx, &park.Charger{ID: "CP", LotCode: "L1", Connectors: 1, CreatedAt: base, UpdatedAt: base}); err != nil {
			return err
		}
		return tx.InsertChargeSession(ctx, &park.ChargeSession{ID: "S1", ChargerID: "CP", Connector: 1, LotCode: "L1",
			Status: park.SessionPending, CreatedAt: base, UpdatedAt: base})
	}))
	change := func(fn func(*park.ChargeSession)) {
		t.Helper()
		must(t, update(t, s, func(tx park.Tx) error {
			cs, err := tx.OpenChargeSession(ctx, "CP", 1)
			if park.IsCode(err, park.ENotFound) {
				cs, err = tx.GetChargeSession(ctx, "S1")
			}
			if err != nil {
				return err
			}
			fn(cs)
			return tx.UpdateChargeSession(ctx, cs)
		}))
	}
	find := func() (open, byTx *park.ChargeSession) {
		t.Helper()
		must(t, s.View(ctx, func(tx park.Tx) error {
			var err error
			if open, err = tx.OpenChargeSession(ctx, "CP", 1); park.IsCode(err, park.ENotFound) {
				open, err = nil, nil
			}
			if err != nil {
				return err
			}
			if byTx, err = tx.GetChargeSessionByTransaction(ctx, "CP", 7); park.IsCode(err, park.ENotFound) {
				byTx, err = nil, nil
			}
			return err
		}))
		return open, byTx
	}
	change(func(cs *park.ChargeSession) { cs.Status, cs.TransactionID = park.SessionCharging, 7 })
	if open, byTx := find(); open == nil || byTx == nil || open.Status != park.SessionCharging {
		t.Fatalf("started: open %+v, by transaction %+v", open, byTx)
	}
	change(func(cs *park.ChargeSession) { cs.Amount, cs.UpdatedAt = 120, base.Add(time.Minute) })
	if open, byTx := find(); open == nil || byTx == nil || open.Amount != 120 || !open.UpdatedAt.Equal(base.Add(time.Minute)) {
		t.Fatalf("billed at a reading: open %+v, by transaction %+v", open, byTx)
	}
	change(func(cs *park.ChargeSession) { cs.Status = park.SessionEnded })
	if open, byTx := find(); open != nil || byTx == nil || byTx.Status != park.SessionEnded || byTx.Amount != 120 {
		t.Fatalf("stopped: open %+v, by transaction %+v", open, byTx)
	}
}
