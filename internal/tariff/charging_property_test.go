package tariff

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// chargeRandomStandard builds a valid standard of kind k whose segments
// cover the day from random boundaries (often crossing midnight), with
// random prices, block lengths and adjustment rules.
func chargeRandomStandard(rng *rand.Rand, k ChargeKind) *ChargeStandard {
	s := &ChargeStandard{Kind: k}
	n := 1 + rng.IntN(6)
	var bounds []int // minutes after midnight
	for len(bounds) < n {
		b := rng.IntN(1440)
		if !slices.Contains(bounds, b) {
			bounds = append(bounds, b)
		}
	}
	slices.Sort(bounds)
	if k == ChargeByPower {
		bounds = []int{0}
	}
	for i, b := range bounds {
		e := bounds[(i+1)%len(bounds)]
		g := ChargeSegment{From: chargeHM(0, b), To: chargeHM(0, e), Price: int64(rng.IntN(500)), Block: time.Duration(1+rng.IntN(300)) * time.Minute}
		if len(bounds) == 1 {
			g.From, g.To = 0, 24*time.Hour
		}
		if k == ChargeByEnergy {
			g.Block = 0
			if rng.IntN(2) == 0 {
				g.Price, g.ServiceFee = int64(rng.IntN(150)), int64(rng.IntN(100))
			}
		}
		s.Segments = append(s.Segments, g)
	}
	if rng.IntN(3) == 0 {
		s.MaxTime = time.Duration(1+rng.IntN(2000)) * time.Minute
	}
	if rng.IntN(3) == 0 {
		s.Minimum = int64(rng.IntN(1000))
	}
	if rng.IntN(4) == 0 {
		s.StopWhenFull, s.FullPrice = true, 1+int64(rng.IntN(5000))
	}
	if rng.IntN(3) == 0 {
		s.Payment = []ChargePayment{ChargePrepaidPackage, ChargePrepaid}[rng.IntN(2)]
	}
	return s
}

// chargeRandomMeter returns readings of a monotone meter over [start, start+d].
func chargeRandomMeter(rng *rand.Rand, start time.Time, d time.Duration) []ChargeReading {
	var rs []ChargeReading
	var e int64
	for t := start; !t.After(start.Add(d)); t = t.Add(time.Duration(1+rng.IntN(90)) * time.Minute) {
		e += int64(rng.IntN(2000))
		rs = append(rs, ChargeReading{At: t, EnergyWh: e, PowerW: int64(rng.IntN(8000))})
	}
	return rs
}

// The price never decreases as the session goes on (types 0 and 2, with a
// monotone meter), and every invariant holds at every end time.
func TestChargePropertyMonotoneInEnd(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 300 {
		kind := []ChargeKind{ChargeByTime, ChargeByEnergy}[iter%2]
		s := chargeRandomStandard(rng, kind)
		if err := s.Validate(); err != nil {
			t.Fatalf("generator made an invalid standard: %v\n%+v", err, s)
		}
		start := chargeAt(1, 0, 0).Add(time.Duration(rng.IntN(1440)) * time.Minute)
		in := ChargeSession{
			Start: start, Loc: chargeShanghai, Readings: chargeRandomMeter(rng, start, 50*time.Hour),
			Prepaid: int64(rng.IntN(3000)), Full: rng.IntN(2) == 0,
		}
		var prev int64
		for end := start; end.Before(start.Add(50 * time.Hour)); end = end.Add(time.Duration(1+rng.IntN(47)) * time.Minute) {
			in.End = end
			r := s.Price(&in)
			chargeCheckInvariants(t, s, &in, r)
			if r.Amount < prev {
				t.Fatalf("kind %d: amount fell from %d to %d when the session grew to %v\nstandard %+v",
					kind, prev, r.Amount, end.Sub(start), s)
			}
			prev = r.Amount
		}
	}
}

// By time with one all-day segment and no adjustments is the plain formula
// price × ceil(minutes / block).
func TestChargePropertyPlainFormula(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	f := chargeFixtures(t)
	for range 2000 {
		price, block := int64(rng.IntN(1000)), 1+rng.IntN(600)
		s := chargeStd(t, f.seed, func(s *ChargeStandard) {
			s.MaxTime = 0
			s.Segments[0].Price, s.Segments[0].Block = price, time.Duration(block)*time.Minute
		})
		start := chargeAt(1, 0, 0).Add(time.Duration(rng.Int64N(int64(24 * time.Hour))))
		d := time.Duration(rng.Int64N(int64(72 * time.Hour)))
		r := s.Price(&ChargeSession{Start: start, End: start.Add(d), Loc: chargeShanghai})
		blocks := (d + time.Duration(block)*time.Minute - 1) / (time.Duration(block) * time.Minute)
		if want := price * int64(blocks); r.Amount != want {
			t.Fatalf("%d per %d min over %v: %d, want %d", price, block, d, r.Amount, want)
		}
	}
}

// Splitting a session's energy across windows never loses or invents a
// watt-hour: the lines add up to the meter's final reading.
func TestChargePropertyEnergyConserved(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		s := chargeRandomStandard(rng, ChargeByEnergy)
		s.MaxTime = 0
		start := chargeAt(1, 0, 0).Add(time.Duration(rng.IntN(1440)) * time.Minute)
		d := time.Duration(1+rng.IntN(72*60)) * time.Minute
		rs := chargeRandomMeter(rng, start, d)
		r := s.Price(&ChargeSession{Start: start, End: start.Add(d), Loc: chargeShanghai, Readings: rs})
		var sum int64
		for _, l := range r.Lines {
			sum += l.EnergyWh
		}
		if want := rs[len(rs)-1].EnergyWh; sum != want || r.EnergyWh != want {
			t.Fatalf("lines hold %d Wh, result %d Wh, meter %d Wh", sum, r.EnergyWh, want)
		}
	}
}
