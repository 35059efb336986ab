package access_test

import (
	"fmt"
	"testing"
	"time"

	"parkd/internal/park"
)

var nightSlots = []park.Slot{{From: "19:00", To: "08:00"}}

func TestPlans(t *testing.T) {
	b := setup(t)
	night, err := b.Sys.Access.CreatePlan(b.Ctx, b.Lot, &park.Plan{Code: "night", Name: "夜间月租", Price: 15000, Slots: nightSlots})
	if err != nil || night.Version != 1 || night.LotCode != b.Lot {
		t.Fatalf("create %+v, %v", night, err)
	}
	for _, c := range []struct {
		name  string
		plan  park.Plan
		field string
	}{
		{"bad code", park.Plan{Code: "a b", Name: "x"}, "code"},
		{"no name", park.Plan{Code: "x"}, "name"},
		{"negative price", park.Plan{Code: "x", Name: "x", Price: -1}, "price"},
		{"bad class", park.Plan{Code: "x", Name: "x", VehicleClass: "truck"}, "vehicle_class"},
		{"bad slot", park.Plan{Code: "x", Name: "x", Slots: []park.Slot{{From: "25:00", To: "08:00"}}}, "slots"},
		{"empty slot", park.Plan{Code: "x", Name: "x", Slots: []park.Slot{{From: "08:00", To: "08:00"}}}, "slots"},
	} {
		_, err := b.Sys.Access.CreatePlan(b.Ctx, b.Lot, &c.plan)
		if pe, ok := err.(*park.Error); !ok || pe.Code != park.EInvalid || pe.Field != c.field {
			t.Errorf("%s: %v, want invalid %s", c.name, err, c.field)
		}
	}
	_, err = b.Sys.Access.CreatePlan(b.Ctx, b.Lot, &park.Plan{Code: "night", Name: "again"})
	wantCode(t, err, park.EConflict)
	_, err = b.Sys.Access.CreatePlan(b.Ctx, "nope", &park.Plan{Code: "x", Name: "x"})
	wantCode(t, err, park.ENotFound)

	// A pass on the plan takes its slots, whatever it said itself.
	ps, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "王芳", Plates: []string{"京C12345"}, Plan: "night",
		Slots: []park.Slot{{From: "00:00", To: "24:00"}}, ValidFrom: t0, ValidTo: t0.AddDate(0, 1, 0)})
	if err != nil || fmt.Sprint(ps.Slots) != fmt.Sprint(nightSlots) {
		t.Fatalf("pass %+v, %v", ps, err)
	}
	// A plan's new slots reach its passes.
	evening := []park.Slot{{From: "18:00", To: "07:00"}}
	if _, err := b.Sys.Access.UpdatePlan(b.Ctx, b.Lot, "night", func(p *park.Plan) error { p.Slots = evening; return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Sys.Access.GetPass(b.Ctx, b.Lot, ps.ID); fmt.Sprint(got.Slots) != fmt.Sprint(evening) {
		t.Fatalf("pass slots %v after the plan changed", got.Slots)
	}
	_, err = b.Sys.Access.UpdatePlan(b.Ctx, b.Lot, "night", func(p *park.Plan) error { p.Price = -5; return nil })
	wantCode(t, err, park.EInvalid)
	if got, _ := b.Sys.Access.GetPlan(b.Ctx, b.Lot, "night"); got.Price != 15000 {
		t.Fatalf("a refused update changed the price to %d", got.Price)
	}
	all, err := b.Sys.Access.ListPlans(b.Ctx, "", b.Lot)
	if err != nil || len(all) != 1 {
		t.Fatalf("list %v, %v", all, err)
	}
	if err := b.Sys.Access.DeletePlan(b.Ctx, b.Lot, "night"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, b.Sys.Access.DeletePlan(b.Ctx, b.Lot, "night"), park.ENotFound)
	if got, _ := b.Sys.Access.GetPass(b.Ctx, b.Lot, ps.ID); fmt.Sprint(got.Slots) != fmt.Sprint(evening) || got.Plan != "night" {
		t.Fatalf("deleting the plan changed its pass: %+v", got)
	}
}

// nightPass: a 19:00-08:00 pass for 京N12345 valid 2026-11-22 00:00 to
// 2026-11-25 00:00 Shanghai, with the clock at 2026-11-26 12:00.
func nightPass(t *testing.T, capacity int) *bundle {
	b := setup(t)
	b.Lot = "140123002"
	b.CreateLot(t, b.Lot, capacity, park.MissedEntryHold)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	b.Clock.Set(time.Date(2026, 11, 26, 12, 0, 0, 0, sh))
	if _, err := b.Sys.Access.CreatePlan(b.Ctx, b.Lot, &park.Plan{Code: "night", Name: "夜间", Price: 15000, Slots: nightSlots}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "王芳", Plates: []string{"京N12345"}, Plan: "night",
		ValidFrom: time.Date(2026, 11, 22, 0, 0, 0, 0, sh), ValidTo: time.Date(2026, 11, 25, 0, 0, 0, 0, sh)}); err != nil {
		t.Fatal(err)
	}
	return b
}

