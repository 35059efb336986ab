package lvcchong

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"parkd/internal/tariff"
)

// Every field of the model has a vendor key, so every error the model
// returns names a field the vendor knows.
func TestEveryModelFieldHasAVendorKey(t *testing.T) {
	keys := func(typ reflect.Type) []string {
		var ks []string
		for f := range typ.Fields() {
			ks = append(ks, strings.Split(f.Tag.Get("json"), ",")[0])
		}
		return ks
	}
	for _, c := range []struct {
		model, vendor reflect.Type
		names         map[string]string
	}{
		{reflect.TypeFor[tariff.ChargeStandard](), reflect.TypeFor[PriceStandard](), standardKeys},
		{reflect.TypeFor[tariff.ChargeSegment](), reflect.TypeFor[PriceSegment](), segmentKeys},
	} {
		vendor := keys(c.vendor)
		for f := range c.model.Fields() {
			k, ok := c.names[f.Name]
			if !ok {
				t.Errorf("%s.%s has no vendor key", c.model.Name(), f.Name)
			} else if !slices.Contains(vendor, k) {
				t.Errorf("%s.%s maps to %q, not a key of %s", c.model.Name(), f.Name, k, c.vendor.Name())
			}
		}
	}
	if got := vendorField("Segments[12].From"); got != "priceStandardTbody[12].startTime" {
		t.Errorf("vendorField = %q", got)
	}
}

// The worked examples of docs/charging-tariffs.md, from the vendor's
// documents to the amount.
func TestWorkedExamples(t *testing.T) {
	china, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, h, m int) time.Time { return time.Date(2024, 5, day, h, m, 0, 0, china) }
	parse := func(doc []byte) *tariff.ChargeStandard {
		t.Helper()
		s, err := ParsePriceStandard(doc)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ppvWith := func(change func(m map[string]any)) *tariff.ChargeStandard {
		var m map[string]any
		if err := json.Unmarshal(readTestdata(t, "ppv_energy.json"), &m); err != nil {
			t.Fatal(err)
		}
		change(m)
		doc, _ := json.Marshal(m)
		return parse(doc)
	}
	seed := parse(seedDoc(t))
	prepaid := parse(editSeed(t, func(m map[string]any, _ []any) { m["chargeType"], m["refundType"] = 1, 0 }))
	ppv := ppvWith(func(map[string]any) {})
	full := ppvWith(func(m map[string]any) { m["fullBlackout"], m["fullPrice"], m["fullPriceYuan"] = 2, 1000, 10 })
	minimum := ppvWith(func(m map[string]any) { m["minimumCharge"], m["minimumMoney"] = 1, 500 })
	capped := ppvWith(func(m map[string]any) { m["maxTime"] = 60 })
	meter := func(end time.Time, wh int64) []tariff.ChargeReading {
		return []tariff.ChargeReading{{At: end, EnergyWh: wh}}
	}

	for _, c := range []struct {
		name              string
		std               *tariff.ChargeStandard
		in                tariff.ChargeSession
		amount, elec, svc int64
		refund            int64
	}{
		// The seed: 100 fen per started 240 minutes, maxTime 960.
		{"SeedOneMinute", seed, tariff.ChargeSession{Start: at(1, 10, 0), End: at(1, 10, 1)}, 100, 0, 100, 0},
		{"Seed240Minutes", seed, tariff.ChargeSession{Start: at(1, 10, 0), End: at(1, 14, 0)}, 100, 0, 100, 0},
		{"Seed241Minutes", seed, tariff.ChargeSession{Start: at(1, 10, 0), End: at(1, 14, 1)}, 200, 0, 200, 0},
		{"Seed20Hours", seed, tariff.ChargeSession{Start: at(1, 10, 0), End: at(2, 6, 0)}, 400, 0, 400, 0},
		{"SeedPrepaid", prepaid, tariff.ChargeSession{Start: at(1, 10, 0), End: at(1, 14, 10), Prepaid: 300}, 200, 0, 200, 100},
		// Peak/flat/valley, 7 kW from 22:00 to 08:00: 700 + 3920 + 700.
		{"Night", ppv, tariff.ChargeSession{Start: at(1, 22, 0), End: at(2, 8, 0), Readings: meter(at(2, 8, 0), 70000)}, 5320, 2520, 2800, 0},
		{"NightFull", full, tariff.ChargeSession{Start: at(1, 22, 0), End: at(2, 8, 0), Readings: meter(at(2, 8, 0), 70000), Full: true}, 1000, 1000, 0, 0},
		{"ValleyHour", ppv, tariff.ChargeSession{Start: at(1, 1, 0), End: at(1, 2, 0), Readings: meter(at(1, 2, 0), 1250)}, 88, 38, 50, 0},
		{"ValleyHourMinimum", minimum, tariff.ChargeSession{Start: at(1, 1, 0), End: at(1, 2, 0), Readings: meter(at(1, 2, 0), 1250)}, 500, 38, 462, 0},
		{"MaxTime", capped, tariff.ChargeSession{Start: at(1, 9, 30), End: at(1, 11, 0), Readings: meter(at(1, 11, 0), 9000)}, 720, 480, 240, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.in.Loc = china
			r := c.std.Price(&c.in)
			if r.Amount != c.amount || r.Electricity != c.elec || r.Service != c.svc || r.Refund != c.refund {
				t.Errorf("amount %d (electricity %d, service %d), refund %d; want %d (%d, %d), %d: %+v",
					r.Amount, r.Electricity, r.Service, r.Refund, c.amount, c.elec, c.svc, c.refund, r.Lines)
			}
		})
	}
	if !seed.AdmitsBalance(0) || ppv.AdmitsBalance(1999) || !ppv.AdmitsBalance(2000) {
		t.Error("limitMoney 2000 must admit a balance of 20 yuan and no less")
	}
}

