package access_test

import (
	"testing"
	"time"

	"parkd/internal/access"
	"parkd/internal/park"
)

// renewOnce quotes and pays months of plan ("" : the pass's own) for the
// pass, and returns the paid renewal.
func (b *bundle) renewOnce(t *testing.T, passID, plan string, months int, ref string) *park.Renewal {
	t.Helper()
	r, _, err := b.Sys.Access.QuoteRenewal(b.Ctx, access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{ID: passID}, Months: months, Plan: plan})
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.Sys.Access.PayRenewal(b.Ctx, access.RenewalPayment{Lot: b.Lot, ID: r.ID, Amount: r.Amount, Payer: "p1", Reference: ref})
	if err != nil {
		t.Fatal(err)
	}
	return res.Renewal
}

// TestRenewalsKeepTheAnchorDay: a pass that started on Jan 31, renewed a
// month at a time, ends on each month's last day: the months count from
// its Jan 31, not from the Feb 28 the first clamp made of it.
func TestRenewalsKeepTheAnchorDay(t *testing.T) {
	b := setup(t)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := func(m time.Month, d int) time.Time { return time.Date(2027, m, d, 10, 0, 0, 0, sh) }
	b.Clock.Set(at(2, 20))
	if _, err := b.Sys.Access.CreatePlan(b.Ctx, b.Lot, &park.Plan{Code: "std", Name: "标准月租", Price: 30000}); err != nil {
		t.Fatal(err)
	}
	// Jan 31 10:00 + 1 month = Feb 28 10:00 (2027 is not a leap year).
	ps, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "张伟", Plates: []string{"京A12345"}, Plan: "std",
		ValidFrom: at(1, 31), ValidTo: at(2, 28)})
	if err != nil {
		t.Fatal(err)
	}
	// Jan 31 + 2 = Mar 31; + 3 = Apr 30 (30 days); + 4 = May 31.
	for i, want := range []time.Time{at(3, 31), at(4, 30), at(5, 31)} {
		r := b.renewOnce(t, ps.ID, "", 1, "T-"+string(rune('1'+i)))
		if !r.ValidTo.Equal(want) {
			t.Fatalf("renewal %d ends %s, want %s", i+1, r.ValidTo.In(sh), want)
		}
	}
	// A 2-month renewal from May 31: Jan 31 + 6 = Jul 31.
	if r := b.renewOnce(t, ps.ID, "", 2, "T-4"); !r.ValidTo.Equal(at(7, 31)) {
		t.Fatalf("ends %s, want Jul 31", r.ValidTo.In(sh))
	}
}

