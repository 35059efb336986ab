package access

import (
	"context"
	"fmt"
	"strconv"

	"parkd/internal/core"
	"parkd/internal/park"
)

// PassByUserCode returns the pass of a lot whose holder has the
// third-party user code (ENotFound; EInvalid for an empty code).
func (s *Service) PassByUserCode(ctx context.Context, lot, code string) (*park.Pass, error) {
	if code == "" {
		return nil, park.Invalid("user_code", "is required").Because(park.ReasonRequired)
	}
	if err := park.CheckText("user_code", code); err != nil {
		return nil, err
	}
	var out *park.Pass
	err := s.base.View(ctx, func(tx park.Tx) error {
		var err error
		out, err = passByUserCode(ctx, tx, lot, code)
		return err
	})
	return out, err
}

func passByUserCode(ctx context.Context, tx park.Tx, lot, code string) (*park.Pass, error) {
	if _, err := tx.GetLotSettings(ctx, lot); err != nil {
		return nil, err
	}
	p, err := tx.FindPassByUserCode(ctx, lot, code)
	if park.IsCode(err, park.ENotFound) {
		return nil, &park.Error{Code: park.ENotFound, Field: "user_code", Message: fmt.Sprintf("no pass with user code %q", code)}
	}
	return p, err
}

// WhitelistByPlate returns a lot's whitelist (or deny) entry for a plate
// (EInvalid for a bad plate, ENotFound).
func (s *Service) WhitelistByPlate(ctx context.Context, lot, plateText string) (*park.WhitelistEntry, error) {
	_, keys, err := core.Plates("plate", []string{plateText})
	if err != nil {
		return nil, err
	}
	var w *park.WhitelistEntry
	err = s.base.View(ctx, func(tx park.Tx) (err error) {
		w, err = tx.FindWhitelist(ctx, lot, keys[0])
		return err
	})
	return w, err
}

// SyncOutcome is what SyncPasses did with one pass.
type SyncOutcome struct {
	Pass    *park.Pass
	Created bool // false: an existing pass with the same user code was replaced
}

// SyncPasses upserts a lot's passes keyed by user code, all or nothing:
// every pass is validated first (an error names the item as
// Field "passes[i].<field>"; a plate on two items is EInvalid, field
// "passes[i].plates" of the later one), then, in one transaction, a pass
// whose user code exists in the lot replaces that pass's holder, plates,
// spaces, validity and plan (keeping its id), and any other is created.
// Plates move between the listed passes whatever the order of the list.
// A plate held by a pass the list does not name fails the whole call
// (EConflict, naming the item).
// partner is the partner that asks ("" : an operator); a lot it may not
// use is not found (core.PartnerLot).
func (s *Service) SyncPasses(ctx context.Context, partner, lot string, in []*park.Pass) ([]SyncOutcome, error) {
	if len(in) == 0 {
		return nil, park.Invalid("passes", "at least one pass is required").Because(park.ReasonRequired)
	}
	if len(in) > park.MaxListLimit {
		return nil, park.Invalid("passes", "at most %d passes", park.MaxListLimit).Because(park.ReasonRange, "1", strconv.Itoa(park.MaxListLimit))
	}
	seen := map[string]int{}
	plateItem := map[string]int{} // plate key -> the item that holds it
	for i, p := range in {
		p.LotCode = lot
		if p.UserCode == "" {
			return nil, itemError(i, park.Invalid("user_code", "is required").Because(park.ReasonRequired))
		}
		if j, dup := seen[p.UserCode]; dup {
			return nil, itemError(i, park.Invalid("user_code", "repeats item %d", j).Because(park.ReasonDuplicate))
		}
		seen[p.UserCode] = i
		if err := s.preparePass(p); err != nil {
			return nil, itemError(i, err)
		}
		for k, key := range p.PlateKeys {
			if j, dup := plateItem[key]; dup {
				return nil, itemError(i, park.Invalid("plates", "plate %s is also on item %d; a plate holds one pass", p.Plates[k], j).
					Because(park.ReasonDuplicate))
			}
			plateItem[key] = i
		}
	}
	var out []SyncOutcome
	err := s.base.Update(ctx, func(tx park.Tx) error {
		out = out[:0]
		if _, err := lotFor(ctx, tx, partner, lot); err != nil {
			return err
		}
		existing, err := tx.ListPasses(ctx, lot)
		if err != nil {
			return err
		}
		byCode := map[string]*park.Pass{}
		for _, p := range existing {
			if p.UserCode != "" {
				byCode[p.UserCode] = p
			}
		}
		// The plans of every pass written, before and after, before any
		// write (a pass listed before the lock and changed meanwhile
		// conflicts at its write, and the sync is retried).
		var plans []string
		for _, p := range in {
			plans = append(plans, p.Plan)
			if old, ok := byCode[p.UserCode]; ok {
				plans = append(plans, old.Plan)
			}
		}
		if err := lockPlans(ctx, tx, lot, plans...); err != nil {
			return err
		}
		now := s.base.Clock()
		// First every listed pass gives up the plates another item takes
		// (written as it was, less those plates: their cars inside leave
		// it as when a plate is taken off), so that no write below meets
		// a plate's old holder, whatever the order of the list and a swap
		// between two passes included.
		for i, p := range in {
			old, ok := byCode[p.UserCode]
			if !ok {
				continue
			}
			mid := *old
			mid.Plates, mid.PlateKeys = nil, nil
			for k, key := range old.PlateKeys {
				if j, taken := plateItem[key]; !taken || j == i {
					mid.Plates, mid.PlateKeys = append(mid.Plates, old.Plates[k]), append(mid.PlateKeys, key)
				}
			}
			if len(mid.PlateKeys) == len(old.PlateKeys) {
				continue
			}
			mid.UpdatedAt = now
			if err := tx.UpdatePass(ctx, &mid); err != nil {
				return itemError(i, err)
			}
			old.Version = mid.Version
		}
		outs := make([]SyncOutcome, len(in))
		for i, p := range in {
			old, ok := byCode[p.UserCode]
			if !ok {
				continue
			}
			np := *p
			np.ID, np.CreatedAt, np.UpdatedAt, np.Version = old.ID, old.CreatedAt, now, old.Version
			if err := applyPlan(ctx, tx, &np); err != nil {
				return err
			}
			if err := coverFromNow(ctx, tx, old, &np, now); err != nil {
				return err
			}
			if err := tx.UpdatePass(ctx, &np); err != nil {
				return itemError(i, err)
			}
			outs[i] = SyncOutcome{Pass: &np}
		}
		for i, p := range in {
			if outs[i].Pass != nil {
				continue
			}
			np := *p
			np.ID, np.CreatedAt, np.UpdatedAt = core.NewID(), now, now
			if err := applyPlan(ctx, tx, &np); err != nil {
				return err
			}
			if err := tx.CreatePass(ctx, &np); err != nil {
				return itemError(i, err)
			}
			outs[i] = SyncOutcome{Pass: &np, Created: true}
		}
		out = outs
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// itemError names item i of a bulk request in err's field; other errors
// (unavailable, internal) pass through unchanged.
func itemError(i int, err error) error {
	pe, ok := err.(*park.Error)
	if !ok || pe.Stale || (pe.Code != park.EInvalid && pe.Code != park.EConflict && pe.Code != park.ENotFound) {
		return err // a lost race is not the item's fault: it is retried
	}
	field := fmt.Sprintf("passes[%d]", i)
	if pe.Field != "" {
		field += "." + pe.Field
	}
	return &park.Error{Code: pe.Code, Field: field, Message: pe.Message}
}
