package access_test

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"parkd/internal/park"
	"parkd/internal/store/teststore"
)

// TestPlanSlotsRaceDeletedPasses: changing a plan's slots while its
// passes are being deleted succeeds, and so does every delete; the
// passes left all have the plan's last slots. Only PostgreSQL runs the
// two transactions at once (SQLite has one writer).
func TestPlanSlotsRaceDeletedPasses(t *testing.T) {
	if os.Getenv(teststore.Env) != "postgres" {
		t.Skip("PARKD_TEST_STORE=postgres not set: the race needs concurrent writers")
	}
	b := setup(t)
	if _, err := b.Sys.Access.CreatePlan(b.Ctx, b.Lot, &park.Plan{Code: "night", Name: "night", Price: 15000, Slots: nightSlots}); err != nil {
		t.Fatal(err)
	}
	slots := [][]park.Slot{{{From: "18:00", To: "07:00"}}, {{From: "20:00", To: "09:00"}}}
	from, to := t0, t0.AddDate(0, 1, 0)
	const rounds, passes = 8, 12
	for r := range rounds {
		ids := make([]string, passes)
		for i := range ids {
			p, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "H", Plan: "night",
				Plates: []string{fmt.Sprintf("京N%02d%03d", r, i)}, ValidFrom: from, ValidTo: to})
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = p.ID
		}
		want := slots[r%2]
		var wg sync.WaitGroup
		// Half the passes deleted while the plan changes, one delete each.
		errs := make([]error, passes/2+1)
		for i := range passes / 2 {
			wg.Go(func() { errs[i] = b.Sys.Access.DeletePass(b.Ctx, b.Lot, ids[2*i]) })
		}
		wg.Go(func() {
			_, errs[passes/2] = b.Sys.Access.UpdatePlan(b.Ctx, b.Lot, "night", func(p *park.Plan) error { p.Slots = want; return nil })
		})
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: call %d (the last is the plan's update): %v", r, i, err)
			}
		}
		for i, id := range ids {
			p, err := b.Sys.Access.GetPass(b.Ctx, b.Lot, id)
			switch {
			case i%2 == 0 && !park.IsCode(err, park.ENotFound):
				t.Fatalf("round %d: deleted pass %d: %+v, %v", r, i, p, err)
			case i%2 == 1 && (err != nil || fmt.Sprint(p.Slots) != fmt.Sprint(want)):
				t.Fatalf("round %d: pass %d: %+v, %v, want slots %v", r, i, p, err, want)
			}
		}
	}
}
