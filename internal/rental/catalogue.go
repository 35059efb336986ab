package rental

import (
	"context"

	"parkd/internal/core"
	"parkd/internal/park"
)

// named is err, when it is ENotFound, as notFound naming field (the
// caller's id that names nothing); any other err as it is.
func named(err error, field, format string, args ...any) error {
	if park.IsCode(err, park.ENotFound) {
		return notFound(field, format, args...)
	}
	return err
}

// notFound is ENotFound naming the field whose value names nothing.
func notFound(field, format string, args ...any) error {
	e := park.Errorf(park.ENotFound, format, args...)
	e.Field = field
	return e
}

// PutStore creates or replaces a store (its code names it) and tells the
// channels that sell it; a deleted store put again is back (alone: its
// terms and vehicles stay retired). Errors: EInvalid (each field;
// lot_code when the lot does not price in CNY), ENotFound (lot_code).
func (s *Service) PutStore(ctx context.Context, in park.RentalStore) (*park.RentalStore, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	out := in
	err := s.base.Update(ctx, func(tx park.Tx) error {
		out = in
		lot, err := tx.GetLotSettings(ctx, in.LotCode)
		if park.IsCode(err, park.ENotFound) {
			return notFound("lot_code", "no lot %q", in.LotCode)
		} else if err != nil {
			return err
		}
		if lot.Currency != park.RentalCurrency {
			return park.Invalid("lot_code", "lot %s prices in %s; a rental store's lot must price in %s, the currency the sales channels sell in",
				lot.Code, lot.Currency, park.RentalCurrency)
		}
		old, err := tx.GetRentalStore(ctx, in.Code)
		switch {
		case err == nil:
			out.Version = old.Version
		case park.IsCode(err, park.ENotFound):
			old = nil
		default:
			return err
		}
		out.UpdatedAt = s.base.Clock()
		if err := tx.SaveRentalStore(ctx, &out); err != nil {
			return err
		}
		if old != nil && old.LotCode != out.LotCode {
			if err := relot(ctx, tx, out.UpdatedAt, out.Code); err != nil {
				return err
			}
		}
		return s.push(ctx, tx, &out, &park.RentalChange{Item: park.RentalItemStore, Store: &out})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// CheckLotCurrency implements gate.LotCurrencies: a lot that a rental
// store (not retired) sits in keeps pricing in the channels' currency.
func (s *Service) CheckLotCurrency(ctx context.Context, tx park.Tx, l *park.Lot) error {
	if l.Currency == park.RentalCurrency {
		return nil
	}
	stores, err := tx.ListRentalStores(ctx)
	if err != nil {
		return err
	}
	for _, st := range stores {
		if st.LotCode == l.Code && !st.Deleted {
			return park.Invalid("currency", "lot %s holds rental store %s, sold by the channels in %s; retire the store first",
				l.Code, st.Code, park.RentalCurrency)
		}
	}
	return nil
}

// GetStore returns a store (ENotFound, field code).
func (s *Service) GetStore(ctx context.Context, code string) (*park.RentalStore, error) {
	return read(ctx, s, func(tx park.Tx) (*park.RentalStore, error) {
		st, err := tx.GetRentalStore(ctx, code)
		return st, named(err, "code", "no store %q", code)
	})
}

// ListStores returns every store by code.
func (s *Service) ListStores(ctx context.Context) ([]*park.RentalStore, error) {
	return read(ctx, s, func(tx park.Tx) ([]*park.RentalStore, error) { return tx.ListRentalStores(ctx) })
}

// PutModel creates or replaces a vehicle model and tells every channel.
// Errors: EInvalid.
func (s *Service) PutModel(ctx context.Context, in park.VehicleModel) (*park.VehicleModel, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	out := in
	err := s.base.Update(ctx, func(tx park.Tx) error {
		out = in
		old, err := tx.GetVehicleModel(ctx, in.Code)
		switch {
		case err == nil:
			out.Version = old.Version
		case !park.IsCode(err, park.ENotFound):
			return err
		}
		out.UpdatedAt = s.base.Clock()
		if err := tx.SaveVehicleModel(ctx, &out); err != nil {
			return err
		}
		return s.pushModel(ctx, tx, &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetModel returns a vehicle model (ENotFound, field code).
func (s *Service) GetModel(ctx context.Context, code string) (*park.VehicleModel, error) {
	return read(ctx, s, func(tx park.Tx) (*park.VehicleModel, error) {
		m, err := tx.GetVehicleModel(ctx, code)
		return m, named(err, "code", "no vehicle model %q", code)
	})
}

// ListModels returns every vehicle model by code.
func (s *Service) ListModels(ctx context.Context) ([]*park.VehicleModel, error) {
	return read(ctx, s, func(tx park.Tx) ([]*park.VehicleModel, error) { return tx.ListVehicleModels(ctx) })
}

// PutStoreModel creates or replaces a store's terms for a model and, in
// the same transaction, queues the change for every channel that sells
// the store. Deleted terms stay, marked deleted, so the channel hears of
// the deletion. Errors: EInvalid (each field), ENotFound (store_code,
// model_code; model_code also for deleted terms the store never had),
// EConflict (store_code, model_code: deleted).
func (s *Service) PutStoreModel(ctx context.Context, in park.StoreModel) (*park.StoreModel, error) {
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
		if _, err := liveModel(ctx, tx, in.ModelCode); err != nil {
			return err
		}
		old, err := tx.GetStoreModel(ctx, in.StoreCode, in.ModelCode)
		switch {
		case err == nil:
			out.Version = old.Version
		case !park.IsCode(err, park.ENotFound):
			return err
		case in.Deleted:
			// Nothing to withdraw: the channels would be told to delete
			// an offer they never heard of.
			return notFound("model_code", "store %s has no terms for model %s to delete", in.StoreCode, in.ModelCode)
		}
		out.UpdatedAt = s.base.Clock()
		if err := tx.SaveStoreModel(ctx, &out); err != nil {
			return err
		}
		return s.push(ctx, tx, store, &park.RentalChange{Item: park.RentalItemStoreModel, Store: store, StoreModel: &out,
			Deleted: out.Deleted})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetStoreModel returns a store's terms for a model (ENotFound).
func (s *Service) GetStoreModel(ctx context.Context, store, model string) (*park.StoreModel, error) {
	return read(ctx, s, func(tx park.Tx) (*park.StoreModel, error) { return tx.GetStoreModel(ctx, store, model) })
}

// ListStoreModels returns a store's terms by model (ENotFound, field
// store_code: no store).
func (s *Service) ListStoreModels(ctx context.Context, store string) ([]*park.StoreModel, error) {
	var out []*park.StoreModel
	err := s.base.View(ctx, func(tx park.Tx) error {
		if _, err := tx.GetRentalStore(ctx, store); err != nil {
			return named(err, "store_code", "no store %q", store)
		}
		var err error
		out, err = tx.ListStoreModels(ctx, store)
		return err
	})
	return out, err
}

// ChannelStoreModels returns a store a channel sells and its terms by
// model. Errors: ENotFound (field store_code: no such store, or one the
// channel does not sell).
func (s *Service) ChannelStoreModels(ctx context.Context, channel, store string) (*park.RentalStore, []*park.StoreModel, error) {
	var (
		st  *park.RentalStore
		out []*park.StoreModel
	)
	err := s.base.View(ctx, func(tx park.Tx) error {
		if err := sells(ctx, tx, channel, store); err != nil {
			return err
		}
		var err error
		if st, err = tx.GetRentalStore(ctx, store); park.IsCode(err, park.ENotFound) {
			return notFound("store_code", "no store %q", store)
		} else if err != nil {
			return err
		}
		out, err = tx.ListStoreModels(ctx, store)
		return err
	})
	return st, out, err
}

// VehicleInput is a vehicle as an operator describes it.
type VehicleInput struct {
	Plate     string
	VIN       string
	StoreCode string
	ModelCode string
	Mileage   int
	OneWay    bool
}

// PutVehicle creates or replaces a vehicle, named by its plate. Errors:
// EInvalid (plate, vin, mileage_km), ENotFound (store_code, model_code),
// EConflict (another vehicle has the VIN; the store or model is deleted).
func (s *Service) PutVehicle(ctx context.Context, in VehicleInput) (*park.RentalVehicle, error) {
	p, err := core.Plate("plate", in.Plate)
	if err != nil {
		return nil, err
	}
	v := park.RentalVehicle{Plate: p.Text, PlateKey: p.Key, VIN: in.VIN, StoreCode: in.StoreCode, ModelCode: in.ModelCode,
		Mileage: in.Mileage, OneWay: in.OneWay}
	if err := v.Validate(); err != nil {
		return nil, err
	}
	out := v
	err = s.base.Update(ctx, func(tx park.Tx) error {
		out = v
		store, err := liveStore(ctx, tx, v.StoreCode)
		if err != nil {
			return err
		}
		if _, err := liveModel(ctx, tx, v.ModelCode); err != nil {
			return err
		}
		old, err := tx.GetRentalVehicle(ctx, v.PlateKey)
		switch {
		case err == nil:
			out.Version = old.Version
		case park.IsCode(err, park.ENotFound):
			old = nil
		default:
			return err
		}
		if old != nil && !old.Deleted && (old.StoreCode != v.StoreCode || old.ModelCode != v.ModelCode) {
			// An order holds this car as a model at a store: moving it
			// would leave the order with a car that is not there, as
			// deleting it would.
			os, err := tx.VehicleOrders(ctx, v.PlateKey)
			if err != nil {
				return err
			}
			if len(os) > 0 {
				field := "store_code"
				if old.StoreCode == v.StoreCode {
					field = "model_code"
				}
				e := park.Errorf(park.EConflict, "vehicle %s has order %s (%s, store %s, model %s): cancel or finish it first",
					old.Plate, os[0].ID, os[0].Status, old.StoreCode, old.ModelCode)
				e.Field = field
				return e
			}
		}
		out.UpdatedAt = s.base.Clock()
		if err := tx.SaveRentalVehicle(ctx, &out); err != nil {
			if park.IsCode(err, park.EConflict) && !isStale(err) { // not a lost race: the VIN is taken
				e := park.Errorf(park.EConflict, "another vehicle has VIN %s", v.VIN)
				e.Field = "vin"
				return e
			}
			return err
		}
		if old != nil && !old.Deleted && old.StoreCode != out.StoreCode {
			// Moved: the channels of the store it left are told it is gone
			// from there (they may not sell the new one), in that store's
			// order, before it is announced at the new one.
			from, err := tx.GetRentalStore(ctx, old.StoreCode)
			if err != nil {
				return err
			}
			gone := *old
			gone.Deleted, gone.UpdatedAt = true, out.UpdatedAt
			if err := s.push(ctx, tx, from, &park.RentalChange{Item: park.RentalItemVehicle, Store: from, Vehicle: &gone, Deleted: true}); err != nil {
				return err
			}
		}
		return s.push(ctx, tx, store, &park.RentalChange{Item: park.RentalItemVehicle, Store: store, Vehicle: &out})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func isStale(err error) bool {
	pe, ok := err.(*park.Error)
	return ok && pe.Stale
}

// ListVehicles returns a store's vehicles by plate ("": every store's).
// Errors: ENotFound (store).
func (s *Service) ListVehicles(ctx context.Context, store string) ([]*park.RentalVehicle, error) {
	return read(ctx, s, func(tx park.Tx) ([]*park.RentalVehicle, error) {
		if store != "" {
			// A typo must not read as a store without cars.
			if _, err := tx.GetRentalStore(ctx, store); park.IsCode(err, park.ENotFound) {
				return nil, notFound("store", "no store %q", store)
			} else if err != nil {
				return nil, err
			}
		}
		return tx.ListRentalVehicles(ctx, store)
	})
}

// GetVehicle returns a vehicle by its plate (EInvalid, ENotFound; field
// plate).
func (s *Service) GetVehicle(ctx context.Context, plateText string) (*park.RentalVehicle, error) {
	p, err := core.Plate("plate", plateText)
	if err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx park.Tx) (*park.RentalVehicle, error) {
		v, err := tx.GetRentalVehicle(ctx, p.Key)
		return v, named(err, "plate", "no vehicle %s", p.Text)
	})
}

// DeleteVehicle retires a vehicle: it is kept for its orders, never
// rented again, and the channels are told. Putting it again brings it
// back. Errors: EInvalid (plate), ENotFound (plate), EConflict (an
// order awaits its pick-up or it is out).
func (s *Service) DeleteVehicle(ctx context.Context, plateText string) error {
	p, err := core.Plate("plate", plateText)
	if err != nil {
		return err
	}
	return s.base.Update(ctx, func(tx park.Tx) error {
		v, err := tx.GetRentalVehicle(ctx, p.Key)
		if err != nil || v.Deleted {
			return named(err, "plate", "no vehicle %s", p.Text)
		}
		os, err := tx.VehicleOrders(ctx, p.Key)
		if err != nil {
			return err
		}
		if len(os) > 0 {
			e := park.Errorf(park.EConflict, "vehicle %s has order %s %s", v.Plate, os[0].ID, os[0].Status)
			e.Field = "plate"
			return e
		}
		store, err := tx.GetRentalStore(ctx, v.StoreCode)
		if err != nil {
			return err
		}
		return s.retireVehicle(ctx, tx, store, v)
	})
}
