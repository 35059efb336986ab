package tariff

import (
	"math"
	"testing"
	"time"
	_ "time/tzdata" // DST tests need a zone that still changes clocks, on any machine
)

// chargeShanghai is the zone of the lot the tests charge in.
var chargeShanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// chargeAt is 2024-05-<day> hh:mm in Shanghai.
func chargeAt(day, h, m int) time.Time { return time.Date(2024, 5, day, h, m, 0, 0, chargeShanghai) }

// chargeHM is hh:mm after midnight.
func chargeHM(h, m int) time.Duration {
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
}

// chargeStd returns a copy of base changed by edit, failing if invalid.
func chargeStd(t testing.TB, base *ChargeStandard, edit func(*ChargeStandard)) *ChargeStandard {
	t.Helper()
	s := *base
	s.Segments = append([]ChargeSegment(nil), base.Segments...)
	if edit != nil {
		edit(&s)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	return &s
}

func chargeTimeSeg(from, to time.Duration, price int64, minutes int) ChargeSegment {
	return ChargeSegment{From: from, To: to, Price: price, Block: time.Duration(minutes) * time.Minute}
}

// chargeSeedStandard is the example standard of the charging API document
// that parkd's charging model started from, "固定金额-1元240分钟": 100 per
// started 240 minutes all day, at most 960 minutes, refunds to the original
// payment.
func chargeSeedStandard() *ChargeStandard {
	return &ChargeStandard{
		Kind: ChargeByTime, MaxTime: 960 * time.Minute, RefundTo: ChargeRefundToPayment,
		Segments: []ChargeSegment{chargeTimeSeg(0, 24*time.Hour, 100, 240)},
	}
}

// chargePPVStandard is a peak/flat/valley energy standard for cars: valley
// 23:00-07:00 at 30 + 40 service per kWh, peak 10:00-15:00 and 18:00-21:00
// at 100 + 40, flat the rest at 60 + 40; 2000 of balance to start.
func chargePPVStandard() *ChargeStandard {
	seg := func(from, to time.Duration, elec int64, p ChargePeriod) ChargeSegment {
		return ChargeSegment{From: from, To: to, Price: elec, ServiceFee: 40, Period: p}
	}
	return &ChargeStandard{
		Kind: ChargeByEnergy, MinBalance: 2000,
		Segments: []ChargeSegment{
			seg(chargeHM(23, 0), chargeHM(7, 0), 30, ChargeValley),
			seg(chargeHM(7, 0), chargeHM(10, 0), 60, ChargeFlat),
			seg(chargeHM(10, 0), chargeHM(15, 0), 100, ChargePeak),
			seg(chargeHM(15, 0), chargeHM(18, 0), 60, ChargeFlat),
			seg(chargeHM(18, 0), chargeHM(21, 0), 100, ChargePeak),
			seg(chargeHM(21, 0), chargeHM(23, 0), 60, ChargeFlat),
		},
	}
}

// chargeStandards are the standards the table tests use.
type chargeStandards struct {
	seed, twoBand, power, powerMax, powerBounded, ppv, plainEnergy *ChargeStandard
}

func chargeFixtures(t testing.TB) chargeStandards {
	var f chargeStandards
	seed := chargeStd(t, chargeSeedStandard(), nil)
	f.seed = seed
	// Day 08:00-22:00 at 100 per 60 min; night 22:00-08:00 at 50 per 120 min.
	f.twoBand = chargeStd(t, seed, func(s *ChargeStandard) {
		s.MaxTime = 0
		s.Segments = []ChargeSegment{
			chargeTimeSeg(chargeHM(8, 0), chargeHM(22, 0), 100, 60),
			chargeTimeSeg(chargeHM(22, 0), chargeHM(8, 0), 50, 120),
		}
	})
	day := func(price int64, lo, hi int64) ChargeSegment {
		g := chargeTimeSeg(0, 24*time.Hour, price, 240)
		g.MinPower, g.MaxPower = lo, hi
		return g
	}
	// 0-200 W: 100 per 240 min; 200-400 W: 150; 400 W and up: 200.
	f.power = chargeStd(t, seed, func(s *ChargeStandard) {
		s.Kind, s.MaxTime = ChargeByPower, 0
		s.Segments = []ChargeSegment{day(150, 200, 400), day(100, 0, 200), day(200, 400, 0)}
	})
	f.powerMax = chargeStd(t, f.power, func(s *ChargeStandard) { s.PowerMeasure = ChargeMaximumPower })
	f.powerBounded = chargeStd(t, f.power, func(s *ChargeStandard) { s.Segments = s.Segments[:2] })
	f.ppv = chargeStd(t, chargePPVStandard(), nil)
	// One all-day energy price, 150 per kWh, no electricity/service split.
	f.plainEnergy = chargeStd(t, seed, func(s *ChargeStandard) {
		s.Kind, s.MaxTime = ChargeByEnergy, 0
		s.Segments = []ChargeSegment{{From: 0, To: 24 * time.Hour, Price: 150}}
	})
	return f
}

type chargeCase struct {
	name                   string
	std                    *ChargeStandard
	in                     ChargeSession
	amount, elec, svc      int64
	refund                 int64
	minutes                int
	lines                  int // -1: don't check
	wantLabels, wantEnergy []any
}

func chargeReads(pts ...any) []ChargeReading {
	var rs []ChargeReading
	for i := 0; i < len(pts); i += 2 {
		rs = append(rs, ChargeReading{At: pts[i].(time.Time), EnergyWh: int64(pts[i+1].(int))})
	}
	return rs
}

func chargePowerReads(pts ...any) []ChargeReading {
	var rs []ChargeReading
	for i := 0; i < len(pts); i += 2 {
		rs = append(rs, ChargeReading{At: pts[i].(time.Time), PowerW: int64(pts[i+1].(int))})
	}
	return rs
}

func TestChargePrice(t *testing.T) {
	f := chargeFixtures(t)
	span := func(a, b time.Time) ChargeSession { return ChargeSession{Start: a, End: b, Loc: chargeShanghai} }
	withR := func(in ChargeSession, rs []ChargeReading) ChargeSession { in.Readings = rs; return in }
	full := func(in ChargeSession) ChargeSession { in.Full = true; return in }
	prepaid := func(in ChargeSession, p int64) ChargeSession { in.Prepaid = p; return in }

	minimum := chargeStd(t, f.seed, func(s *ChargeStandard) { s.Minimum = 150 })
	ppvMin := chargeStd(t, f.ppv, func(s *ChargeStandard) { s.Minimum = 500 })
	ppvMax := chargeStd(t, f.ppv, func(s *ChargeStandard) { s.MaxTime = 60 * time.Minute })
	ppvFull := chargeStd(t, f.ppv, func(s *ChargeStandard) { s.StopWhenFull, s.FullPrice = true, 1000 })
	pre := chargeStd(t, f.seed, func(s *ChargeStandard) { s.Payment, s.RefundTo = ChargePrepaid, ChargeRefundToBalance })
	preNoRT := chargeStd(t, pre, func(s *ChargeStandard) { s.Payment = ChargePrepaidPackage })

	night := withR(span(chargeAt(1, 22, 0), chargeAt(2, 8, 0)), chargeReads(chargeAt(1, 22, 0), 0, chargeAt(2, 8, 0), 70000))
	half := withR(span(chargeAt(1, 1, 0), chargeAt(1, 2, 0)), chargeReads(chargeAt(1, 2, 0), 1250))
	across := withR(span(chargeAt(1, 9, 0), chargeAt(1, 11, 0)), chargeReads(chargeAt(1, 9, 0), 0, chargeAt(1, 11, 0), 10001))
	pw := chargePowerReads(chargeAt(1, 10, 0), 100, chargeAt(1, 13, 0), 500)

	for _, c := range []chargeCase{
		// Seed "固定金额-1元240分钟": 100 per started 240 min, MaxTime 960 min.
		{name: "SeedOneMinute", std: f.seed, in: span(chargeAt(1, 10, 0), chargeAt(1, 10, 1)),
			amount: 100, svc: 100, minutes: 1, lines: 1}, // 1 started block × 100
		{name: "SeedExactlyOneBlock", std: f.seed, in: span(chargeAt(1, 10, 0), chargeAt(1, 14, 0)),
			amount: 100, svc: 100, minutes: 240, lines: 1}, // 240/240 = 1 block × 100
		{name: "SeedOneSecondOver", std: f.seed, in: span(chargeAt(1, 10, 0), chargeAt(1, 14, 0).Add(time.Second)),
			amount: 200, svc: 200, minutes: 241, lines: 1}, // 240 min 1 s: 2 started blocks × 100
		{name: "SeedMaxTime", std: f.seed, in: span(chargeAt(1, 10, 0), chargeAt(2, 2, 0)),
			amount: 400, svc: 400, minutes: 960, lines: 1}, // 960 min = 4 blocks × 100
		{name: "SeedCappedByMaxTime", std: f.seed, in: span(chargeAt(1, 10, 0), chargeAt(2, 6, 0)),
			amount: 400, svc: 400, minutes: 960, lines: 1}, // 20 h cut to 960 min: 4 × 100
		{name: "SeedAcrossMidnight", std: f.seed, in: span(chargeAt(1, 22, 0), chargeAt(2, 3, 0)),
			amount: 200, svc: 200, minutes: 300, lines: 1}, // one all-day segment: ceil(300/240) = 2 × 100
		{name: "SeedZeroLength", std: f.seed, in: span(chargeAt(1, 10, 0), chargeAt(1, 10, 0)), lines: 0},
		{name: "SeedEndBeforeStart", std: f.seed, in: span(chargeAt(1, 10, 0), chargeAt(1, 9, 0)), lines: 0},

		// Day 08-22 at 100/60 min, night 22-08 at 50/120 min; a block takes the band it starts in.
		{name: "TwoBandIntoNight", std: f.twoBand, in: span(chargeAt(1, 21, 30), chargeAt(2, 0, 30)),
			amount: 150, svc: 150, minutes: 180, lines: 2}, // 21:30 day 100 (to 22:30) + 22:30 night 50 (to 00:30)
		{name: "TwoBandOneMinuteMore", std: f.twoBand, in: span(chargeAt(1, 21, 30), chargeAt(2, 0, 31)),
			amount: 200, svc: 200, minutes: 181, lines: 2}, // + a night block starting 00:30: 100 + 50 + 50
		{name: "TwoBandNightBlockRunsIntoDay", std: f.twoBand, in: span(chargeAt(1, 7, 30), chargeAt(1, 8, 30)),
			amount: 50, svc: 50, minutes: 60, lines: 1}, // 07:30 night block lasts to 09:30: 50
		{name: "TwoBandLastNightMinute", std: f.twoBand, in: span(chargeAt(1, 7, 59), chargeAt(1, 8, 1)),
			amount: 50, svc: 50, minutes: 2, lines: 1}, // starts 07:59 in the night: 50

		// Power segments 0-200 W 100, 200-400 W 150, 400+ W 200, per 240 min; 10:00-15:00 = 2 blocks.
		{name: "PowerAverage", std: f.power, in: withR(span(chargeAt(1, 10, 0), chargeAt(1, 15, 0)), pw),
			amount: 300, svc: 300, minutes: 300, lines: 1}, // (100×180 + 500×120)/300 = 260 W → 2 × 150
		{name: "PowerMaximum", std: f.powerMax, in: withR(span(chargeAt(1, 10, 0), chargeAt(1, 15, 0)), pw),
			amount: 400, svc: 400, minutes: 300, lines: 1}, // max 500 W → 2 × 200
		{name: "PowerBoundaryBelongsAbove", std: f.power,
			in:     withR(span(chargeAt(1, 10, 0), chargeAt(1, 15, 0)), chargePowerReads(chargeAt(1, 10, 5), 200)),
			amount: 300, svc: 300, minutes: 300, lines: 1}, // 200 W is in [200, 400) → 2 × 150
		{name: "PowerNoReadings", std: f.power, in: span(chargeAt(1, 10, 0), chargeAt(1, 15, 0)),
			amount: 200, svc: 200, minutes: 300, lines: 1}, // 0 W → [0, 200) → 2 × 100
		{name: "PowerAboveEveryRange", std: f.powerBounded,
			in:     withR(span(chargeAt(1, 10, 0), chargeAt(1, 15, 0)), chargePowerReads(chargeAt(1, 10, 0), 1000)),
			amount: 300, svc: 300, minutes: 300, lines: 1}, // 1000 W > 400 W: highest range 200-400 → 2 × 150
		{name: "PowerReadingAfterEndIgnored", std: f.powerMax,
			in:     withR(span(chargeAt(1, 10, 0), chargeAt(1, 15, 0)), chargePowerReads(chargeAt(1, 10, 0), 100, chargeAt(1, 16, 0), 900)),
			amount: 200, svc: 200, minutes: 300, lines: 1}, // max inside the session 100 W → 2 × 100

		// Peak/flat/valley: valley 23-07 30+40, flat 60+40, peak 10-15 & 18-21 100+40 per kWh.
		{name: "PPVNightAcrossMidnight", std: f.ppv, in: night,
			amount: 5320, elec: 2520, svc: 2800, minutes: 600, lines: 3,
			wantLabels: []any{"flat", "valley", "flat"}, wantEnergy: []any{7000, 56000, 7000}},
		// 7 kW for 10 h: flat 22-23 7000 Wh → 420 + 280; valley 23-07 56000 Wh → 1680 + 2240;
		// flat 07-08 7000 Wh → 420 + 280. Electricity 2520, service 2800, total 5320.
		{name: "PPVRoundHalfUp", std: f.ppv, in: half,
			amount: 88, elec: 38, svc: 50, minutes: 60, lines: 1}, // 1250×30/1000 = 37.5 → 38; 1250×40/1000 = 50
		{name: "PPVRoundDown", std: f.ppv, in: withR(half, chargeReads(chargeAt(1, 2, 0), 1249)),
			amount: 87, elec: 37, svc: 50, minutes: 60, lines: 1}, // 37.47 → 37; 49.96 → 50
		{name: "PPVInterpolated", std: f.ppv, in: across,
			amount: 1200, elec: 800, svc: 400, minutes: 120, lines: 2, wantEnergy: []any{5000, 5001}},
		// 10001 Wh over 09-11: flat to 10:00 floor(10001/2) = 5000 → 300 + 200; peak 5001 → 500.1→500 + 200.04→200.
		{name: "PPVOutOfOrderAndDecreasing", std: f.ppv,
			in: withR(span(chargeAt(1, 9, 0), chargeAt(1, 11, 0)),
				chargeReads(chargeAt(1, 11, 0), 10000, chargeAt(1, 9, 0), 0, chargeAt(1, 10, 0), 4000, chargeAt(1, 10, 30), 3000)),
			amount: 1240, elec: 840, svc: 400, minutes: 120, lines: 2, wantEnergy: []any{4000, 6000}},
		// sorted; 3000 after 4000 reads as 4000: flat 4000 Wh → 240 + 160; peak 6000 Wh → 600 + 240.
		{name: "PPVReadingsStopEarly", std: f.ppv,
			in:     withR(span(chargeAt(1, 9, 0), chargeAt(1, 11, 0)), chargeReads(chargeAt(1, 9, 0), 0, chargeAt(1, 9, 30), 3000)),
			amount: 300, elec: 180, svc: 120, minutes: 120, lines: 2}, // flat 3000 Wh → 180 + 120; peak nothing reported → 0
		{name: "PPVMeterReadsZeroAtStart", std: f.ppv,
			in:     withR(span(chargeAt(1, 9, 0), chargeAt(1, 10, 0)), chargeReads(chargeAt(1, 8, 50), 999, chargeAt(1, 9, 0), 500, chargeAt(1, 10, 0), 1500)),
			amount: 150, elec: 90, svc: 60, minutes: 60, lines: 1}, // reading before start dropped; 1500 Wh since start → 90 + 60
		{name: "PPVZeroLengthBillsEnergy", std: f.ppv,
			in:     withR(span(chargeAt(1, 2, 0), chargeAt(1, 2, 0)), chargeReads(chargeAt(1, 2, 0), 1250)),
			amount: 88, elec: 38, svc: 50, minutes: 0, lines: 1}, // start and stop in one second: valley 1250 Wh → 37.5→38 + 50
		{name: "PlainEnergyOneWindowAcrossMidnight", std: f.plainEnergy,
			in:     withR(span(chargeAt(1, 23, 0), chargeAt(2, 1, 0)), chargeReads(chargeAt(2, 1, 0), 10000)),
			amount: 1500, elec: 1500, minutes: 120, lines: 1}, // 10 kWh × 150, all electricity (no split given)

		// Minimum 150 on the seed.
		{name: "MinimumRaises", std: minimum, in: span(chargeAt(1, 10, 0), chargeAt(1, 10, 1)),
			amount: 150, svc: 150, minutes: 1, lines: 2}, // metered 100 < 150 → 150
		{name: "MinimumAlreadyMet", std: minimum, in: span(chargeAt(1, 10, 0), chargeAt(1, 15, 0)),
			amount: 200, svc: 200, minutes: 300, lines: 1}, // 2 blocks = 200 ≥ 150
		{name: "MinimumNotForNothing", std: minimum, in: span(chargeAt(1, 10, 0), chargeAt(1, 10, 0)), lines: 0},
		{name: "MinimumOnEnergyIsService", std: ppvMin, in: half,
			amount: 500, elec: 38, svc: 462, minutes: 60, lines: 2}, // 88 → 500: +412 service on 38 + 50

		// MaxTime 60 min on an energy standard: energy after the cap is not billed.
		{name: "MaxTimeCutsEnergy", std: ppvMax,
			in:     withR(span(chargeAt(1, 9, 30), chargeAt(1, 11, 0)), chargeReads(chargeAt(1, 9, 30), 0, chargeAt(1, 11, 0), 9000)),
			amount: 720, elec: 480, svc: 240, minutes: 60, lines: 2}, // flat 09:30-10:00 3000 Wh → 180 + 120; peak to 10:30 3000 Wh → 300 + 120

		// FullPrice 1000 ("pay 10.00 to charge full").
		{name: "FullPriceReplacesHigher", std: ppvFull, in: full(night),
			amount: 1000, elec: 1000, svc: 0, minutes: 600, lines: 4}, // 5320 → 1000: service 2800 first, then 1520 of electricity
		{name: "FullPriceCapsUnfinished", std: ppvFull, in: night,
			amount: 1000, elec: 1000, svc: 0, minutes: 600, lines: 4}, // not full: min(5320, 1000)
		{name: "FullPriceCutsServiceFirst", std: ppvFull, in: full(across),
			amount: 1000, elec: 800, svc: 200, minutes: 120, lines: 3}, // 1200 → 1000: 200 off service 400
		{name: "FullPriceRaisesLower", std: ppvFull, in: full(half),
			amount: 1000, elec: 38, svc: 962, minutes: 60, lines: 2}, // 88 → 1000: +912 service
		{name: "FullPriceNotFullCheaper", std: ppvFull, in: half,
			amount: 88, elec: 38, svc: 50, minutes: 60, lines: 1}, // 88 < 1000: metered

		// Prepaid 300 on the seed, refund to balance.
		{name: "PrepaidRefundsRest", std: pre, in: prepaid(span(chargeAt(1, 10, 0), chargeAt(1, 14, 10)), 300),
			amount: 200, svc: 200, refund: 100, minutes: 250, lines: 1}, // 2 blocks 200; 300 − 200
		{name: "PrepaidUsedUp", std: pre, in: prepaid(span(chargeAt(1, 10, 0), chargeAt(1, 20, 0)), 300),
			amount: 300, svc: 300, refund: 0, minutes: 600, lines: 1}, // ceil(600/240) = 3 × 100
		{name: "PrepaidCaps", std: pre, in: prepaid(span(chargeAt(1, 10, 0), chargeAt(2, 2, 0)), 300),
			amount: 300, svc: 300, refund: 0, minutes: 960, lines: 2}, // 4 × 100 = 400 → 300
		{name: "PrepaidNothingUsed", std: pre, in: prepaid(span(chargeAt(1, 10, 0), chargeAt(1, 10, 0)), 300),
			amount: 0, refund: 300, lines: 0},
		{name: "PrepaidPackageNoRealTime", std: preNoRT, in: prepaid(span(chargeAt(1, 10, 0), chargeAt(1, 14, 10)), 300),
			amount: 300, svc: 300, refund: 0, minutes: 250, lines: 2}, // a prepaid package: the package is the price
		{name: "PrepaidPackageNeverStarted", std: preNoRT, in: prepaid(span(chargeAt(1, 10, 0), chargeAt(1, 10, 0)), 300),
			amount: 0, refund: 300, lines: 0},
		// From a balance started with 300: billed by use (the 1.00
		// minimum), the 200 not used go back, as a session's would.
		{name: "BalanceGivesBackWhatWasNotUsed", std: f.seed, in: prepaid(span(chargeAt(1, 10, 0), chargeAt(1, 10, 1)), 300),
			amount: 100, svc: 100, refund: 200, minutes: 1, lines: 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := c.std.Price(&c.in)
			if r.Amount != c.amount || r.Electricity != c.elec || r.Service != c.svc || r.Refund != c.refund || r.MinutesBilled != c.minutes {
				t.Errorf("got amount %d (electricity %d, service %d), refund %d, minutes %d; want %d (%d, %d), %d, %d",
					r.Amount, r.Electricity, r.Service, r.Refund, r.MinutesBilled, c.amount, c.elec, c.svc, c.refund, c.minutes)
			}
			if c.lines >= 0 && len(r.Lines) != c.lines {
				t.Errorf("%d lines, want %d: %+v", len(r.Lines), c.lines, r.Lines)
			}
			chargeCheckInvariants(t, c.std, &c.in, r)
			for i, l := range c.wantLabels {
				if i < len(r.Lines) && r.Lines[i].Label != l {
					t.Errorf("line %d label %q, want %q", i, r.Lines[i].Label, l)
				}
			}
			for i, e := range c.wantEnergy {
				if i < len(r.Lines) && r.Lines[i].EnergyWh != int64(e.(int)) {
					t.Errorf("line %d energy %d Wh, want %d", i, r.Lines[i].EnergyWh, e)
				}
			}
		})
	}
}

