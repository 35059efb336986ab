package charging

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"parkd/internal/park"
	"parkd/internal/tariff"
)

// The rules' words and the model's values, one table per field.
var (
	kindNames    = map[string]tariff.ChargeKind{"time": tariff.ChargeByTime, "power": tariff.ChargeByPower, "energy": tariff.ChargeByEnergy}
	measureNames = map[string]tariff.ChargePowerMeasure{"": tariff.ChargeAveragePower, "average": tariff.ChargeAveragePower, "maximum": tariff.ChargeMaximumPower}
	paymentNames = map[string]tariff.ChargePayment{"balance": tariff.ChargeFromBalance, "prepaid": tariff.ChargePrepaid, "package": tariff.ChargePrepaidPackage}
	refundNames  = map[string]tariff.ChargeRefund{"balance": tariff.ChargeRefundToBalance, "payment": tariff.ChargeRefundToPayment}
	periodNames  = map[string]tariff.ChargePeriod{"": "", "peak": tariff.ChargePeak, "flat": tariff.ChargeFlat, "valley": tariff.ChargeValley}
	displays     = map[string]bool{"time": true, "money": true, "energy": true}
)

func nameOf[V comparable](m map[string]V, v V) string {
	best := ""
	for k, x := range m {
		if x == v && (best == "" || k < best && k != "") {
			best = k
		}
	}
	return best
}

// maxMinutes bounds a session's and a block's minutes: 366 days.
const maxMinutes = 366 * 24 * 60

// Standard validates rules and translates them into the pricing model.
// Errors are EInvalid naming the field under "rules".
func Standard(r park.ChargeRules) (*tariff.ChargeStandard, error) {
	kind, ok := kindNames[r.Kind]
	if !ok {
		return nil, park.Invalid("rules.kind", "must be time, power or energy, not %q", r.Kind).Because(park.ReasonUnknown)
	}
	measure, ok := measureNames[r.PowerMeasure]
	if !ok {
		return nil, park.Invalid("rules.power_measure", "must be average or maximum, not %q", r.PowerMeasure).Because(park.ReasonUnknown)
	}
	pay, ok := paymentNames[r.Payment]
	if !ok {
		return nil, park.Invalid("rules.payment", "must be balance, prepaid or package, not %q", r.Payment).Because(park.ReasonUnknown)
	}
	refund, ok := refundNames[r.RefundTo]
	if !ok {
		return nil, park.Invalid("rules.refund_to", "must be balance or payment, not %q", r.RefundTo).Because(park.ReasonUnknown)
	}
	if r.MaxMinutes < 0 || r.MaxMinutes > maxMinutes {
		return nil, park.Invalid("rules.max_minutes", "must be between 0 and %d, not %d", maxMinutes, r.MaxMinutes).
			Because(park.ReasonRange, "0", strconv.Itoa(maxMinutes))
	}
	s := &tariff.ChargeStandard{
		Kind: kind, PowerMeasure: measure, MaxTime: time.Duration(r.MaxMinutes) * time.Minute, Minimum: r.Minimum,
		StopWhenFull: r.StopWhenFull, FullPrice: r.FullPrice, Payment: pay, MinBalance: r.MinBalance, RefundTo: refund,
		Segments: make([]tariff.ChargeSegment, len(r.Segments)),
	}
	for i, g := range r.Segments {
		field := fmt.Sprintf("rules.segments[%d]", i)
		from, err := clock(g.From, false)
		if err != nil {
			return nil, park.Invalid(field+".from", "%v", err).Because(park.ReasonFormat)
		}
		to, err := clock(g.To, true)
		if err != nil {
			return nil, park.Invalid(field+".to", "%v", err).Because(park.ReasonFormat)
		}
		period, ok := periodNames[g.Period]
		if !ok {
			return nil, park.Invalid(field+".period", "must be peak, flat or valley, not %q", g.Period).Because(park.ReasonUnknown)
		}
		if g.BlockMinutes < 0 || g.BlockMinutes > maxMinutes {
			return nil, park.Invalid(field+".block_minutes", "must be between 0 and %d, not %d", maxMinutes, g.BlockMinutes).
				Because(park.ReasonRange, "0", strconv.Itoa(maxMinutes))
		}
		s.Segments[i] = tariff.ChargeSegment{From: from, To: to, Price: g.Price, ServiceFee: g.ServiceFee,
			Block: time.Duration(g.BlockMinutes) * time.Minute, MinPower: g.MinPowerW, MaxPower: g.MaxPowerW, Period: period}
	}
	if err := s.Validate(); err != nil {
		var ce *tariff.ChargeError
		if errors.As(err, &ce) {
			params := ce.Params
			if ce.Reason == park.ReasonNeeds { // names a field, named as the rules name it
				params = []string{strings.TrimPrefix(ruleField(ce.Params[0]), "rules.")}
			}
			return nil, park.Invalid(ruleField(ce.Field), "%s", ce.Msg).Because(ce.Reason, params...)
		}
		return nil, park.Invalid("rules", "%v", err)
	}
	return s, nil
}

