package park

import (
	"context"
	"regexp"
	"strconv"
	"time"
	"unicode/utf8"
)

// Reservation kinds: a shared-parking order (共享停车, a space rented from
// an owner for a window) and a reservation (预约) made on a booking
// platform. The gate treats both alike; the kind is reported back.
const (
	ReservationShared  = "shared"
	ReservationBooking = "reservation"
)

// Reservation states. Expired is never stored: a booked reservation whose
// window has passed reads as expired (StateAt).
const (
	ReservationBooked     = "booked"     // waiting for its car
	ReservationInside     = "inside"     // its car entered on it and is inside
	ReservationDone       = "done"       // its car left
	ReservationTerminated = "terminated" // the partner ended it (ShareOrderTerminate)
	ReservationExpired    = "expired"    // booked, and the window passed without the car
)

// Decision reasons of reservations.
const (
	ReasonReservation = "reservation"         // entered on, or covered by, a reservation
	ReasonNoExitRight = "reservation_no_exit" // the reservation withholds the exit right
)

// Reservation is a partner's order for one car in one lot during a window:
// the car enters even when the lot is full for visitors, the window is
// paid for in advance (Prepaid) and time outside it is charged by the
// tariff. OrderNo is the partner's and unique per partner and lot.
type Reservation struct {
	ID           string     `json:"id"`
	PartnerID    string     `json:"partner_id"`
	LotCode      string     `json:"lot_code"`
	OrderNo      string     `json:"order_no"`
	Kind         string     `json:"kind"`
	Plate        string     `json:"plate"`
	PlateKey     string     `json:"-"`
	Mobile       string     `json:"mobile,omitempty"`
	UserName     string     `json:"user_name,omitempty"`
	From         time.Time  `json:"from"`
	To           time.Time  `json:"to"`
	Prepaid      int64      `json:"prepaid"` // minor units of the lot's currency
	MayEnter     bool       `json:"may_enter"`
	MayExit      bool       `json:"may_exit"`
	State        string     `json:"state"`
	StayID       string     `json:"stay_id,omitempty"`
	TerminatedAt *time.Time `json:"terminated_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Version      int64      `json:"-"`
}

// Reservation bounds.
const (
	MaxReservationWindow = 366 * 24 * time.Hour
	MaxPrepaid           = 100_000_000 // a million yuan: more is a typo
)

var orderNoRE = regexp.MustCompile(`^[\x21-\x7e]{1,64}$`)

// Validate checks a reservation's own fields; the plate must already be
// normalised.
func (r *Reservation) Validate() error {
	switch {
	case r.OrderNo == "":
		return Invalid("order_no", "must be 1-64 visible ASCII characters").Because(ReasonRequired)
	case !orderNoRE.MatchString(r.OrderNo):
		return Invalid("order_no", "must be 1-64 visible ASCII characters").Because(ReasonFormat)
	case r.Kind != ReservationShared && r.Kind != ReservationBooking:
		return Invalid("kind", "must be %q or %q", ReservationShared, ReservationBooking).Because(ReasonUnknown)
	case r.Mobile != "" && !mobileRE.MatchString(r.Mobile):
		return Invalid("mobile", "must be 5-20 digits, optionally starting with +").Because(ReasonFormat)
	case !utf8.ValidString(r.UserName) || utf8.RuneCountInString(r.UserName) > 64:
		return Invalid("user_name", "must be at most 64 characters").Because(ReasonLength, "0", "64")
	case !ValidText(r.UserName):
		return CheckText("user_name", r.UserName)
	case r.From.IsZero():
		return Invalid("from", "is required").Because(ReasonRequired)
	case r.To.IsZero():
		return Invalid("to", "must be after from").Because(ReasonRequired)
	case !r.To.After(r.From):
		return Invalid("to", "must be after from").Because(ReasonOrder)
	case r.To.Sub(r.From) > MaxReservationWindow:
		return Invalid("to", "a window is at most 366 days").Because(ReasonRange, "0", "366")
	case r.Prepaid < 0 || r.Prepaid > MaxPrepaid:
		return Invalid("prepaid", "must be between 0 and %d minor units", MaxPrepaid).Because(ReasonRange, "0", strconv.FormatInt(MaxPrepaid, 10))
	}
	return nil
}

// ValidMobile reports whether s is a mobile number as parkd stores them.
func ValidMobile(s string) bool { return mobileRE.MatchString(s) }

// StateAt is the state as partners see it at now: a booked reservation
// whose window ended reads as expired.
func (r *Reservation) StateAt(now time.Time) string {
	if r.State == ReservationBooked && !now.Before(r.To) {
		return ReservationExpired
	}
	return r.State
}

// CoveredUntil is the end of the prepaid window: its To, or the
// termination when the partner ended it earlier.
func (r *Reservation) CoveredUntil() time.Time {
	if r.TerminatedAt != nil && r.TerminatedAt.Before(r.To) {
		return *r.TerminatedAt
	}
	return r.To
}

// ReservationFilter selects a lot's reservations of one partner by plate
// or mobile (at least one is set).
type ReservationFilter struct {
	PartnerID string
	LotCode   string
	PlateKey  string
	Mobile    string
	Limit     int
}

// LotReservationFilter selects a lot's reservations of every partner
// whose window starts before FromBefore and ends in (ToAfter, ToBy];
// State ("" any) is the stored state, PlateKey ("" any) the plate's.
type LotReservationFilter struct {
	LotCode    string
	FromBefore time.Time
	ToAfter    time.Time
	ToBy       time.Time
	State      string
	PlateKey   string
	Limit      int
}

// ReservationTx is the part of Tx for reservations (and, beside them,
// the barrier commands of GateTx).
type ReservationTx interface {
	GateTx

	// CreateReservation inserts a reservation with version 1: EConflict
	// when the partner already has its order number in the lot, ENotFound
	// when the lot does not exist.
	CreateReservation(ctx context.Context, r *Reservation) error
	// GetReservation returns ENotFound for an unknown id.
	GetReservation(ctx context.Context, id string) (*Reservation, error)
	// FindReservation finds a partner's order in a lot (ENotFound).
	FindReservation(ctx context.Context, partner, lot, orderNo string) (*Reservation, error)
	// StayReservations returns the reservations a stay took (entered on,
	// or whose window it was inside during), earliest window first (at
	// most 100); none when it took none.
	StayReservations(ctx context.Context, stayID string) ([]*Reservation, error)
	// BookedReservations returns the booked reservations of a plate key in
	// a lot whose window has not ended at at, earliest window first (at
	// most 100).
	BookedReservations(ctx context.Context, lot, plateKey string, at time.Time) ([]*Reservation, error)
	// ListReservations returns the reservations the filter selects, latest
	// window first, at most f.Limit.
	ListReservations(ctx context.Context, f ReservationFilter) ([]*Reservation, error)
	// LotReservations returns the reservations the filter selects, latest
	// window first, at most f.Limit.
	LotReservations(ctx context.Context, f LotReservationFilter) ([]*Reservation, error)
	// UpdateReservation replaces every field but the ids and CreatedAt:
	// ENotFound, or EConflict when its version changed (optimistic, as
	// for passes) or the order number is taken.
	UpdateReservation(ctx context.Context, r *Reservation) error
}
