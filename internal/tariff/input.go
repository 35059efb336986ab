package tariff

import (
	"time"

	"parkd/internal/park"
)

// Input is one stay to price. Times are instants; only bands, calendar
// windows and slots are read in the lot's local time.
type Input struct {
	Entry, Exit time.Time      // Exit before Entry prices as a zero-length stay
	Loc         *time.Location // lot time zone; nil means UTC
	Class       string         // small, large, new_energy, motorcycle; "" = small
	Paid        int64          // already paid for this stay, minor units
	PaidUntil   time.Time      // zero: nothing paid yet; else settled up to this instant
	FreeWindows []Window       // absolute free intervals, e.g. a monthly pass's validity
	FreeSlots   []Slot         // daily local free slots, e.g. a night pass 19:00-08:00
	Coupons     []Coupon
}

// Window is a free interval [From, To); an empty or inverted one is ignored.
type Window struct{ From, To time.Time }

// Slot is a daily free slot [From, To) in minutes after local midnight.
// To <= From crosses midnight; To == From is the whole day.
type Slot struct{ From, To int }

// Contains reports whether minute (after local midnight, 0-1439) falls
// in the slot.
func (s Slot) Contains(minute int) bool {
	from, to := slotSecs(s)
	return inSlot(int64(minute)*60, from, to)
}

// ParseSlot reads a slot from "HH:MM" strings; to may be "24:00".
func ParseSlot(from, to string) (Slot, error) {
	f, ok := park.ParseClock(from, false)
	if !ok {
		return Slot{}, fieldErr("from", park.ReasonFormat, "want HH:MM")
	}
	t, ok := park.ParseClock(to, true)
	if !ok {
		return Slot{}, fieldErr("to", park.ReasonFormat, "want HH:MM")
	}
	return Slot{From: f, To: t % 1440}, nil
}

// CouponKind is the kind of deduction a coupon gives (minute, hour,
// amount, percentage and free-stay coupons, as malls grant them).
type CouponKind uint8

const (
	CouponMinutes CouponKind = iota + 1 // Minutes (plus Hours*60) off the billed time
	CouponHours                         // Hours*60 (plus Minutes) off the billed time
	CouponAmount                        // Amount off
	CouponPercent                       // Percent off what is left
	CouponFree                          // the whole stay is free
)

func (k CouponKind) String() string {
	switch k {
	case CouponMinutes:
		return "minutes coupon"
	case CouponHours:
		return "hours coupon"
	case CouponAmount:
		return "amount coupon"
	case CouponPercent:
		return "percent coupon"
	case CouponFree:
		return "free stay coupon"
	}
	return "unknown coupon"
}

// Coupon is one deduction. Negative values count as zero; Percent is
// clamped to 0..100; a coupon of an unknown kind deducts nothing.
type Coupon struct {
	Kind    CouponKind
	Minutes int   // time coupons
	Hours   int   // time coupons
	Amount  int64 // CouponAmount, minor units
	Percent int   // CouponPercent: percent OFF (20 => pay 80%)
	Label   string
	// Used: a payment of this stay already had this coupon (it keeps
	// lowering Total). After a payment, only the coupons not used yet
	// come off what is due for the time after PaidUntil (see Price).
	Used bool
}

// Line is one entry of a breakdown. Charge lines tile the stay from entry
// to exit in order; deduction lines follow them with negative amounts.
type Line struct {
	From, To time.Time
	Label    string
	Amount   int64
}

// Result is a priced stay.
type Result struct {
	Gross    int64 // tariff amount for the whole stay, before coupons
	Discount int64 // sum of coupon deductions (positive)
	Total    int64 // Gross - Discount: what the whole stay costs
	Due      int64 // what must be paid now, after Paid and PaidUntil
	// Forgiven is what the exit grace after a payment lets go: of
	// Total-Paid, what is not Due.
	Forgiven int64
	Lines    []Line
	paid     int64 // Input.Paid, at least 0
}

// Cost is what a stay that leaves now, owing Due, cost in all: Total
// less what the exit grace forgave, and never less than what was paid
// (so what was paid, when nothing is due). A payment of an accepted quote
// stands when the stay, priced at its exit, comes to less: a lane clock
// a few minutes slow, a cheaper tariff set since.
func (r Result) Cost() int64 { return max(r.Total-r.Forgiven, r.paid) }

// Labels of lines that do not come from a band name or a coupon.
const (
	LabelGrace      = "grace"
	LabelFreeWindow = "free window"
	LabelFreeSlot   = "free slot"
	LabelRepeat     = "repeated days"
	LabelStayCap    = "stay cap reached"
)
