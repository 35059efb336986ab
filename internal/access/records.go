package access

import (
	"context"
	"time"

	"parkd/internal/park"
)

// knownRecords is a transaction told by one statement (PlateRecords)
// which kinds of records one plate has in one lot. The look-ups of kinds
// it has none of answer at once: most cars have no list entry, pass,
// reservation, lock or coupon, and each look-up is a statement on a lane's
// or a fee query's path (two to four per gate event, a round trip each on
// PostgreSQL).
type knownRecords struct {
	park.Tx
	lot, key string
	has      park.PlateRecords
	// inside is the plate's open stay as read with the records (KnownLot),
	// handed to the first FindInside of it: its caller owns and may change
	// it. A stay written before that (InsertStay, UpdateStay) drops it,
	// since it may be that one; FindInside then asks the database.
	inside *park.Stay
}

// KnownRecords returns tx knowing which records the plate key has in lot.
// Its caller must not create such a record for that plate through it: a
// gate decision or a price never does, so what was true when it began
// stays true. The exceptions, a stay an entry opens and an order a
// re-entry leaves booked for the car (ReservationsUsedByReentry), are
// noted as they are written (InsertStay, UpdateStay, UpdateReservation).
// A tx that knows them already is returned as it is.
func KnownRecords(ctx context.Context, tx park.Tx, lot, key string) (park.Tx, error) {
	if k, ok := tx.(*knownRecords); ok && k.lot == lot && k.key == key {
		return k, nil
	}
	has, err := tx.PlateRecords(ctx, lot, key)
	if err != nil {
		return nil, err
	}
	return &knownRecords{Tx: tx, lot: lot, key: key, has: has}, nil
}

// KnownLot is KnownRecords reading the lot's settings in the same
// statement (LotAndPlate), and the plate's open stay, which the first
// FindInside of it is answered with: for a transaction that begins with
// both, as a gate event and a quote do. An unknown lot is GetLotSettings'
// ENotFound.
func KnownLot(ctx context.Context, tx park.Tx, lot, key string) (*park.Lot, park.Tx, error) {
	l, has, inside, err := tx.LotAndPlate(ctx, lot, key)
	if err != nil {
		return nil, nil, err
	}
	return l, &knownRecords{Tx: tx, lot: lot, key: key, has: has, inside: inside}, nil
}

// none reports whether the plate of (lot, key) is known to have no record
// of a kind it has (has false).
func (k *knownRecords) none(lot, key string, has bool) bool {
	return !has && lot == k.lot && key == k.key
}

func (k *knownRecords) FindWhitelist(ctx context.Context, lot, key string) (*park.WhitelistEntry, error) {
	if k.none(lot, key, k.has.Listed) {
		return nil, park.Errorf(park.ENotFound, "whitelist entry for this plate not found")
	}
	return k.Tx.FindWhitelist(ctx, lot, key)
}

func (k *knownRecords) FindPassByPlate(ctx context.Context, lot, key string) (*park.Pass, error) {
	if k.none(lot, key, k.has.Pass) {
		return nil, park.Errorf(park.ENotFound, "pass for this plate not found")
	}
	return k.Tx.FindPassByPlate(ctx, lot, key)
}

func (k *knownRecords) BookedReservations(ctx context.Context, lot, key string, at time.Time) ([]*park.Reservation, error) {
	if k.none(lot, key, k.has.Reserved) {
		return nil, nil
	}
	return k.Tx.BookedReservations(ctx, lot, key, at)
}

func (k *knownRecords) IsLocked(ctx context.Context, lot, key string) (*park.Lock, error) {
	if k.none(lot, key, k.has.Locked) {
		return nil, nil
	}
	return k.Tx.IsLocked(ctx, lot, key)
}

func (k *knownRecords) StayCoupons(ctx context.Context, lot, key, stayID string) ([]*park.Coupon, error) {
	if k.none(lot, key, k.has.Coupons) {
		return nil, nil
	}
	return k.Tx.StayCoupons(ctx, lot, key, stayID)
}

func (k *knownRecords) FindInside(ctx context.Context, lot, key string) (*park.Stay, error) {
	if k.none(lot, key, k.has.Inside) {
		return nil, park.Errorf(park.ENotFound, "car inside not found")
	}
	if st := k.inside; st != nil && lot == k.lot && key == k.key {
		k.inside = nil
		return st, nil
	}
	return k.Tx.FindInside(ctx, lot, key)
}

func (k *knownRecords) VehicleOrders(ctx context.Context, key string) ([]*park.RentalOrder, error) {
	if !k.has.Rented && key == k.key { // rental orders are not of one lot
		return nil, nil
	}
	return k.Tx.VehicleOrders(ctx, key)
}

func (k *knownRecords) InsertStay(ctx context.Context, s *park.Stay) error {
	k.inside = nil
	err := k.Tx.InsertStay(ctx, s)
	k.opened(s, err)
	return err
}

func (k *knownRecords) UpdateStay(ctx context.Context, s *park.Stay) error {
	k.inside = nil
	err := k.Tx.UpdateStay(ctx, s)
	k.opened(s, err)
	return err
}

func (k *knownRecords) UpdateReservation(ctx context.Context, r *park.Reservation) error {
	err := k.Tx.UpdateReservation(ctx, r)
	if err == nil && r.State == park.ReservationBooked && r.LotCode == k.lot && r.PlateKey == k.key {
		k.has.Reserved = true // from then on BookedReservations asks the database
	}
	return err
}

// opened notes a stay of the plate written open: from then on FindInside
// asks the database.
func (k *knownRecords) opened(s *park.Stay, err error) {
	if err == nil && s.State == park.StayIn && s.LotCode == k.lot && s.PlateKey == k.key {
		k.has.Inside = true
	}
}
