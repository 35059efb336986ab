package gate

import (
	"context"

	"parkd/internal/core"
	"parkd/internal/park"
)

// LockCar locks a plate in a lot: until UnlockCar, the car's exit is held
// with reason "locked", paid or not. Locking a plate that is already
// locked returns the existing lock. by says who locked it (at most 64
// bytes); partner is the partner that asks ("" : an operator), which may
// lock cars only in its lots (core.PartnerLot).
// Errors: EInvalid (field plate or by), ENotFound (lot, or one the
// partner is not registered for).
func (s *Service) LockCar(ctx context.Context, partner, lot, plateText, by string) (*park.Lock, error) {
	_, keys, err := core.Plates("plate", []string{plateText})
	if err != nil {
		return nil, err
	}
	if len(by) > 64 {
		return nil, park.Invalid("by", "must be at most 64 bytes").Because(park.ReasonLength, "0", "64")
	}
	if err := park.CheckText("by", by); err != nil {
		return nil, err
	}
	var out *park.Lock
	err = s.base.Write(ctx, func(tx park.Tx) error {
		if err := core.PartnerLot(ctx, tx, partner, lot); err != nil {
			return err
		}
		if _, err := tx.GetLotSettings(ctx, lot); err != nil {
			return err
		}
		cur, err := tx.IsLocked(ctx, lot, keys[0])
		if err != nil || cur != nil {
			out = cur
			return err
		}
		out = &park.Lock{LotCode: lot, PlateKey: keys[0], LockedAt: s.base.Clock(), By: by}
		return tx.Lock(ctx, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UnlockCar removes a plate's lock (ENotFound when it is not locked, or
// the lot is not one partner is registered for; "" is an operator).
func (s *Service) UnlockCar(ctx context.Context, partner, lot, plateText string) (*park.Lock, error) {
	_, keys, err := core.Plates("plate", []string{plateText})
	if err != nil {
		return nil, err
	}
	var out *park.Lock
	err = s.base.Write(ctx, func(tx park.Tx) error {
		if err := core.PartnerLot(ctx, tx, partner, lot); err != nil {
			return err
		}
		if _, err := tx.GetLotSettings(ctx, lot); err != nil {
			return err
		}
		cur, err := tx.IsLocked(ctx, lot, keys[0])
		if err != nil {
			return err
		}
		if cur == nil {
			return park.Errorf(park.ENotFound, "plate %q is not locked", plateText)
		}
		out = cur
		return tx.Unlock(ctx, lot, keys[0])
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CarLock returns a plate's lock in a lot, or nil when it is not locked.
func (s *Service) CarLock(ctx context.Context, lot, plateText string) (*park.Lock, error) {
	_, keys, err := core.Plates("plate", []string{plateText})
	if err != nil {
		return nil, err
	}
	var out *park.Lock
	err = s.base.View(ctx, func(tx park.Tx) (err error) {
		out, err = tx.IsLocked(ctx, lot, keys[0])
		return err
	})
	return out, err
}