// chargeCheckInvariants holds for every result: no negative money, the
// split and the lines add up, caps hold.
func chargeCheckInvariants(t testing.TB, s *ChargeStandard, in *ChargeSession, r ChargeResult) {
	t.Helper()
	if r.Amount < 0 || r.Electricity < 0 || r.Service < 0 || r.Refund < 0 || r.MinutesBilled < 0 || r.EnergyWh < 0 {
		t.Fatalf("negative figure: amount %d electricity %d service %d refund %d minutes %d energy %d", r.Amount, r.Electricity, r.Service, r.Refund, r.MinutesBilled, r.EnergyWh)
	}
	if r.Amount != r.Electricity+r.Service {
		t.Fatalf("amount %d != electricity %d + service %d", r.Amount, r.Electricity, r.Service)
	}
	var sum int64
	for _, l := range r.Lines {
		sum += l.Amount
		if l.Amount != l.Electricity+l.Service {
			t.Fatalf("line %+v: amount is not electricity + service", l)
		}
	}
	if sum != r.Amount {
		t.Fatalf("lines add to %d, amount is %d (%d lines)", sum, r.Amount, len(r.Lines))
	}
	if s.MaxTime > 0 && r.MinutesBilled > int(s.MaxTime/time.Minute) {
		t.Fatalf("billed %d minutes, MaxTime %v", r.MinutesBilled, s.MaxTime)
	}
	if s.Payment == ChargePrepaid || s.Payment == ChargePrepaidPackage {
		if p := max(in.Prepaid, 0); r.Amount > p || r.Amount+r.Refund != min(p, chargeMoneyMax) {
			t.Fatalf("prepaid %d: amount %d refund %d", in.Prepaid, r.Amount, r.Refund)
		}
	} else if want := max(0, min(max(in.Prepaid, 0), chargeMoneyMax)-r.Amount); r.Refund != want {
		t.Fatalf("from a balance started with %d: amount %d, refund %d, want %d", in.Prepaid, r.Amount, r.Refund, want)
	}
	// A prepaid package without real-time billing is priced last and wins.
	if s.FullPrice > 0 && r.Amount > s.FullPrice && s.Payment != ChargePrepaidPackage {
		t.Fatalf("amount %d above FullPrice %d", r.Amount, s.FullPrice)
	}
}

