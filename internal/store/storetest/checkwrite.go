package storetest

import (
	"context"
	"testing"

	"parkd/internal/park"
)

// testCheckWrite: the health checks' write commits on a writable database
// and leaves parkd's data as it was; a caller that gave up gets
// EUnavailable, not a hang.
func testCheckWrite(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "cw")
	for range 3 {
		must(t, s.CheckWrite(ctx))
	}
	var lots []*park.Lot
	must(t, s.View(ctx, func(tx park.Tx) (err error) { lots, err = tx.ListLots(ctx); return err }))
	if len(lots) != 1 || lots[0].Code != "cw" || lots[0].Version != 1 {
		t.Errorf("after CheckWrite the lots are %+v, want the one lot cw at version 1", lots)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	wantCode(t, s.CheckWrite(cancelled), park.EUnavailable)
}
