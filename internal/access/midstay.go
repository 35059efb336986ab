package access

import (
	"context"
	"slices"
	"time"

	"parkd/internal/park"
)

// A pass that becomes a car's while the car is inside (bought, renewed
// after it lapsed, given the car's plate, or given more spaces) frees the
// stay as if the car had entered with it, from that moment on: the car
// takes one of the pass's spaces in the transaction that writes the pass,
// when one is free (the store's count, so every node sees it), and keeps
// it until it leaves. A car that finds all the pass's spaces held by the
// pass's other cars inside stays a visitor for its whole stay, as at
// entry. A car entering while its pass is valid only later takes the
// space at its entry (standing), so the pass frees it once valid.

// takeSpaces gives the cars inside that the write of pass p (old: the
// pass before it, nil when p is new) made p's a space of p, earliest
// entry first, while p has one free. Called wherever a pass is written
// (laneTx), after the write.
func takeSpaces(ctx context.Context, tx park.Tx, old, p *park.Pass, now time.Time) error {
	if !p.ValidTo.After(now) {
		return nil // lapsed or ended: it frees no car from now on
	}
	var keys []string
	for _, k := range p.PlateKeys {
		if old == nil || !old.ValidTo.After(now) || !slices.Contains(old.PlateKeys, k) || p.Spaces > old.Spaces {
			keys = append(keys, k)
		}
	}
	var cars []*park.Stay
	for _, k := range keys {
		st, err := tx.FindInside(ctx, p.LotCode, k)
		if park.IsCode(err, park.ENotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if held, err := holdsPass(ctx, tx, st); err != nil {
			return err
		} else if !held {
			cars = append(cars, st)
		}
	}
	if len(cars) == 0 {
		return nil
	}
	if len(p.Plates) > p.Spaces {
		// As at entry: the pass's cars take its spaces one at a time.
		if err := tx.Serialize(ctx, "pass-spaces:"+p.ID); err != nil {
			return err
		}
	}
	inside, err := tx.CountInsideForPass(ctx, p.ID)
	if err != nil {
		return err
	}
	slices.SortFunc(cars, func(a, b *park.Stay) int { return a.EntryAt.Compare(b.EntryAt) })
	for _, st := range cars[:min(len(cars), max(0, p.Spaces-inside))] {
		from := now
		st.PassID, st.PassFrom, st.UpdatedAt = p.ID, &from, now
		if err := tx.UpdateStay(ctx, st); err != nil {
			return err
		}
	}
	return nil
}

// holdsPass reports whether a stay holds a space of a pass that still
// exists (a deleted pass's time is in the stay's KeptFree).
func holdsPass(ctx context.Context, tx park.Tx, st *park.Stay) (bool, error) {
	if st.PassID == "" {
		return false, nil
	}
	_, err := tx.GetPass(ctx, st.PassID)
	if park.IsCode(err, park.ENotFound) {
		return false, nil
	}
	return err == nil, err
}

// HeldPass is pass p as it frees stay st: from the moment the car took
// its space (PassFrom) when that was after its entry.
func HeldPass(p *park.Pass, st *park.Stay) *park.Pass {
	if st.PassFrom == nil || !st.PassFrom.After(p.ValidFrom) {
		return p
	}
	q := *p
	q.ValidFrom = *st.PassFrom
	return &q
}
