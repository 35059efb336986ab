package access

import (
	"context"
	"slices"

	"parkd/internal/park"
)

// CreatePlan stores one of a lot's monthly rates (EInvalid, ENotFound for
// the lot, EConflict when the lot already has a plan with that code).
func (s *Service) CreatePlan(ctx context.Context, lot string, p *park.Plan) (*park.Plan, error) {
	p.LotCode = lot
	if err := p.Validate(); err != nil {
		return nil, err
	}
	now := s.base.Clock()
	p.CreatedAt, p.UpdatedAt = now, now
	err := s.base.Write(ctx, func(tx park.Tx) error { return tx.CreatePlan(ctx, p) })
	return p, err
}

// GetPlan returns a lot's plan (ENotFound).
func (s *Service) GetPlan(ctx context.Context, lot, code string) (*park.Plan, error) {
	var p *park.Plan
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		p, err = tx.GetPlan(ctx, lot, code)
		return err
	})
	return p, err
}

// ListPlans returns a lot's plans by code, for partner ("" : an
// operator) (ENotFound for the lot, or one partner may not use).
func (s *Service) ListPlans(ctx context.Context, partner, lot string) ([]*park.Plan, error) {
	var out []*park.Plan
	err := s.base.View(ctx, func(tx park.Tx) error {
		if _, err := lotFor(ctx, tx, partner, lot); err != nil {
			return err
		}
		var err error
		out, err = tx.ListPlans(ctx, lot)
		return err
	})
	return out, err
}

// UpdatePlan applies patch to a plan and stores it if it still validates.
// New slots reach the plan's passes in the same transaction, so a pass
// always parks free in its plan's slots (docs/rules.md, "Time-slot
// passes"); a pass deleted meanwhile is left out, so a delete racing the
// change never fails it, and a pass written onto the plan meanwhile waits
// for the change (lockPlans). A new price applies to the next renewal quote.
func (s *Service) UpdatePlan(ctx context.Context, lot, code string, patch func(*park.Plan) error) (*park.Plan, error) {
	var out *park.Plan
	err := s.base.Update(ctx, func(tx park.Tx) error {
		if err := lockPlans(ctx, tx, lot, code); err != nil {
			return err
		}
		p, err := tx.GetPlan(ctx, lot, code)
		if err != nil {
			return err
		}
		old := slices.Clone(p.Slots)
		if err := patch(p); err != nil {
			return err
		}
		if p.Code != code || p.LotCode != lot {
			return park.Invalid("code", "cannot be changed")
		}
		if err := p.Validate(); err != nil {
			return err
		}
		p.UpdatedAt = s.base.Clock()
		if err := tx.UpdatePlan(ctx, p); err != nil {
			return err
		}
		out = p
		if slices.Equal(old, p.Slots) {
			return nil
		}
		passes, err := tx.ListPasses(ctx, lot)
		if err != nil {
			return err
		}
		for _, ps := range passes {
			if ps.Plan != code {
				continue
			}
			ps.Slots, ps.UpdatedAt = slices.Clone(p.Slots), p.UpdatedAt
			err := tx.UpdatePass(ctx, ps)
			if park.IsCode(err, park.ENotFound) {
				// Deleted since the list was read (another node's delete
				// committed first): it needs no slots, and the plan's
				// change must not fail for it.
				if _, gerr := tx.GetPass(ctx, ps.ID); park.IsCode(gerr, park.ENotFound) {
					continue
				}
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// DeletePlan removes a plan (ENotFound). Its passes keep their plan code
// and slots; they can no longer be renewed without naming another plan.
// It takes the plan's lock, so a pass written onto the plan meanwhile
// (a sync reads the plan once per pass) sees it whole or not at all.
func (s *Service) DeletePlan(ctx context.Context, lot, code string) error {
	return s.base.Write(ctx, func(tx park.Tx) error {
		if err := lockPlans(ctx, tx, lot, code); err != nil {
			return err
		}
		return tx.DeletePlan(ctx, lot, code)
	})
}

// lockPlans holds the lot's plans named (Tx.Serialize) until the
// transaction ends. A pass written onto a plan and a change of that plan's
// slots then run one after the other: the pass reads the new slots, or the
// change lists the pass. Without it, a pass created while the slots change
// read the old ones, and the change did not see it yet. Every writer takes
// all its plans at once, sorted, before it writes any pass row, so two of
// them never wait on each other in a cycle. Empty codes are skipped.
// The key is unambiguous though a pass's plan label may hold any text,
// "/" included: a lot code cannot hold "/" (park.Lot.Validate), so the
// key's first "/" ends the lot.
func lockPlans(ctx context.Context, tx park.Tx, lot string, codes ...string) error {
	codes = slices.Compact(slices.Sorted(slices.Values(codes)))
	for _, c := range codes {
		if c == "" {
			continue
		}
		if err := tx.Serialize(ctx, "plan-slots:"+lot+"/"+c); err != nil {
			return err
		}
	}
	return nil
}

// applyPlan gives a pass the slots of its plan when the plan is one of
// the lot's plans; a pass whose plan is only a label (or none) keeps its
// own slots. Called wherever a pass is written, after lockPlans.
func applyPlan(ctx context.Context, tx park.Tx, p *park.Pass) error {
	if p.Plan == "" {
		return nil
	}
	pl, err := tx.GetPlan(ctx, p.LotCode, p.Plan)
	switch {
	case park.IsCode(err, park.ENotFound):
		return nil
	case err != nil:
		return err
	}
	p.Slots = slices.Clone(pl.Slots)
	return nil
}
