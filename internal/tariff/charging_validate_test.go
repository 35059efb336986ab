package tariff

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestChargeStandardValidate(t *testing.T) {
	seed := chargeSeedStandard()
	edit := func(base *ChargeStandard, e func(s *ChargeStandard)) *ChargeStandard {
		s := *base
		s.Segments = append([]ChargeSegment(nil), base.Segments...)
		e(&s)
		return &s
	}
	window := func(from, to time.Duration) ChargeSegment { return chargeTimeSeg(from, to, 100, 60) }
	power := func(lo, hi int64) ChargeSegment {
		g := chargeTimeSeg(0, 0, 100, 60)
		g.MinPower, g.MaxPower = lo, hi
		return g
	}
	byPower := func(segs ...ChargeSegment) *ChargeStandard {
		return edit(seed, func(s *ChargeStandard) { s.Kind, s.Segments = ChargeByPower, segs })
	}

	t.Run("OK", func(t *testing.T) {
		for name, s := range map[string]*ChargeStandard{
			"Seed": seed,
			"PPV":  chargePPVStandard(),
			"CrossingMidnightToZero": edit(seed, func(s *ChargeStandard) {
				s.Segments = []ChargeSegment{window(chargeHM(8, 0), chargeHM(22, 0)), window(chargeHM(22, 0), 0), window(0, chargeHM(8, 0))}
			}),
			"EndAt24h": edit(seed, func(s *ChargeStandard) {
				s.Segments = []ChargeSegment{window(0, chargeHM(12, 0)), window(chargeHM(12, 0), 24*time.Hour)}
			}),
			"SecondsInWindows": edit(seed, func(s *ChargeStandard) {
				s.Segments = []ChargeSegment{window(chargeHM(8, 0)+30*time.Second, chargeHM(8, 0)), window(chargeHM(8, 0), chargeHM(8, 0)+30*time.Second)}
			}),
			"PowerInAnyOrderTopOpen": byPower(power(200, 400), power(0, 200), power(400, 0)),
			"PowerIgnoresWindows": byPower(func() ChargeSegment {
				g := power(0, 0)
				g.From, g.To = chargeHM(3, 0), chargeHM(3, 0)
				return g
			}()),
			"FullPrice": edit(seed, func(s *ChargeStandard) { s.StopWhenFull, s.FullPrice = true, 1000 }),
		} {
			if err := s.Validate(); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	})

	for _, c := range []struct {
		name  string
		field string // the field the error must name
		std   *ChargeStandard
	}{
		{"Missing", "", nil},
		{"NoKind", "Kind", edit(seed, func(s *ChargeStandard) { s.Kind = 0 })},
		{"UnknownKind", "Kind", edit(seed, func(s *ChargeStandard) { s.Kind = ChargeByEnergy + 1 })},
		{"PowerMeasure", "PowerMeasure", edit(seed, func(s *ChargeStandard) { s.PowerMeasure = 2 })},
		{"Payment", "Payment", edit(seed, func(s *ChargeStandard) { s.Payment = 3 })},
		{"RefundTo", "RefundTo", edit(seed, func(s *ChargeStandard) { s.RefundTo = 2 })},
		{"NegativeMinimum", "Minimum", edit(seed, func(s *ChargeStandard) { s.Minimum = -1 })},
		{"HugeMinBalance", "MinBalance", edit(seed, func(s *ChargeStandard) { s.MinBalance = chargeMaxPrice + 1 })},
		{"FullPriceWithoutStop", "FullPrice", edit(seed, func(s *ChargeStandard) { s.FullPrice = 1000 })},
		{"NegativeMaxTime", "MaxTime", edit(seed, func(s *ChargeStandard) { s.MaxTime = -5 * time.Minute })},
		{"MaxTimeSeconds", "MaxTime", edit(seed, func(s *ChargeStandard) { s.MaxTime = 90 * time.Second })},
		{"MaxTimeOverYear", "MaxTime", edit(seed, func(s *ChargeStandard) { s.MaxTime = chargeMaxTime + time.Minute })},
		{"NoSegments", "Segments", edit(seed, func(s *ChargeStandard) { s.Segments = nil })},
		{"TooManySegments", "Segments", edit(seed, func(s *ChargeStandard) {
			s.Segments = nil
			for i := range chargeMaxSegments + 1 {
				s.Segments = append(s.Segments, window(time.Duration(i)*time.Minute, time.Duration(i+1)*time.Minute))
			}
		})},
		{"NegativePrice", "Segments[0].Price", edit(seed, func(s *ChargeStandard) { s.Segments[0].Price = -100 })},
		{"ServiceFeeOnTime", "Segments[0].ServiceFee", edit(seed, func(s *ChargeStandard) { s.Segments[0].ServiceFee = 40 })},
		{"ZeroBlock", "Segments[0].Block", edit(seed, func(s *ChargeStandard) { s.Segments[0].Block = 0 })},
		{"BlockSeconds", "Segments[0].Block", edit(seed, func(s *ChargeStandard) { s.Segments[0].Block = 90 * time.Second })},
		{"BlockOnEnergy", "Segments[0].Block", edit(chargePPVStandard(), func(s *ChargeStandard) { s.Segments[0].Block = time.Hour })},
		{"FromBeforeDay", "Segments[0].From", edit(seed, func(s *ChargeStandard) { s.Segments[0].From = -time.Millisecond })},
		{"FromAt24h", "Segments[0].From", edit(seed, func(s *ChargeStandard) { s.Segments[0].From = 24 * time.Hour })},
		{"ToAfterDay", "Segments[0].To", edit(seed, func(s *ChargeStandard) { s.Segments[0].To = 24*time.Hour + time.Millisecond })},
		{"EmptyWindow", "Segments[0].To", edit(seed, func(s *ChargeStandard) { s.Segments[0].To = 0 })},
		{"Gap", "Segments", edit(seed, func(s *ChargeStandard) {
			s.Segments = []ChargeSegment{window(0, chargeHM(12, 0)), window(chargeHM(13, 0), 24*time.Hour)}
		})},
		{"Overlap", "Segments[1].From", edit(seed, func(s *ChargeStandard) {
			s.Segments = []ChargeSegment{window(chargeHM(22, 0), chargeHM(8, 0)), window(chargeHM(7, 0), chargeHM(22, 0))}
		})},
		{"GapEnergy", "Segments", edit(chargePPVStandard(), func(s *ChargeStandard) { s.Segments = s.Segments[1:] })},
		{"PowerOnTime", "Segments[0].MinPower", edit(seed, func(s *ChargeStandard) { s.Segments[0].MaxPower = 200 })},
		{"PowerGap", "Segments[1].MinPower", byPower(power(0, 200), power(250, 0))},
		{"PowerOverlap", "Segments[1].MinPower", byPower(power(0, 300), power(200, 0))},
		{"PowerNotFromZero", "Segments[0].MinPower", byPower(power(100, 0))},
		{"PowerMaxBelowMin", "Segments[0].MaxPower", byPower(power(100, 50))},
		{"PowerOpenInTheMiddle", "Segments[1].MaxPower", byPower(power(200, 400), power(0, 0))},
		{"PowerNegative", "Segments[0].MinPower", byPower(power(-1, 0))},
		{"PowerOverGigawatt", "Segments[0].MaxPower", byPower(power(0, chargeMaxPowerW+1))},
		{"PeriodUnknown", "Segments[0].Period", edit(chargePPVStandard(), func(s *ChargeStandard) { s.Segments[0].Period = "sharp" })},
		{"PeriodMissing", "Segments[2].Period", edit(chargePPVStandard(), func(s *ChargeStandard) { s.Segments[2].Period = "" })},
		{"PeriodOnlyOnSome", "Segments[1].Period", edit(seed, func(s *ChargeStandard) {
			s.Segments = []ChargeSegment{window(chargeHM(8, 0), chargeHM(22, 0)), window(chargeHM(22, 0), chargeHM(8, 0))}
			s.Segments[0].Period = ChargePeak
		})},
		{"PeriodOnPower", "Segments[0].Period", byPower(func() ChargeSegment { g := power(0, 0); g.Period = ChargePeak; return g }())},
	} {
		t.Run("Err"+c.name, func(t *testing.T) {
			err := c.std.Validate()
			var ce *ChargeError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v (%T), want *ChargeError", err, err)
			}
			if ce.Field != c.field {
				t.Errorf("err = %v: field %q, want %q", err, ce.Field, c.field)
			}
			if c.field != "" && !strings.Contains(err.Error(), c.field) {
				t.Errorf("message %q does not name %q", err, c.field)
			}
		})
	}
}

func TestChargeErrorMessages(t *testing.T) {
	// The message must say where the problem is, in the operator's terms.
	s := chargeSeedStandard()
	s.Segments = []ChargeSegment{chargeTimeSeg(0, chargeHM(12, 0), 100, 60), chargeTimeSeg(chargeHM(13, 0), 24*time.Hour, 100, 60)}
	if err, want := s.Validate(), "12:00 to 13:00 is not covered"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want it to contain %q", err, want)
	}
	s.Segments = []ChargeSegment{chargeTimeSeg(chargeHM(22, 0), chargeHM(8, 0), 100, 60), chargeTimeSeg(chargeHM(7, 0), chargeHM(22, 0), 100, 60)}
	if err, want := s.Validate(), "overlaps segment 0 from 07:00 to 08:00"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want it to contain %q", err, want)
	}
}
