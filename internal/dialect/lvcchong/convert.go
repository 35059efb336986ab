package lvcchong

import (
	"errors"
	"strings"
	"time"

	"parkd/internal/park"
	"parkd/internal/tariff"
)

// The vendor's codes and the model's values, one table per field.
var (
	kinds    = [...]tariff.ChargeKind{typeTime: tariff.ChargeByTime, typePower: tariff.ChargeByPower, typeEnergy: tariff.ChargeByEnergy}
	measures = [...]tariff.ChargePowerMeasure{0: tariff.ChargeAveragePower, 1: tariff.ChargeMaximumPower}
	refunds  = [...]tariff.ChargeRefund{0: tariff.ChargeRefundToBalance, 1: tariff.ChargeRefundToPayment}
	periods  = map[string]tariff.ChargePeriod{"": "", periodPeak: tariff.ChargePeak, periodFlat: tariff.ChargeFlat, periodValley: tariff.ChargeValley}
)

// Standard validates the document and translates it into the charging
// model. Errors are *Error naming the vendor's field, also for the rules the
// model checks (coverage of the day, power ranges).
//
// The model keeps what the price depends on, so flags that change nothing
// are dropped: minimumMoney without minimumCharge 1, fullPrice without
// fullBlackout 2, realTimeCharge with chargeType 0, the yuan copies, units
// and bookkeeping (id, name, remark, ownerId, createUserId, deviceType,
// deviceAssociateCount, deviceFamily, viewType).
func (d *PriceStandard) Standard() (*tariff.ChargeStandard, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	s := &tariff.ChargeStandard{
		Kind:         kinds[d.Type],
		PowerMeasure: measures[d.PowerType],
		MaxTime:      time.Duration(d.MaxTime) * time.Minute,
		StopWhenFull: d.FullBlackout != 0,
		MinBalance:   d.LimitMoney,
		RefundTo:     refunds[d.RefundType],
		Segments:     make([]tariff.ChargeSegment, len(d.Segments)),
	}
	if d.MinimumCharge == 1 {
		s.Minimum = d.MinimumMoney
	}
	if d.FullBlackout == 2 {
		s.FullPrice = d.FullPrice
	}
	switch {
	case d.ChargeType == 0:
		s.Payment = tariff.ChargeFromBalance
	case d.RealTimeCharge == 0:
		s.Payment = tariff.ChargePrepaidPackage
	default:
		s.Payment = tariff.ChargePrepaid
	}
	for i := range d.Segments {
		g := &d.Segments[i]
		m := tariff.ChargeSegment{
			From:     startOfWindow(g.StartTime),
			To:       endOfWindow(g.EndTime),
			Price:    g.Price,
			MinPower: deref(g.MinPower),
			MaxPower: deref(g.MaxPower),
			Period:   periods[g.Period],
		}
		switch {
		case d.Type != typeEnergy:
			m.Block = time.Duration(blockMinutes(g)) * time.Minute
		case g.ElectricPrice != nil || g.ElectricServiceFee != nil:
			m.Price, m.ServiceFee = deref(g.ElectricPrice), deref(g.ElectricServiceFee)
		}
		s.Segments[i] = m
	}
	if err := s.Validate(); err != nil {
		return nil, vendorError(err)
	}
	return s, nil
}

