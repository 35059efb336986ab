package tariff

import (
	"strconv"
	"time"
)

// ChargeSession is what Price needs to know about one charging session.
type ChargeSession struct {
	Start, End time.Time
	// Loc is the lot's zone: segment windows are read on its wall clock.
	// nil means UTC.
	Loc *time.Location
	// Readings are the charger's reports; order does not matter.
	Readings []ChargeReading
	Prepaid  int64 // minor units paid before charging (prepaid payments)
	Full     bool  // the car reported full (matters with a FullPrice)
}

// ChargeReading is one report from the charger.
type ChargeReading struct {
	At time.Time
	// EnergyWh is the energy delivered since the session started (the
	// real-time record's "kWh so far", in Wh); the meter reads 0 at Start.
	// For a register meter, subtract the reading at Start first.
	EnergyWh int64
	PowerW   int64 // < 0: this reading measured no power
}

// ChargeResult is a priced session. Amount = Electricity + Service = the sum
// of the lines' amounts.
type ChargeResult struct {
	Amount        int64        // minor units the session costs
	Electricity   int64        // part of Amount that is energy at an electricity rate
	Service       int64        // the rest: time blocks, service fees, adjustments
	MinutesBilled int          // started minutes between Start and the billed end (capped by MaxTime)
	EnergyWh      int64        // energy billed (by energy) or delivered in the billed time (by time, by power)
	Refund        int64        // prepaid payments: Prepaid - Amount
	RefundTo      ChargeRefund // where Refund goes
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
	Segment     int // index in Segments, -1 for adjustments
	Blocks      int64
}

// chargeRunCap bounds one run of time blocks so that block arithmetic stays
// far inside time.Duration; longer runs are simply priced in pieces.
const chargeRunCap = 100 * 365 * 24 * time.Hour

// Price prices a session. The standard should have passed Validate; an
// invalid one prices nothing and refunds any prepayment rather than guess.
// The steps, in order:
//
//  1. Billed time runs from Start to End, cut at Start+MaxTime when MaxTime
//     is set. A session with no billed time costs nothing, unless its
//     meter shows energy at Start (a start and stop in one second): that
//     energy is priced as below, with no time blocks.
//  2. Metering. ChargeByTime: billed time is cut into consecutive blocks
//     from Start; each block takes the length (Block) and price of the
//     segment in force, by local time of day, where the block starts, and a
//     started block is paid in full. ChargeByPower: one segment for the
//     whole session, the one whose [MinPower, MaxPower) holds the power
//     measured over the billed time (per PowerMeasure; above every range,
//     the highest segment); blocks as for ChargeByTime. ChargeByEnergy: the
//     energy delivered in each time-of-day window (a maximal run of one
//     segment) times that segment's per-kWh Price and ServiceFee, each
//     rounded half up once per window.
//  3. Minimum: a lower amount is raised to it.
//  4. FullPrice: with Full the amount is FullPrice (the agreed price for a
//     full charge); without it, the amount never exceeds FullPrice.
//  5. ChargePrepaidPackage: the prepayment is the price. ChargePrepaid: the
//     amount never exceeds Prepaid. Both refund Prepaid - Amount.
//     ChargeFromBalance bills by use, never above what the session was
//     started with (Prepaid, when set), and gives back what it did not
//     use; its MinBalance is an admission rule (AdmitsBalance).
//
// Increases from steps 3-5 are service; decreases come out of the service
// fee first, then out of electricity.
func (s *ChargeStandard) Price(in *ChargeSession) ChargeResult {
	var r ChargeResult
	if s == nil || in == nil {
		return r
	}
	r.RefundTo = s.RefundTo
	prepaid := chargeClampMoney(in.Prepaid)
	isPrepaid := s.Payment == ChargePrepaid || s.Payment == ChargePrepaidPackage
	if isPrepaid || prepaid > 0 { // nothing priced yet: all of it goes back
		r.Refund = prepaid
	}
	plan, err := chargeCompile(s)
	if err != nil {
		return r
	}
	start, end := in.Start, in.End
	if s.MaxTime > 0 {
		if capEnd := start.Add(s.MaxTime); capEnd.Before(end) {
			end = capEnd
		}
	}
	readings := chargeReadings(in.Readings, start)
	if !end.After(start) {
		if m := newChargeMeter(readings, start); m.at(start) == 0 {
			return r // nothing billed, nothing delivered
		}
		end = start
	}
	r.MinutesBilled = int(chargeCeilMinutes(start, end))
	loc := in.Loc
	if loc == nil {
		loc = time.UTC
	}
	clock := chargeClock{spans: plan.spans, loc: loc, single: chargeSingle(plan.spans)}

	switch s.Kind {
	case ChargeByTime:
		r.Lines = s.chargeBlocks(&clock, -1, start, end)
	case ChargeByPower:
		p := chargePower(readings, end, s.PowerMeasure == ChargeMaximumPower)
		r.Lines = s.chargeBlocks(nil, chargePowerSegment(s.Segments, plan.power, p), start, end)
	case ChargeByEnergy:
		r.Lines = s.chargeEnergy(&clock, readings, start, end)
	}
	r.Electricity, r.Service = chargeSaturate(r.Lines)
	r.Amount = r.Electricity + r.Service
	if s.Kind == ChargeByEnergy {
		for _, l := range r.Lines {
			r.EnergyWh += l.EnergyWh // the windows split the meter exactly
		}
	} else {
		m := newChargeMeter(readings, start)
		r.EnergyWh = m.at(end)
	}

	if r.Amount < s.Minimum {
		r.adjust(start, end, "minimum charge", s.Minimum)
	}
	if s.FullPrice > 0 {
		switch {
		case in.Full:
			r.adjust(start, end, "full charge price", s.FullPrice)
		case r.Amount > s.FullPrice:
			r.adjust(start, end, "capped at the full charge price", s.FullPrice)
		}
	}
	if isPrepaid {
		switch {
		case s.Payment == ChargePrepaidPackage:
			r.adjust(start, end, "prepaid package (no real-time billing)", prepaid)
		case r.Amount > prepaid:
			r.adjust(start, end, "capped at the prepaid amount", prepaid)
		}
		r.Refund = max(0, prepaid-r.Amount)
	} else {
		// From a balance, billed by use: a session started with money set
		// aside is never billed more (a charger that charges on past the
		// stop parkd asked for does so at the operator's cost), and what
		// it did not use goes back.
		if prepaid > 0 && r.Amount > prepaid {
			r.adjust(start, end, "capped at the prepaid amount", prepaid)
		}
		r.Refund = max(0, prepaid-r.Amount)
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
		if segs[i].MinPower <= p {
			best = i
		}
	}
	return best
}

