package storetest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"parkd/internal/park"
)

// testTickets: a stay inserted without a ticket gets one from the store:
// ten digits, its own in the lot, found by it, and not following the one
// issued before it. A stay that brings its own ticket (the sandbox's)
// cannot take one a stay of its lot holds.
func testTickets(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "TK1")
	seedLot(t, s, "TK2")
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreatePartner(ctx, newPartner("tk-one", "TK1")) }))
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreatePartner(ctx, newPartner("tk-both", "TK1", "TK2")) }))

	// 400 stays over four transactions and two lots, in issue order.
	var issued []*park.Stay
	for b := range 4 {
		lot := []string{"TK1", "TK1", "TK2", "TK1"}[b]
		must(t, update(t, s, func(tx park.Tx) error {
			for i := range 100 {
				st := newStay(lot, fmt.Sprintf("tk%d-%03d", b, i), fmt.Sprintf("京T%d%03d", b, i), "")
				if err := tx.InsertStay(ctx, st); err != nil {
					return err
				}
				issued = append(issued, st)
			}
			return nil
		}))
	}
	seen := map[string]string{}
	up := 0
	for i, st := range issued {
		n, err := strconv.ParseUint(st.Locator, 10, 64)
		if len(st.Locator) != 10 || err != nil || n < 1_000_000_000 {
			t.Fatalf("stay %s got ticket %q, want ten digits", st.ID, st.Locator)
		}
		if other, dup := seen[st.Locator]; dup {
			t.Fatalf("stays %s and %s both got ticket %s", other, st.ID, st.Locator)
		}
		seen[st.Locator] = st.ID
		if i > 0 && st.Locator > issued[i-1].Locator {
			up++
		}
	}
	// Unrelated tickets: the next one is greater about half the time
	// (399 pairs, standard deviation 10).
	if up < 140 || up > 260 {
		t.Errorf("%d of 399 next tickets greater than the one before: tickets follow each other", up)
	}

	find := func(lot, locator string) (*park.Stay, error) {
		var got *park.Stay
		err := s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetStayByLocator(ctx, lot, locator); return })
		return got, err
	}
	for _, st := range issued {
		got, err := find(st.LotCode, st.Locator)
		if err != nil || got.ID != st.ID {
			t.Fatalf("ticket %s of %s: %v, %v", st.Locator, st.ID, got, err)
		}
	}
	one := issued[0] // of TK1
	if _, err := find("TK2", one.Locator); !park.IsCode(err, park.ENotFound) {
		t.Errorf("ticket %s of lot TK1 looked up in TK2: %v, want not found", one.Locator, err)
	}

	// The sandbox brings its own ticket: not one of the lot's...
	dup := newStay("TK1", "tk-dup", "京T9999", one.Locator)
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.InsertStay(ctx, dup) }), park.EConflict)
	if got, err := find("TK1", one.Locator); err != nil || got.ID != one.ID {
		t.Errorf("after the refused insert, ticket %s is %v, %v; want %s", one.Locator, got, err, one.ID)
	}
	// ... but another lot's is free, and each lot finds its own.
	other := newStay("TK2", "tk-other", "京T9998", one.Locator)
	other.EntryAt = base.Add(time.Hour)
	must(t, update(t, s, func(tx park.Tx) error { return tx.InsertStay(ctx, other) }))
	for lot, want := range map[string]string{"TK1": one.ID, "TK2": other.ID} {
		if got, err := find(lot, one.Locator); err != nil || got.ID != want {
			t.Errorf("ticket %s in %s: %v, %v; want %s", one.Locator, lot, got, err, want)
		}
	}
	// A partner's look-up by ticket: its lots only, newest entry first.
	for partner, want := range map[string][]string{"tk-one": {one.ID}, "tk-both": {other.ID, one.ID}} {
		var got []*park.Stay
		must(t, s.View(ctx, func(tx park.Tx) (err error) {
			got, err = tx.ListPartnerStaysByLocator(ctx, partner, one.Locator)
			return
		}))
		var ids []string
		for _, g := range got {
			ids = append(ids, g.ID)
		}
		if !slices.Equal(ids, want) {
			t.Errorf("%s by ticket %s: %v, want %v", partner, one.Locator, ids, want)
		}
	}

	// A stay that left keeps its ticket.
	must(t, update(t, s, func(tx park.Tx) error {
		st, err := tx.GetStay(ctx, one.ID)
		if err != nil {
			return err
		}
		at := base.Add(2 * time.Hour)
		st.State, st.ExitAt, st.ExitLane = park.StayOut, &at, "out-1"
		return tx.UpdateStay(ctx, st)
	}))
	if got, err := find("TK1", one.Locator); err != nil || got.ID != one.ID || got.State != park.StayOut {
		t.Errorf("ticket %s after the exit: %v, %v", one.Locator, got, err)
	}
}