// randomDocument is a valid standard whose segments tile the day from
// random minute boundaries. Ends are written either way the vendor allows:
// exclusive (08:00) or inclusive (07:59:59).
func randomDocument(rng *rand.Rand, typ int, inclusive bool) *PriceStandard {
	d := &PriceStandard{Name: "random", Type: typ, ViewType: 1 + rng.IntN(3), RealTimeCharge: rng.IntN(2), ChargeType: rng.IntN(2),
		RefundType: rng.IntN(2), PowerType: rng.IntN(2), MaxTime: rng.IntN(3) * rng.IntN(2000), LimitMoney: int64(rng.IntN(3000))}
	if rng.IntN(2) == 0 {
		d.MinimumCharge, d.MinimumMoney = 1, int64(rng.IntN(1000))
	}
	if d.FullBlackout = rng.IntN(3); d.FullBlackout == 2 {
		d.FullPrice = 1 + int64(rng.IntN(5000))
		d.FullPriceYuan = d.FullPrice / 100
	}
	var bounds []int
	for n := 1 + rng.IntN(6); len(bounds) < n; {
		if b := rng.IntN(1440); !slices.Contains(bounds, b) {
			bounds = append(bounds, b)
		}
	}
	slices.Sort(bounds)
	if typ == typePower || len(bounds) == 1 {
		bounds = []int{0} // one segment: the whole day is 00:00 to 23:59:59
	}
	d.PeakPlainValley = rng.IntN(2)
	if typ == typePower {
		d.PeakPlainValley = 0
	}
	for i, b := range bounds {
		e := bounds[(i+1)%len(bounds)]
		if len(bounds) == 1 {
			e = b
		}
		end := vendorTime(e/60, e%60, 0)
		if inclusive || len(bounds) == 1 {
			e += 1439 // the minute before, in the vendor's hh:mm:59 style
			end = vendorTime(e/60%24, e%60, 59)
		}
		g := PriceSegment{StartTime: vendorTime(b/60, b%60, 0), EndTime: end, Price: int64(rng.IntN(500)), PriceUnit: "yuan", Time: 1 + rng.IntN(300), TimeUnit: "min"}
		if rng.IntN(3) == 0 && g.Time%60 == 0 {
			g.Time, g.TimeUnit = g.Time/60, "hour"
		}
		g.PriceYuan = g.Price / 100
		if typ == typeEnergy {
			g.Time = 0
			if rng.IntN(2) == 0 {
				g.ElectricPrice, g.ElectricServiceFee = ptr(int64(rng.IntN(150))), ptr(int64(rng.IntN(100)))
				g.Price = 0
			}
		}
		if d.PeakPlainValley == 1 {
			g.Period = []string{periodPeak, periodFlat, periodValley}[rng.IntN(3)]
		}
		d.Segments = append(d.Segments, g)
	}
	if typ == typePower {
		d.Segments = nil
		var at int64
		for i := range 1 + rng.IntN(4) {
			g := PriceSegment{StartTime: dayStartMs, EndTime: vendorTime(23, 59, 59), Price: int64(rng.IntN(300)), Time: 1 + rng.IntN(500)}
			if at > 0 {
				g.MinPower = ptr(at)
			}
			at += 1 + rng.Int64N(1000)
			if i < 3 {
				g.MaxPower = ptr(at)
			}
			d.Segments = append(d.Segments, g)
		}
		d.Segments[len(d.Segments)-1].MaxPower = nil
	}
	return d
}