// chargeBlocks meters time blocks from start to end. With a clock each
// block takes the segment in force where it starts (ChargeByTime);
// otherwise every block uses segment seg (ChargeByPower). One line per run
// of blocks.
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
		block := g.Block
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

// chargeEnergy meters energy per time-of-day window (ChargeByEnergy).
func (s *ChargeStandard) chargeEnergy(clock *chargeClock, readings []ChargeReading, start, end time.Time) []ChargeLine {
	var lines []ChargeLine
	m := newChargeMeter(readings, start)
	var billed int64 // energy up to the previous window's end; the meter reads 0 at start
	// At least one window, for a session with no billed time whose meter
	// shows energy at start.
	for t := start; ; {
		seg, runEnd := clock.run(t, end)
		g := &s.Segments[seg]
		cum := m.at(runEnd)
		wh := cum - billed
		billed = cum
		e, sv := chargeKWhPrice(wh, g.Price), chargeKWhPrice(wh, g.ServiceFee)
		label := string(g.Period)
		if label == "" {
			label = "energy"
		}
		lines = append(lines, ChargeLine{
			From: t, To: runEnd, Label: label,
			Amount: e + sv, EnergyWh: wh, Electricity: e, Service: sv, Segment: seg,
		})
		if t = runEnd; !t.Before(end) {
			return lines
		}
	}
}

func (s *ChargeStandard) chargeLabel(g *ChargeSegment) string {
	switch {
	case s.Kind == ChargeByPower:
		w := strconv.FormatInt(g.MinPower, 10) + "–"
		if g.MaxPower != 0 {
			w += strconv.FormatInt(g.MaxPower, 10)
		}
		return "power " + w + " W: "
	case g.Period != "":
		return string(g.Period) + ": "
	}
	return "time: "
}

func chargeBlockString(g *ChargeSegment) string {
	return strconv.FormatInt(int64(g.Block/time.Minute), 10) + " min"
}

func chargeMinTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
