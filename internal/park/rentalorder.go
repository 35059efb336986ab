package park

import (
	"context"
	"time"
)

// Rental order statuses. A channel words them in its own codes.
const (
	OrderAwaitingPickup     = "awaiting_pickup"     // reserved: a vehicle is held for the renter
	OrderInUse              = "in_use"              // the car left its store's lot
	OrderAwaitingSettlement = "awaiting_settlement" // the car came back into one of the operator's lots
	OrderCompleted          = "completed"           // mileage taken, fees settled
	OrderCancelled          = "cancelled"
)

// ReasonRentalPickup: a rented car leaves its store's lot at the start of
// its rental.
const ReasonRentalPickup = "rental_pickup"

// PickupEarly is how long before its pick-up time a rented car may leave.
const PickupEarly = 2 * time.Hour

// RentalOrder is a rental: a vehicle of a model at a store, reserved for
// a time. Amounts are minor units of the store's lot currency.
type RentalOrder struct {
	ID             string     `json:"id"`
	ChannelID      string     `json:"channel_id"`       // "" for an order made through the native API
	ChannelOrderID string     `json:"channel_order_id"` // the channel's own order id (idempotency)
	StoreCode      string     `json:"store_code"`
	ModelCode      string     `json:"model_code"`
	Plate          string     `json:"plate"`
	PlateKey       string     `json:"plate_key"`
	PickupAt       time.Time  `json:"pickup_at"`
	ReturnAt       time.Time  `json:"return_at"`
	Days           int        `json:"days"`
	Rent           int64      `json:"rent"`
	Status         string     `json:"status"`
	MileageOut     int        `json:"mileage_out_km"`
	MileageIn      int        `json:"mileage_in_km"`
	OverMileageFee int64      `json:"over_mileage_fee"`
	PickedUpAt     *time.Time `json:"picked_up_at,omitempty"`
	ReturnedAt     *time.Time `json:"returned_at,omitempty"`
	ReturnLot      string     `json:"return_lot,omitempty"`
	// Terms are the store's terms for the model when the order was made:
	// its over-mileage fee is settled at them, whatever they became
	// since (nil in an order made before they were kept: the current).
	Terms     *StoreModel `json:"terms,omitempty"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
	Version   int64       `json:"-"`
}

// RentalDays is how many days a rental from pickup to ret is charged:
// every started 24 hours, at least one.
func RentalDays(pickup, ret time.Time) int {
	d := ret.Sub(pickup)
	days := int(d / (24 * time.Hour))
	if d%(24*time.Hour) > 0 || days == 0 {
		days++
	}
	return days
}

// OverMileage is what a rental of days days that drove km km owes beyond
// the terms' mileage limit: each km over days × the daily limit at the
// over-mileage fee. Nothing without a limit.
func (t *StoreModel) OverMileage(days, km int) int64 {
	if !t.MileageLimited || days < 1 || km <= 0 {
		return 0
	}
	over := km - days*t.MileageLimit
	if over <= 0 {
		return 0
	}
	return int64(over) * t.OverMileageFee
}

// RentalOrderTx is the part of Tx for rental orders.
type RentalOrderTx interface {
	// SaveRentalOrder inserts an order whose Version is 0 (EConflict: its
	// id, or its channel's order id, exists) or updates it at Version
	// (ENotFound; EConflict, stale), bumping Version.
	SaveRentalOrder(ctx context.Context, o *RentalOrder) error
	// GetRentalOrder returns ENotFound.
	GetRentalOrder(ctx context.Context, id string) (*RentalOrder, error)
	// GetChannelOrder finds an order by its channel's order id (ENotFound).
	GetChannelOrder(ctx context.Context, channelID, channelOrderID string) (*RentalOrder, error)
	// VehicleOrders returns a vehicle's orders awaiting pick-up or in use,
	// by pick-up time.
	VehicleOrders(ctx context.Context, plateKey string) ([]*RentalOrder, error)
}
