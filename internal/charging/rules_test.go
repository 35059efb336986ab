package charging

import (
	"fmt"
	"testing"

	"parkd/internal/park"
)

// FuzzRules: rules from outside (the native API's JSON) are refused with
// an EInvalid naming a rules field, or accepted; accepted rules written
// back read the same.
func FuzzRules(f *testing.F) {
	f.Add("time", "00:00", "24:00", int64(100), 240, int64(0), "")
	f.Add("energy", "23:00", "07:00", int64(30), 0, int64(40), "valley")
	f.Add("power", "00:00", "24:00", int64(50), 60, int64(0), "")
	f.Add("time", "24:00", "12:61", int64(-1), -5, int64(1), "noon")
	f.Fuzz(func(t *testing.T, kind, from, to string, price int64, block int, fee int64, period string) {
		r := park.ChargeRules{Kind: kind, Payment: "balance", RefundTo: "balance",
			Segments: []park.ChargeSegment{{From: from, To: to, Price: price, BlockMinutes: block, ServiceFee: fee, Period: period}}}
		if kind == "energy" || kind == "time" {
			// one more segment, so that a window may cover the day
			r.Segments = append(r.Segments, park.ChargeSegment{From: to, To: from, Price: price, BlockMinutes: block, ServiceFee: fee, Period: period})
		}
		st, err := Standard(r)
		if err != nil {
			pe, ok := err.(*park.Error)
			if !ok || pe.Code != park.EInvalid || len(pe.Field) < 5 || pe.Field[:5] != "rules" || pe.Reason == "" {
				t.Fatalf("error %v is not an EInvalid on a rules field, with the rule that refused it", err)
			}
			return
		}
		back, err := Rules(st)
		if err != nil {
			t.Fatalf("accepted rules do not write back: %v", err)
		}
		again, err := Standard(back)
		if err != nil {
			t.Fatalf("written back, refused: %v", err)
		}
		if len(again.Segments) != len(st.Segments) || again.Segments[0] != st.Segments[0] || again.Kind != st.Kind {
			t.Fatalf("round trip %+v -> %+v", st, again)
		}
	})
}

// TestClock: the clock times rules accept.
func TestClock(t *testing.T) {
	for _, c := range []struct {
		in   string
		end  bool
		want string // "" = refused
	}{
		{"00:00", false, "00:00"}, {"07:30", false, "07:30"}, {"23:59:59", false, "23:59:59"},
		{"24:00", true, "24:00"}, {"24:00", false, ""}, {"24:01", true, ""}, {"7:30", false, ""},
		{"07:60", false, ""}, {"07:30:60", false, ""}, {"", false, ""}, {"07", false, ""}, {"+7:30", false, ""},
	} {
		d, err := clock(c.in, c.end)
		got := ""
		if err == nil {
			got = formatClock(d)
		}
		if got != c.want {
			t.Errorf("clock(%q, end %v) = %q, want %q", c.in, c.end, got, c.want)
		}
	}
}

// TestStandardReasons: rules refused name the rule that refused them,
// with its numbers, so the console words them in the operator's
// language as it does a parking tariff's.
func TestStandardReasons(t *testing.T) {
	day := func(a, b park.ChargeSegment) park.ChargeRules {
		return park.ChargeRules{Kind: "time", Payment: "balance", RefundTo: "balance", Segments: []park.ChargeSegment{a, b}}
	}
	seg := func(from, to string) park.ChargeSegment {
		return park.ChargeSegment{From: from, To: to, Price: 100, BlockMinutes: 60}
	}
	whole := day(seg("00:00", "12:00"), seg("12:00", "24:00"))
	with := func(f func(r *park.ChargeRules)) park.ChargeRules {
		r := whole
		r.Segments = append([]park.ChargeSegment(nil), whole.Segments...)
		f(&r)
		return r
	}
	for _, c := range []struct {
		name          string
		rules         park.ChargeRules
		field, reason string
		params        []string
	}{
		{"UnknownKind", with(func(r *park.ChargeRules) { r.Kind = "hourly" }), "rules.kind", park.ReasonUnknown, nil},
		{"MaxMinutes", with(func(r *park.ChargeRules) { r.MaxMinutes = -1 }), "rules.max_minutes", park.ReasonRange,
			[]string{"0", "527040"}}, // 366 days of 1440 minutes
		{"NotAClock", with(func(r *park.ChargeRules) { r.Segments[0].From = "8h" }), "rules.segments[0].from", park.ReasonFormat, nil},
		{"NegativePrice", with(func(r *park.ChargeRules) { r.Segments[0].Price = -1 }), "rules.segments[0].price", park.ReasonRange,
			[]string{"0", "10000000000"}},
		{"Gap", day(seg("00:00", "08:00"), seg("09:00", "24:00")), "rules.segments", park.ReasonGap, []string{"08:00", "09:00"}},
		{"GapAtTheEnd", day(seg("00:00", "08:00"), seg("08:00", "23:00")), "rules.segments", park.ReasonGap, []string{"23:00", "24:00"}},
		{"Overlap", day(seg("00:00", "10:00"), seg("09:00", "24:00")), "rules.segments[1].from", park.ReasonOverlap, []string{"09:00"}},
		{"EmptyWindow", day(seg("00:00", "00:00"), seg("00:00", "24:00")), "rules.segments[0].to", park.ReasonEmpty, nil},
		{"PowerGap", park.ChargeRules{Kind: "power", PowerMeasure: "average", Payment: "balance", RefundTo: "balance",
			Segments: []park.ChargeSegment{{From: "00:00", To: "24:00", Price: 100, BlockMinutes: 60, MaxPowerW: 100},
				{From: "00:00", To: "24:00", Price: 200, BlockMinutes: 60, MinPowerW: 200}}},
			"rules.segments[1].min_power_w", park.ReasonGap, []string{"100 W", "200 W"}},
		{"BlockOfEnergy", with(func(r *park.ChargeRules) { r.Kind = "energy" }), "rules.segments[0].block_minutes",
			park.ReasonNotApplicable, nil},
		{"FullPriceAlone", with(func(r *park.ChargeRules) { r.FullPrice = 100 }), "rules.full_price", park.ReasonNeeds,
			[]string{"stop_when_full"}},
		{"SomePeriods", with(func(r *park.ChargeRules) { r.Segments[1].Period = "peak" }), "rules.segments[1].period",
			park.ReasonAllOrNone, nil},
		{"TooManySegments", with(func(r *park.ChargeRules) {
			r.Segments = nil
			for range 97 {
				r.Segments = append(r.Segments, seg("00:00", "24:00"))
			}
		}), "rules.segments", park.ReasonRange, []string{"1", "96"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Standard(c.rules)
			pe, ok := err.(*park.Error)
			if !ok || pe.Code != park.EInvalid || pe.Field != c.field || pe.Reason != c.reason || fmt.Sprint(pe.Params) != fmt.Sprint(c.params) {
				t.Fatalf("got %#v, want EInvalid on %s because %s %v", err, c.field, c.reason, c.params)
			}
		})
	}
}
