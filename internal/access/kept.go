package access

import (
	"context"
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
	l, err := tx.GetLotSettings(ctx, p.LotCode)
	if err != nil {
		return err
	}
	lapses, err := tx.PassLapses(ctx, p.ID)
	if err != nil {
		return err
	}
	ended := *p
	if ended.ValidTo.After(now) {
		ended.ValidTo = now
	}
	return eachInside(ctx, tx, p.LotCode, p.PlateKeys, func(st *park.Stay) []park.Period {
		if st.PassID != p.ID {
			return nil // a visitor: the pass's spaces were taken
		}
		var in tariff.Input
		// Asked just past the end, so a time-slot pass gives its slots as
		// windows up to now rather than as daily slots.
		PassFreeTime(&in, HeldPass(&ended, st), lapses, l.Location(), st.EntryAt, now.Add(park.Precision))
		out := make([]park.Period, 0, len(in.FreeWindows))
		for _, w := range in.FreeWindows {
			out = append(out, park.Period{From: w.From, To: w.To})
		}
		return out
	}, now)
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
		n := len(st.KeptFree)
		for _, w := range free(st) {
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
		if len(st.KeptFree) == n {
			continue
		}
		st.UpdatedAt = now
		if err := tx.UpdateStay(ctx, st); err != nil {
			return err
		}
	}
	return nil
}
