package tariff

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzChargeValidate builds standards from raw numbers, most of them
// invalid: Validate never panics and names a field of the model, and what
// it accepts prices a day without breaking an invariant.
func FuzzChargeValidate(f *testing.F) {
	f.Add(uint8(1), uint8(2), int64(0), int64(12*time.Hour), int64(100), int64(0), int64(4*time.Hour), int64(0), int64(0), int64(960*time.Minute), int64(0), uint8(0))
	f.Add(uint8(3), uint8(3), int64(0), int64(8*time.Hour), int64(30), int64(40), int64(0), int64(0), int64(0), int64(0), int64(500), uint8(0x71))
	f.Add(uint8(2), uint8(2), int64(0), int64(0), int64(100), int64(0), int64(time.Minute), int64(200), int64(200), int64(0), int64(0), uint8(0x28))
	f.Add(uint8(2), uint8(2), int64(-1), int64(25*time.Hour), int64(-5), int64(chargeMaxPrice+1), int64(time.Second), int64(-3), int64(-3), int64(-1), int64(math.MaxInt64), uint8(0xff))
	f.Fuzz(func(t *testing.T, kind, nSeg uint8, from, to, price, fee, block, minP, maxP, maxTime, money int64, flags uint8) {
		s := &ChargeStandard{
			Kind: ChargeKind(kind % 5), PowerMeasure: ChargePowerMeasure(flags & 3), Payment: ChargePayment(flags >> 2 & 3),
			RefundTo: ChargeRefund(flags >> 4 & 1), StopWhenFull: flags&0x20 != 0, MaxTime: time.Duration(maxTime),
			Minimum: money, FullPrice: money / 2, MinBalance: money / 3,
		}
		periods := []ChargePeriod{"", ChargePeak, ChargeFlat, ChargeValley, "sharp"}
		for i := range int(nSeg % 8) {
			// Copies of one window spaced evenly over the day, so that
			// some sets tile it.
			d := time.Duration(i) * (24 * time.Hour / time.Duration(max(nSeg%8, 1)))
			s.Segments = append(s.Segments, ChargeSegment{
				From: time.Duration(from) + d, To: time.Duration(to) + d, Price: price, ServiceFee: fee, Block: time.Duration(block),
				MinPower: minP * int64(i), MaxPower: maxP * int64(i+1), Period: periods[int(flags>>6)%len(periods)],
			})
		}
		err := s.Validate()
		if err != nil {
			ce, ok := err.(*ChargeError)
			if !ok {
				t.Fatalf("error %T %v is not a *ChargeError", err, err)
			}
			if !chargeIsField(ce.Field) {
				t.Fatalf("error names %q, not a field of the standard: %v", ce.Field, err)
			}
			in := ChargeSession{Start: chargeAt(1, 7, 13), End: chargeAt(2, 7, 13), Prepaid: 1000}
			if r := s.Price(&in); r.Amount != 0 || len(r.Lines) != 0 {
				t.Fatalf("invalid standard (%v) priced %d", err, r.Amount)
			}
			return
		}
		start := chargeAt(1, 7, 13)
		in := ChargeSession{Start: start, End: start.Add(26 * time.Hour), Loc: chargeShanghai, Prepaid: 1000, Full: true,
			Readings: []ChargeReading{{At: start.Add(time.Hour), EnergyWh: 5000, PowerW: 3000}, {At: start.Add(20 * time.Hour), EnergyWh: 40000, PowerW: 100}}}
		chargeCheckInvariants(t, s, &in, s.Price(&in))
	})
}

// FuzzChargePrice prices random valid standards over sessions of up to ten
// years (and backwards), with meters that jump, reset and overflow.
func FuzzChargePrice(f *testing.F) {
	f.Add(uint64(1), uint8(0), int64(0), int64(3600), int64(1000), uint8(3), int64(0), uint8(0))
	f.Add(uint64(2), uint8(2), int64(-1e9), int64(10*366*86400), int64(math.MaxInt64), uint8(50), int64(math.MaxInt64), uint8(0xff))
	f.Add(uint64(3), uint8(1), int64(4e9), int64(-5), int64(-7), uint8(1), int64(-1), uint8(0x0f))
	f.Add(uint64(4), uint8(2), int64(0), int64(10*366*86400), int64(1e15), uint8(255), int64(500), uint8(0x10))
	f.Fuzz(func(t *testing.T, seed uint64, typ uint8, startUnix, durSec, energy int64, nReadings uint8, prepaid int64, flags uint8) {
		rng := rand.New(rand.NewPCG(seed, seed>>7))
		kind := ChargeByTime + ChargeKind(typ%3)
		s := chargeRandomStandard(rng, kind)
		if kind == ChargeByPower {
			s.Segments = nil
			var at int64
			for i := range 1 + rng.IntN(4) {
				g := ChargeSegment{From: 0, To: 24 * time.Hour, Price: int64(rng.IntN(300)), Block: time.Duration(1+rng.IntN(500)) * time.Minute}
				g.MinPower = at
				at += 1 + rng.Int64N(1000)
				if i < 3 || flags&1 == 0 {
					g.MaxPower = at
				}
				s.Segments = append(s.Segments, g)
			}
			s.Segments[len(s.Segments)-1].MaxPower = 0
			s.PowerMeasure = ChargePowerMeasure(flags>>1) & 1
		}
		if flags&4 != 0 { // the most expensive prices allowed
			for i := range s.Segments {
				s.Segments[i].Price = chargeMaxPrice
				if s.Kind == ChargeByEnergy {
					s.Segments[i].ServiceFee = chargeMaxPrice
				} else {
					s.Segments[i].Block = time.Minute
				}
			}
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("generated invalid standard: %v", err)
		}
		// Start within ±1000 years of 2000; duration within ±10 years.
		start := time.Unix(946684800+startUnix%(1000*366*86400), int64(seed%1e9))
		d := time.Duration(durSec%(10*366*86400+1)) * time.Second
		in := ChargeSession{Start: start, End: start.Add(d), Loc: chargeShanghai, Prepaid: prepaid, Full: flags&8 != 0}
		if flags&16 != 0 {
			in.Loc = time.UTC
		}
		for i := range int(nReadings) {
			// Spread over the session and a little around it, in any order.
			at := start.Add(time.Duration(rng.Int64N(int64(max(d, time.Second))+int64(time.Hour))) - time.Hour/2)
			e := energy
			if i%3 == 1 {
				e = rng.Int64()
			} else if i%5 == 4 {
				e = -e
			}
			in.Readings = append(in.Readings, ChargeReading{At: at, EnergyWh: e, PowerW: rng.Int64() >> rng.IntN(64)})
		}
		r := s.Price(&in)
		chargeCheckInvariants(t, s, &in, r)
		if d <= 0 && r.EnergyWh == 0 && r.Amount != 0 {
			t.Fatalf("a session of %v that delivered nothing costs %d", d, r.Amount)
		}
	})
}

// chargeIsField reports whether an error's field names a field of the
// model: "", "Kind", "Segments", "Segments[3].From".
func chargeIsField(f string) bool {
	if f == "" {
		return true
	}
	typ := reflect.TypeFor[ChargeStandard]()
	if rest, ok := strings.CutPrefix(f, "Segments["); ok {
		idx, name, ok := strings.Cut(rest, "].")
		if _, err := strconv.Atoi(idx); err != nil || !ok {
			return false
		}
		f, typ = name, reflect.TypeFor[ChargeSegment]()
	}
	_, ok := typ.FieldByName(f)
	return ok
}
