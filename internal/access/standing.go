package access

import (
	"context"
	"time"

	"parkd/internal/park"
)

// Standing is what a lot's lists and passes say about a plate at an
// instant: the gate's admission rule reads it at every entry, and
// InternalCar shows it to partners, so both agree.
type Standing struct {
	Allowed bool       // an allowing list entry (whitelist, special vehicle, hotel) is valid
	Denied  bool       // a deny entry is valid: the car is kept out
	Pass    *park.Pass // a pass valid now or later with a space free for this car
	// PassAdmits: Pass lets the car in free now (a whole-day pass always,
	// a time-slot pass inside one of its slots).
	PassAdmits bool
}

// At reads a plate's standing in lot l at instant at, in the caller's
// transaction. A pass whose spaces are all taken by its other cars
// inside gives no standing: the extra car pays as a visitor.
func At(ctx context.Context, tx park.Tx, l *park.Lot, key string, at time.Time) (Standing, error) {
	return standing(ctx, tx, l, key, at, nil)
}

// standing is At for a plate whose car may be inside (self: its open
// stay, nil when it is not). The gate closes a car's open stay before it
// decides its entry, so the space that car holds on its pass is its own,
// not one of the pass's other cars'.
func standing(ctx context.Context, tx park.Tx, l *park.Lot, key string, at time.Time, self *park.Stay) (Standing, error) {
	var a Standing
	w, err := tx.FindWhitelist(ctx, l.Code, key)
	switch {
	case err == nil:
		a.Allowed, a.Denied = w.AllowsAt(at), w.DeniesAt(at)
	case err != nil && !park.IsCode(err, park.ENotFound):
		return a, err
	}
	ps, err := tx.FindPassByPlate(ctx, l.Code, key)
	switch {
	case err == nil && ps.ValidTo.After(at):
		// Valid now, or later: a car entering before its pass starts
		// takes its space now, and the pass frees it once valid
		// (midstay.go); it enters as the visitors do.
		if len(ps.Plates) > ps.Spaces {
			// Its cars share spaces: they take them one at a time, each
			// counting after the last committed (other nodes, lanes).
			if err := tx.Serialize(ctx, "pass-spaces:"+ps.ID); err != nil {
				return a, err
			}
		}
		inside, err := tx.CountInsideForPass(ctx, ps.ID)
		if err != nil {
			return a, err
		}
		if self != nil && self.PassID == ps.ID {
			inside--
		}
		if inside < ps.Spaces {
			terms, err := tx.PassTerms(ctx, ps.ID)
			if err != nil {
				return a, err
			}
			a.Pass, a.PassAdmits = ps, ps.ValidAt(at) && PassAdmits(ps, terms, l.Location(), at)
		}
	case err != nil && !park.IsCode(err, park.ENotFound):
		return a, err
	}
	return a, nil
}