// FromStandard writes a valid model the vendor's way, for replies. It fills
// what the price depends on and the display copies (yuan, assuming fen);
// the bookkeeping (id, name, remark, deviceFamily...) is the caller's to
// set. viewType defaults to energy for energy standards and time otherwise.
// It fails for a model the vendor cannot express: a window bound finer than
// a millisecond or ending inside the last second of a minute.
func FromStandard(s *tariff.ChargeStandard) (*PriceStandard, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	d := &PriceStandard{
		LimitMoney: s.MinBalance,
		MaxTime:    int(s.MaxTime / time.Minute),
		Segments:   make([]PriceSegment, len(s.Segments)),
		ViewType:   1,
	}
	for code, k := range kinds {
		if k == s.Kind {
			d.Type = code
		}
	}
	if s.Kind == tariff.ChargeByEnergy {
		d.ViewType = 3
	}
	if s.PowerMeasure == tariff.ChargeMaximumPower {
		d.PowerType = 1
	}
	if s.RefundTo == tariff.ChargeRefundToPayment {
		d.RefundType = 1
	}
	switch s.Payment {
	case tariff.ChargeFromBalance:
		d.ChargeType, d.RealTimeCharge = 0, 1
	case tariff.ChargePrepaid:
		d.ChargeType, d.RealTimeCharge = 1, 1
	case tariff.ChargePrepaidPackage:
		d.ChargeType, d.RealTimeCharge = 1, 0
	}
	if s.Minimum > 0 {
		d.MinimumCharge, d.MinimumMoney = 1, s.Minimum
	}
	switch {
	case s.FullPrice > 0:
		d.FullBlackout, d.FullPrice, d.FullPriceYuan = 2, s.FullPrice, s.FullPrice/100
	case s.StopWhenFull:
		d.FullBlackout = 1
	}
	for i := range s.Segments {
		m := &s.Segments[i]
		start, ok := startMs(m.From)
		if !ok {
			return nil, invalid(segField(i, "startTime"), "无法表示%v：时间只能精确到毫秒", m.From)
		}
		end, ok := endMs(m.To)
		if !ok {
			return nil, invalid(segField(i, "endTime"), "无法表示结束时间%v：时间只能精确到毫秒，且hh:mm:59读作下一分钟", m.To)
		}
		g := PriceSegment{
			StartTime: start, EndTime: end, Price: m.Price + m.ServiceFee, PriceUnit: "yuan",
			Time: int(m.Block / time.Minute), TimeUnit: "min", Period: string(m.Period),
		}
		g.PriceYuan = g.Price / 100
		if m.ServiceFee != 0 {
			g.ElectricPrice, g.ElectricServiceFee = ptr(m.Price), ptr(m.ServiceFee)
		}
		if m.MinPower != 0 {
			g.MinPower = ptr(m.MinPower)
		}
		if m.MaxPower != 0 {
			g.MaxPower = ptr(m.MaxPower)
		}
		if m.Period != "" {
			d.PeakPlainValley = 1
		}
		d.Segments[i] = g
	}
	return d, nil
}

func ptr(v int64) *int64 { return &v }

// The model's field names and the vendor's keys, for errors.
var (
	standardKeys = map[string]string{
		"Kind": "type", "Segments": "priceStandardTbody", "PowerMeasure": "powerType",
		"MaxTime": "maxTime", "Minimum": "minimumMoney", "StopWhenFull": "fullBlackout",
		"FullPrice": "fullPrice", "Payment": "chargeType", "MinBalance": "limitMoney",
		"RefundTo": "refundType",
	}
	segmentKeys = map[string]string{
		"From": "startTime", "To": "endTime", "Price": "price", "ServiceFee": "electricServiceFee",
		"Block": "time", "MinPower": "minPower", "MaxPower": "maxPower", "Period": "period",
	}
)

// vendorError renames a model error's field to the vendor's key:
// "Segments[1].From" becomes "priceStandardTbody[1].startTime".
func vendorError(err error) error {
	var ce *tariff.ChargeError
	if !errors.As(err, &ce) {
		return err
	}
	return &Error{Field: vendorField(ce.Field), Msg: modelWords(ce)}
}

// modelWords words a model error in Chinese from the rule that refused it
// and its numbers (the model words its own in English).
func modelWords(ce *tariff.ChargeError) string {
	p := ce.Params
	// Power segments are bounded in watts, the others by clock times.
	span := "时段"
	if len(p) > 0 && strings.HasSuffix(p[0], " W") {
		span = "功率分段"
	}
	switch ce.Reason {
	case park.ReasonRange:
		if len(p) == 2 {
			return "须在" + p[0] + "到" + p[1] + "之间"
		}
		return "超出允许范围"
	case park.ReasonGap:
		if len(p) == 2 {
			return p[0] + "到" + p[1] + "没有" + span + "覆盖"
		}
		return span + "之间有空缺"
	case park.ReasonOverlap:
		if len(p) == 1 {
			return "自" + p[0] + "起与其他" + span + "重叠"
		}
		return "与其他" + span + "重叠"
	case park.ReasonNeeds:
		if len(p) == 1 {
			return "须同时设置" + vendorField(p[0])
		}
		return "缺少所需的其他参数"
	case park.ReasonRequired:
		return "不能为空"
	case park.ReasonUnknown:
		return "取值无效"
	case park.ReasonNotApplicable:
		return "不适用于此类消费标准"
	case park.ReasonAllOrNone:
		return "须每个时段都设置或都不设置"
	case park.ReasonEmpty:
		return "时段为空：开始与结束时间相同"
	}
	return "取值无效"
}

func vendorField(f string) string {
	if rest, ok := strings.CutPrefix(f, "Segments["); ok {
		if i, name, ok := strings.Cut(rest, "]."); ok {
			if k, ok := segmentKeys[name]; ok {
				return "priceStandardTbody[" + i + "]." + k
			}
		}
		return f
	}
	if k, ok := standardKeys[f]; ok {
		return k
	}
	return f
}
