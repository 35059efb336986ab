package access

import (
	"context"
	"slices"

	"parkd/internal/core"
	"parkd/internal/park"
)

// SaveSlotPass creates or replaces a time-slot pass (时段月租) in one
// transaction. p.Plan must name one of the lot's time-slot plans, whose
// slots the pass takes. The pass replaced is the one ref names (by id,
// user code or, when ref names neither, p's first plate); with none,
// p is created. Replacing takes every field of p, keeping the pass's id
// and, when p has none, its user code. A whole-day pass is never turned
// into a time-slot one here (EConflict).
// partner is the partner that asks ("" : an operator).
// Errors: EInvalid (plan and the pass's fields), ENotFound (lot, or one
// partner may not use; plan; field pass: ref names an id that is not a
// pass of the lot), EConflict.
func (s *Service) SaveSlotPass(ctx context.Context, partner, lot string, ref PassRef, p *park.Pass) (out *park.Pass, created bool, err error) {
	if p.Plan == "" {
		return nil, false, park.Invalid("plan", "a time-slot pass names its time-slot plan").Because(park.ReasonRequired)
	}
	p.LotCode = lot
	if err := s.preparePass(p); err != nil {
		return nil, false, err
	}
	if ref.ID == "" && ref.UserCode == "" {
		ref.Plate = p.Plates[0]
	}
	err = s.base.Update(ctx, func(tx park.Tx) error {
		created = false
		now := s.base.Clock()
		if err := core.PartnerLot(ctx, tx, partner, lot); err != nil {
			return err
		}
		// The pass replaced is found first for its plan's lock; that it is
		// missing or misnamed is still answered after the plan's errors.
		cur, ferr := findPass(ctx, tx, lot, ref)
		if ferr != nil && !park.IsCode(ferr, park.ENotFound) && !park.IsCode(ferr, park.EInvalid) {
			return ferr
		}
		locked := []string{p.Plan}
		if ferr == nil {
			locked = append(locked, cur.Plan)
		}
		if err := lockPlans(ctx, tx, lot, locked...); err != nil {
			return err
		}
		pl, err := tx.GetPlan(ctx, lot, p.Plan)
		if park.IsCode(err, park.ENotFound) {
			return &park.Error{Code: park.ENotFound, Field: "plan", Message: "the lot has no plan " + p.Plan}
		}
		if err != nil {
			return err
		}
		if len(pl.Slots) == 0 {
			return park.Invalid("plan", "%s is a whole-day plan; a time-slot pass needs a time-slot plan", pl.Code).Because(park.ReasonNotApplicable)
		}
		switch err := ferr; {
		case park.IsCode(err, park.ENotFound) && ref.ID == "":
			np := *p
			np.ID, np.CreatedAt, np.UpdatedAt = core.NewID(), now, now
			np.Slots = slices.Clone(pl.Slots)
			if err := userCodeFree(ctx, tx, &np); err != nil {
				return err
			}
			out, created = &np, true
			return tx.CreatePass(ctx, &np)
		case err != nil:
			return err
		case len(cur.Slots) == 0:
			return &park.Error{Code: park.EConflict, Field: "plates", Message: "the car holds a whole-day pass " + cur.ID + "; change that one instead"}
		}
		np := *p
		np.ID, np.CreatedAt, np.Version, np.UpdatedAt = cur.ID, cur.CreatedAt, cur.Version, now
		if np.UserCode == "" {
			np.UserCode = cur.UserCode
		}
		np.Slots = slices.Clone(pl.Slots)
		if err := userCodeFree(ctx, tx, &np); err != nil {
			return err
		}
		out = &np
		if err := coverFromNow(ctx, tx, cur, &np, now); err != nil {
			return err
		}
		return tx.UpdatePass(ctx, &np)
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

// DeleteSlotPass removes the time-slot pass ref names and returns it; a
// whole-day pass is left alone (DeletePassBy removes it) and answers as
// no pass would. partner is the partner that asks ("" : an operator).
// Errors: EInvalid, ENotFound (lot, or one partner may not use; field
// pass, user_code or plate: what ref names it by).
func (s *Service) DeleteSlotPass(ctx context.Context, partner, lot string, ref PassRef) (*park.Pass, error) {
	var out *park.Pass
	err := s.base.Update(ctx, func(tx park.Tx) error {
		if _, err := lotFor(ctx, tx, partner, lot); err != nil {
			return err
		}
		p, err := findPassAll(ctx, tx, lot, ref)
		if err != nil {
			return err
		}
		if len(p.Slots) == 0 {
			return &park.Error{Code: park.ENotFound, Field: ref.field(), Message: "pass " + p.ID + " is a whole-day pass, not a time-slot one"}
		}
		out = p
		if err := keepPassFree(ctx, tx, p, s.base.Clock()); err != nil {
			return err
		}
		return tx.DeletePass(ctx, p.ID)
	})
	return out, err
}
