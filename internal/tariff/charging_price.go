package tariff

import (
	"strconv"
	"time"
)

// ChargeSession is what Price needs to know about one charging session.
type ChargeSession struct {
	Start, End time.Time
	// Loc is the zone whose wall clock the segments' times of day are read
	// in; nil means Asia/Shanghai (UTC+8, the vendor's own encoding).
	Loc *time.Location
	// Readings are the charger's reports; order does not matter.
	Readings []ChargeReading
	Prepaid  int64 // fen paid before charging (chargeType 1)
	Full     bool  // the car reported full (matters with fullBlackout 2)
}

// ChargeReading is one report from the charger.
type ChargeReading struct {
	At time.Time
	// EnergyWh is the energy delivered since the session started (the
	// real-time record's "kWh so far", in Wh); the meter reads 0 at Start.
	// For a register meter, subtract the reading at Start first.
	EnergyWh int64
	PowerW   int64
}

// ChargeResult is a priced session. Amount = Electricity + Service = the sum
// of the lines' amounts.
type ChargeResult struct {
	Amount        int64 // fen the session costs
	Electricity   int64 // part of Amount that is energy at an electricity rate
	Service       int64 // the rest: time blocks, service fees, adjustments
	MinutesBilled int   // started minutes between Start and the billed end (capped by maxTime)
	EnergyWh      int64 // energy billed (type 2) or delivered in the billed time (types 0, 1)
	Refund        int64 // chargeType 1: Prepaid - Amount
	RefundType    int   // where Refund goes: 0 the balance, 1 the original payment
	Lines         []ChargeLine
}

// ChargeLine explains part of a result. Adjustments (minimum charge, full
// charge price, prepaid limits) are lines of their own with Segment -1;
// reductions are negative.
type ChargeLine struct {
	From, To    time.Time
	Label       string
	Amount      int64
	EnergyWh    int64
	Electricity int64
	Service     int64
	Segment     int // index in priceStandardTbody, -1 for adjustments
	Blocks      int64
}

// chargeRunCap bounds one run of time blocks so that block arithmetic stays
// far inside time.Duration; longer runs are simply priced in pieces.
const chargeRunCap = 100 * 365 * 24 * time.Hour

