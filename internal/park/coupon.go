package park

import (
	"context"
	"regexp"
	"strconv"
	"time"
)

// Coupon kinds: what a coupon (停车券, a "deduction" in some partner APIs) takes off a
// stay. They are the tariff engine's coupon kinds (see docs/tariffs.md for
// the order in which they apply).
const (
	CouponMinutes = "minutes" // Value minutes of billable time off
	CouponHours   = "hours"   // Value hours of billable time off
	CouponAmount  = "amount"  // Value minor units off
	CouponPercent = "percent" // Value percent off what is left
	CouponFree    = "free"    // the whole stay is free (Value is 1)
)

// Coupon states. A coupon is issued, then used by the stay it applied to
// (with the payment that settled it, or none when the stay left free), or
// deleted by its issuer before that.
const (
	CouponIssued  = "issued"
	CouponUsed    = "used"
	CouponDeleted = "deleted"
)

// CouponExpired is the state an issued coupon reads as once its window has
// ended (never stored: see StateAt).
const CouponExpired = "expired"

// Coupon is a deduction a partner (a mall merchant) grants to one car in
// one lot. It applies to the car's stay priced while it is valid, and is
// used once: by the payment that settles a quote it lowered, or by the
// free exit it made free.
type Coupon struct {
	ID        string     `json:"id"` // unique per lot: the partner's coupon number or a generated one
	LotCode   string     `json:"lot_code"`
	Plate     string     `json:"plate"`
	PlateKey  string     `json:"-"`
	Kind      string     `json:"kind"`
	Value     int64      `json:"value"`
	Issuer    string     `json:"issuer"`   // the partner that issued it
	Merchant  string     `json:"merchant"` // the shop that granted it, as the issuer names it
	ValidFrom time.Time  `json:"valid_from"`
	ValidTo   time.Time  `json:"valid_to"`
	State     string     `json:"state"`
	StayID    string     `json:"stay_id,omitempty"`    // the stay that used it
	PaymentID string     `json:"payment_id,omitempty"` // the payment that used it; "" for a free exit
	UsedAt    *time.Time `json:"used_at,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	Version   int64      `json:"-"`
}

// Coupon limits. A coupon's value is bounded per kind (maxCouponValue);
// its window is at most MaxCouponDays long; a car holds at most
// MaxCouponsPerStay unused coupons in a lot, and a stay is priced with at
// most that many.
const (
	MaxCouponDays     = 366
	MaxCouponsPerStay = 5
	MaxMerchant       = 64 // characters
)

var maxCouponValue = map[string]int64{
	CouponMinutes: 7 * 24 * 60, // a week
	CouponHours:   7 * 24,      // a week
	CouponAmount:  10_000_00,   // 10,000.00 of the lot's currency
	CouponPercent: 100,         // everything
	CouponFree:    1,           // no value
}

// MaxCouponValue is the largest value a coupon of kind may have (0 for an
// unknown kind).
func MaxCouponValue(kind string) int64 { return maxCouponValue[kind] }

var couponIDRE = regexp.MustCompile(`^[\x21-\x7e]{1,64}$`)

// ValidCouponID reports whether s may name a coupon: 1-64 visible ASCII.
func ValidCouponID(s string) bool { return couponIDRE.MatchString(s) }

// couponValueUnit words a kind's value and the kind for a refusal: its
// unit, and the kind with its article.
var couponValueUnit = map[string][2]string{
	CouponMinutes: {"minutes", "a minutes"},
	CouponHours:   {"hours", "an hours"},
	CouponAmount:  {"minor units of the lot's currency", "an amount"},
	CouponPercent: {"percent", "a percent"},
}

func couponValueRange(kind string, limit int64) *Error {
	max := strconv.FormatInt(limit, 10)
	w, ok := couponValueUnit[kind]
	if !ok { // free: its value is 1 or left out
		return Invalid("value", "must be 1 or left out for a %s coupon", kind).Because(ReasonRange, "1", max)
	}
	return Invalid("value", "must be between 1 and %d %s for %s coupon", limit, w[0], w[1]).Because(ReasonRange, "1", max)
}

// Validate checks a new coupon; the plate must already be normalised.
func (c *Coupon) Validate() error {
	limit, ok := maxCouponValue[c.Kind]
	switch {
	case c.ID == "":
		return Invalid("id", "must be 1-64 visible ASCII characters").Because(ReasonRequired)
	case !ValidCouponID(c.ID):
		return Invalid("id", "must be 1-64 visible ASCII characters").Because(ReasonFormat)
	case c.Kind == "":
		return Invalid("kind", "is required: minutes, hours, amount, percent or free").Because(ReasonRequired)
	case !ok:
		return Invalid("kind", "must be one of minutes, hours, amount, percent, free").Because(ReasonUnknown)
	case c.Value < 1 || c.Value > limit:
		return couponValueRange(c.Kind, limit)
	case len([]rune(c.Merchant)) > MaxMerchant:
		return Invalid("merchant", "must be at most %d characters", MaxMerchant).Because(ReasonLength, "0", strconv.Itoa(MaxMerchant))
	case len(c.Issuer) > 64:
		return Invalid("issuer", "must be at most 64 bytes").Because(ReasonLength, "0", "64")
	case !ValidText(c.Merchant):
		return CheckText("merchant", c.Merchant)
	case !ValidText(c.Issuer):
		return CheckText("issuer", c.Issuer)
	case c.ValidFrom.IsZero():
		return Invalid("valid_from", "is required").Because(ReasonRequired)
	case !c.ValidTo.After(c.ValidFrom):
		return Invalid("valid_to", "must be after valid_from").Because(ReasonOrder)
	case c.ValidTo.Sub(c.ValidFrom) > MaxCouponDays*24*time.Hour:
		return Invalid("valid_to", "a coupon is valid at most %d days", MaxCouponDays).Because(ReasonRange, "0", strconv.Itoa(MaxCouponDays))
	}
	return nil
}

// ValidAt reports whether the coupon's window covers instant t.
func (c *Coupon) ValidAt(t time.Time) bool {
	return !t.Before(c.ValidFrom) && t.Before(c.ValidTo)
}

// StateAt is the coupon's state as people see it at now: an issued coupon
// whose window has ended reads as expired.
func (c *Coupon) StateAt(now time.Time) string {
	if c.State == CouponIssued && !now.Before(c.ValidTo) {
		return CouponExpired
	}
	return c.State
}

// CouponFilter selects coupons of one lot; empty fields match everything.
// Coupons come oldest first (created, then id).
type CouponFilter struct {
	LotCode     string
	PlateKey    string
	State       string
	Issuer      string
	CreatedFrom time.Time // created at or after it (zero: any)
	CreatedTo   time.Time // created before it (zero: any)
	EndedBy     time.Time // valid_to at or before it: expired (zero: any)
	OpenAt      time.Time // valid_to after it: not expired (zero: any)
	Offset      int
	Limit       int // 0: no limit
	// CursorAt and CursorID, when CursorID is set, are the created time
	// and id of the previous page's last coupon (ListCouponsBefore,
	// ListCouponsAfter): keyset paging, so coupons issued since do not
	// shift the pages still to read. ListCoupons and CountCoupons
	// ignore them.
	CursorAt time.Time
	CursorID string
}

// CouponTx is the part of Tx for coupons.
type CouponTx interface {
	// CreateCoupon stores a new coupon at version 1. It returns EConflict
	// when the lot already has a coupon with that id, ENotFound when the
	// lot does not exist.
	CreateCoupon(ctx context.Context, c *Coupon) error
	// GetCoupon returns ENotFound for an unknown (lot, id).
	GetCoupon(ctx context.Context, lot, id string) (*Coupon, error)
	// UpdateCoupon stores the coupon's state, stay, payment, used time and
	// updated time (ENotFound; EConflict when its version changed) and
	// bumps the version.
	UpdateCoupon(ctx context.Context, c *Coupon) error
	// ListCoupons returns the coupons the filter selects and how many it
	// selects without Offset and Limit.
	ListCoupons(ctx context.Context, f CouponFilter) ([]*Coupon, int, error)
	// CountCoupons returns how many coupons the filter selects, its
	// cursor, Offset and Limit aside, reading no coupon: one plate's by
	// the lot and the plate, not among the lot's others.
	CountCoupons(ctx context.Context, f CouponFilter) (int, error)
	// ListCouponsBefore returns the coupons the filter selects newest
	// first (created, then id, the higher first), those after f's cursor
	// in that order, at most f.Limit (Offset ignored).
	ListCouponsBefore(ctx context.Context, f CouponFilter) ([]*Coupon, error)
	// ListCouponsAfter returns them oldest first (created, then id), those
	// after f's cursor, at most f.Limit (Offset ignored).
	ListCouponsAfter(ctx context.Context, f CouponFilter) ([]*Coupon, error)
	// StayCoupons returns what may price a stay of a plate key: the
	// plate's issued coupons in the lot and the coupons the stay used,
	// oldest first.
	StayCoupons(ctx context.Context, lot, plateKey, stayID string) ([]*Coupon, error)
}