// The vendor's two ways of writing an end mean the same windows, and the
// model written back reads as the same model.
func TestRandomDocuments(t *testing.T) {
	for iter := range 600 {
		typ := iter % 3
		seed := uint64(iter)
		a := randomDocument(rand.New(rand.NewPCG(seed, 1)), typ, false)
		b := randomDocument(rand.New(rand.NewPCG(seed, 1)), typ, true)
		sa, err := a.Standard()
		if err != nil {
			t.Fatalf("generated an invalid document: %v\n%+v", err, a)
		}
		sb, err := b.Standard()
		if err != nil {
			t.Fatalf("generated an invalid document: %v\n%+v", err, b)
		}
		if !reflect.DeepEqual(sa, sb) {
			t.Fatalf("exclusive and inclusive ends differ:\n%+v\n%+v", sa, sb)
		}
		back, err := FromStandard(sa)
		if err != nil {
			t.Fatal(err)
		}
		back.Name = "random"
		again, err := back.Standard()
		if err != nil {
			t.Fatalf("written back, the document is invalid: %v\n%+v", err, back)
		}
		if !reflect.DeepEqual(again, sa) {
			t.Fatalf("round trip changed the model:\n%+v\n%+v", sa, again)
		}
	}
}

func TestFromStandard(t *testing.T) {
	t.Run("PrepaidPackagePowerFull", func(t *testing.T) {
		s := &tariff.ChargeStandard{
			Kind: tariff.ChargeByPower, PowerMeasure: tariff.ChargeMaximumPower, Payment: tariff.ChargePrepaidPackage,
			StopWhenFull: true, FullPrice: 1550, Minimum: 120,
			Segments: []tariff.ChargeSegment{
				{Price: 100, Block: 2 * time.Hour, MaxPower: 200},
				{Price: 150, Block: 2 * time.Hour, MinPower: 200},
			},
		}
		d, err := FromStandard(s)
		if err != nil {
			t.Fatal(err)
		}
		want := PriceStandard{
			Type: typePower, PowerType: 1, ChargeType: 1, RealTimeCharge: 0, FullBlackout: 2, FullPrice: 1550, FullPriceYuan: 15,
			MinimumCharge: 1, MinimumMoney: 120, ViewType: 1,
			Segments: []PriceSegment{
				{StartTime: dayStartMs, EndTime: 57599000, Price: 100, PriceUnit: "yuan", PriceYuan: 1, Time: 120, TimeUnit: "min", MaxPower: ptr(200)},
				{StartTime: dayStartMs, EndTime: 57599000, Price: 150, PriceUnit: "yuan", PriceYuan: 1, Time: 120, TimeUnit: "min", MinPower: ptr(200)},
			},
		}
		if !reflect.DeepEqual(*d, want) {
			t.Errorf("wrote\n%+v\nwant\n%+v", *d, want)
		}
	})
	t.Run("ErrInvalidModel", func(t *testing.T) {
		_, err := FromStandard(&tariff.ChargeStandard{Kind: tariff.ChargeByTime})
		var ce *tariff.ChargeError
		if !errors.As(err, &ce) || ce.Field != "Segments" {
			t.Errorf("err = %v, want the model's *ChargeError on Segments", err)
		}
	})
	for _, c := range []struct {
		name     string
		from, to time.Duration
		field    string
	}{
		{"ErrStartFinerThanMillisecond", time.Microsecond, hm(12, 0), "priceStandardTbody[0].startTime"},
		{"ErrEndInLastSecond", 0, hm(12, 0) + 59500*time.Millisecond, "priceStandardTbody[0].endTime"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &tariff.ChargeStandard{Kind: tariff.ChargeByEnergy, Segments: []tariff.ChargeSegment{
				{From: c.from, To: c.to, Price: 100}, {From: c.to, To: c.from, Price: 100},
			}}
			_, err := FromStandard(s)
			var e *Error
			if !errors.As(err, &e) || e.Field != c.field {
				t.Errorf("err = %v, want an *Error on %s", err, c.field)
			}
		})
	}
}
