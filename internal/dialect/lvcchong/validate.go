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
		return invalid(field, "须在0到%d分之间，不能是%d", int64(maxMoney), v)
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
			return invalid(c.field, "须为%d到%d，不能是%d", c.lo, c.hi, c.v)
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
		return invalid("fullPrice", "fullBlackout为2（X元充满）时必须填写")
	}
	if d.MaxTime < 0 || d.MaxTime > maxMinutes {
		return invalid("maxTime", "须在0（不限）到%d分钟之间，不能是%d", maxMinutes, d.MaxTime)
	}
	if d.DeviceAssociateCount < 0 {
		return invalid("deviceAssociateCount", "不能为负数")
	}
	if d.Name == "" {
		return invalid("name", "不能为空")
	}
	for _, t := range [...]struct{ field, v string }{
		{"name", d.Name}, {"remark", d.Remark}, {"deviceType", d.DeviceType},
	} {
		if len(t.v) > maxText {
			return invalid(t.field, "不能超过%d字节", maxText)
		}
	}
	if d.PeakPlainValley == 1 && d.Type == typePower {
		return invalid("peakPlainValley", "只适用于按时段计费的标准（type 0或2），不适用于功率分段（type 1）")
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
		return invalid(f("startTime"), "须在%d（UTC+8 00:00）到%d（23:59:59.999）之间，不能是%d", dayStartMs, dayEndMs-1, g.StartTime)
	}
	if g.EndTime < dayStartMs || g.EndTime > dayEndMs {
		return invalid(f("endTime"), "须在%d（UTC+8 00:00）到%d（24:00）之间，不能是%d", dayStartMs, dayEndMs, g.EndTime)
	}
	if err := checkMoney(f("price"), g.Price); err != nil {
		return err
	}
	if err := checkMoney(f("priceYuan"), g.PriceYuan); err != nil {
		return err
	}
	if len(g.PriceUnit) > maxText || len(g.TimeUnit) > maxText {
		return invalid(f("priceUnit"), "不能超过%d字节", maxText)
	}
	if d.Type == typeEnergy {
		if g.Time < 0 {
			return invalid(f("time"), "不能为负数")
		}
	} else {
		if g.TimeUnit != "" && g.TimeUnit != "min" && g.TimeUnit != "hour" {
			return invalid(f("timeUnit"), `须为"min"或"hour"，不能是%q`, g.TimeUnit)
		}
		if g.Time <= 0 || blockMinutes(g) > maxMinutes {
			return invalid(f("time"), "充电时长须在1到%d分钟之间，不能是%d %s", maxMinutes, g.Time, g.TimeUnit)
		}
	}
	if d.Type != typePower && (g.MinPower != nil || g.MaxPower != nil) {
		return invalid(f("minPower"), "minPower和maxPower只适用于功率分段（type 1）")
	}
	if d.Type != typeEnergy && (g.ElectricPrice != nil || g.ElectricServiceFee != nil) {
		return invalid(f("electricPrice"), "electricPrice和electricServiceFee只适用于电量计费（type 2）")
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
			return invalid(f("price"), "为%d，但electricPrice + electricServiceFee为%d；请填0或两者之和", g.Price, e+sv)
		}
	}
	switch {
	case d.PeakPlainValley == 1:
		if g.Period != periodPeak && g.Period != periodFlat && g.Period != periodValley {
			return invalid(f("period"), `peakPlainValley为1时须为"peak"、"flat"或"valley"，不能是%q`, g.Period)
		}
	case g.Period != "":
		return invalid(f("period"), "只在peakPlainValley为1时使用")
	}
	// The model reads no upper bound as 0; a maxPower the vendor gave must
	// be a bound.
	if g.MaxPower != nil && *g.MaxPower <= deref(g.MinPower) {
		return invalid(f("maxPower"), "须大于minPower（%d W），不能是%d", deref(g.MinPower), *g.MaxPower)
	}
	if d.Type != typePower && emptyWindow(g.StartTime, g.EndTime) {
		return invalid(f("endTime"), "与startTime相同，时段为空（全天为00:00到23:59:59）")
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
