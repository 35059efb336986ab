package tariff

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"parkd/internal/park"
)

// Bounds that keep absurd standards from reaching the arithmetic; each is
// far beyond any real standard.
const (
	chargeMaxSegments = 96                   // one per 15 minutes of the day
	chargeMaxTime     = 366 * 24 * time.Hour // block length and MaxTime
	chargeMaxPrice    = 10_000_000_000       // minor units, as park.MaxAmount
	chargeMaxPowerW   = 1_000_000_000        // 1 GW
)

// Validate checks the standard and returns a *ChargeError naming the first
// offending field, or nil.
func (s *ChargeStandard) Validate() error {
	if _, err := chargeCompile(s); err != nil {
		return err
	}
	return nil
}

// chargePlan is a validated standard prepared for pricing.
type chargePlan struct {
	spans []chargeSpan // ChargeByTime, ChargeByEnergy: the day, sorted
	power []int        // ChargeByPower: segment indexes by MinPower
}

func chargeInvalid(field, format string, args ...any) *ChargeError {
	return &ChargeError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

func (e *ChargeError) because(reason string, params ...string) *ChargeError {
	e.Reason, e.Params = reason, params
	return e
}

func chargeItoa(v int64) string { return strconv.FormatInt(v, 10) }

func chargeWatts(v int64) string { return strconv.FormatInt(v, 10) + " W" }

// chargeMoney checks an amount; field is only built when it is wrong, so
// validating on every Price call allocates nothing.
func chargeMoney(v int64, field func() string) *ChargeError {
	if v < 0 || v > chargeMaxPrice {
		return chargeInvalid(field(), "must be between 0 and %d, not %d", int64(chargeMaxPrice), v).
			because(park.ReasonRange, "0", chargeItoa(chargeMaxPrice))
	}
	return nil
}

// chargeMinutes checks a duration that must be whole minutes within
// [lo, chargeMaxTime].
func chargeMinutes(d, lo time.Duration, field func() string) *ChargeError {
	if d < lo || d > chargeMaxTime || d%time.Minute != 0 {
		return chargeInvalid(field(), "must be whole minutes between %d and %d, not %v", lo/time.Minute, chargeMaxTime/time.Minute, d).
			because(park.ReasonRange, chargeItoa(int64(lo/time.Minute)), chargeItoa(int64(chargeMaxTime/time.Minute)))
	}
	return nil
}

// timeOfDay reports whether the standard picks segments by time of day.
func (s *ChargeStandard) timeOfDay() bool { return s.Kind == ChargeByTime || s.Kind == ChargeByEnergy }

// chargeCompile validates s and prepares it for pricing.
func chargeCompile(s *ChargeStandard) (chargePlan, *ChargeError) {
	if s == nil {
		return chargePlan{}, &ChargeError{Msg: "missing standard"}
	}
	if s.Kind < ChargeByTime || s.Kind > ChargeByEnergy {
		return chargePlan{}, chargeInvalid("Kind", "must be by time, by power or by energy, not %d", s.Kind).because(park.ReasonUnknown)
	}
	if s.PowerMeasure > ChargeMaximumPower {
		return chargePlan{}, chargeInvalid("PowerMeasure", "must be average or maximum, not %d", s.PowerMeasure).because(park.ReasonUnknown)
	}
	if s.Payment > ChargePrepaidPackage {
		return chargePlan{}, chargeInvalid("Payment", "must be from balance, prepaid or prepaid package, not %d", s.Payment).because(park.ReasonUnknown)
	}
	if s.RefundTo > ChargeRefundToPayment {
		return chargePlan{}, chargeInvalid("RefundTo", "must be to balance or to payment, not %d", s.RefundTo).because(park.ReasonUnknown)
	}
	for _, m := range [...]struct {
		field string
		v     int64
	}{
		{"Minimum", s.Minimum}, {"FullPrice", s.FullPrice}, {"MinBalance", s.MinBalance},
	} {
		if err := chargeMoney(m.v, func() string { return m.field }); err != nil {
			return chargePlan{}, err
		}
	}
	if s.FullPrice > 0 && !s.StopWhenFull {
		return chargePlan{}, chargeInvalid("FullPrice", "needs StopWhenFull: a price for a full charge means the charger stops when full").
			because(park.ReasonNeeds, "StopWhenFull")
	}
	if err := chargeMinutes(s.MaxTime, 0, func() string { return "MaxTime" }); err != nil {
		return chargePlan{}, err
	}
	switch n := len(s.Segments); {
	case n == 0:
		return chargePlan{}, chargeInvalid("Segments", "needs at least one segment").because(park.ReasonRequired)
	case n > chargeMaxSegments:
		return chargePlan{}, chargeInvalid("Segments", "has %d segments, at most %d are allowed", n, chargeMaxSegments).
			because(park.ReasonRange, "1", chargeItoa(chargeMaxSegments))
	}
	for i := range s.Segments {
		if err := chargeCheckSegment(s, i); err != nil {
			return chargePlan{}, err
		}
	}
	var p chargePlan
	var err *ChargeError
	if s.Kind == ChargeByPower {
		p.power, err = chargePowerOrder(s.Segments)
	} else {
		p.spans, err = chargeLayDay(s.Segments)
	}
	return p, err
}

func chargeSegField(i int, name string) string {
	return "Segments[" + strconv.Itoa(i) + "]." + name
}

// chargeCheckSegment checks one segment's own fields.
func chargeCheckSegment(s *ChargeStandard, i int) *ChargeError {
	g := &s.Segments[i]
	f := func(name string) string { return chargeSegField(i, name) }
	if g.From < 0 || g.From >= chargeDay {
		return chargeInvalid(f("From"), "must be from 00:00 to before 24:00, not %v", g.From).because(park.ReasonRange)
	}
	if g.To < 0 || g.To > chargeDay {
		return chargeInvalid(f("To"), "must be from 00:00 to 24:00, not %v", g.To).because(park.ReasonRange, "00:00", "24:00")
	}
	if err := chargeMoney(g.Price, func() string { return f("Price") }); err != nil {
		return err
	}
	if err := chargeMoney(g.ServiceFee, func() string { return f("ServiceFee") }); err != nil {
		return err
	}
	if s.Kind == ChargeByEnergy {
		if g.Block != 0 {
			return chargeInvalid(f("Block"), "applies to time blocks (by time or by power), not energy").because(park.ReasonNotApplicable)
		}
	} else {
		if err := chargeMinutes(g.Block, time.Minute, func() string { return f("Block") }); err != nil {
			return err
		}
		if g.ServiceFee != 0 {
			return chargeInvalid(f("ServiceFee"), "applies to energy (per kWh) only").because(park.ReasonNotApplicable)
		}
	}
	if s.Kind == ChargeByPower {
		if g.MinPower < 0 || g.MinPower > chargeMaxPowerW {
			return chargeInvalid(f("MinPower"), "must be between 0 and %d W, not %d", chargeMaxPowerW, g.MinPower).
				because(park.ReasonRange, chargeWatts(0), chargeWatts(chargeMaxPowerW))
		}
		if g.MaxPower != 0 && (g.MaxPower <= g.MinPower || g.MaxPower > chargeMaxPowerW) {
			return chargeInvalid(f("MaxPower"), "must be 0 (no bound) or above the segment's minimum power (%d W) and at most %d W, not %d",
				g.MinPower, chargeMaxPowerW, g.MaxPower).because(park.ReasonRange)
		}
	} else if g.MinPower != 0 || g.MaxPower != 0 {
		return chargeInvalid(f("MinPower"), "power bounds apply to standards by power only").because(park.ReasonNotApplicable)
	}
	switch g.Period {
	case "":
	case ChargePeak, ChargeFlat, ChargeValley:
		if !s.timeOfDay() {
			return chargeInvalid(f("Period"), "periods label time-of-day standards (by time or by energy), not power segments").
				because(park.ReasonNotApplicable)
		}
	default:
		return chargeInvalid(f("Period"), `must be "peak", "flat", "valley" or none, not %q`, g.Period).because(park.ReasonUnknown)
	}
	if (g.Period == "") != (s.Segments[0].Period == "") {
		return chargeInvalid(f("Period"), "label every segment with a period or none").because(park.ReasonAllOrNone)
	}
	return nil
}

// chargeLayDay lays the segments out over the day and requires them to
// cover it exactly once: a gap would leave a time with no price, an overlap
// a time with two.
func chargeLayDay(segs []ChargeSegment) ([]chargeSpan, *ChargeError) {
	spans := make([]chargeSpan, 0, 2*len(segs))
	for i := range segs {
		sp, n, ok := chargeSegmentSpans(i, segs[i].From, segs[i].To)
		if !ok {
			return nil, chargeInvalid(chargeSegField(i, "To"), "equals From: the window is empty (a whole day is 00:00 to 24:00)").
				because(park.ReasonEmpty)
		}
		spans = append(spans, sp[:n]...)
	}
	slices.SortStableFunc(spans, func(a, b chargeSpan) int {
		if c := cmp.Compare(a.from, b.from); c != 0 {
			return c
		}
		return cmp.Compare(a.seg, b.seg)
	})
	var at time.Duration
	for k, sp := range spans {
		switch {
		case sp.from > at:
			return nil, chargeInvalid("Segments", "%s to %s is not covered by any segment", chargeClockString(at), chargeClockString(sp.from)).
				because(park.ReasonGap, chargeClockString(at), chargeClockString(sp.from))
		case sp.from < at:
			prev := spans[k-1]
			return nil, chargeInvalid(chargeSegField(sp.seg, "From"), "segment %d overlaps segment %d from %s to %s",
				sp.seg, prev.seg, chargeClockString(sp.from), chargeClockString(min(at, sp.to))).
				because(park.ReasonOverlap, chargeClockString(sp.from))
		}
		at = sp.to
	}
	if at < chargeDay {
		return nil, chargeInvalid("Segments", "%s to 24:00 is not covered by any segment", chargeClockString(at)).
			because(park.ReasonGap, chargeClockString(at), "24:00")
	}
	return spans, nil
}

// chargePowerOrder sorts power segments by MinPower and requires their
// ranges to start at 0 W and to follow each other without gap or overlap;
// only the highest may be open-ended.
func chargePowerOrder(segs []ChargeSegment) ([]int, *ChargeError) {
	order := make([]int, len(segs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(segs[a].MinPower, segs[b].MinPower) })
	var at int64
	for k, i := range order {
		lo := segs[i].MinPower
		switch {
		case k > 0 && segs[order[k-1]].MaxPower == 0:
			return nil, chargeInvalid(chargeSegField(order[k-1], "MaxPower"), "is open-ended but segment %d starts above it at %d W", i, lo).
				because(park.ReasonOverlap, chargeWatts(lo))
		case lo > at:
			return nil, chargeInvalid(chargeSegField(i, "MinPower"), "leaves %d W to %d W without a segment", at, lo).
				because(park.ReasonGap, chargeWatts(at), chargeWatts(lo))
		case lo < at:
			return nil, chargeInvalid(chargeSegField(i, "MinPower"), "overlaps segment %d (%d W is already covered)", order[k-1], lo).
				because(park.ReasonOverlap, chargeWatts(lo))
		}
		if segs[i].MaxPower != 0 {
			at = segs[i].MaxPower
		}
	}
	return order, nil
}

// chargeClockString formats a time of day as HH:MM (HH:MM:SS when the
// seconds matter).
func chargeClockString(d time.Duration) string {
	s := int64(d / time.Second)
	h, m, s := s/3600, s/60%60, s%60
	if s != 0 {
		return fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%02d:%02d", h, m)
}
