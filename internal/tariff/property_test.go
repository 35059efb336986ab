package tariff

import (
	"math/rand"
	"strconv"
	"testing"
	"time"
)

func loadZones(t testing.TB) []*time.Location {
	var locs []*time.Location
	for _, z := range randZones {
		locs = append(locs, mustLoc(t, z))
	}
	return locs
}

// TestMatchesReference compares the engine with the minute-by-minute
// reference on random tariffs and stays, including DST changes, passes,
// caps and stays long enough for the repeated-day shortcut.
func TestMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	locs := loadZones(t)
	n := 1500
	if testing.Short() {
		n = 200
	}
	for i := 0; i < n; i++ {
		rt := randTariff(rng)
		tf := mustParseStored(t, rt.json())
		in := randStay(rng, locs, 12)
		if rng.Intn(3) == 0 {
			in.Paid = int64(rng.Intn(3000))
			in.PaidUntil = in.Entry.Add(time.Duration(rng.Intn(int(in.Exit.Sub(in.Entry)/time.Minute)+60)) * time.Minute)
		}
		r := tf.Price(in, nil)
		entry, exit := in.Entry.Unix(), in.Exit.Unix()
		want := rt.refGross(in, entry, exit)
		wantDue := max(0, want-in.Paid)
		if !in.PaidUntil.IsZero() {
			pu := in.PaidUntil.Unix()
			if exit <= pu {
				wantDue = 0
			} else {
				wantDue = min(wantDue, rt.refRun(in, entry, max(pu, entry), exit, entry, false))
			}
		}
		if r.Gross != want || r.Due != wantDue {
			t.Fatalf("case %d: gross %d due %d, reference %d due %d\ntariff %s\nzone %s entry %v exit %v windows %v slots %v paid %d until %v",
				i, r.Gross, r.Due, want, wantDue, rt.json(), in.Loc, in.Entry, in.Exit, in.FreeWindows, in.FreeSlots, in.Paid, in.PaidUntil)
		}
		checkLines(t, in, r)
	}
}

// TestLongStaysMatchReference stresses the repeated-day shortcut: stays of
// weeks, where almost all days are skipped, must price exactly like the
// minute-by-minute walk.
func TestLongStaysMatchReference(t *testing.T) {
	if testing.Short() {
		t.Skip("slow reference")
	}
	rng := rand.New(rand.NewSource(2))
	locs := loadZones(t)
	for i := 0; i < 120; i++ {
		rt := randTariff(rng)
		tf := mustParseStored(t, rt.json())
		in := randStay(rng, locs, 1)
		in.Exit = in.Entry.Add(time.Duration(20*1440+rng.Intn(30*1440)) * time.Minute)
		r := tf.Price(in, nil)
		if want := rt.refGross(in, in.Entry.Unix(), in.Exit.Unix()); r.Gross != want {
			t.Fatalf("case %d: gross %d, reference %d\ntariff %s\nzone %s entry %v exit %v windows %v slots %v",
				i, r.Gross, want, rt.json(), in.Loc, in.Entry, in.Exit, in.FreeWindows, in.FreeSlots)
		}
		checkLines(t, in, r)
	}
}

// TestFeeNeverDecreases: leaving later never costs (or owes) less, with or
// without passes, coupons and payments.
func TestFeeNeverDecreases(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	locs := loadZones(t)
	for i := 0; i < 300; i++ {
		tf := mustParseStored(t, randTariff(rng).json())
		in := randStay(rng, locs, 3)
		if rng.Intn(2) == 0 {
			in.Coupons = randCoupons(rng)
		}
		if rng.Intn(3) == 0 {
			in.Paid = int64(rng.Intn(2000))
			in.PaidUntil = in.Entry.Add(time.Duration(rng.Intn(600)) * time.Minute)
		}
		in.Entry = in.Entry.Add(time.Duration(rng.Intn(60)) * time.Second)
		in.Exit = in.Entry
		var prev Result
		for step := 0; step < 200; step++ {
			in.Exit = in.Exit.Add(time.Duration(1+rng.Intn(40*60)) * time.Second)
			r := tf.Price(in, nil)
			if r.Gross < prev.Gross || r.Total < prev.Total || r.Due < prev.Due {
				t.Fatalf("case %d: exit %v gross/total/due %d/%d/%d after %d/%d/%d", i, in.Exit,
					r.Gross, r.Total, r.Due, prev.Gross, prev.Total, prev.Due)
			}
			prev = r
		}
	}
}

