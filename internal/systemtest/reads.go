package systemtest

import (
	"context"
	"sync/atomic"

	"parkd/internal/park"
)

// LotReads counts the reads a step sends to the store of a lot and a
// plate: the lot's settings and the plate's records apart (Lot, Plate)
// and together (Both), the open stay returned with them (Joined) and
// looked up after (Inside). Wrap is an Options.WrapTx.
type LotReads struct{ Lot, Plate, Both, Joined, Inside atomic.Int64 }

// Wrap counts tx's reads in r.
func (r *LotReads) Wrap(tx park.Tx) park.Tx { return lotReadsTx{tx, r} }

// Reset starts the counts again.
func (r *LotReads) Reset() {
	for _, n := range []*atomic.Int64{&r.Lot, &r.Plate, &r.Both, &r.Joined, &r.Inside} {
		n.Store(0)
	}
}

// StayFound reports whether the open stay was read as often as found
// says, with the lot and records or looked up after, never both; never
// looked up when found is 0 (a store joining it may still return it).
func (r *LotReads) StayFound(found int64) bool {
	j, in := r.Joined.Load(), r.Inside.Load()
	return !(j > 0 && in > 0) && in <= found && (found == 0 || j+in == found)
}

type lotReadsTx struct {
	park.Tx
	n *LotReads
}

func (t lotReadsTx) GetLotSettings(ctx context.Context, code string) (*park.Lot, error) {
	t.n.Lot.Add(1)
	return t.Tx.GetLotSettings(ctx, code)
}

func (t lotReadsTx) PlateRecords(ctx context.Context, lot, key string) (park.PlateRecords, error) {
	t.n.Plate.Add(1)
	return t.Tx.PlateRecords(ctx, lot, key)
}

func (t lotReadsTx) LotAndPlate(ctx context.Context, lot, key string) (*park.Lot, park.PlateRecords, *park.Stay, error) {
	t.n.Both.Add(1)
	l, r, st, err := t.Tx.LotAndPlate(ctx, lot, key)
	if st != nil {
		t.n.Joined.Add(1)
	}
	return l, r, st, err
}

func (t lotReadsTx) FindInside(ctx context.Context, lot, key string) (*park.Stay, error) {
	t.n.Inside.Add(1)
	return t.Tx.FindInside(ctx, lot, key)
}