func TestChargePriceLines(t *testing.T) {
	f := chargeFixtures(t)
	r := f.twoBand.Price(&ChargeSession{Start: chargeAt(1, 21, 30), End: chargeAt(2, 0, 31), Loc: chargeShanghai})
	want := []ChargeLine{
		{From: chargeAt(1, 21, 30), To: chargeAt(1, 22, 30), Label: "time: 1 × 60 min", Amount: 100, Service: 100, Segment: 0, Blocks: 1},
		{From: chargeAt(1, 22, 30), To: chargeAt(2, 0, 31), Label: "time: 2 × 120 min", Amount: 100, Service: 100, Segment: 1, Blocks: 2},
	}
	if len(r.Lines) != len(want) {
		t.Fatalf("lines %+v, want %+v", r.Lines, want)
	}
	for i := range want {
		g, w := r.Lines[i], want[i]
		if !g.From.Equal(w.From) || !g.To.Equal(w.To) || g.Label != w.Label || g.Amount != w.Amount || g.Segment != w.Segment || g.Blocks != w.Blocks {
			t.Errorf("line %d = %+v, want %+v", i, g, w)
		}
	}
	night := f.ppv.Price(&ChargeSession{Start: chargeAt(1, 22, 0), End: chargeAt(2, 8, 0), Loc: chargeShanghai,
		Readings: chargeReads(chargeAt(2, 8, 0), 70000)})
	if l := night.Lines[1]; !l.From.Equal(chargeAt(1, 23, 0)) || !l.To.Equal(chargeAt(2, 7, 0)) || l.Segment != 0 {
		t.Errorf("valley line = %+v, want 23:00 to 07:00 of segment 0", l)
	}
}