func randCoupons(rng *rand.Rand) []Coupon {
	var cs []Coupon
	for i := 1 + rng.Intn(3); i > 0; i-- {
		c := Coupon{Kind: CouponKind(1 + rng.Intn(5))}
		switch c.Kind {
		case CouponMinutes:
			c.Minutes = rng.Intn(240)
		case CouponHours:
			c.Hours = rng.Intn(5)
		case CouponAmount:
			c.Amount = int64(rng.Intn(2000))
		case CouponPercent:
			c.Percent = rng.Intn(101)
		}
		if c.Kind != CouponFree || rng.Intn(4) == 0 {
			cs = append(cs, c)
		}
	}
	return cs
}

// TestCapsHold checks every cap from the outside. Blocks are charged when
// they start, so what a daily window cost is Gross(exit at its end) -
// Gross(exit at its start); band lines never span two occurrences.
func TestCapsHold(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	locs := loadZones(t)
	for i := 0; i < 200; i++ {
		rt := randTariff(rng)
		rt.calendar = false
		tf := mustParseStored(t, rt.json())
		in := randStay(rng, locs, 5)
		r := tf.Price(in, nil)
		if rt.stayCap > 0 && r.Gross > rt.stayCap {
			t.Fatalf("case %d: gross %d over stay cap %d", i, r.Gross, rt.stayCap)
		}
		for _, l := range r.Lines {
			for bi, b := range rt.bands {
				if l.Label == "b"+string(rune('0'+bi)) && b.cap > 0 && l.Amount > b.cap {
					t.Fatalf("case %d: line %+v over band cap %d", i, l, b.cap)
				}
			}
		}
		if rt.dailyCap == 0 {
			continue
		}
		grossAt := func(x time.Time) int64 {
			if x.After(in.Exit) {
				x = in.Exit
			}
			c := *in
			c.Exit = x
			return tf.Price(&c, nil).Gross
		}
		for w := in.Entry; w.Before(in.Exit); w = w.Add(24 * time.Hour) {
			if got := grossAt(w.Add(24*time.Hour)) - grossAt(w); got > rt.dailyCap && w.Sub(in.Entry) > time.Duration(rt.grace)*time.Minute {
				t.Fatalf("case %d: window from %v cost %d, daily cap %d\n%s", i, w, got, rt.dailyCap, rt.json())
			}
		}
	}
}

// TestPlainFormula: a tariff with only `every` (and grace) costs
// ceil(billed/every)*price, billed being the whole stay, or the stay less
// grace when grace is deducted, and nothing within grace.
func TestPlainFormula(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for i := 0; i < 3000; i++ {
		every, price, grace := int64(1+rng.Intn(240)), int64(rng.Intn(1000)), int64(rng.Intn(3)*15)
		deducted := rng.Intn(2) == 0
		doc := `{"grace_minutes":` + itoa(grace) + `,"grace_deducted":` + map[bool]string{true: "true", false: "false"}[deducted] +
			`,"every":{"minutes":` + itoa(every) + `,"price":` + itoa(price) + `}}`
		tf := mustParse(t, doc)
		dur := int64(rng.Intn(5 * 86400))
		entry := time.Unix(1700000000+int64(rng.Intn(86400)), 0)
		r := tf.Price(&Input{Entry: entry, Exit: entry.Add(time.Duration(dur) * time.Second)}, nil)
		billed := dur
		if deducted {
			billed -= grace * 60
		}
		want := (billed + every*60 - 1) / (every * 60) * price
		if dur <= grace*60 {
			want = 0
		}
		if r.Gross != want {
			t.Fatalf("%s for %d s: %d, want %d", doc, dur, r.Gross, want)
		}
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
