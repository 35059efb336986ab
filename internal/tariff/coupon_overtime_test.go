package tariff

import (
	"testing"
	"time"
)

// TestCouponAfterPaymentLowersTheOvertime: after a payment, a coupon the
// stay had not used applies to the overtime, what is due, not only to
// what the exit grace forgives. By hand (docGrace: 200 per started 30 minutes from entry):
// in 00:00, 2400 paid at 06:00 (12 blocks), paid until 06:15; out 06:40
// is 14 blocks, 2800, so 400 is left of the whole stay, of which the
// grace forgives the 200 of 06:00-06:15 and the overtime 06:15-06:40
// (one block) asks 200.
func TestCouponAfterPaymentLowersTheOvertime(t *testing.T) {
	tf := mustParse(t, docGrace)
	loc := time.UTC
	for _, c := range []struct {
		name                 string
		paid                 int64
		cs                   []Coupon
		discount, total, due int64
	}{
		{"NoCoupon", 2400, nil, 0, 2800, 200},
		// 200 off: total 2600; the overtime's 200 less 200 is 0.
		{"Amount200", 2400, []Coupon{{Kind: CouponAmount, Amount: 200}}, 200, 2600, 0},
		// 100 off: the overtime asks 200 - 100.
		{"Amount100", 2400, []Coupon{{Kind: CouponAmount, Amount: 100}}, 100, 2700, 100},
		// 5% of the stay's 2800 is 140 (its line); of the overtime's 200, 10.
		{"Percent5", 2400, []Coupon{{Kind: CouponPercent, Percent: 5}}, 140, 2660, 190},
		// 25 minutes off: as if it left at 06:15, within the paid time.
		{"Minutes25", 2400, []Coupon{{Kind: CouponMinutes, Minutes: 25}}, 200, 2600, 0},
		// 10 minutes off: as if it left at 06:30, still a block started
		// after 06:15; the stay priced as 06:30 is 13 blocks, 2600.
		{"Minutes10", 2400, []Coupon{{Kind: CouponMinutes, Minutes: 10}}, 200, 2600, 200},
		// A free coupon waives the overtime.
		{"Free", 2400, []Coupon{{Kind: CouponFree}}, 400, 2400, 0},
		// A coupon the payment already used (2200 paid with 200 off) lowered
		// that payment; the overtime still asks its 200: 2800 - 200 = 2600,
		// 400 left, at most the overtime's 200.
		{"UsedAmount200", 2200, []Coupon{{Kind: CouponAmount, Amount: 200, Used: true}}, 200, 2600, 200},
		// Used 200 and a new 100: the new one alone comes off the 200.
		{"UsedAndNew", 2200, []Coupon{{Kind: CouponAmount, Amount: 200, Used: true}, {Kind: CouponAmount, Amount: 100}},
			300, 2500, 100},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := &Input{Entry: at(t, loc, "2026-03-02 00:00"), Exit: at(t, loc, "2026-03-02 06:40"), Loc: loc,
				Paid: c.paid, PaidUntil: at(t, loc, "2026-03-02 06:15"), Coupons: c.cs}
			r := tf.Price(in, nil)
			checkLines(t, in, r)
			if r.Gross != 2800 || r.Discount != c.discount || r.Total != c.total || r.Due != c.due {
				t.Fatalf("gross %d discount %d total %d due %d, want 2800, %d, %d, %d",
					r.Gross, r.Discount, r.Total, r.Due, c.discount, c.total, c.due)
			}
			// What the exit grace lets go is what is left of the whole stay
			// and not due: the coupons never make it grow.
			if want := max(0, r.Total-c.paid) - r.Due; r.Forgiven != want {
				t.Fatalf("forgiven %d, want %d", r.Forgiven, want)
			}
		})
	}
}
