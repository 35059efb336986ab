package tariff

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func FuzzParseChargeStandard(f *testing.F) {
	f.Add(chargeSeedDoc(f))
	if raw, err := os.ReadFile(filepath.Join("testdata", "charging", "ppv_energy.json")); err == nil {
		f.Add(raw)
	}
	f.Add([]byte(`{"name":"x","viewType":1,"type":1,"priceStandardTbody":[{"startTime":-28800000,"endTime":57599000,"price":1,"time":1,"maxPower":10},{"minPower":10,"startTime":0,"endTime":1,"price":2,"time":2}]}`))
	f.Add([]byte(`{"name":"x","viewType":3,"type":2,"priceStandardTbody":[{"startTime":54000000,"endTime":-3601000,"price":0,"electricPrice":9223372036854775807}]}`))
	f.Add([]byte(`{"priceStandardTbody":[{"startTime":1e30}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		s, err := ParseChargeStandard(doc)
		if err != nil {
			if _, ok := err.(*ChargeError); !ok {
				t.Fatalf("error %T %v is not a *ChargeError", err, err)
			}
			return
		}
		// What parses re-encodes to a document that parses to the same thing.
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := ParseChargeStandard(out)
		if err != nil {
			t.Fatalf("re-encoded standard does not parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(s, s2) {
			t.Fatalf("round trip changed the standard:\n%+v\n%+v", s, s2)
		}
		// And it prices a day without trouble.
		start := chargeAt(1, 7, 13)
		in := ChargeSession{Start: start, End: start.Add(26 * time.Hour), Prepaid: 1000, Full: true,
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
		s := chargeRandomStandard(rng, int(typ%3))
		if typ%3 == ChargeByPower {
			s.Segments = nil
			var at int64
			for i := range 1 + rng.IntN(4) {
				g := ChargeSegment{StartTime: ChargeTimeMs(0, 0, 0), EndTime: ChargeTimeMs(23, 59, 59), Price: int64(rng.IntN(300)), Time: 1 + rng.IntN(500)}
				g.MinPower = chargeP(at)
				at += 1 + rng.Int64N(1000)
				if i < 3 || flags&1 == 0 {
					g.MaxPower = chargeP(at)
				}
				s.Segments = append(s.Segments, g)
			}
			s.Segments[len(s.Segments)-1].MaxPower = nil
			s.PowerType = int(flags>>1) & 1
		}
		if flags&4 != 0 { // the most expensive prices allowed
			for i := range s.Segments {
				s.Segments[i].Price = chargeMaxPrice
				if s.Segments[i].ElectricPrice != nil {
					s.Segments[i].ElectricPrice, s.Segments[i].ElectricServiceFee = chargeP(chargeMaxPrice), chargeP(chargeMaxPrice)
					s.Segments[i].Price = 0
				}
				if s.Type != ChargeByEnergy {
					s.Segments[i].Time = 1
				}
			}
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("generated invalid standard: %v", err)
		}
		// Start within ±1000 years of 2000; duration within ±10 years.
		start := time.Unix(946684800+startUnix%(1000*366*86400), int64(seed%1e9))
		d := time.Duration(durSec%(10*366*86400+1)) * time.Second
		in := ChargeSession{Start: start, End: start.Add(d), Prepaid: prepaid, Full: flags&8 != 0}
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
		if d <= 0 && r.Amount != 0 {
			t.Fatalf("a session of %v costs %d", d, r.Amount)
		}
	})
}