func TestChargePriceLocation(t *testing.T) {
	f := chargeFixtures(t)
	// The same wall-clock session in UTC, read in UTC, prices the same.
	in := ChargeSession{Start: time.Date(2024, 5, 1, 21, 30, 0, 0, time.UTC), End: time.Date(2024, 5, 2, 0, 30, 0, 0, time.UTC), Loc: time.UTC}
	if r := f.twoBand.Price(&in); r.Amount != 150 {
		t.Errorf("UTC session: %d, want 150 (day block 100 + night block 50)", r.Amount)
	}
	// Read in Shanghai instead, 21:30 UTC is 05:30 local: 3 h of night = 2 blocks × 50.
	in.Loc = chargeShanghai
	if r := f.twoBand.Price(&in); r.Amount != 100 {
		t.Errorf("Shanghai lot: %d, want 100", r.Amount)
	}
	// No zone is UTC, as for parking: the engine assumes no country.
	in.Loc = nil
	if r := f.twoBand.Price(&in); r.Amount != 150 {
		t.Errorf("no zone: %d, want 150 as in UTC", r.Amount)
	}
}

func TestChargePriceDST(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	f := chargeFixtures(t)
	for _, c := range []struct {
		name       string
		std        *ChargeStandard
		start, end time.Time
		readings   bool
		want       int64
	}{
		// 22:00 EST to 08:00 EDT is 9 elapsed hours: night blocks start at
		// 22:00, 00:00, 03:00 EDT, 05:00, 07:00 local → 5 × 50.
		{"SpringForwardBlocks", f.twoBand, time.Date(2024, 3, 9, 22, 0, 0, 0, ny), time.Date(2024, 3, 10, 8, 0, 0, 0, ny), false, 250},
		// 22:00 EDT to 08:00 EST is 11 elapsed hours: blocks at 22:00, 00:00,
		// 01:00 EST, 03:00, 05:00, 07:00 → 6 × 50.
		{"FallBackBlocks", f.twoBand, time.Date(2024, 11, 2, 22, 0, 0, 0, ny), time.Date(2024, 11, 3, 8, 0, 0, 0, ny), false, 300},
		// 00:00 EST to 12:00 EDT, 1 kW for 11 elapsed hours: valley to 07:00
		// local is 6 h = 6000 Wh → 180 + 240; flat 07-10 3000 Wh → 180 + 120;
		// peak 10-12 2000 Wh → 200 + 80. Total 1000.
		{"SpringForwardEnergy", f.ppv, time.Date(2024, 3, 10, 0, 0, 0, 0, ny), time.Date(2024, 3, 10, 12, 0, 0, 0, ny), true, 1000},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := ChargeSession{Start: c.start, End: c.end, Loc: ny}
			if c.readings {
				in.Readings = chargeReads(c.end, int(c.end.Sub(c.start).Hours()*1000))
			}
			r := c.std.Price(&in)
			if r.Amount != c.want {
				t.Errorf("amount %d, want %d: %+v", r.Amount, c.want, r.Lines)
			}
			chargeCheckInvariants(t, c.std, &in, r)
		})
	}
}

