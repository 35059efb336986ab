package tariff

import "time"

// deduct applies coupons to a stay whose gross is gross and returns the
// total deduction, appending one negative line per coupon that deducted
// something. The order is fixed, whatever order the coupons come in:
//
//  1. a free-stay coupon waives everything (later coupons stay unused);
//  2. time coupons, in input order, move the billed end of the stay back
//     by their minutes of billable time (free time is skipped): the stay
//     costs what it would have cost had the car left that much earlier,
//     grace included;
//  3. amount coupons, in input order;
//  4. percent coupons, in input order, each on what is left.
//
// Amounts go before percentages so a percentage never applies to money
// already waived. A total never goes below floor (what was paid, at most
// gross): coupons take off only what is left to pay, never money already
// paid. A coupon that finds nothing left to deduct has no line, so it can
// be treated as unused.
func (p *plan) deduct(loc *time.Location, ft freeTime, cs []Coupon, entry, exit, gross, floor int64, out *[]Line) int64 {
	floor = min(max(floor, 0), gross)
	if gross <= floor {
		return 0
	}
	for i := range cs {
		if cs[i].Kind == CouponFree {
			deductionLine(out, entry, exit, &cs[i], gross-floor)
			return gross - floor
		}
	}
	x, left := exit, gross
	for i := range cs {
		c := &cs[i]
		if c.Kind != CouponMinutes && c.Kind != CouponHours {
			continue
		}
		sec := couponSeconds(c)
		if sec == 0 || x <= entry || left == floor {
			continue
		}
		nx := rewind(loc, &ft, entry, x, sec)
		g := max(min(p.gross(loc, ft, entry, nx, nil), left), floor) // min: the fee never grows with exit
		deductionLine(out, nx, x, c, left-g)
		x, left = nx, g
	}
	for i := range cs {
		if c := &cs[i]; c.Kind == CouponAmount && left > floor {
			d := min(max(c.Amount, 0), left-floor)
			deductionLine(out, entry, exit, c, d)
			left -= d
		}
	}
	for i := range cs {
		if c := &cs[i]; c.Kind == CouponPercent && left > floor {
			pct := int64(min(max(c.Percent, 0), 100))
			// Rounded to the nearest minor unit, halves off the price.
			d := min(left/100*pct+(left%100*pct+50)/100, left-floor)
			deductionLine(out, entry, exit, c, d)
			left -= d
		}
	}
	return gross - left
}

func deductionLine(out *[]Line, from, to int64, c *Coupon, d int64) {
	if d <= 0 || out == nil {
		return
	}
	label := c.Label
	if label == "" {
		label = c.Kind.String()
	}
	*out = append(*out, Line{From: unixTime(from), To: unixTime(to), Label: label, Amount: -d})
}

func couponSeconds(c *Coupon) int64 {
	const maxMin = maxStay / 60
	h := min(max(int64(c.Hours), 0), maxMin/60)
	m := min(max(int64(c.Minutes), 0), maxMin)
	return min(h*60+m, maxMin) * 60
}

// rewind walks back from x until n seconds of billable time lie between
// the result and x, skipping pass windows and slots; it stops at entry.
func rewind(loc *time.Location, ft *freeTime, entry, x, n int64) int64 {
	t := x
	for n > 0 && t > entry {
		free, since := ft.freeBefore(loc, t)
		since = max(since, entry)
		if !free {
			if t-since >= n {
				return t - n
			}
			n -= t - since
		}
		t = since
	}
	return t
}

// overtime is the price of sp, the time after a payment's PaidUntil,
// less the coupons the payments did not use (not marked Used), in the
// order of deduct: a free coupon waives it; time coupons move its end
// back by their billable minutes, never before its start; then amounts;
// then percentages, rounded as in deduct. Coupons a payment used lowered
// that payment and are not applied again.
func (p *plan) overtime(loc *time.Location, ft *freeTime, cs []Coupon, sp span) int64 {
	for i := range cs {
		if cs[i].Kind == CouponFree && !cs[i].Used {
			return 0
		}
	}
	for i := range cs {
		if c := &cs[i]; (c.Kind == CouponMinutes || c.Kind == CouponHours) && !c.Used {
			sp.end = rewind(loc, ft, sp.start, sp.end, couponSeconds(c))
		}
	}
	o := p.run(loc, ft, sp, nil)
	for i := range cs {
		if c := &cs[i]; c.Kind == CouponAmount && !c.Used {
			o -= min(max(c.Amount, 0), o)
		}
	}
	for i := range cs {
		if c := &cs[i]; c.Kind == CouponPercent && !c.Used {
			pct := int64(min(max(c.Percent, 0), 100))
			o -= min(o/100*pct+(o%100*pct+50)/100, o)
		}
	}
	return o
}
