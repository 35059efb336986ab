package lvcchong

import (
	"fmt"
	"strconv"
)

// Bounds on what only the vendor's document has; the charging model checks
// its own (money, block lengths, windows, power ranges) and its errors are
// renamed to the vendor's fields.
const (
	maxMoney   = 10_000_000_000 // fen, as the model's bound
	maxMinutes = 366 * 24 * 60  // block length and maxTime
	maxText    = 1000           // bytes in name, remark, units
)

func invalid(field, format string, args ...any) *Error {
	return &Error{Field: field, Msg: fmt.Sprintf(format, args...)}
}

func segField(i int, name string) string {
	return "priceStandardTbody[" + strconv.Itoa(i) + "]." + name
}

func checkMoney(field string, v int64) *Error {
	if v < 0 || v > maxMoney {
		return invalid(field, "must be between 0 and %d fen, not %d", int64(maxMoney), v)
	}
	return nil
}

// check validates what the charging model cannot see: the vendor's codes
// and flags, display copies, units and the raw ranges of values that are
// converted (so that conversion cannot overflow).
func (d *PriceStandard) check() *Error {
	for _, c := range [...]struct {
		field  string
		v      int
		lo, hi int
	}{
		{"type", d.Type, typeTime, typeEnergy},
		{"chargeType", d.ChargeType, 0, 1},
		{"deviceFamily", d.DeviceFamily, 0, 1},
		{"fullBlackout", d.FullBlackout, 0, 2},
		{"minimumCharge", d.MinimumCharge, 0, 1},
		{"peakPlainValley", d.PeakPlainValley, 0, 1},
		{"powerType", d.PowerType, 0, 1},
		{"realTimeCharge", d.RealTimeCharge, 0, 1},
		{"refundType", d.RefundType, 0, 1},
		{"viewType", d.ViewType, 1, 3},
	} {
		if c.v < c.lo || c.v > c.hi {
			return invalid(c.field, "must be %d to %d, not %d", c.lo, c.hi, c.v)
		}
	}
	for _, m := range [...]struct {
		field string
		v     int64
	}{
		{"fullPrice", d.FullPrice}, {"fullPriceYuan", d.FullPriceYuan},
		{"limitMoney", d.LimitMoney}, {"minimumMoney", d.MinimumMoney},
	} {
		if err := checkMoney(m.field, m.v); err != nil {
			return err
		}
	}
	if d.FullBlackout == 2 && d.FullPrice == 0 {
		return invalid("fullPrice", "must be set when fullBlackout is 2 (pay X to charge full)")
	}
	if d.MaxTime < 0 || d.MaxTime > maxMinutes {
		return invalid("maxTime", "must be between 0 (no limit) and %d minutes, not %d", maxMinutes, d.MaxTime)
	}
	if d.DeviceAssociateCount < 0 {
		return invalid("deviceAssociateCount", "must not be negative")
	}
	if d.Name == "" {
		return invalid("name", "is required")
	}
	for _, t := range [...]struct{ field, v string }{
		{"name", d.Name}, {"remark", d.Remark}, {"deviceType", d.DeviceType},
	} {
		if len(t.v) > maxText {
			return invalid(t.field, "is longer than %d bytes", maxText)
		}
	}
	if d.PeakPlainValley == 1 && d.Type == typePower {
		return invalid("peakPlainValley", "applies to time-of-day standards (type 0 or 2), not power segments")
	}
	for i := range d.Segments {
		if err := d.checkSegment(i); err != nil {
			return err
		}
	}
	return nil
}

// checkSegment checks one row of priceStandardTbody.
func (d *PriceStandard) checkSegment(i int) *Error {
	g := &d.Segments[i]
	f := func(name string) string { return segField(i, name) }
	if g.StartTime < dayStartMs || g.StartTime >= dayEndMs {
		return invalid(f("startTime"), "must be between %d (00:00 UTC+8) and %d (23:59:59.999), not %d", dayStartMs, dayEndMs-1, g.StartTime)
	}
	if g.EndTime < dayStartMs || g.EndTime > dayEndMs {
		return invalid(f("endTime"), "must be between %d (00:00 UTC+8) and %d (24:00), not %d", dayStartMs, dayEndMs, g.EndTime)
	}
	if err := checkMoney(f("price"), g.Price); err != nil {
		return err
	}
	if err := checkMoney(f("priceYuan"), g.PriceYuan); err != nil {
		return err
	}
	if len(g.PriceUnit) > maxText || len(g.TimeUnit) > maxText {
		return invalid(f("priceUnit"), "is longer than %d bytes", maxText)
	}
	if d.Type == typeEnergy {
		if g.Time < 0 {
			return invalid(f("time"), "must not be negative")
		}
	} else {
		if g.TimeUnit != "" && g.TimeUnit != "min" && g.TimeUnit != "hour" {
			return invalid(f("timeUnit"), `must be "min" or "hour", not %q`, g.TimeUnit)
		}
		if g.Time <= 0 || blockMinutes(g) > maxMinutes {
			return invalid(f("time"), "must be a block length between 1 minute and %d minutes, not %d %s", maxMinutes, g.Time, g.TimeUnit)
		}
	}
	if d.Type != typePower && (g.MinPower != nil || g.MaxPower != nil) {
		return invalid(f("minPower"), "minPower and maxPower apply to power segments (type 1) only")
	}
	if d.Type != typeEnergy && (g.ElectricPrice != nil || g.ElectricServiceFee != nil) {
		return invalid(f("electricPrice"), "electricPrice and electricServiceFee apply to energy standards (type 2) only")
	}
	if g.ElectricPrice != nil || g.ElectricServiceFee != nil {
		e, sv := deref(g.ElectricPrice), deref(g.ElectricServiceFee)
		if err := checkMoney(f("electricPrice"), e); err != nil {
			return err
		}
		if err := checkMoney(f("electricServiceFee"), sv); err != nil {
			return err
		}
		if g.Price != 0 && g.Price != e+sv {
			return invalid(f("price"), "is %d but electricPrice + electricServiceFee is %d; set price to 0 or to their sum", g.Price, e+sv)
		}
	}
	switch {
	case d.PeakPlainValley == 1:
		if g.Period != periodPeak && g.Period != periodFlat && g.Period != periodValley {
			return invalid(f("period"), `must be "peak", "flat" or "valley" when peakPlainValley is 1, not %q`, g.Period)
		}
	case g.Period != "":
		return invalid(f("period"), "is only used when peakPlainValley is 1")
	}
	// The model reads no upper bound as 0; a maxPower the vendor gave must
	// be a bound.
	if g.MaxPower != nil && *g.MaxPower <= deref(g.MinPower) {
		return invalid(f("maxPower"), "must be above minPower (%d W), not %d", deref(g.MinPower), *g.MaxPower)
	}
	if d.Type != typePower && emptyWindow(g.StartTime, g.EndTime) {
		return invalid(f("endTime"), "equals startTime: the segment is empty (a whole day is 00:00 to 23:59:59)")
	}
	return nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// blockMinutes is a segment's block length in minutes.
func blockMinutes(g *PriceSegment) int64 {
	if g.TimeUnit == "hour" {
		return int64(g.Time) * 60
	}
	return int64(g.Time)
}
