package rental

import (
	"context"

	"parkd/internal/park"
)

// PutStoreRule creates or replaces a store's rule and, in the same
// transaction, queues the change for every channel that sells the store.
// Errors: EInvalid (each field), ENotFound (store_code), EConflict (the
// store is deleted).
func (s *Service) PutStoreRule(ctx context.Context, in park.StoreRule) (*park.StoreRule, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	out := in
	err := s.base.Update(ctx, func(tx park.Tx) error {
		out = in
		store, err := liveStore(ctx, tx, in.StoreCode)
		if err != nil {
			return err
		}
		old, err := tx.GetStoreRule(ctx, in.StoreCode)
		switch {
		case err == nil:
			out.Version = old.Version
		case !park.IsCode(err, park.ENotFound):
			return err
		}
		out.UpdatedAt = s.base.Clock()
		return s.saveRule(ctx, tx, store, &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetStoreRule returns a store's rule, deleted or not (ENotFound).
func (s *Service) GetStoreRule(ctx context.Context, store string) (*park.StoreRule, error) {
	return read(ctx, s, func(tx park.Tx) (*park.StoreRule, error) { return tx.GetStoreRule(ctx, store) })
}

// DeleteStoreRule marks a store's rule deleted and tells the channels;
// deleting it again does nothing. Errors: ENotFound (no rule).
func (s *Service) DeleteStoreRule(ctx context.Context, store string) error {
	return s.base.Update(ctx, func(tx park.Tx) error {
		r, err := tx.GetStoreRule(ctx, store)
		if err != nil || r.Deleted {
			return err
		}
		st, err := tx.GetRentalStore(ctx, store)
		if err != nil {
			return err
		}
		r.Deleted, r.UpdatedAt = true, s.base.Clock()
		return s.saveRule(ctx, tx, st, r)
	})
}

func (s *Service) saveRule(ctx context.Context, tx park.Tx, store *park.RentalStore, r *park.StoreRule) error {
	if err := tx.SaveStoreRule(ctx, r); err != nil {
		return err
	}
	return s.push(ctx, tx, store, &park.RentalChange{Item: park.RentalItemStoreRule, Store: store, Rule: r, Deleted: r.Deleted})
}

// liveStore returns a store that exists and is not deleted: ENotFound or
// EConflict naming store_code.
func liveStore(ctx context.Context, tx park.Tx, code string) (*park.RentalStore, error) {
	store, err := tx.GetRentalStore(ctx, code)
	if park.IsCode(err, park.ENotFound) {
		return nil, notFound("store_code", "no store %q", code)
	} else if err != nil {
		return nil, err
	}
	if store.Deleted {
		return nil, park.Conflict("store_code", "store %q is deleted; put it again first", code)
	}
	return store, nil
}

// liveModel is liveStore for a vehicle model (model_code).
func liveModel(ctx context.Context, tx park.Tx, code string) (*park.VehicleModel, error) {
	m, err := tx.GetVehicleModel(ctx, code)
	if park.IsCode(err, park.ENotFound) {
		return nil, notFound("model_code", "no vehicle model %q", code)
	} else if err != nil {
		return nil, err
	}
	if m.Deleted {
		return nil, park.Conflict("model_code", "vehicle model %q is deleted; put it again first", code)
	}
	return m, nil
}
