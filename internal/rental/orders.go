package rental

import (
	"context"
	"slices"
	"strconv"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// MaxLease bounds one rental.
const MaxLease = 90 * 24 * time.Hour

// MaxRentalKm bounds the km of one rental: more is a mistyped odometer.
const MaxRentalKm = 1_000_000

// MaxAdvance bounds how far ahead a rental is booked: an order for a
// year centuries off is a typo, and would hold its car for good.
const MaxAdvance = 365 * 24 * time.Hour

// OrderRequest is a rental asked for: a model at a store for a time.
type OrderRequest struct {
	ChannelID      string // "" through the native API
	ChannelOrderID string // the channel's order id: a repeated submit returns the first order
	StoreCode      string
	ModelCode      string
	PickupAt       time.Time
	ReturnAt       time.Time
}

// OrderQuote is whether a rental can be had, and its price.
type OrderQuote struct {
	Available int   // vehicles free for the whole time
	Days      int   // charged days: every started 24 hours
	Rent      int64 // Days × the terms' daily rate
	Terms     *park.StoreModel
	Store     *park.RentalStore
}

// check validates a request and prices it on tx; free lists the vehicles
// free for its whole time.
func (s *Service) check(ctx context.Context, tx park.Tx, r OrderRequest) (*OrderQuote, []*park.RentalVehicle, error) {
	switch {
	case r.StoreCode == "":
		return nil, nil, park.Invalid("store_code", "is required").Because(park.ReasonRequired)
	case r.ModelCode == "":
		return nil, nil, park.Invalid("model_code", "is required").Because(park.ReasonRequired)
	}
	if err := sells(ctx, tx, r.ChannelID, r.StoreCode); err != nil {
		return nil, nil, err
	}
	now := s.base.Clock()
	switch {
	case r.PickupAt.IsZero():
		return nil, nil, park.Invalid("pickup_at", "is required").Because(park.ReasonRequired)
	case !r.ReturnAt.After(r.PickupAt):
		return nil, nil, park.Invalid("return_at", "must be after pickup_at").Because(park.ReasonOrder)
	case r.ReturnAt.Sub(r.PickupAt) > MaxLease:
		return nil, nil, park.Invalid("return_at", "a rental lasts at most %d days", int(MaxLease/(24*time.Hour))).Because(park.ReasonRange, "0", strconv.FormatInt(int64(MaxLease/(24*time.Hour)), 10))
	case r.PickupAt.Before(now.Add(-time.Hour)):
		return nil, nil, park.Invalid("pickup_at", "is in the past").Because(park.ReasonRange)
	case r.PickupAt.After(now.Add(MaxAdvance)):
		return nil, nil, park.Invalid("pickup_at", "is more than %d days ahead: a rental is booked at most that far ahead", int(MaxAdvance/(24*time.Hour))).Because(park.ReasonRange)
	}
	store, err := tx.GetRentalStore(ctx, r.StoreCode)
	if park.IsCode(err, park.ENotFound) || err == nil && store.Deleted {
		return nil, nil, notFound("store_code", "no store %q", r.StoreCode)
	} else if err != nil {
		return nil, nil, err
	}
	terms, err := tx.GetStoreModel(ctx, r.StoreCode, r.ModelCode)
	if park.IsCode(err, park.ENotFound) || err == nil && terms.Deleted {
		return nil, nil, notFound("model_code", "store %s does not rent model %q", r.StoreCode, r.ModelCode)
	} else if err != nil {
		return nil, nil, err
	}
	if terms.DailyRate == 0 {
		// Terms put for their deposits alone must not sell the car free.
		return nil, nil, park.Conflict("daily_rate", "store %s has no daily rate for model %s: put its terms with a daily_rate first", r.StoreCode, r.ModelCode)
	}
	q := &OrderQuote{Days: park.RentalDays(r.PickupAt, r.ReturnAt), Terms: terms, Store: store}
	switch rule, err := tx.GetStoreRule(ctx, r.StoreCode); {
	case park.IsCode(err, park.ENotFound):
	case err != nil:
		return nil, nil, err
	default:
		if err := rule.Admits(now, r.PickupAt, q.Days); err != nil {
			return nil, nil, err
		}
	}
	q.Rent = int64(q.Days) * terms.DailyRate
	if !store.Active {
		return q, nil, nil
	}
	vs, err := tx.ListRentalVehicles(ctx, r.StoreCode)
	if err != nil {
		return nil, nil, err
	}
	var free []*park.RentalVehicle
	for _, v := range vs {
		if v.ModelCode != r.ModelCode || v.Deleted {
			continue
		}
		os, err := tx.VehicleOrders(ctx, v.PlateKey)
		if err != nil {
			return nil, nil, err
		}
		busy := false
		for _, o := range os {
			busy = busy || o.PickupAt.Before(r.ReturnAt) && r.PickupAt.Before(o.ReturnAt) || o.Status == park.OrderInUse
		}
		if !busy {
			free = append(free, v)
		}
	}
	q.Available = len(free)
	return q, free, nil
}

// sells refuses a store a channel does not sell, as if it did not exist
// (ENotFound, field store_code); the operator (channel "") rents at any
// store.
func sells(ctx context.Context, tx park.Tx, channel, store string) error {
	if channel == "" {
		return nil
	}
	ch, err := tx.GetRentalChannel(ctx, channel)
	if err != nil {
		return err
	}
	if !slices.Contains(ch.Stores, store) {
		return notFound("store_code", "channel %s does not sell store %q", channel, store)
	}
	return nil
}

// CheckOrder tells whether a model can be rented at a store for a time,
// and for how much. A channel's request (ChannelID) is for a store it
// sells. Errors: EInvalid (store_code, model_code: left out; pickup_at,
// return_at; also against the store rule's booking terms), ENotFound
// (store_code: no such store, or one the channel does not sell;
// model_code), EConflict (daily_rate: the terms have none).
func (s *Service) CheckOrder(ctx context.Context, r OrderRequest) (*OrderQuote, error) {
	return read(ctx, s, func(tx park.Tx) (*OrderQuote, error) {
		q, _, err := s.check(ctx, tx, r)
		return q, err
	})
}

// SubmitOrder reserves a free vehicle for a rental. The same channel
// order id submitted again for the same store, model and times returns
// the first order; for others it is EIdempotencyKey (channel_order_id),
// not a success that describes another rental. Errors: those of
// CheckOrder, EConflict (no vehicle free) and EIdempotencyKey.
func (s *Service) SubmitOrder(ctx context.Context, r OrderRequest) (*park.RentalOrder, error) {
	var out *park.RentalOrder
	err := s.base.Update(ctx, func(tx park.Tx) error {
		if r.ChannelOrderID != "" {
			o, err := tx.GetChannelOrder(ctx, r.ChannelID, r.ChannelOrderID)
			if err == nil {
				if o.StoreCode != r.StoreCode || o.ModelCode != r.ModelCode || !o.PickupAt.Equal(r.PickupAt) || !o.ReturnAt.Equal(r.ReturnAt) {
					e := park.Errorf(park.EIdempotencyKey, "channel order %s is order %s, for another store, model or time", r.ChannelOrderID, o.ID)
					e.Field = "channel_order_id"
					return e
				}
				out = o
				return nil
			} else if !park.IsCode(err, park.ENotFound) {
				return err
			}
		}
		q, free, err := s.check(ctx, tx, r)
		if err != nil {
			return err
		}
		if !q.Store.Active {
			return park.Conflict("store_code", "store %s is not active: it rents nothing out until it is put active again", r.StoreCode)
		}
		if len(free) == 0 {
			e := park.Errorf(park.EConflict, "no vehicle of model %s is free at store %s for that time", r.ModelCode, r.StoreCode)
			e.Field = "model_code"
			return e
		}
		v := free[0]
		// Saving the vehicle again takes its row: two submits racing for
		// it on a shared database cannot both reserve it (the loser
		// retries and sees the winner's order).
		v.UpdatedAt = s.base.Clock()
		if err := tx.SaveRentalVehicle(ctx, v); err != nil {
			return err
		}
		now := s.base.Clock()
		o := &park.RentalOrder{ID: core.NewID(), ChannelID: r.ChannelID, ChannelOrderID: r.ChannelOrderID, StoreCode: r.StoreCode,
			ModelCode: r.ModelCode, Plate: v.Plate, PlateKey: v.PlateKey, PickupAt: r.PickupAt, ReturnAt: r.ReturnAt, Days: q.Days,
			Rent: q.Rent, Status: park.OrderAwaitingPickup, Terms: q.Terms, CreatedAt: now, UpdatedAt: now}
		if err := tx.SaveRentalOrder(ctx, o); err != nil {
			return err
		}
		out = o
		return nil
	})
	return out, err
}

// GetOrder returns an order (ENotFound).
func (s *Service) GetOrder(ctx context.Context, id string) (*park.RentalOrder, error) {
	return read(ctx, s, func(tx park.Tx) (*park.RentalOrder, error) { return tx.GetRentalOrder(ctx, id) })
}

// ChannelOrder returns an order by its channel's order id (ENotFound).
func (s *Service) ChannelOrder(ctx context.Context, channelID, channelOrderID string) (*park.RentalOrder, error) {
	return read(ctx, s, func(tx park.Tx) (*park.RentalOrder, error) {
		return tx.GetChannelOrder(ctx, channelID, channelOrderID)
	})
}

// CancelOrder cancels an order awaiting pick-up; cancelling a cancelled
// order changes nothing. Errors: ENotFound, EConflict (the car has left).
func (s *Service) CancelOrder(ctx context.Context, id string) (*park.RentalOrder, error) {
	var out *park.RentalOrder
	err := s.base.Update(ctx, func(tx park.Tx) error {
		o, err := tx.GetRentalOrder(ctx, id)
		if err != nil {
			return err
		}
		out = o
		switch o.Status {
		case park.OrderCancelled:
			return nil
		case park.OrderAwaitingPickup:
			o.Status, o.UpdatedAt = park.OrderCancelled, s.base.Clock()
			return tx.SaveRentalOrder(ctx, o)
		}
		e := park.Errorf(park.EConflict, "order %s is %s: only an order awaiting pick-up can be cancelled", id, o.Status)
		e.Field = "status"
		return e
	})
	return out, err
}

// SettleOrder takes the mileage of a returned car: the order is
// completed, with the over-mileage fee (at the terms it was booked at)
// for the days it was out and the km it drove, and the vehicle's mileage follows. Errors: ENotFound,
// EInvalid (mileage_km below the mileage at pick-up, or more than
// MaxRentalKm above it), EConflict (the car is not back).
func (s *Service) SettleOrder(ctx context.Context, id string, mileage int) (*park.RentalOrder, error) {
	var out *park.RentalOrder
	err := s.base.Update(ctx, func(tx park.Tx) error {
		o, err := tx.GetRentalOrder(ctx, id)
		if err != nil {
			return err
		}
		if o.Status != park.OrderAwaitingSettlement {
			e := park.Errorf(park.EConflict, "order %s is %s: mileage is taken once the car is back", id, o.Status)
			e.Field = "status"
			return e
		}
		switch {
		case mileage < o.MileageOut:
			return park.Invalid("mileage_km", "must be at least the %d km the car had at pick-up", o.MileageOut).Because(park.ReasonRange, strconv.FormatInt(int64(o.MileageOut), 10), strconv.FormatInt(int64(o.MileageOut+MaxRentalKm), 10))
		case mileage > o.MileageOut+MaxRentalKm:
			return park.Invalid("mileage_km", "must be at most %d: the %d km at pick-up and %d km of driving", o.MileageOut+MaxRentalKm, o.MileageOut, MaxRentalKm).Because(park.ReasonRange, strconv.FormatInt(int64(o.MileageOut), 10), strconv.FormatInt(int64(o.MileageOut+MaxRentalKm), 10))
		}
		terms := o.Terms
		if terms == nil {
			if terms, err = tx.GetStoreModel(ctx, o.StoreCode, o.ModelCode); err != nil {
				return err
			}
		}
		days := park.RentalDays(*o.PickedUpAt, *o.ReturnedAt)
		o.MileageIn, o.OverMileageFee = mileage, terms.OverMileage(days, mileage-o.MileageOut)
		o.Status, o.UpdatedAt = park.OrderCompleted, s.base.Clock()
		if err := tx.SaveRentalOrder(ctx, o); err != nil {
			return err
		}
		// The car may have left on its next rental before this reading
		// was taken: that rental's km start here, not at the older
		// reading it left with.
		os, err := tx.VehicleOrders(ctx, o.PlateKey)
		if err != nil {
			return err
		}
		for _, n := range os {
			if n.Status == park.OrderInUse && n.PickedUpAt != nil && !n.PickedUpAt.Before(*o.ReturnedAt) && n.MileageOut < mileage {
				n.MileageOut, n.UpdatedAt = mileage, s.base.Clock()
				if err := tx.SaveRentalOrder(ctx, n); err != nil {
					return err
				}
			}
		}
		v, err := tx.GetRentalVehicle(ctx, o.PlateKey)
		if err != nil {
			return err
		}
		v.Mileage, v.UpdatedAt = max(v.Mileage, mileage), s.base.Clock() // never back: a later rental's reading may be in
		if err := tx.SaveRentalVehicle(ctx, v); err != nil {
			return err
		}
		store, err := tx.GetRentalStore(ctx, v.StoreCode)
		if err != nil {
			return err
		}
		out = o
		return s.push(ctx, tx, store, &park.RentalChange{Item: park.RentalItemVehicle, Store: store, Vehicle: v})
	})
	return out, err
}

// RentalDue returns the order a car leaving lot at at starts: awaiting
// pick-up at a store in lot, from PickupEarly before its pick-up time
// until its return time; nil when there is none.
func (s *Service) RentalDue(ctx context.Context, tx park.Tx, lot, plateKey string, at time.Time) (*park.RentalOrder, error) {
	os, err := tx.VehicleOrders(ctx, plateKey)
	if err != nil || len(os) == 0 {
		return nil, err
	}
	for _, o := range os {
		if o.Status != park.OrderAwaitingPickup || at.Before(o.PickupAt.Add(-park.PickupEarly)) || at.After(o.ReturnAt) {
			continue
		}
		store, err := tx.GetRentalStore(ctx, o.StoreCode)
		if err != nil {
			return nil, err
		}
		if store.LotCode == lot {
			return o, nil
		}
	}
	return nil, nil
}

// StartRental puts an order in use: its car left its store's lot at at,
// with the mileage it has then.
func (s *Service) StartRental(ctx context.Context, tx park.Tx, o *park.RentalOrder, at time.Time) error {
	v, err := tx.GetRentalVehicle(ctx, o.PlateKey)
	if err != nil {
		return err
	}
	o.Status, o.PickedUpAt, o.MileageOut, o.UpdatedAt = park.OrderInUse, &at, v.Mileage, s.base.Clock()
	return tx.SaveRentalOrder(ctx, o)
}

// RentalReturn ends the rental of a car coming into lot (any of the
// operator's lots): its order in use awaits settlement.
func (s *Service) RentalReturn(ctx context.Context, tx park.Tx, lot, plateKey string, at time.Time) error {
	os, err := tx.VehicleOrders(ctx, plateKey)
	if err != nil {
		return err
	}
	for _, o := range os {
		if o.Status != park.OrderInUse {
			continue
		}
		if o.PickedUpAt != nil && at.Before(*o.PickedUpAt) {
			at = *o.PickedUpAt // lanes' clocks disagree: never a negative rental
		}
		o.Status, o.ReturnedAt, o.ReturnLot, o.UpdatedAt = park.OrderAwaitingSettlement, &at, lot, s.base.Clock()
		return tx.SaveRentalOrder(ctx, o)
	}
	return nil
}
