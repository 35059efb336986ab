package tariff

import "time"

// Charging price standards: what a charging session costs. The model is
// parkd's own and assumes no operator's format, currency or time zone;
// dialects translate their documents to it. The rules are documented on
// Price and in docs/charging-tariffs.md.

// ChargeKind is how a standard meters a session.
type ChargeKind uint8

const (
	ChargeByTime   ChargeKind = iota + 1 // price per started block of time, by time of day
	ChargeByPower                        // price per started block of time, by measured power
	ChargeByEnergy                       // price per kWh, by time of day
)

// ChargePayment is how a driver pays for a session.
type ChargePayment uint8

const (
	// ChargeFromBalance: the session is paid from a balance as it is used;
	// MinBalance is what the balance must hold to start. A session started
	// with an amount set aside is billed no more than it, the rest refunded.
	ChargeFromBalance ChargePayment = iota
	// ChargePrepaid: paid before charging and billed by use, never above the
	// prepayment; the rest is refunded.
	ChargePrepaid
	// ChargePrepaidPackage: paid before charging, and the prepayment is the
	// price (a bought package, no billing by use).
	ChargePrepaidPackage
)

// ChargeRefund is where a prepaid session's refund goes.
type ChargeRefund uint8

const (
	ChargeRefundToBalance ChargeRefund = iota // the driver's balance
	ChargeRefundToPayment                     // back to the original payment
)

// ChargePowerMeasure is how ChargeByPower measures a session's power.
type ChargePowerMeasure uint8

const (
	ChargeAveragePower ChargePowerMeasure = iota // time-weighted average
	ChargeMaximumPower                           // highest reading
)

// ChargePeriod labels a segment of a peak/flat/valley (峰平谷) standard.
type ChargePeriod string

const (
	ChargePeak   ChargePeriod = "peak"
	ChargeFlat   ChargePeriod = "flat"
	ChargeValley ChargePeriod = "valley"
)

// ChargeStandard is one charging price standard. Money is in minor units of
// the lot currency. The zero value of every field but Kind and Segments is
// "off".
type ChargeStandard struct {
	Kind     ChargeKind
	Segments []ChargeSegment
	// PowerMeasure picks the power that selects a segment (ChargeByPower
	// only; other kinds ignore it).
	PowerMeasure ChargePowerMeasure
	// MaxTime is the longest billable charge, whole minutes; 0 = no limit.
	MaxTime time.Duration
	// Minimum is the least a session with billed time costs; 0 = none.
	Minimum int64
	// StopWhenFull: the charger powers off when the battery is full.
	StopWhenFull bool
	// FullPrice > 0 is "pay FullPrice to charge full": a session that ends
	// full costs FullPrice, one that does not never costs more. It needs
	// StopWhenFull.
	FullPrice int64
	Payment   ChargePayment
	// MinBalance is the balance a driver needs to start (ChargeFromBalance
	// only; see AdmitsBalance). It is not a price.
	MinBalance int64
	RefundTo   ChargeRefund
}

// ChargeSegment is one price of a standard.
type ChargeSegment struct {
	// From and To are the segment's window [From, To) as time after
	// midnight on the wall clock of the zone the session is priced in. To
	// may be 24h; To before From crosses midnight (To 0 then means to
	// midnight); To equal to From is an empty window. ChargeByTime and
	// ChargeByEnergy segments must cover the day exactly once;
	// ChargeByPower ignores windows.
	From, To time.Duration
	// Price is per started Block (ChargeByTime, ChargeByPower) or per kWh of
	// electricity (ChargeByEnergy).
	Price int64
	// ServiceFee (ChargeByEnergy only) is charged per kWh on top of Price
	// and counts as service, not electricity.
	ServiceFee int64
	// Block is the length of a time block, whole minutes (ChargeByTime and
	// ChargeByPower; 0 for ChargeByEnergy).
	Block time.Duration
	// MinPower and MaxPower (ChargeByPower only) bound the measured power
	// in watts this segment applies to: MinPower <= P < MaxPower. MaxPower
	// 0 means no upper bound.
	MinPower, MaxPower int64
	// Period labels the segment (ChargeByTime and ChargeByEnergy). Either
	// every segment has one or none has.
	Period ChargePeriod
}

// ChargeError is a validation error naming the offending field of the
// standard, for example "Segments[2].From".
type ChargeError struct {
	Field string
	Msg   string
	// Reason and Params: the rule that refused Field and its numbers, as
	// park.Error's (a field Params names is named as Field is).
	Reason string
	Params []string
}

func (e *ChargeError) Error() string {
	if e.Field == "" {
		return "charging standard: " + e.Msg
	}
	return "charging standard: " + e.Field + ": " + e.Msg
}

// AdmitsBalance reports whether a driver with the given balance (minor
// units) may start charging. Only ChargeFromBalance has a rule: the balance
// must reach MinBalance. It is an admission rule, not a price: Price
// ignores MinBalance.
func (s *ChargeStandard) AdmitsBalance(balance int64) bool {
	return s.Payment != ChargeFromBalance || balance >= s.MinBalance
}