// TestPatchedPlatesMoveSpacesAlike: adding and removing plates treat the
// space count alike. A pass with a space per plate (the default) keeps a
// space per plate either way; a smaller count stays, lowered only when
// fewer plates are left than it.
func TestPatchedPlatesMoveSpacesAlike(t *testing.T) {
	b := setup(t)
	create := func(spaces int, plates ...string) *park.Pass {
		t.Helper()
		p, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "张伟", Plates: plates, Spaces: spaces,
			ValidTo: b.Clock.Now().Add(30 * 24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	plates := func(id string, ps ...string) (*park.Pass, error) {
		return b.Sys.Access.UpdatePass(b.Ctx, b.Lot, id, func(p *park.Pass) error { p.Plates = ps; return nil })
	}
	for _, c := range []struct {
		name   string
		spaces int // 0: the default
		before []string
		after  []string
		want   int
	}{
		// 2 plates, 2 spaces; + 1 plate = 3 plates, 3 spaces.
		{"a space per plate, one added", 0, []string{"京A10001", "京A10002"}, []string{"京A10001", "京A10002", "京A10003"}, 3},
		// 3 plates, 3 spaces; − 1 plate = 2 plates, 2 spaces.
		{"a space per plate, one removed", 0, []string{"京A20001", "京A20002", "京A20003"}, []string{"京A20001", "京A20002"}, 2},
		// 2 plates, 1 space; + 1 plate: still 1 space.
		{"one space, a plate added", 1, []string{"京A30001", "京A30002"}, []string{"京A30001", "京A30002", "京A30003"}, 1},
		// 3 plates, 2 spaces; − 1 plate: 2 plates, still 2 spaces.
		{"two spaces, a plate removed", 2, []string{"京A40001", "京A40002", "京A40003"}, []string{"京A40001", "京A40002"}, 2},
		// 3 plates, 2 spaces; − 2 plates: 1 plate holds at most 1 space.
		{"two spaces, one plate left", 2, []string{"京A50001", "京A50002", "京A50003"}, []string{"京A50001"}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := create(c.spaces, c.before...)
			got, err := plates(p.ID, c.after...)
			if err != nil {
				t.Fatal(err)
			}
			if got.Spaces != c.want {
				t.Fatalf("spaces %d, want %d", got.Spaces, c.want)
			}
		})
	}
	// Spaces the patch gives are checked, not moved.
	t.Run("ErrSpacesAbovePlates", func(t *testing.T) {
		p := create(0, "京A60001", "京A60002")
		_, err := b.Sys.Access.UpdatePass(b.Ctx, b.Lot, p.ID, func(p *park.Pass) error { p.Plates = p.Plates[:1]; p.Spaces = 3; return nil })
		wantCode(t, err, park.EInvalid)
		if got, _ := b.Sys.Access.GetPass(b.Ctx, b.Lot, p.ID); len(got.Plates) != 2 || got.Spaces != 2 {
			t.Fatalf("a refused patch changed the pass: %+v", got)
		}
	})
}

// TestEditedLapsedPassLeavesTheLapseUnpaid: a lapsed pass extended by an
// edit, not a renewal, covers from the edit on; the car that was inside
// across the lapse pays for the lapse, as after a renewal.
func TestEditedLapsedPassLeavesTheLapseUnpaid(t *testing.T) {
	b, ps := renewalSetup(t) // valid to 2027-01-31 10:00 Shanghai
	sh, _ := time.LoadLocation("Asia/Shanghai")
	b.Clock.Set(time.Date(2027, 1, 31, 9, 0, 0, 0, sh))
	entry := b.Event(t, park.EventEntry, "京A12345", time.Date(2027, 1, 31, 9, 0, 0, 0, sh))
	edit := time.Date(2027, 2, 1, 9, 0, 0, 0, sh)
	b.Clock.Set(edit)
	if _, err := b.Sys.Access.UpdatePass(b.Ctx, b.Lot, ps.ID, func(p *park.Pass) error {
		p.ValidTo = time.Date(2027, 3, 1, 9, 0, 0, 0, sh)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// At 09:01 the stay owes the lapse, Jan 31 10:00 to Feb 1 09:00:
	// 23 hours = 46 blocks of 30 minutes × 200 = 9200. Its first hour
	// (the pass before it lapsed) and its last minute (after the edit)
	// are free.
	b.Clock.Set(edit.Add(time.Minute))
	d := b.Event(t, park.EventExit, "京A12345", edit.Add(time.Minute))
	wantDecision(t, d, park.DecisionHold, park.ReasonPaymentRequired, 9200)
	if d.StayID != entry.StayID {
		t.Fatal("another stay")
	}
}

// TestRenewalOnAnotherPlanKeepsThePaidPeriod: a whole-day pass renewed
// on the night plan before its end parks free all day until that end;
// the night plan's slots start with the renewed month.
func TestRenewalOnAnotherPlanKeepsThePaidPeriod(t *testing.T) {
	b := setup(t)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := func(m time.Month, d, h int) time.Time { return time.Date(2027, m, d, h, 0, 0, 0, sh) }
	b.Clock.Set(at(1, 20, 10))
	for _, pl := range []*park.Plan{{Code: "std", Name: "标准月租", Price: 30000},
		{Code: "night", Name: "夜间月租", Price: 15000, Slots: []park.Slot{{From: "19:00", To: "08:00"}}}} {
		if _, err := b.Sys.Access.CreatePlan(b.Ctx, b.Lot, pl); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "张伟", Plan: "std",
		Plates: []string{"京A10001", "京A10002", "京A10003"}, ValidFrom: at(12, 31, 10).AddDate(-1, 0, 0), ValidTo: at(1, 31, 10)})
	if err != nil {
		t.Fatal(err)
	}
	r := b.renewOnce(t, ps.ID, "night", 1, "N-1")
	// Jan 31 10:00 + 1 month = Feb 28 10:00.
	if !r.StartsAt.Equal(at(1, 31, 10)) || !r.ValidTo.Equal(at(2, 28, 10)) {
		t.Fatalf("renewal %s to %s", r.StartsAt.In(sh), r.ValidTo.In(sh))
	}
	stay := func(plate string, in, out time.Time, decision, reason string, due int64) {
		t.Helper()
		b.Clock.Set(in)
		b.Event(t, park.EventEntry, plate, in)
		b.Clock.Set(out)
		wantDecision(t, b.Event(t, park.EventExit, plate, out), decision, reason, due)
	}
	// Jan 25 10:00-14:00: the whole-day month paid before, free.
	stay("京A10001", at(1, 25, 10), at(1, 25, 14), park.DecisionOpen, park.ReasonPass, 0)
	// Jan 31 09:00-12:00: free to 10:00 (whole day), then the night
	// plan's daytime: 10:00-12:00, 2 hours = 4 blocks × 200 = 800.
	stay("京A10002", at(1, 31, 9), at(1, 31, 12), park.DecisionHold, park.ReasonPaymentRequired, 800)
	// Feb 5 10:00-14:00: night plan, daytime: 4 hours = 8 × 200 = 1600.
	stay("京A10003", at(2, 5, 10), at(2, 5, 14), park.DecisionHold, park.ReasonPaymentRequired, 1600)
}
