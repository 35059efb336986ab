package tariff

import (
	"testing"
	"time"
)

// A 24 h peak/flat/valley session with a reading every minute: the usual
// size of a car's order at settlement.
func BenchmarkChargePriceEnergy24h(b *testing.B) {
	s := chargeStd(b, chargePPVStandard(), nil)
	start := chargeAt(1, 18, 30)
	var rs []ChargeReading
	for m := 0; m <= 24*60; m++ {
		rs = append(rs, ChargeReading{At: start.Add(time.Duration(m) * time.Minute), EnergyWh: int64(m) * 117, PowerW: 7020})
	}
	in := ChargeSession{Start: start, End: start.Add(24 * time.Hour), Loc: chargeShanghai, Readings: rs}
	b.ReportAllocs()
	for b.Loop() {
		if r := s.Price(&in); r.Amount == 0 {
			b.Fatal("free session")
		}
	}
}

// The seed standard over a 16 h session (its MaxTime).
func BenchmarkChargePriceSeed(b *testing.B) {
	s := chargeStd(b, chargeSeedStandard(), nil)
	in := ChargeSession{Start: chargeAt(1, 18, 30), End: chargeAt(2, 10, 30), Loc: chargeShanghai}
	b.ReportAllocs()
	for b.Loop() {
		s.Price(&in)
	}
}

// Ten years of a six-window energy standard: cost grows with windows
// crossed, not with anything else.
func BenchmarkChargePriceEnergy10y(b *testing.B) {
	s := chargeStd(b, chargePPVStandard(), nil)
	start := chargeAt(1, 18, 30)
	end := start.Add(10 * 365 * 24 * time.Hour)
	in := ChargeSession{Start: start, End: end, Loc: chargeShanghai, Readings: []ChargeReading{{At: end, EnergyWh: 1 << 40}}}
	b.ReportAllocs()
	for b.Loop() {
		s.Price(&in)
	}
}
