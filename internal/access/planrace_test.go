package access_test

import (
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"parkd/internal/access"
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

// TestPlanSlotsRacePassWrites: passes written onto a plan while its slots
// change (created, created as a time-slot pass, synced, moved onto it by
// an edit or a paid renewal) all end with the plan's last slots, whichever
// commits first. Only PostgreSQL runs the transactions at once.
func TestPlanSlotsRacePassWrites(t *testing.T) {
	if os.Getenv(teststore.Env) != "postgres" {
		t.Skip("PARKD_TEST_STORE=postgres not set: the race needs concurrent writers")
	}
	b := setup(t)
	a := b.Sys.Access
	for _, pl := range []*park.Plan{
		{Code: "night", Name: "night", Price: 15000, Slots: nightSlots},
		{Code: "day", Name: "day", Price: 20000, Slots: []park.Slot{{From: "08:00", To: "18:00"}}},
	} {
		if _, err := a.CreatePlan(b.Ctx, b.Lot, pl); err != nil {
			t.Fatal(err)
		}
	}
	slots := [][]park.Slot{{{From: "18:00", To: "07:00"}}, {{From: "20:00", To: "09:00"}}}
	from, to := t0, t0.AddDate(0, 1, 0)
	const rounds, creates, moves = 8, 6, 6
	n := 0
	plate := func() string { n++; return fmt.Sprintf("京N%05d", n) }
	for r := range rounds {
		// Passes on the day plan to move onto night, the first half by an
		// edit, the others by paying a night renewal quoted beforehand.
		var moved [moves]*park.Pass
		var quotes []*park.Renewal
		for i := range moved {
			p, err := a.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "H", Plan: "day",
				Plates: []string{plate()}, ValidFrom: from, ValidTo: to})
			if err != nil {
				t.Fatal(err)
			}
			moved[i] = p
			if i >= moves/2 {
				q, _, err := a.QuoteRenewal(b.Ctx, access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{ID: p.ID}, Months: 1, Plan: "night"})
				if err != nil {
					t.Fatal(err)
				}
				quotes = append(quotes, q)
			}
		}
		want := slots[r%2]
		start := make(chan struct{})
		var wg sync.WaitGroup
		var calls []func() error
		for range creates {
			pl := plate()
			calls = append(calls, func() error {
				_, err := a.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "H", Plan: "night", Plates: []string{pl}, ValidFrom: from, ValidTo: to})
				return err
			})
		}
		slotPlate, syncPlates := plate(), []string{plate(), plate()}
		calls = append(calls,
			func() error {
				_, _, err := a.SaveSlotPass(b.Ctx, "", b.Lot, access.PassRef{}, &park.Pass{HolderName: "H", Plan: "night",
					Plates: []string{slotPlate}, ValidFrom: from, ValidTo: to})
				return err
			},
			func() error {
				var in []*park.Pass
				for i, pl := range syncPlates {
					in = append(in, &park.Pass{HolderName: "H", Plan: "night", UserCode: fmt.Sprintf("u%d-%d", r, i),
						Plates: []string{pl}, ValidFrom: from, ValidTo: to})
				}
				_, err := a.SyncPasses(b.Ctx, "", b.Lot, in)
				return err
			},
		)
		for _, p := range moved[:moves/2] {
			calls = append(calls, func() error {
				_, err := a.UpdatePass(b.Ctx, b.Lot, p.ID, func(p *park.Pass) error { p.Plan = "night"; return nil })
				return err
			})
		}
		for i, q := range quotes {
			calls = append(calls, func() error {
				// One month of night: its price, 15000.
				_, err := a.PayRenewal(b.Ctx, access.RenewalPayment{Lot: b.Lot, ID: q.ID, Amount: 15000, Reference: fmt.Sprintf("R-%d-%d", r, i)})
				return err
			})
		}
		calls = append(calls,
			func() error {
				_, err := a.UpdatePlan(b.Ctx, b.Lot, "night", func(p *park.Plan) error { p.Slots = want; return nil })
				return err
			})
		errs := make([]error, len(calls))
		for i, call := range calls {
			wg.Go(func() { <-start; errs[i] = call() })
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: call %d (the last is the plan's update): %v", r, i, err)
			}
		}
		all, err := a.ListPasses(b.Ctx, "", b.Lot)
		if err != nil {
			t.Fatal(err)
		}
		// Every pass ever put on night: this round's creates, the slot
		// pass, the two synced and the moved ones, and the earlier rounds'.
		night := 0
		for _, p := range all {
			if p.Plan != "night" {
				continue
			}
			night++
			if fmt.Sprint(p.Slots) != fmt.Sprint(want) {
				t.Fatalf("round %d: pass %s (plates %v) has slots %v, its plan's are %v", r, p.ID, p.Plates, p.Slots, want)
			}
		}
		if wantN := (r + 1) * (creates + 1 + 2 + moves); night != wantN {
			t.Fatalf("round %d: %d passes on night, want %d", r, night, wantN)
		}
	}
}