// live reports a camera read as the car passes: the clock is moved to at
// first, since the stories below run days before nightPass's clock and a
// live read dated that far back is taken as a wrong lane clock.
func (b *bundle) live(t *testing.T, typ, plateText string, at time.Time) park.Decision {
	t.Helper()
	b.Clock.Set(at)
	return b.Event(t, typ, plateText, at)
}

// TestSlotPassPaysOutsideItsSlots: prices by the test tariff (200 per
// started 30 minutes, blocks restarting after free time).
func TestSlotPassPaysOutsideItsSlots(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := func(d, hh, mm int) time.Time { return time.Date(2026, 11, d, hh, mm, 0, 0, sh) }
	for _, c := range []struct {
		name        string
		entry, exit time.Time
		reason      string
		due         int64
	}{
		// 18:00-19:00: 2 blocks; 08:00-09:10: 3 blocks; 5 × 200.
		{"evening to morning", at(22, 18, 0), at(23, 9, 10), park.ReasonPaymentRequired, 1000},
		{"inside the slot", at(22, 20, 0), at(23, 7, 30), park.ReasonPass, 0},
		// 14:00-16:00 is all outside the slot: 4 blocks.
		{"daytime", at(23, 14, 0), at(23, 16, 0), park.ReasonPaymentRequired, 800},
		// The pass ends Nov 25 00:00: only 20:00-24:00 is free; 00:00 to
		// 21:00 on the 25th is billed, 21 hours = 42 blocks (the slot of
		// the 25th is after the pass).
		{"across the pass's end", at(24, 20, 0), at(25, 21, 0), park.ReasonPaymentRequired, 8400},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := nightPass(t, 10)
			b.live(t, park.EventEntry, "京N12345", c.entry)
			d := b.live(t, park.EventExit, "京N12345", c.exit)
			decision := park.DecisionOpen
			if c.due > 0 {
				decision = park.DecisionHold
			}
			wantDecision(t, d, decision, c.reason, c.due)
		})
	}
}

// TestSlotPassEntryWhenFull: inside its slots a slot pass enters a full
// lot; outside them it waits like a visitor. Either way its car holds the
// pass's space.
func TestSlotPassEntryWhenFull(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	b := nightPass(t, 1)
	b.live(t, park.EventEntry, "京B00001", time.Date(2026, 11, 23, 10, 0, 0, 0, sh)) // fills the lot
	wantDecision(t, b.live(t, park.EventEntry, "京N12345", time.Date(2026, 11, 23, 14, 0, 0, 0, sh)),
		park.DecisionHold, park.ReasonLotFull, 0)
	d := b.live(t, park.EventEntry, "京N12345", time.Date(2026, 11, 23, 19, 30, 0, 0, sh))
	wantDecision(t, d, park.DecisionOpen, park.ReasonPass, 0)
	if st := b.Stay(t, d.StayID); st.PassID == "" {
		t.Fatal("the car does not hold its pass's space")
	}

}

// TestSlotPassEntryOutsideItsSlots: with room, a car entering outside its
// slots is let in as a visitor but keeps the pass: its slot time is free
// at exit. 17:00-19:00 is 4 blocks × 200; 19:00-21:00 free.
func TestSlotPassEntryOutsideItsSlots(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	b2 := nightPass(t, 10)
	d := b2.live(t, park.EventEntry, "京N12345", time.Date(2026, 11, 23, 17, 0, 0, 0, sh))
	wantDecision(t, d, park.DecisionOpen, park.ReasonVisitor, 0)
	wantDecision(t, b2.live(t, park.EventExit, "京N12345", time.Date(2026, 11, 23, 21, 0, 0, 0, sh)),
		park.DecisionHold, park.ReasonPaymentRequired, 800)
}
