package charging

import (
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
			if !ok || pe.Code != park.EInvalid || len(pe.Field) < 5 || pe.Field[:5] != "rules" {
				t.Fatalf("error %v is not an EInvalid on a rules field", err)
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
