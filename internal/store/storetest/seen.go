package storetest

import (
	"context"
	"testing"
	"time"

	"parkd/internal/park"
)

// testSeen: a signed request is new once per window; a replay within the
// window is told apart, one after it is new again, and partners do not
// share digests.
func testSeen(t *testing.T, s park.Store) {
	ctx := context.Background()
	mark := func(partner, digest string, at time.Time) bool {
		t.Helper()
		var first bool
		must(t, update(t, s, func(tx park.Tx) (err error) {
			first, err = tx.MarkSeen(ctx, partner, digest, at, at.Add(-5*time.Minute))
			return err
		}))
		return first
	}
	if !mark("P1", "d1", base) {
		t.Fatal("a new request reads as a replay")
	}
	if mark("P1", "d1", base.Add(4*time.Minute)) {
		t.Fatal("a replay within the window reads as new")
	}
	if !mark("P2", "d1", base.Add(time.Minute)) {
		t.Fatal("another partner's digest is another request")
	}
	if !mark("P1", "d1", base.Add(6*time.Minute)) {
		t.Fatal("the same request after the window reads as a replay")
	}
	var n int
	must(t, update(t, s, func(tx park.Tx) (err error) {
		n, err = tx.DeleteSeenBefore(ctx, base.Add(5*time.Minute), 10)
		return err
	}))
	if n != 1 { // P2's at base+1 min; P1's row was renewed at base+6 min
		t.Fatalf("deleted %d, want 1", n)
	}
}
