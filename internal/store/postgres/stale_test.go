package postgres_test

import (
	"errors"
	"strings"
	"testing"

	"parkd/internal/park"
	"parkd/internal/store/postgres/pgtest"
)

// TestQueuedStayUpdateLosesARace: a stay read in a transaction is updated
// without a round trip of its own (it goes with the commit). When another
// writer changed the stay after the read, the update finds no row at the
// version read: the commit fails as stale, naming the stay, nothing of the
// transaction is kept (the lot it created too), and the other writer's
// change stands. Read again, the same update succeeds.
func TestQueuedStayUpdateLosesARace(t *testing.T) {
	t.Parallel()
	s := pgtest.Open(t)
	if err := s.Update(ctx, func(tx park.Tx) error {
		if err := tx.CreateLot(ctx, lot("L1")); err != nil {
			return err
		}
		return tx.InsertStay(ctx, stay("L1", "s1", "K1"))
	}); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, func(tx park.Tx) error {
		st, err := tx.GetStay(ctx, "s1")
		if err != nil {
			return err
		}
		// Another request closes the stay's total first, and commits.
		if err := s.Update(ctx, func(other park.Tx) error {
			o, err := other.GetStay(ctx, "s1")
			if err != nil {
				return err
			}
			o.Total = 700
			return other.UpdateStay(ctx, o)
		}); err != nil {
			t.Fatal(err)
		}
		if err := tx.CreateLot(ctx, lot("L2")); err != nil {
			return err
		}
		st.Total = 100
		return tx.UpdateStay(ctx, st)
	})
	var pe *park.Error
	if !park.IsCode(err, park.EConflict) || !errors.As(err, &pe) || !pe.Stale || !strings.Contains(err.Error(), `stay "s1"`) {
		t.Fatalf("got %v, want a stale conflict naming stay s1", err)
	}
	if _, err := getLot(t, s, "L2"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("lot L2 of the stale transaction: got %v, want ENotFound", err)
	}
	var got *park.Stay
	if err := s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetStay(ctx, "s1"); return }); err != nil {
		t.Fatal(err)
	}
	if got.Total != 700 || got.Version != 2 {
		t.Fatalf("stay total %d version %d, want the other writer's 700 at version 2", got.Total, got.Version)
	}
	if err := s.Update(ctx, func(tx park.Tx) error {
		st, err := tx.GetStay(ctx, "s1")
		if err != nil {
			return err
		}
		st.Total = 100
		return tx.UpdateStay(ctx, st)
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetStay(ctx, "s1"); return }); err != nil {
		t.Fatal(err)
	}
	if got.Total != 100 || got.Version != 3 {
		t.Fatalf("stay total %d version %d, want 100 at version 3", got.Total, got.Version)
	}
}
