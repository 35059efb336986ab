package gate

import (
	"context"
	"time"

	"parkd/internal/park"
	"parkd/internal/plate"
)

// Rentals lets rented cars through: the rental subsystem implements it,
// inside the gate's transaction, so the order and the barrier change
// together.
type Rentals interface {
	// RentalDue returns the order a car leaving lot at at would start
	// (awaiting pick-up at a store in lot, within its pick-up window), or
	// nil.
	RentalDue(ctx context.Context, tx park.Tx, lot, plateKey string, at time.Time) (*park.RentalOrder, error)
	// StartRental puts the order in use: its car left at at.
	StartRental(ctx context.Context, tx park.Tx, o *park.RentalOrder, at time.Time) error
	// RentalReturn records a rented car coming into lot (its rental
	// ends, awaiting settlement); a car not rented is not touched.
	RentalReturn(ctx context.Context, tx park.Tx, lot, plateKey string, at time.Time) error
}

// SetRentals wires the rental subsystem (system does, once, before use).
func (s *Service) SetRentals(r Rentals) { s.rentals = r }

// rentalExit lets a car out at the start of its rental: the barrier
// opens (reason rental_pickup) and the car's stay, if it has one, ends
// with nothing to pay: the rental is paid through its channel. ok is
// false for a car with no rental starting here, which the lot's rules
// decide as any other. A locked car is never let out this way.
func (s *Service) rentalExit(ctx context.Context, tx park.Tx, l *park.Lot, in *EventInput, p plate.Plate, now time.Time) (park.Decision, bool, error) {
	dec := park.Decision{Plate: p.Text}
	if s.rentals == nil || p.Kind == plate.KindNoPlate {
		return dec, false, nil
	}
	o, err := s.rentals.RentalDue(ctx, tx, l.Code, p.Key, in.At)
	if err != nil || o == nil {
		return dec, false, err
	}
	if lk, err := tx.IsLocked(ctx, l.Code, p.Key); err != nil || lk != nil {
		return dec, false, err
	}
	if err := s.rentals.StartRental(ctx, tx, o, in.At); err != nil {
		return dec, false, err
	}
	st, err := tx.FindInside(ctx, l.Code, p.Key)
	switch {
	case err == nil:
		at := in.At
		if at.Before(st.EntryAt) {
			at = st.EntryAt
		}
		dec.StayID, dec.Locator = st.ID, st.Locator
		if err := s.closeStay(ctx, tx, l, st, at, in.Lane, "", nil, now); err != nil {
			return dec, false, err
		}
	case !park.IsCode(err, park.ENotFound):
		return dec, false, err
	}
	dec.Decision, dec.Reason = park.DecisionOpen, park.ReasonRentalPickup
	return dec, true, nil
}

// rentalEntry records a rented car's return; the entry is then decided
// as any other.
func (s *Service) rentalEntry(ctx context.Context, tx park.Tx, l *park.Lot, in *EventInput, p plate.Plate) error {
	if s.rentals == nil || p.Kind == plate.KindNoPlate {
		return nil
	}
	return s.rentals.RentalReturn(ctx, tx, l.Code, p.Key, in.At)
}
