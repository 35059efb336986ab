package tariff

import (
	"math/rand"
	"testing"
	"time"
)

// TestFreeUntil: the last instant a car may leave owing nothing, worked
// by hand from the rules in docs/tariffs.md.
func TestFreeUntil(t *testing.T) {
	loc := mustLoc(t, "Asia/Shanghai")
	// 15 free minutes, then 500 per started hour billed from entry.
	tf := mustParse(t, `{"grace_minutes": 15, "every": {"minutes": 60, "price": 500}}`)
	day := func(s string) time.Time { return at(t, loc, "2026-03-02 "+s) }
	entry, horizon := day("10:00"), day("10:05").Add(24*time.Hour)

	t.Run("FreeMinutes", func(t *testing.T) {
		// A stay of at most 15:00 is free, 15:01 s is a started hour:
		// 10:00 + 15 min = 10:15:00 is the last free instant.
		in := &Input{Entry: entry, Loc: loc}
		if got, want := tf.FreeUntil(in, day("10:05"), horizon), day("10:15:00"); !got.Equal(want) {
			t.Fatalf("free until %v, want %v", got, want)
		}
	})
	t.Run("TimeCoupon", func(t *testing.T) {
		// A 30-minute coupon prices the stay as if the car left 30 minutes
		// earlier: leaving at 10:45:00 costs what 10:15:00 does (free);
		// 10:45:01 costs what 10:15:01 does (500).
		in := &Input{Entry: entry, Loc: loc, Coupons: []Coupon{{Kind: CouponMinutes, Minutes: 30}}}
		if got, want := tf.FreeUntil(in, day("10:05"), horizon), day("10:45:00"); !got.Equal(want) {
			t.Fatalf("free until %v, want %v", got, want)
		}
	})
	t.Run("PassThenTariff", func(t *testing.T) {
		// A pass covering 00:00-12:00, entered 10:00: the stay (2 h by
		// 12:00) is past the 15 free minutes, which count from entry and
		// are not granted again when the pass ends; the tariff bills from
		// the pass's end, so 12:00:00 is free and 12:00:01 starts an hour.
		in := &Input{Entry: entry, Loc: loc, FreeWindows: []Window{{From: day("00:00"), To: day("12:00")}}}
		if got, want := tf.FreeUntil(in, day("10:05"), horizon), day("12:00:00"); !got.Equal(want) {
			t.Fatalf("free until %v, want %v", got, want)
		}
	})
	t.Run("Paid", func(t *testing.T) {
		// Paid at 11:30 for an 11:30 exit: two started hours, 1000, with
		// 15 minutes to leave: PaidUntil 11:45. Leaving after 11:45 owes
		// the overtime (500 a started hour) but never more than Total -
		// Paid: up to 12:00:00 the stay is still two hours (1000 - 1000 =
		// 0); at 12:00:01 it is three (1500 - 1000 = 500). So the paid
		// hour, not only the grace, says 12:00:00.
		in := &Input{Entry: entry, Loc: loc, Paid: 1000, PaidUntil: day("11:45")}
		if got, want := tf.FreeUntil(in, day("11:35"), horizon), day("12:00:00"); !got.Equal(want) {
			t.Fatalf("free until %v, want %v", got, want)
		}
	})
	t.Run("Owes", func(t *testing.T) {
		// At 10:20 the stay already owes 500: the answer is from itself.
		in := &Input{Entry: entry, Loc: loc}
		if got, want := tf.FreeUntil(in, day("10:20"), horizon), day("10:20"); !got.Equal(want) {
			t.Fatalf("free until %v, want %v", got, want)
		}
	})
	t.Run("Horizon", func(t *testing.T) {
		// A free-stay coupon: never owes, so the caller's horizon.
		in := &Input{Entry: entry, Loc: loc, Coupons: []Coupon{{Kind: CouponFree}}}
		if got := tf.FreeUntil(in, day("10:05"), horizon); !got.Equal(horizon) {
			t.Fatalf("free until %v, want the horizon %v", got, horizon)
		}
	})
}

// TestFreeUntilIsTheEdge: on random tariffs and stays, the answer owes
// nothing and the next second owes something (unless it is the horizon).
func TestFreeUntilIsTheEdge(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	locs := loadZones(t)
	for i := 0; i < 300; i++ {
		tf := mustParseStored(t, randTariff(rng).json())
		in := randStay(rng, locs, 2)
		if rng.Intn(2) == 0 {
			in.Coupons = randCoupons(rng)
		}
		if rng.Intn(3) == 0 {
			in.Paid = int64(rng.Intn(2000))
			in.PaidUntil = in.Entry.Add(time.Duration(rng.Intn(600)) * time.Minute)
		}
		from := in.Entry.Add(time.Duration(rng.Intn(120)) * time.Minute)
		limit := from.Add(24 * time.Hour)
		got := tf.FreeUntil(in, from, limit)
		due := func(x time.Time) int64 { p := *in; p.Exit = x; return tf.Price(&p, nil).Due }
		switch {
		case due(from) > 0:
			if !got.Equal(from) {
				t.Fatalf("case %d: owes at %v yet free until %v", i, from, got)
			}
		case due(got) > 0:
			t.Fatalf("case %d: free until %v, yet owes %d then", i, got, due(got))
		case !got.Equal(limit) && due(got.Add(time.Second)) == 0:
			t.Fatalf("case %d: free until %v, yet still free a second later", i, got)
		}
	}
}