func TestChargeInvalidStandardPricesNothing(t *testing.T) {
	s := &ChargeStandard{Kind: 7, Payment: ChargePrepaid}
	r := s.Price(&ChargeSession{Start: chargeAt(1, 0, 0), End: chargeAt(1, 5, 0), Loc: chargeShanghai, Prepaid: 500})
	if r.Amount != 0 || r.Refund != 500 {
		t.Errorf("invalid standard: %+v, want nothing charged and 500 refunded", r)
	}
	var nilStd *ChargeStandard
	if r := nilStd.Price(&ChargeSession{}); r.Amount != 0 {
		t.Errorf("nil standard charged %d", r.Amount)
	}
}

func TestChargeAdmitsBalance(t *testing.T) {
	s := &ChargeStandard{Payment: ChargeFromBalance, MinBalance: 200}
	if s.AdmitsBalance(199) || !s.AdmitsBalance(200) {
		t.Error("paying from a balance must require MinBalance")
	}
	s.Payment = ChargePrepaid
	if !s.AdmitsBalance(0) {
		t.Error("prepaid standards have no balance rule")
	}
}

func TestChargePriceTenYears(t *testing.T) {
	f := chargeFixtures(t)
	start := chargeAt(1, 8, 0)
	end := time.Date(2034, 5, 1, 8, 0, 0, 0, chargeShanghai)
	t.Run("TwoBandPlainArithmetic", func(t *testing.T) {
		// A day from 08:00: 14 day blocks × 100 + 5 night blocks × 50 = 1650;
		// 2024-05-01 to 2034-05-01 is 3652 days (two leap days): 6,025,800.
		in := ChargeSession{Start: start, End: end, Loc: chargeShanghai}
		r := f.twoBand.Price(&in)
		if r.Amount != 6_025_800 || r.MinutesBilled != 3652*1440 {
			t.Errorf("amount %d, minutes %d; want 6025800, %d", r.Amount, r.MinutesBilled, 3652*1440)
		}
		chargeCheckInvariants(t, f.twoBand, &in, r)
	})
	t.Run("HugeMeterSaturates", func(t *testing.T) {
		// 9.2e18 Wh at the highest price allowed (1e10 per kWh) is far over
		// 2^60: the amount stops there instead of wrapping, and still
		// adds up.
		s := chargeStd(t, f.plainEnergy, func(s *ChargeStandard) { s.Segments[0].Price = chargeMaxPrice })
		in := ChargeSession{Start: start, End: end, Loc: chargeShanghai, Readings: []ChargeReading{{At: end, EnergyWh: math.MaxInt64}}}
		r := s.Price(&in)
		if r.Amount != chargeMoneyMax {
			t.Errorf("amount %d, want the ceiling %d", r.Amount, chargeMoneyMax)
		}
		chargeCheckInvariants(t, s, &in, r)
		// The real peak/flat/valley prices stay below it: exact, no wrap.
		r = f.ppv.Price(&in)
		if r.Amount <= 0 || r.Amount >= chargeMoneyMax {
			t.Errorf("peak/flat/valley: amount %d", r.Amount)
		}
		chargeCheckInvariants(t, f.ppv, &in, r)
	})
	t.Run("SeedStopsAtMaxTime", func(t *testing.T) {
		in := ChargeSession{Start: start, End: end, Loc: chargeShanghai}
		if r := f.seed.Price(&in); r.Amount != 400 || r.MinutesBilled != 960 {
			t.Errorf("amount %d, minutes %d; want 400 (4 blocks), 960", r.Amount, r.MinutesBilled)
		}
	})
}

// From a balance, a session started with 500 set aside is never billed
// more: 6 kWh at 1.00/kWh is 600 metered, billed 500 with nothing back;
// started with nothing set aside, it is billed by use.
func TestChargeBalanceCappedAtPrepaid(t *testing.T) {
	s := &ChargeStandard{Kind: ChargeByEnergy, Payment: ChargeFromBalance,
		Segments: []ChargeSegment{{From: 0, To: 24 * time.Hour, Price: 100}}}
	in := ChargeSession{Start: chargeAt(1, 10, 0), End: chargeAt(1, 11, 0), Loc: chargeShanghai, Prepaid: 500,
		Readings: []ChargeReading{{At: chargeAt(1, 11, 0), EnergyWh: 6000}}}
	if r := s.Price(&in); r.Amount != 500 || r.Electricity != 500 || r.Refund != 0 {
		t.Errorf("500 set aside: %+v, want amount 500 (all electricity), refund 0", r)
	}
	in.Prepaid = 0
	if r := s.Price(&in); r.Amount != 600 || r.Refund != 0 {
		t.Errorf("nothing set aside: %+v, want amount 600", r)
	}
}