// Price prices a session. The standard should have passed Validate
// (ParseChargeStandard does it); an invalid one prices nothing and refunds
// any prepayment rather than guess. The steps, in order:
//
//  1. Billed time runs from Start to End, cut at Start+maxTime when maxTime
//     is set. A session with no billed time costs nothing.
//  2. Metering. Type 0: billed time is cut into consecutive blocks from
//     Start; each block takes the length (time) and price of the segment in
//     force, by local time of day, where the block starts, and a started
//     block is paid in full. Type 1: one segment for the whole session, the
//     one whose [minPower, maxPower) holds the power measured over the
//     billed time (average or maximum per powerType; above every range, the
//     highest segment); blocks as for type 0. Type 2: the energy delivered in
//     each time-of-day window (a maximal run of one segment) times that
//     segment's per-kWh rates, each of electricity and service fee rounded
//     half up once per window.
//  3. minimumCharge 1: the amount is raised to minimumMoney.
//  4. fullBlackout 2: with Full the amount is fullPrice (the agreed price
//     for a full charge); without it, the amount never exceeds fullPrice.
//  5. chargeType 1 (prepaid): with realTimeCharge 0 the prepayment is the
//     price (a bought package, no real-time billing); otherwise the amount
//     never exceeds Prepaid. Refund is Prepaid - Amount. chargeType 0 never
//     refunds, and its limitMoney is an admission rule (AdmitsBalance).
//
// Increases from steps 3-5 are service; decreases come out of the service
// fee first, then out of electricity.
func (s *ChargeStandard) Price(in *ChargeSession) ChargeResult {
	var r ChargeResult
	if s == nil || in == nil {
		return r
	}
	r.RefundType = s.RefundType
	prepaid := chargeClampMoney(in.Prepaid)
	if s.ChargeType == 1 {
		r.Refund = prepaid
	}
	plan, err := chargeCompile(s)
	if err != nil {
		return r
	}
	start, end := in.Start, in.End
	if s.MaxTime > 0 {
		if capEnd := start.Add(time.Duration(s.MaxTime) * time.Minute); capEnd.Before(end) {
			end = capEnd
		}
	}
	if !end.After(start) {
		return r
	}
	r.MinutesBilled = int(chargeCeilMinutes(start, end))
	loc := in.Loc
	if loc == nil {
		loc = chargeShanghai
	}
	readings := chargeReadings(in.Readings, start)
	clock := chargeClock{spans: plan.spans, loc: loc, single: chargeSingle(plan.spans)}

	switch s.Type {
	case ChargeByTime:
		r.Lines = s.chargeBlocks(&clock, -1, start, end)
	case ChargeByPower:
		p := chargePower(readings, end, s.PowerType == 1)
		r.Lines = s.chargeBlocks(nil, chargePowerSegment(s.Segments, plan.power, p), start, end)
	case ChargeByEnergy:
		r.Lines = s.chargeEnergy(&clock, readings, start, end)
	}
	r.Electricity, r.Service = chargeSaturate(r.Lines)
	r.Amount = r.Electricity + r.Service
	if s.Type == ChargeByEnergy {
		for _, l := range r.Lines {
			r.EnergyWh += l.EnergyWh // the windows split the meter exactly
		}
	} else {
		m := newChargeMeter(readings, start)
		r.EnergyWh = m.at(end)
	}

	if s.MinimumCharge == 1 && r.Amount < s.MinimumMoney {
		r.adjust(start, end, "minimum charge", s.MinimumMoney)
	}
	if s.FullBlackout == 2 {
		switch {
		case in.Full:
			r.adjust(start, end, "full charge price", s.FullPrice)
		case r.Amount > s.FullPrice:
			r.adjust(start, end, "capped at the full charge price", s.FullPrice)
		}
	}
	if s.ChargeType == 1 {
		switch {
		case s.RealTimeCharge == 0:
			r.adjust(start, end, "prepaid package (no real-time billing)", prepaid)
		case r.Amount > prepaid:
			r.adjust(start, end, "capped at the prepaid amount", prepaid)
		}
		r.Refund = prepaid - r.Amount
	}
	return r
}

// chargeSaturate totals the metered lines. Past chargeMoneyMax (absurd
// input only) later lines are cut so that the lines still add up to the
// total and no sum overflows.
func chargeSaturate(lines []ChargeLine) (elec, svc int64) {
	for i := range lines {
		l := &lines[i]
		room := chargeMoneyMax - elec - svc
		if l.Electricity+l.Service > room {
			l.Electricity, l.Service = chargeSplit(l.Electricity, l.Service, room)
			l.Amount = l.Electricity + l.Service
		}
		elec += l.Electricity
		svc += l.Service
	}
	return elec, svc
}

// chargeSplit moves the (electricity, service) split to a new total:
// an increase is service; a decrease comes out of service first.
func chargeSplit(elec, svc, total int64) (int64, int64) {
	total = chargeClampMoney(total)
	if total >= elec+svc {
		return elec, total - elec
	}
	cut := elec + svc - total
	if cut <= svc {
		return elec, svc - cut
	}
	return elec - (cut - svc), 0
}

// adjust sets the amount to total and records the difference as a line.
func (r *ChargeResult) adjust(from, to time.Time, label string, total int64) {
	e, s := chargeSplit(r.Electricity, r.Service, total)
	if e == r.Electricity && s == r.Service {
		return
	}
	r.Lines = append(r.Lines, ChargeLine{
		From: from, To: to, Label: label, Segment: -1,
		Amount:      (e + s) - r.Amount,
		Electricity: e - r.Electricity,
		Service:     s - r.Service,
	})
	r.Electricity, r.Service, r.Amount = e, s, e+s
}

