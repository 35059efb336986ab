package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"parkd/internal/park"
)

// testSerialize: transactions that serialize on one key run a
// check-then-act one at a time, each counting what the last committed,
// even when the count was read (with the lot's settings) before the key
// was taken: twelve entries at once into a lot with three spaces admit
// three.
func testSerialize(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "SER")
	const spaces, tries = 3, 12
	var wg sync.WaitGroup
	errs := make(chan error, tries)
	for i := range tries {
		wg.Go(func() {
			errs <- s.Update(ctx, func(tx park.Tx) error {
				if _, err := tx.GetLotSettings(ctx, "SER"); err != nil {
					return err
				}
				if err := tx.Serialize(ctx, "lot:SER"); err != nil {
					return err
				}
				n, err := tx.CountInside(ctx, "SER")
				if err != nil || n >= spaces {
					return err
				}
				id := fmt.Sprintf("ser-%02d", i)
				if err := tx.InsertStay(ctx, newStay("SER", id, "SER"+id, fmt.Sprintf("%010d", 7000+i))); err != nil {
					return err
				}
				return tx.AddOccupied(ctx, "SER", 1)
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	var n int
	must(t, s.View(ctx, func(tx park.Tx) (err error) { n, err = tx.CountInside(ctx, "SER"); return err }))
	if n != spaces {
		t.Fatalf("%d cars inside a lot of %d spaces after %d entries at once", n, spaces, tries)
	}
}
