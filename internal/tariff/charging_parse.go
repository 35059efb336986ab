package tariff

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Bounds that keep absurd documents from reaching the arithmetic; each is
// far beyond any real standard.
const (
	chargeMaxSegments = 96                         // one per 15 minutes of the day
	chargeMaxMinutes  = 366 * 24 * 60              // block length and maxTime
	chargeMaxPrice    = 10_000_000_000             // fen, as park.MaxAmount
	chargeMaxPowerW   = 1_000_000_000              // 1 GW
	chargeMaxText     = 1000                       // bytes in name, remark, units
	chargeStartMax    = chargeDayMs - chargeUTC8Ms // startTime < 24:00
)

// ParseChargeStandard decodes and validates one standard (an element of
// getPriceStandard's data.list). Unknown fields, trailing data and values
// of the wrong JSON type are rejected; errors are *ChargeError.
func ParseChargeStandard(doc []byte) (*ChargeStandard, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	var s ChargeStandard
	if err := dec.Decode(&s); err != nil {
		return nil, chargeDecodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &ChargeError{Msg: "trailing data after the standard"}
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// chargeDecodeError names the field of a decoding error where json says it.
func chargeDecodeError(err error) *ChargeError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &ChargeError{Field: te.Field, Msg: "must be a JSON " + te.Type.String() + ", not " + te.Value}
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if u, err := strconv.Unquote(f); err == nil {
			f = u
		}
		return &ChargeError{Field: f, Msg: "unknown field"}
	}
	if err == io.EOF {
		return &ChargeError{Msg: "empty document"}
	}
	return &ChargeError{Msg: "malformed JSON: " + strings.TrimPrefix(err.Error(), "json: ")}
}

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
	spans []chargeSpan // types 0, 2: the day, sorted
	power []int        // type 1: segment indexes by minPower
}