// TestPlanDeleteRaceSync: a plan deleted while a sync writes passes onto
// it leaves those passes all alike: all with the plan's slots (the sync
// came first) or all with their own (the delete came first), never some
// of each. The sync reads the plan once per pass, so without the delete
// waiting for the plan's lock a delete committed between two of those
// reads split them. Only PostgreSQL runs the two at once; the delete
// starts at a later point of the sync each round, to meet it between
// its reads.
func TestPlanDeleteRaceSync(t *testing.T) {
	if os.Getenv(teststore.Env) != "postgres" {
		t.Skip("PARKD_TEST_STORE=postgres not set: the race needs concurrent writers")
	}
	b := setup(t)
	a := b.Sys.Access
	from, to := t0, t0.AddDate(0, 1, 0)
	const rounds, items = 24, 12
	syncIn := func(r int) []*park.Pass {
		var in []*park.Pass
		for i := range items {
			in = append(in, &park.Pass{HolderName: "H", Plan: "gone", UserCode: fmt.Sprintf("g%d-%d", r, i),
				Plates: []string{fmt.Sprintf("京G%02d%03d", r, i)}, ValidFrom: from, ValidTo: to})
		}
		return in
	}
	// How long a sync of this size takes, alone, to spread the deletes
	// over it.
	if _, err := a.CreatePlan(b.Ctx, b.Lot, &park.Plan{Code: "gone", Name: "gone", Price: 15000, Slots: nightSlots}); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	if _, err := a.SyncPasses(b.Ctx, "", b.Lot, syncIn(rounds)); err != nil {
		t.Fatal(err)
	}
	span := time.Since(began)
	if err := a.DeletePlan(b.Ctx, b.Lot, "gone"); err != nil {
		t.Fatal(err)
	}
	for r := range rounds {
		if _, err := a.CreatePlan(b.Ctx, b.Lot, &park.Plan{Code: "gone", Name: "gone", Price: 15000, Slots: nightSlots}); err != nil {
			t.Fatal(err)
		}
		var syncErr, delErr error
		var wg sync.WaitGroup
		wg.Go(func() { _, syncErr = a.SyncPasses(b.Ctx, "", b.Lot, syncIn(r)) })
		wg.Go(func() {
			time.Sleep(span * time.Duration(r) / rounds)
			delErr = a.DeletePlan(b.Ctx, b.Lot, "gone")
		})
		wg.Wait()
		if syncErr != nil || delErr != nil {
			t.Fatalf("round %d: sync %v, delete %v", r, syncErr, delErr)
		}
		// Each pass as stored: with the plan's slots or without any.
		var with, without int
		for i := range items {
			p, err := a.FindPass(b.Ctx, b.Lot, access.PassRef{UserCode: fmt.Sprintf("g%d-%d", r, i)})
			switch {
			case err != nil:
				t.Fatalf("round %d: pass %d: %v", r, i, err)
			case fmt.Sprint(p.Slots) == fmt.Sprint(nightSlots):
				with++
			case len(p.Slots) == 0:
				without++
			default:
				t.Fatalf("round %d: pass %d has slots %v", r, i, p.Slots)
			}
		}
		if with != items && without != items {
			t.Fatalf("round %d: %d passes took the deleted plan's slots, %d did not: one sync, two states of the plan", r, with, without)
		}
	}
}