// ruleField renames a model field ("Segments[1].MaxPower") to the rules'
// JSON name ("rules.segments[1].max_power_w").
func ruleField(f string) string {
	names := map[string]string{"Kind": "kind", "Segments": "segments", "PowerMeasure": "power_measure", "MaxTime": "max_minutes",
		"Minimum": "minimum", "StopWhenFull": "stop_when_full", "FullPrice": "full_price", "Payment": "payment",
		"MinBalance": "min_balance", "RefundTo": "refund_to", "From": "from", "To": "to", "Price": "price",
		"ServiceFee": "service_fee", "Block": "block_minutes", "MinPower": "min_power_w", "MaxPower": "max_power_w", "Period": "period"}
	parts := strings.Split(f, ".")
	for i, p := range parts {
		name, idx, _ := strings.Cut(p, "[")
		if n, ok := names[name]; ok {
			name = n
		}
		if idx != "" {
			name += "[" + idx
		}
		parts[i] = name
	}
	if f == "" {
		return "rules"
	}
	return "rules." + strings.Join(parts, ".")
}

// Rules writes a model as rules (the inverse of Standard).
func Rules(s *tariff.ChargeStandard) (park.ChargeRules, error) {
	r := park.ChargeRules{
		Kind: nameOf(kindNames, s.Kind), MaxMinutes: int(s.MaxTime / time.Minute), Minimum: s.Minimum,
		StopWhenFull: s.StopWhenFull, FullPrice: s.FullPrice, Payment: nameOf(paymentNames, s.Payment),
		MinBalance: s.MinBalance, RefundTo: nameOf(refundNames, s.RefundTo),
		Segments: make([]park.ChargeSegment, len(s.Segments)),
	}
	if s.Kind == tariff.ChargeByPower {
		r.PowerMeasure = nameOf(measureNames, s.PowerMeasure)
	}
	for i, g := range s.Segments {
		if g.From%time.Second != 0 || g.To%time.Second != 0 {
			return r, park.Invalid(fmt.Sprintf("rules.segments[%d]", i), "a window bound finer than a second").Because(park.ReasonFormat)
		}
		r.Segments[i] = park.ChargeSegment{From: formatClock(g.From), To: formatClock(g.To), Price: g.Price, ServiceFee: g.ServiceFee,
			BlockMinutes: int(g.Block / time.Minute), MinPowerW: g.MinPower, MaxPowerW: g.MaxPower, Period: string(g.Period)}
	}
	return r, nil
}

// clock reads "HH:MM" or "HH:MM:SS" as time after midnight; "24:00" only
// as an end.
func clock(s string, end bool) (time.Duration, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("must be a clock time HH:MM or HH:MM:SS, not %q", s)
	}
	var v [3]int
	lims := [3]int{24, 59, 59}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || len(p) != 2 || p[0] < '0' || p[0] > '9' || n < 0 || n > lims[i] {
			return 0, fmt.Errorf("must be a clock time HH:MM or HH:MM:SS, not %q", s)
		}
		v[i] = n
	}
	d := time.Duration(v[0])*time.Hour + time.Duration(v[1])*time.Minute + time.Duration(v[2])*time.Second
	if d > 24*time.Hour || d == 24*time.Hour && !end {
		return 0, fmt.Errorf("%q is past the end of the day", s)
	}
	return d, nil
}

func formatClock(d time.Duration) string {
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	if s != 0 {
		return fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%02d:%02d", h, m)
}