func chargeInvalid(field, format string, args ...any) *ChargeError {
	return &ChargeError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// chargeMoney checks an amount; field is only built when it is wrong, so
// validating on every Price call allocates nothing.
func chargeMoney(v int64, field func() string) *ChargeError {
	if v < 0 || v > chargeMaxPrice {
		return chargeInvalid(field(), "must be between 0 and %d fen, not %d", int64(chargeMaxPrice), v)
	}
	return nil
}

// chargeCompile validates s and prepares it for pricing.
func chargeCompile(s *ChargeStandard) (chargePlan, *ChargeError) {
	if s == nil {
		return chargePlan{}, &ChargeError{Msg: "missing standard"}
	}
	for _, c := range [...]struct {
		field  string
		v      int
		lo, hi int
	}{
		{"type", s.Type, ChargeByTime, ChargeByEnergy},
		{"chargeType", s.ChargeType, 0, 1},
		{"deviceFamily", s.DeviceFamily, 0, 1},
		{"fullBlackout", s.FullBlackout, 0, 2},
		{"minimumCharge", s.MinimumCharge, 0, 1},
		{"peakPlainValley", s.PeakPlainValley, 0, 1},
		{"powerType", s.PowerType, 0, 1},
		{"realTimeCharge", s.RealTimeCharge, 0, 1},
		{"refundType", s.RefundType, 0, 1},
		{"viewType", s.ViewType, 1, 3},
	} {
		if c.v < c.lo || c.v > c.hi {
			return chargePlan{}, chargeInvalid(c.field, "must be %d to %d, not %d", c.lo, c.hi, c.v)
		}
	}
	for _, m := range [...]struct {
		field string
		v     int64
	}{
		{"fullPrice", s.FullPrice}, {"fullPriceYuan", s.FullPriceYuan},
		{"limitMoney", s.LimitMoney}, {"minimumMoney", s.MinimumMoney},
	} {
		if err := chargeMoney(m.v, func() string { return m.field }); err != nil {
			return chargePlan{}, err
		}
	}
	if s.FullBlackout == 2 && s.FullPrice == 0 {
		return chargePlan{}, chargeInvalid("fullPrice", "must be set when fullBlackout is 2 (pay X to charge full)")
	}
	if s.MaxTime < 0 || s.MaxTime > chargeMaxMinutes {
		return chargePlan{}, chargeInvalid("maxTime", "must be between 0 (no limit) and %d minutes, not %d", chargeMaxMinutes, s.MaxTime)
	}
	if s.DeviceAssociateCount < 0 {
		return chargePlan{}, chargeInvalid("deviceAssociateCount", "must not be negative")
	}
	if s.Name == "" {
		return chargePlan{}, chargeInvalid("name", "is required")
	}
	for _, t := range [...]struct{ field, v string }{
		{"name", s.Name}, {"remark", s.Remark}, {"deviceType", s.DeviceType},
	} {
		if len(t.v) > chargeMaxText {
			return chargePlan{}, chargeInvalid(t.field, "is longer than %d bytes", chargeMaxText)
		}
	}
	if s.PeakPlainValley == 1 && s.Type == ChargeByPower {
		return chargePlan{}, chargeInvalid("peakPlainValley", "applies to time-of-day standards (type 0 or 2), not power segments")
	}
	switch n := len(s.Segments); {
	case n == 0:
		return chargePlan{}, chargeInvalid("priceStandardTbody", "needs at least one segment")
	case n > chargeMaxSegments:
		return chargePlan{}, chargeInvalid("priceStandardTbody", "has %d segments, at most %d are allowed", n, chargeMaxSegments)
	}
	for i := range s.Segments {
		if err := chargeCheckSegment(s, i); err != nil {
			return chargePlan{}, err
		}
	}
	var p chargePlan
	var err *ChargeError
	if s.Type == ChargeByPower {
		p.power, err = chargePowerOrder(s.Segments)
	} else {
		p.spans, err = chargeDay(s.Segments)
	}
	return p, err
}

func chargeSegField(i int, name string) string {
	return "priceStandardTbody[" + strconv.Itoa(i) + "]." + name
}

// chargeCheckSegment checks one segment's own fields.
func chargeCheckSegment(s *ChargeStandard, i int) *ChargeError {
	g := &s.Segments[i]
	f := func(name string) string { return chargeSegField(i, name) }
	if g.StartTime < -chargeUTC8Ms || g.StartTime >= chargeStartMax {
		return chargeInvalid(f("startTime"), "must be between %d (00:00 UTC+8) and %d (23:59:59.999), not %d", -chargeUTC8Ms, chargeStartMax-1, g.StartTime)
	}
	if g.EndTime < -chargeUTC8Ms || g.EndTime > chargeStartMax {
		return chargeInvalid(f("endTime"), "must be between %d (00:00 UTC+8) and %d (24:00), not %d", -chargeUTC8Ms, chargeStartMax, g.EndTime)
	}
	if err := chargeMoney(g.Price, func() string { return f("price") }); err != nil {
		return err
	}
	if err := chargeMoney(g.PriceYuan, func() string { return f("priceYuan") }); err != nil {
		return err
	}
	if len(g.PriceUnit) > chargeMaxText || len(g.TimeUnit) > chargeMaxText {
		return chargeInvalid(f("priceUnit"), "is longer than %d bytes", chargeMaxText)
	}
	if s.Type == ChargeByEnergy {
		if g.Time < 0 {
			return chargeInvalid(f("time"), "must not be negative")
		}
	} else {
		if g.TimeUnit != "" && g.TimeUnit != "min" && g.TimeUnit != "hour" {
			return chargeInvalid(f("timeUnit"), `must be "min" or "hour", not %q`, g.TimeUnit)
		}
		if g.Time <= 0 || chargeBlockMinutes(g) > chargeMaxMinutes {
			return chargeInvalid(f("time"), "must be a block length between 1 minute and %d minutes, not %d %s", chargeMaxMinutes, g.Time, g.TimeUnit)
		}
	}
	if s.Type != ChargeByPower && (g.MinPower != nil || g.MaxPower != nil) {
		return chargeInvalid(f("minPower"), "minPower and maxPower apply to power segments (type 1) only")
	}
	if s.Type != ChargeByEnergy && (g.ElectricPrice != nil || g.ElectricServiceFee != nil) {
		return chargeInvalid(f("electricPrice"), "electricPrice and electricServiceFee apply to energy standards (type 2) only")
	}
	if g.ElectricPrice != nil || g.ElectricServiceFee != nil {
		e, sv := chargeDeref(g.ElectricPrice), chargeDeref(g.ElectricServiceFee)
		if err := chargeMoney(e, func() string { return f("electricPrice") }); err != nil {
			return err
		}
		if err := chargeMoney(sv, func() string { return f("electricServiceFee") }); err != nil {
			return err
		}
		if g.Price != 0 && g.Price != e+sv {
			return chargeInvalid(f("price"), "is %d but electricPrice + electricServiceFee is %d; set price to 0 or to their sum", g.Price, e+sv)
		}
	}
	switch {
	case s.PeakPlainValley == 1:
		if g.Period != ChargePeak && g.Period != ChargeFlat && g.Period != ChargeValley {
			return chargeInvalid(f("period"), `must be "peak", "flat" or "valley" when peakPlainValley is 1, not %q`, g.Period)
		}
	case g.Period != "":
		return chargeInvalid(f("period"), "is only used when peakPlainValley is 1")
	}
	if s.Type == ChargeByPower {
		lo, hi := chargeDeref(g.MinPower), g.MaxPower
		if lo < 0 || lo > chargeMaxPowerW {
			return chargeInvalid(f("minPower"), "must be between 0 and %d W, not %d", chargeMaxPowerW, lo)
		}
		if hi != nil && (*hi <= lo || *hi > chargeMaxPowerW) {
			return chargeInvalid(f("maxPower"), "must be above minPower (%d W) and at most %d W, not %d", lo, chargeMaxPowerW, *hi)
		}
	}
	return nil
}

func chargeDeref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// chargeBlockMinutes is a segment's block length in minutes.
func chargeBlockMinutes(g *ChargeSegment) int64 {
	if g.TimeUnit == "hour" {
		return int64(g.Time) * 60
	}
	return int64(g.Time)
}

// chargeDay lays the segments out over the day and requires them to cover
// it exactly once: a gap would leave a time with no price, an overlap a time
// with two.
func chargeDay(segs []ChargeSegment) ([]chargeSpan, *ChargeError) {
	spans := make([]chargeSpan, 0, 2*len(segs))
	for i := range segs {
		sp, n, ok := chargeSegmentSpans(i, segs[i].StartTime, segs[i].EndTime)
		if !ok {
			return nil, chargeInvalid(chargeSegField(i, "endTime"), "equals startTime: the segment is empty (a whole day is 00:00 to 23:59:59)")
		}
		spans = append(spans, sp[:n]...)
	}
	slices.SortStableFunc(spans, func(a, b chargeSpan) int {
		if a.from != b.from {
			return int(a.from - b.from)
		}
		return a.seg - b.seg
	})
	var at int64
	for k, sp := range spans {
		switch {
		case sp.from > at:
			return nil, chargeInvalid("priceStandardTbody", "%s to %s is not covered by any segment", chargeClockString(at), chargeClockString(sp.from))
		case sp.from < at:
			prev := spans[k-1]
			return nil, chargeInvalid(chargeSegField(sp.seg, "startTime"), "segment %d overlaps segment %d from %s to %s",
				sp.seg, prev.seg, chargeClockString(sp.from), chargeClockString(min(at, sp.to)))
		}
		at = sp.to
	}
	if at < chargeDayMs {
		return nil, chargeInvalid("priceStandardTbody", "%s to 24:00 is not covered by any segment", chargeClockString(at))
	}
	return spans, nil
}

// chargePowerOrder sorts power segments by minPower and requires their
// ranges to start at 0 W and to follow each other without gap or overlap;
// only the highest may be open-ended.
func chargePowerOrder(segs []ChargeSegment) ([]int, *ChargeError) {
	order := make([]int, len(segs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := chargeDeref(segs[a].MinPower), chargeDeref(segs[b].MinPower)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	var at int64
	for k, i := range order {
		lo := chargeDeref(segs[i].MinPower)
		switch {
		case k > 0 && segs[order[k-1]].MaxPower == nil:
			return nil, chargeInvalid(chargeSegField(order[k-1], "maxPower"), "is open-ended but segment %d starts above it at %d W", i, lo)
		case lo > at:
			return nil, chargeInvalid(chargeSegField(i, "minPower"), "leaves %d W to %d W without a segment", at, lo)
		case lo < at:
			return nil, chargeInvalid(chargeSegField(i, "minPower"), "overlaps segment %d (%d W is already covered)", order[k-1], lo)
		}
		if segs[i].MaxPower != nil {
			at = *segs[i].MaxPower
		}
	}
	return order, nil
}

// chargeClockString formats ms after midnight as HH:MM (HH:MM:SS when the
// seconds matter).
func chargeClockString(ms int64) string {
	h, m, s := ms/3_600_000, ms/60_000%60, ms/1000%60
	if s != 0 {
		return fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%02d:%02d", h, m)
}
