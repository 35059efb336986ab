package access_test

import (
	"fmt"
	"sync"
	"testing"

	"parkd/internal/access"
	"parkd/internal/park"
)

// TestUserCodeRacesMakeOnePass: 16 partners' requests racing to create a pass
// for the same user code make exactly one pass; the others are told the
// code is taken. Racing upserts of one user code all succeed and end with
// one pass, holding one of the requests' plates. Run on both stores
// (PARKD_TEST_STORE=postgres), where the race is real.
func TestUserCodeRacesMakeOnePass(t *testing.T) {
	b := setup(t)
	from, to := t0, t0.AddDate(0, 1, 0)
	race := func(fn func(i int) error) []error {
		errs := make([]error, 16)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() { errs[i] = fn(i) })
		}
		wg.Wait()
		return errs
	}
	byCode := func(code string) []*park.Pass {
		ps, err := b.Sys.Access.ListPasses(b.Ctx, "", b.Lot)
		if err != nil {
			t.Fatal(err)
		}
		var out []*park.Pass
		for _, p := range ps {
			if p.UserCode == code {
				out = append(out, p)
			}
		}
		return out
	}

	t.Run("Create", func(t *testing.T) {
		errs := race(func(i int) error {
			_, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "Holder", UserCode: "U-create",
				Plates: []string{fmt.Sprintf("京C%05d", i)}, ValidFrom: from, ValidTo: to})
			return err
		})
		created := 0
		for _, err := range errs {
			switch pe, _ := err.(*park.Error); {
			case err == nil:
				created++
			case pe != nil && pe.Code == park.EConflict && pe.Field == "user_code":
			default:
				t.Errorf("create: %v, want success or a conflict on user_code", err)
			}
		}
		if got := byCode("U-create"); created != 1 || len(got) != 1 {
			t.Fatalf("%d creates succeeded and %d passes hold the code, want 1 and 1", created, len(got))
		}
	})

	t.Run("Upsert", func(t *testing.T) {
		plates := map[string]bool{}
		errs := race(func(i int) error {
			p := fmt.Sprintf("京D%05d", i)
			_, err := b.Sys.Access.SyncPasses(b.Ctx, "", b.Lot, []*park.Pass{{HolderName: "Holder", UserCode: "U-sync",
				Plates: []string{p}, ValidFrom: from, ValidTo: to}})
			return err
		})
		// Every upsert succeeds: a lost race on the pass's version is
		// retried, not answered as a conflict.
		for i, err := range errs {
			if err != nil {
				t.Errorf("upsert %d: %v", i, err)
			}
			plates[fmt.Sprintf("京D%05d", i)] = true
		}
		got := byCode("U-sync")
		if len(got) != 1 {
			t.Fatalf("%d passes hold the user code, want 1", len(got))
		}
		if len(got[0].Plates) != 1 || !plates[got[0].Plates[0]] {
			t.Fatalf("the pass holds %v, want the plate of one of the upserts that succeeded %v", got[0].Plates, plates)
		}
		// A user code is found by its index, whatever else the lot holds.
		p, err := b.Sys.Access.FindPass(b.Ctx, b.Lot, access.PassRef{UserCode: "U-sync"})
		if err != nil || p.ID != got[0].ID {
			t.Fatalf("FindPass = %+v, %v", p, err)
		}
	})
}