// chargeSingle reports whether one segment governs the whole day.
func chargeSingle(spans []chargeSpan) bool {
	for _, sp := range spans {
		if sp.seg != spans[0].seg {
			return false
		}
	}
	return true
}

// chargePowerSegment returns the segment whose power range holds p; order
// lists the segments by minPower. Power above every range takes the highest
// segment: the charger cuts off over-power itself (end reason 4), so billing
// the top range is the least surprising price for what was delivered.
func chargePowerSegment(segs []ChargeSegment, order []int, p int64) int {
	best := order[0]
	for _, i := range order {
		if chargeDeref(segs[i].MinPower) <= p {
			best = i
		}
	}
	return best
}

// chargeBlocks meters time blocks from start to end. With a clock each
// block takes the segment in force where it starts (type 0); otherwise
// every block uses segment seg (type 1). One line per run of blocks.
func (s *ChargeStandard) chargeBlocks(clock *chargeClock, seg int, start, end time.Time) []ChargeLine {
	var lines []ChargeLine
	for t := start; t.Before(end); {
		limit := end
		if capEnd := t.Add(chargeRunCap); capEnd.Before(limit) {
			limit = capEnd
		}
		runEnd := limit
		if clock != nil {
			seg, runEnd = clock.run(t, limit)
		}
		g := &s.Segments[seg]
		block := time.Duration(chargeBlockMinutes(g)) * time.Minute
		d := runEnd.Sub(t)
		n := int64(d / block)
		if d%block != 0 {
			n++ // a started block is paid in full
		}
		next := t.Add(time.Duration(n) * block)
		amount := chargeMul(n, g.Price)
		lines = append(lines, ChargeLine{
			From: t, To: chargeMinTime(next, end),
			Label:   s.chargeLabel(g) + strconv.FormatInt(n, 10) + " × " + chargeBlockString(g),
			Amount:  amount,
			Service: amount,
			Segment: seg,
			Blocks:  n,
		})
		t = next
	}
	return lines
}

// chargeEnergy meters energy per time-of-day window (type 2).
func (s *ChargeStandard) chargeEnergy(clock *chargeClock, readings []ChargeReading, start, end time.Time) []ChargeLine {
	var lines []ChargeLine
	m := newChargeMeter(readings, start)
	var billed int64 // energy up to the previous window's end; the meter reads 0 at start
	for t := start; t.Before(end); {
		seg, runEnd := clock.run(t, end)
		g := &s.Segments[seg]
		cum := m.at(runEnd)
		wh := cum - billed
		billed = cum
		er, sr := g.Price, int64(0) // without a split, price is all electricity
		if g.ElectricPrice != nil || g.ElectricServiceFee != nil {
			er, sr = chargeDeref(g.ElectricPrice), chargeDeref(g.ElectricServiceFee)
		}
		e, sv := chargeKWhPrice(wh, er), chargeKWhPrice(wh, sr)
		label := g.Period
		if label == "" {
			label = "energy"
		}
		lines = append(lines, ChargeLine{
			From: t, To: runEnd, Label: label,
			Amount: e + sv, EnergyWh: wh, Electricity: e, Service: sv, Segment: seg,
		})
		t = runEnd
	}
	return lines
}

func (s *ChargeStandard) chargeLabel(g *ChargeSegment) string {
	switch {
	case s.Type == ChargeByPower:
		w := strconv.FormatInt(chargeDeref(g.MinPower), 10) + "–"
		if g.MaxPower != nil {
			w += strconv.FormatInt(*g.MaxPower, 10)
		}
		return "power " + w + " W: "
	case g.Period != "":
		return g.Period + ": "
	}
	return "time: "
}

func chargeBlockString(g *ChargeSegment) string {
	if g.TimeUnit == "hour" {
		return strconv.Itoa(g.Time) + " h"
	}
	return strconv.Itoa(g.Time) + " min"
}

func chargeMinTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
