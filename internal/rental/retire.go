package rental

import (
	"context"

	"parkd/internal/park"
)

// Deleting a store or a vehicle model retires what hangs on it, in one
// transaction, each change queued for the channels (children first, then
// the item itself, in the store's order): the store's (or model's) terms
// are marked deleted, its rule deleted, its vehicles retired. Nothing is
// removed: orders name them, and the channels hear deleted 1. Refused
// while one of the vehicles has an order awaiting pick-up or in use:
// cancel or finish it first. Putting the store or model again brings it
// back alone; its terms and vehicles are put again one by one.

// DeleteStore retires a store. Deleting it again does nothing. Errors:
// ENotFound and EConflict (an open order), both naming field code.
func (s *Service) DeleteStore(ctx context.Context, code string) error {
	return s.base.Update(ctx, func(tx park.Tx) error {
		store, err := tx.GetRentalStore(ctx, code)
		if err != nil || store.Deleted {
			return named(err, "code", "no store %q", code)
		}
		vs, err := tx.ListRentalVehicles(ctx, code)
		if err != nil {
			return err
		}
		if err := noOpenOrders(ctx, tx, vs, "store "+code); err != nil {
			return err
		}
		now := s.base.Clock()
		ts, err := tx.ListStoreModels(ctx, code)
		if err != nil {
			return err
		}
		for _, t := range ts {
			if err := s.retireTerms(ctx, tx, store, t); err != nil {
				return err
			}
		}
		switch r, err := tx.GetStoreRule(ctx, code); {
		case park.IsCode(err, park.ENotFound):
		case err != nil:
			return err
		case !r.Deleted:
			r.Deleted, r.UpdatedAt = true, now
			if err := s.saveRule(ctx, tx, store, r); err != nil {
				return err
			}
		}
		for _, v := range vs {
			if err := s.retireVehicle(ctx, tx, store, v); err != nil {
				return err
			}
		}
		store.Deleted, store.Active, store.UpdatedAt = true, false, now
		if err := tx.SaveRentalStore(ctx, store); err != nil {
			return err
		}
		return s.push(ctx, tx, store, &park.RentalChange{Item: park.RentalItemStore, Store: store, Deleted: true})
	})
}

// DeleteModel retires a vehicle model, in every store. Deleting it again
// does nothing. Errors: ENotFound and EConflict (an open order), both
// naming field code.
func (s *Service) DeleteModel(ctx context.Context, code string) error {
	return s.base.Update(ctx, func(tx park.Tx) error {
		m, err := tx.GetVehicleModel(ctx, code)
		if err != nil || m.Deleted {
			return named(err, "code", "no vehicle model %q", code)
		}
		all, err := tx.ListRentalVehicles(ctx, "")
		if err != nil {
			return err
		}
		var vs []*park.RentalVehicle
		for _, v := range all {
			if v.ModelCode == code {
				vs = append(vs, v)
			}
		}
		if err := noOpenOrders(ctx, tx, vs, "vehicle model "+code); err != nil {
			return err
		}
		stores := map[string]*park.RentalStore{}
		storeOf := func(code string) (*park.RentalStore, error) {
			if st, ok := stores[code]; ok {
				return st, nil
			}
			st, err := tx.GetRentalStore(ctx, code)
			stores[code] = st
			return st, err
		}
		ts, err := tx.ListStoreModels(ctx, "")
		if err != nil {
			return err
		}
		for _, t := range ts {
			if t.ModelCode != code {
				continue
			}
			st, err := storeOf(t.StoreCode)
			if err != nil {
				return err
			}
			if err := s.retireTerms(ctx, tx, st, t); err != nil {
				return err
			}
		}
		for _, v := range vs {
			st, err := storeOf(v.StoreCode)
			if err != nil {
				return err
			}
			if err := s.retireVehicle(ctx, tx, st, v); err != nil {
				return err
			}
		}
		m.Deleted, m.UpdatedAt = true, s.base.Clock()
		if err := tx.SaveVehicleModel(ctx, m); err != nil {
			return err
		}
		return s.pushModel(ctx, tx, m)
	})
}

// noOpenOrders refuses when one of vs has an order awaiting pick-up or
// in use.
func noOpenOrders(ctx context.Context, tx park.Tx, vs []*park.RentalVehicle, what string) error {
	for _, v := range vs {
		os, err := tx.VehicleOrders(ctx, v.PlateKey)
		if err != nil {
			return err
		}
		if len(os) > 0 {
			return park.Conflict("code", "%s has open order %s (%s, vehicle %s): cancel or finish it first", what, os[0].ID,
				os[0].Status, v.Plate)
		}
	}
	return nil
}

// retireTerms marks terms deleted (unless they are) and queues the change.
func (s *Service) retireTerms(ctx context.Context, tx park.Tx, store *park.RentalStore, t *park.StoreModel) error {
	if t.Deleted {
		return nil
	}
	t.Deleted, t.UpdatedAt = true, s.base.Clock()
	if err := tx.SaveStoreModel(ctx, t); err != nil {
		return err
	}
	return s.push(ctx, tx, store, &park.RentalChange{Item: park.RentalItemStoreModel, Store: store, StoreModel: t, Deleted: true})
}

// retireVehicle marks a vehicle retired (unless it is) and queues the
// change.
func (s *Service) retireVehicle(ctx context.Context, tx park.Tx, store *park.RentalStore, v *park.RentalVehicle) error {
	if v.Deleted {
		return nil
	}
	v.Deleted, v.UpdatedAt = true, s.base.Clock()
	if err := tx.SaveRentalVehicle(ctx, v); err != nil {
		return err
	}
	return s.push(ctx, tx, store, &park.RentalChange{Item: park.RentalItemVehicle, Store: store, Vehicle: v, Deleted: true})
}
