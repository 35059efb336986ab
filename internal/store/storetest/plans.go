package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"parkd/internal/park"
)

func testPlans(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	night := []park.Slot{{From: "19:00", To: "08:00"}, {From: "12:00", To: "14:00"}}
	p := &park.Plan{LotCode: "L1", Code: "night", Name: "夜间月租", Price: 15000, VehicleClass: "small",
		Slots: night, CreatedAt: base, UpdatedAt: base}
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreatePlan(ctx, p) }))
	get := func(lot, code string) (*park.Plan, error) {
		var got *park.Plan
		err := s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetPlan(ctx, lot, code); return })
		return got, err
	}
	got, err := get("L1", "night")
	must(t, err)
	if got.Name != p.Name || got.Price != 15000 || got.VehicleClass != "small" || fmt.Sprint(got.Slots) != fmt.Sprint(night) ||
		!got.CreatedAt.Equal(base.Truncate(park.Precision)) || got.Version != 1 {
		t.Fatalf("got %+v", got)
	}
	t.Run("CodeIsPerLot", func(t *testing.T) {
		dup := *p
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.CreatePlan(ctx, &dup) }), park.EConflict)
		other := *p
		other.LotCode, other.Slots = "L2", nil
		must(t, update(t, s, func(tx park.Tx) error { return tx.CreatePlan(ctx, &other) }))
		if _, err := get("L2", "night"); err != nil {
			t.Fatal(err)
		}
		if _, err := get("L1", "nope"); !park.IsCode(err, park.ENotFound) {
			t.Fatalf("unknown plan: %v", err)
		}
		unknownLot := *p
		unknownLot.LotCode = "nope"
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.CreatePlan(ctx, &unknownLot) }), park.ENotFound)
	})
	t.Run("ListOrderedByCode", func(t *testing.T) {
		std := &park.Plan{LotCode: "L1", Code: "a-std", Name: "标准月租", Price: 30000, CreatedAt: base, UpdatedAt: base}
		must(t, update(t, s, func(tx park.Tx) error { return tx.CreatePlan(ctx, std) }))
		var all []*park.Plan
		must(t, s.View(ctx, func(tx park.Tx) (err error) { all, err = tx.ListPlans(ctx, "L1"); return }))
		if len(all) != 2 || all[0].Code != "a-std" || all[1].Code != "night" || len(all[0].Slots) != 0 {
			t.Fatalf("list %+v", all)
		}
	})
	t.Run("UpdateIsVersioned", func(t *testing.T) {
		stale := *p
		p.Price, p.Slots, p.UpdatedAt = 16000, night[:1], base.Add(time.Hour)
		must(t, update(t, s, func(tx park.Tx) error { return tx.UpdatePlan(ctx, p) }))
		got, err := get("L1", "night")
		must(t, err)
		if got.Price != 16000 || len(got.Slots) != 1 || got.Version != 2 || p.Version != 2 {
			t.Fatalf("updated %+v", got)
		}
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdatePlan(ctx, &stale) }), park.EConflict)
		gone := *p
		gone.Code = "nope"
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdatePlan(ctx, &gone) }), park.ENotFound)
	})
	t.Run("Delete", func(t *testing.T) {
		must(t, update(t, s, func(tx park.Tx) error { return tx.DeletePlan(ctx, "L2", "night") }))
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.DeletePlan(ctx, "L2", "night") }), park.ENotFound)
		if _, err := get("L1", "night"); err != nil {
			t.Fatalf("another lot's plan went too: %v", err)
		}
	})
	t.Run("PassSlots", func(t *testing.T) {
		ps := &park.Pass{ID: "slot1", LotCode: "L1", HolderName: "王芳", Plates: []string{"京C11111"},
			PlateKeys: []string{"京C11111"}, Spaces: 1, ValidFrom: base, ValidTo: base.AddDate(0, 1, 0),
			Plan: "night", Slots: night, CreatedAt: base, UpdatedAt: base}
		must(t, update(t, s, func(tx park.Tx) error { return tx.CreatePass(ctx, ps) }))
		var got *park.Pass
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetPass(ctx, "slot1"); return }))
		if fmt.Sprint(got.Slots) != fmt.Sprint(night) {
			t.Fatalf("slots %v", got.Slots)
		}
		ps.Slots = nil
		must(t, update(t, s, func(tx park.Tx) error { return tx.UpdatePass(ctx, ps) }))
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.FindPassByPlate(ctx, "L1", "京C11111"); return }))
		if len(got.Slots) != 0 {
			t.Fatalf("slots kept after update: %v", got.Slots)
		}
	})
	t.Run("Renewals", func(t *testing.T) {
		r := &park.Renewal{ID: "r1", LotCode: "L1", PassID: "slot1", PlanCode: "night", Months: 3, Amount: 48000,
			PassValidTo: base, StartsAt: base, ValidTo: base.AddDate(0, 3, 0), CreatedAt: base, ExpiresAt: base.Add(5 * time.Minute)}
		must(t, update(t, s, func(tx park.Tx) error { return tx.InsertRenewal(ctx, r) }))
		wantCode(t, update(t, s, func(tx park.Tx) error { dup := *r; return tx.InsertRenewal(ctx, &dup) }), park.EConflict)
		getR := func(id string) (*park.Renewal, error) {
			var got *park.Renewal
			err := s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetRenewal(ctx, id); return })
			return got, err
		}
		got, err := getR("r1")
		must(t, err)
		if got.PaidAt != nil || got.Months != 3 || !got.StartsAt.Equal(base.Truncate(park.Precision)) || got.Amount != 48000 || !got.ExpiresAt.Equal(r.ExpiresAt.Truncate(park.Precision)) {
			t.Fatalf("renewal %+v", got)
		}
		if _, err := getR("nope"); !park.IsCode(err, park.ENotFound) {
			t.Fatalf("unknown renewal: %v", err)
		}
		paid := base.Add(time.Minute)
		stale := *got
		got.PaidAt, got.Payer, got.Reference, got.Method = &paid, "app", "T1", "WX"
		must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateRenewal(ctx, got) }))
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdateRenewal(ctx, &stale) }), park.EConflict)
		var byRef *park.Renewal
		must(t, s.View(ctx, func(tx park.Tx) (err error) { byRef, err = tx.GetRenewalByReference(ctx, "app", "T1"); return }))
		if byRef.ID != "r1" || byRef.PaidAt == nil || !byRef.PaidAt.Equal(paid.Truncate(park.Precision)) || byRef.Method != "WX" {
			t.Fatalf("by reference %+v", byRef)
		}
		err = s.View(ctx, func(tx park.Tx) error { _, err := tx.GetRenewalByReference(ctx, "other", "T1"); return err })
		wantCode(t, err, park.ENotFound)
		// One reference pays one renewal.
		r2 := &park.Renewal{ID: "r2", LotCode: "L1", PassID: "slot1", PlanCode: "night", Months: 1, Amount: 16000,
			PassValidTo: base, StartsAt: base, ValidTo: base.AddDate(0, 1, 0), CreatedAt: base, ExpiresAt: base.Add(5 * time.Minute)}
		must(t, update(t, s, func(tx park.Tx) error { return tx.InsertRenewal(ctx, r2) }))
		r2.PaidAt, r2.Payer, r2.Reference = &paid, "app", "T1"
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdateRenewal(ctx, r2) }), park.EConflict)

		// Lapses: only paid renewals that started after the pass's end.
		lapses := func(pass string) []park.Period {
			var out []park.Period
			must(t, s.View(ctx, func(tx park.Tx) (err error) { out, err = tx.PassLapses(ctx, pass); return }))
			return out
		}
		if got := lapses("slot1"); len(got) != 0 { // r1 started at the pass's end
			t.Fatalf("lapses %v, want none", got)
		}
		gapFrom, gapTo := base.AddDate(0, 3, 0), base.AddDate(0, 3, 2)
		for _, x := range []*park.Renewal{
			{ID: "r3", PassValidTo: gapFrom, StartsAt: gapTo, PaidAt: &paid, Payer: "app", Reference: "T3"}, // a lapse of two days
			{ID: "r4", PassValidTo: gapFrom, StartsAt: gapTo.Add(time.Hour)},                                // unpaid: no lapse
		} {
			x.LotCode, x.PassID, x.PlanCode, x.Months, x.Amount = "L1", "slot1", "night", 1, 16000
			x.ValidTo, x.CreatedAt, x.ExpiresAt = gapTo.AddDate(0, 1, 0), base, base.Add(5*time.Minute)
			must(t, update(t, s, func(tx park.Tx) error { return tx.InsertRenewal(ctx, x) }))
		}
		got2 := lapses("slot1")
		if len(got2) != 1 || !got2[0].From.Equal(gapFrom.Truncate(park.Precision)) || !got2[0].To.Equal(gapTo.Truncate(park.Precision)) {
			t.Fatalf("lapses %v, want [%v, %v)", got2, gapFrom, gapTo)
		}
		if got := lapses("other"); len(got) != 0 {
			t.Fatalf("another pass's lapses %v", got)
		}

		// Terms: by Until; a second one with the same Until is ignored.
		terms := func(pass string) []park.PassTerm {
			var out []park.PassTerm
			must(t, s.View(ctx, func(tx park.Tx) (err error) { out, err = tx.PassTerms(ctx, pass); return }))
			return out
		}
		later, sooner := base.AddDate(0, 2, 0), base.AddDate(0, 1, 0)
		night := []park.Slot{{From: "19:00", To: "08:00"}}
		for _, x := range []park.PassTerm{{Until: later, Plan: "night", Slots: night}, {Until: sooner, Plan: "std"},
			{Until: later, Plan: "ignored"}} {
			must(t, update(t, s, func(tx park.Tx) error { return tx.InsertPassTerm(ctx, "slot1", x) }))
		}
		got3 := terms("slot1")
		if len(got3) != 2 || !got3[0].Until.Equal(sooner.Truncate(park.Precision)) || got3[0].Plan != "std" || len(got3[0].Slots) != 0 ||
			!got3[1].Until.Equal(later.Truncate(park.Precision)) || got3[1].Plan != "night" || !slices.Equal(got3[1].Slots, night) {
			t.Fatalf("terms %+v", got3)
		}
		if got := terms("other"); len(got) != 0 {
			t.Fatalf("another pass's terms %v", got)
		}

		// A pass deleted takes its terms with it: none is left behind
		// for a copy (migrate --to) to carry, or for a pass to inherit.
		must(t, update(t, s, func(tx park.Tx) error { return tx.DeletePass(ctx, "slot1") }))
		if got := terms("slot1"); len(got) != 0 {
			t.Fatalf("a deleted pass's terms %+v, want none", got)
		}
	})
}
