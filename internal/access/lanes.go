package access

import (
	"context"
	"slices"
	"time"

	"parkd/internal/park"
)

// laneStore is the store as the access use cases write through it: every
// pass and list write also notes, in its own transaction, the plates whose
// place in the lot's offline lane list may have changed (the outbox of the
// lists loaded into cameras), and gives the pass's cars inside the spaces
// a pass write made theirs (takeSpaces, midstay.go). Doing it here, once,
// keeps every writer of passes and lists (desk, partners, renewals, sync,
// plans) from forgetting it.
type laneStore struct {
	park.Store
	now func() time.Time
}

func (s laneStore) Update(ctx context.Context, fn func(park.Tx) error) error {
	return s.Store.Update(ctx, func(tx park.Tx) error { return fn(laneTx{tx, s.now}) })
}

type laneTx struct {
	park.Tx
	now func() time.Time
}

func (t laneTx) note(ctx context.Context, lot string, plates ...[]string) error {
	var all []string
	for _, ps := range plates {
		all = append(all, ps...)
	}
	slices.Sort(all)
	return t.NoteLaneListChange(ctx, lot, slices.Compact(all), t.now())
}

func (t laneTx) CreatePass(ctx context.Context, p *park.Pass) error {
	if err := t.Tx.CreatePass(ctx, p); err != nil {
		return err
	}
	if err := takeSpaces(ctx, t.Tx, nil, p, t.now()); err != nil {
		return err
	}
	return t.note(ctx, p.LotCode, p.Plates)
}

// UpdatePass notes the plates before and after: a plate taken off a pass
// leaves the cameras' lists, and its car inside the pass's space
// (dropPass), which the pass's other cars may then take (takeSpaces).
func (t laneTx) UpdatePass(ctx context.Context, p *park.Pass) error {
	old, err := t.Tx.GetPass(ctx, p.ID)
	if err != nil {
		return err
	}
	if err := t.Tx.UpdatePass(ctx, p); err != nil {
		return err
	}
	var off []string // plates taken off the pass
	for _, k := range old.PlateKeys {
		if !slices.Contains(p.PlateKeys, k) {
			off = append(off, k)
		}
	}
	if err := dropPass(ctx, t.Tx, old, off, t.now()); err != nil {
		return err
	}
	if err := takeSpaces(ctx, t.Tx, old, p, t.now()); err != nil {
		return err
	}
	return t.note(ctx, p.LotCode, old.Plates, p.Plates)
}

func (t laneTx) DeletePass(ctx context.Context, id string) error {
	old, err := t.Tx.GetPass(ctx, id)
	if err != nil {
		return err
	}
	if err := t.Tx.DeletePass(ctx, id); err != nil {
		return err
	}
	return t.note(ctx, old.LotCode, old.Plates)
}

func (t laneTx) CreateWhitelist(ctx context.Context, w *park.WhitelistEntry) error {
	if err := t.Tx.CreateWhitelist(ctx, w); err != nil {
		return err
	}
	return t.note(ctx, w.LotCode, []string{w.Plate})
}

// UpdateWhitelist notes the plates before and after. An allow entry that
// no longer lets its car in (turned into a refusal, or given to another
// plate) is withdrawn from the car inside on its old plate, as a delete
// withdraws it: the car keeps the free time it had until now.
func (t laneTx) UpdateWhitelist(ctx context.Context, w *park.WhitelistEntry) error {
	old, err := t.Tx.GetWhitelist(ctx, w.ID)
	if err != nil {
		return err
	}
	if err := t.Tx.UpdateWhitelist(ctx, w); err != nil {
		return err
	}
	if w.Kind != park.AccessAllow || w.PlateKey != old.PlateKey {
		if err := keepEntryFree(ctx, t.Tx, old, t.now()); err != nil {
			return err
		}
	}
	return t.note(ctx, w.LotCode, []string{old.Plate, w.Plate})
}

func (t laneTx) DeleteWhitelist(ctx context.Context, id string) error {
	old, err := t.Tx.GetWhitelist(ctx, id)
	if err != nil {
		return err
	}
	if err := t.Tx.DeleteWhitelist(ctx, id); err != nil {
		return err
	}
	return t.note(ctx, old.LotCode, []string{old.Plate})
}
