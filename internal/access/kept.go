package access

import (
	"context"
	"slices"
	"time"

	"parkd/internal/park"
	"parkd/internal/tariff"
)

// A pass or an allow entry withdrawn while its car is inside leaves the
// car the free time it had until then: the stay keeps it (KeptFree), and
// the car pays from the withdrawal on, as when the access ends.

// keepPassFree keeps, on the stays holding a space of pass p, the free
// time p gave them up to now. Called in the transaction that deletes p.
func keepPassFree(ctx context.Context, tx park.Tx, p *park.Pass, now time.Time) error {
	free, err := passFreeUntil(ctx, tx, p, now)
	if err != nil {
		return err
	}
	return eachInside(ctx, tx, p.LotCode, p.PlateKeys, func(st *park.Stay) []park.Period {
		if st.PassID != p.ID {
			return nil // a visitor: the pass's spaces were taken
		}
		return free(st)
	}, now)
}

// dropPass withdraws pass p (as it was before its plates changed) from
// the cars inside of plate keys, taken off it, that hold one of its
// spaces: as when p is deleted, each keeps the free time p gave it up to
// now and is a visitor from then on, and its space is free for the
// pass's other cars (takeSpaces). Called in the transaction that writes
// p, before takeSpaces.
func dropPass(ctx context.Context, tx park.Tx, p *park.Pass, keys []string, now time.Time) error {
	if len(keys) == 0 {
		return nil
	}
	free, err := passFreeUntil(ctx, tx, p, now)
	if err != nil {
		return err
	}
	for _, k := range keys {
		st, err := tx.FindInside(ctx, p.LotCode, k)
		if park.IsCode(err, park.ENotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if st.PassID != p.ID {
			continue
		}
		keepClipped(st, free(st), now)
		st.PassID, st.PassFrom, st.UpdatedAt = "", nil, now
		if err := tx.UpdateStay(ctx, st); err != nil {
			return err
		}
	}
	return nil
}

// coverFromNow keeps a lapse unpaid when an edit extends lapsed pass old
// (as p) back over it: the cars inside holding old's space keep the free
// time old gave them up to now, and hold p's space from now on, as after
// a renewal of a lapsed pass. Without it a car inside across the lapse
// would park it free. A renewal records its lapse itself and is not an
// edit (one quoted before the lapse covers it: its months start at the
// old end). Called by each edit of a pass, in its transaction, before
// the write.
func coverFromNow(ctx context.Context, tx park.Tx, old, p *park.Pass, now time.Time) error {
	if old.ValidTo.After(now) || !p.ValidTo.After(old.ValidTo) || !p.ValidFrom.Before(now) {
		return nil // not lapsed, not extended, or starting after the lapse
	}
	lapses, err := tx.PassLapses(ctx, p.ID)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(lapses, func(g park.Period) bool { return g.From.Equal(old.ValidTo) }) {
		return nil // a renewal recorded this lapse
	}
	free, err := passFreeUntil(ctx, tx, old, now)
	if err != nil {
		return err
	}
	for _, k := range p.PlateKeys {
		st, err := tx.FindInside(ctx, p.LotCode, k)
		if park.IsCode(err, park.ENotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if st.PassID != p.ID || (st.PassFrom != nil && !st.PassFrom.Before(now)) {
			continue
		}
		keepClipped(st, free(st), now)
		from := now
		st.PassFrom, st.UpdatedAt = &from, now
		if err := tx.UpdateStay(ctx, st); err != nil {
			return err
		}
	}
	return nil
}

// passFreeUntil returns, for a stay holding a space of pass p, the free
// time p gave it up to now (p's validity, less its lapses, or its slots,
// from when the stay took the space), not yet clipped to the stay.
func passFreeUntil(ctx context.Context, tx park.Tx, p *park.Pass, now time.Time) (func(*park.Stay) []park.Period, error) {
	l, err := tx.GetLotSettings(ctx, p.LotCode)
	if err != nil {
		return nil, err
	}
	lapses, err := tx.PassLapses(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	terms, err := tx.PassTerms(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	ended := *p
	if ended.ValidTo.After(now) {
		ended.ValidTo = now
	}
	return func(st *park.Stay) []park.Period {
		var in tariff.Input
		// Asked just past the end, so a time-slot pass gives its slots as
		// windows up to now rather than as daily slots.
		PassFreeTime(&in, HeldPass(&ended, st), lapses, terms, l.Location(), st.EntryAt, now.Add(park.Precision))
		out := make([]park.Period, 0, len(in.FreeWindows))
		for _, w := range in.FreeWindows {
			out = append(out, park.Period{From: w.From, To: w.To})
		}
		return out
	}, nil
}

// keepEntryFree keeps, on the stay of w's plate inside, the free time the
// allow entry w gave it up to now. Called in the transaction that deletes w.
func keepEntryFree(ctx context.Context, tx park.Tx, w *park.WhitelistEntry, now time.Time) error {
	if w.Kind != park.AccessAllow {
		return nil
	}
	return eachInside(ctx, tx, w.LotCode, []string{w.PlateKey}, func(*park.Stay) []park.Period {
		return []park.Period{{From: w.ValidFrom, To: w.ValidTo}}
	}, now)
}

// eachInside adds free(st), clipped to the stay's entry and now, to the
// kept free time of each stay inside of the plate keys.
func eachInside(ctx context.Context, tx park.Tx, lot string, keys []string, free func(*park.Stay) []park.Period, now time.Time) error {
	for _, k := range keys {
		st, err := tx.FindInside(ctx, lot, k)
		if park.IsCode(err, park.ENotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if !keepClipped(st, free(st), now) {
			continue
		}
		st.UpdatedAt = now
		if err := tx.UpdateStay(ctx, st); err != nil {
			return err
		}
	}
	return nil
}

// keepClipped adds the windows, clipped to the stay's entry and now, to
// the stay's kept free time, and says whether any was left to keep.
func keepClipped(st *park.Stay, windows []park.Period, now time.Time) bool {
	n := len(st.KeptFree)
	for _, w := range windows {
		if w.From.Before(st.EntryAt) {
			w.From = st.EntryAt
		}
		if w.To.After(now) {
			w.To = now
		}
		if w.To.After(w.From) {
			st.KeptFree = append(st.KeptFree, w)
		}
	}
	return len(st.KeptFree) > n
}
