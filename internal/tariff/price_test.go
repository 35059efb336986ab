package tariff

import (
	"testing"
	"time"
)

// Tariffs of the table tests. Expected amounts below are worked out by hand
// from the rules in docs/tariffs.md, with the arithmetic next to each.
const (
	docGrace         = `{"grace_minutes":15,"every":{"minutes":30,"price":200}}`
	docGraceDeducted = `{"grace_minutes":15,"grace_deducted":true,"every":{"minutes":30,"price":200}}`
	docFirst         = `{"first":{"minutes":60,"price":500},"every":{"minutes":30,"price":200}}`
	// The example of the issue.
	docIssue = `{
	  "grace_minutes": 15, "grace_deducted": false,
	  "first": {"minutes": 60, "price": 500},
	  "every": {"minutes": 30, "price": 200},
	  "bands": [
	    {"name": "day", "from": "08:00", "to": "20:00", "every": {"minutes": 30, "price": 200}, "cap": 2000},
	    {"name": "night", "from": "20:00", "to": "08:00", "every": {"minutes": 60, "price": 100}, "cap": 500}
	  ],
	  "daily_cap": 3000, "daily_cap_window": "rolling", "stay_cap": 0,
	  "classes": {"new_energy": {"grace_minutes": 120}, "large": {"every": {"minutes": 30, "price": 400}}}
	}`
	docNight = `{"bands": [
	    {"name": "day", "from": "08:00", "to": "20:00", "every": {"minutes": 30, "price": 200}, "cap": 2000},
	    {"name": "night", "from": "20:00", "to": "08:00", "every": {"minutes": 60, "price": 100}, "cap": 500}]}`
	docNightNoCap = `{"bands": [
	    {"name": "day", "from": "08:00", "to": "20:00", "every": {"minutes": 30, "price": 200}},
	    {"name": "night", "from": "20:00", "to": "08:00", "every": {"minutes": 60, "price": 100}}]}`
	docHourly    = `{"every":{"minutes":60,"price":100},"daily_cap":1000}`
	docHourlyCal = `{"every":{"minutes":60,"price":100},"daily_cap":1000,"daily_cap_window":"calendar"}`
	docStay      = `{"every":{"minutes":60,"price":100},"daily_cap":1000,"stay_cap":1500}`
	docClasses   = `{"every":{"minutes":30,"price":200},"classes":{
	    "large":{"every":{"minutes":30,"price":400}},
	    "motorcycle":{"every":{"minutes":60,"price":50},"stay_cap":300}}}`
	docHour300 = `{"grace_minutes":15,"every":{"minutes":60,"price":300}}`
	docOdd     = `{"every":{"minutes":60,"price":333}}`
	docDST     = `{"every":{"minutes":60,"price":300}}`
	docCal2000 = `{"every":{"minutes":60,"price":100},"daily_cap":2000,"daily_cap_window":"calendar"}`
	docRol2000 = `{"every":{"minutes":60,"price":100},"daily_cap":2000}`
	docCal2450 = `{"every":{"minutes":60,"price":100},"daily_cap":2450,"daily_cap_window":"calendar"}`
	docRol2450 = `{"every":{"minutes":60,"price":100},"daily_cap":2450}`
)

type priceCase struct {
	name        string
	doc         string
	zone        string // "" = Asia/Shanghai
	entry, exit string // wall time in zone
	edit        func(t *testing.T, in *Input)
	gross       int64
	total       int64
	due         int64
	forgiven    int64 // of total-paid, what the exit grace after a payment lets go
}

func slot(t *testing.T, from, to string) Slot {
	s, err := ParseSlot(from, to)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func withSlot(from, to string) func(*testing.T, *Input) {
	return func(t *testing.T, in *Input) { in.FreeSlots = append(in.FreeSlots, slot(t, from, to)) }
}

func withWindow(from, to string) func(*testing.T, *Input) {
	return func(t *testing.T, in *Input) {
		w := Window{From: at(t, in.Loc, from)}
		if to != "" {
			w.To = at(t, in.Loc, to)
		} else {
			w.To = w.From.AddDate(1, 0, 0)
		}
		in.FreeWindows = append(in.FreeWindows, w)
	}
}

func withCoupons(cs ...Coupon) func(*testing.T, *Input) {
	return func(t *testing.T, in *Input) { in.Coupons = cs }
}

func withPaid(paid int64, until string) func(*testing.T, *Input) {
	return func(t *testing.T, in *Input) {
		in.Paid = paid
		if until != "" {
			in.PaidUntil = at(t, in.Loc, until)
		}
	}
}

// both applies two edits in order.
func both(a, b func(*testing.T, *Input)) func(*testing.T, *Input) {
	return func(t *testing.T, in *Input) { a(t, in); b(t, in) }
}

func withClass(c string) func(*testing.T, *Input) {
	return func(t *testing.T, in *Input) { in.Class = c }
}

func utcStay(entry, exit string) func(*testing.T, *Input) {
	return func(t *testing.T, in *Input) {
		in.Entry, in.Exit = at(t, time.UTC, entry), at(t, time.UTC, exit)
	}
}

var priceCases = []priceCase{
	// Grace: a stay no longer than grace is free; one second more is billed.
	{name: "grace/zero-length stay", doc: docGrace, entry: "2024-03-01 10:00", exit: "2024-03-01 10:00"},
	{name: "grace/15:00 is free", doc: docGrace, entry: "2024-03-01 10:00:00", exit: "2024-03-01 10:15:00"},
	{name: "grace/15:01 billed from entry", doc: docGrace, entry: "2024-03-01 10:00:00", exit: "2024-03-01 10:15:01",
		gross: 200, total: 200, due: 200}, // 15m01s billed from entry: ceil(15m01s/30m)=1 block * 200
	{name: "grace/30:00 one block", doc: docGrace, entry: "2024-03-01 10:00", exit: "2024-03-01 10:30",
		gross: 200, total: 200, due: 200}, // ceil(30/30)=1 * 200
	{name: "grace/30:01 two blocks", doc: docGrace, entry: "2024-03-01 10:00:00", exit: "2024-03-01 10:30:01",
		gross: 400, total: 400, due: 400}, // a started block is paid in full: 2 * 200
	{name: "grace deducted/15:00 is free", doc: docGraceDeducted, entry: "2024-03-01 10:00:00", exit: "2024-03-01 10:15:00"},
	{name: "grace deducted/15:01", doc: docGraceDeducted, entry: "2024-03-01 10:00:00", exit: "2024-03-01 10:15:01",
		gross: 200, total: 200, due: 200}, // billed 1 s (after the 15 grace minutes): 1 block * 200
	{name: "grace deducted/45:00", doc: docGraceDeducted, entry: "2024-03-01 10:00", exit: "2024-03-01 10:45",
		gross: 200, total: 200, due: 200}, // billed 45-15=30 min: 1 block
	{name: "grace deducted/45:01", doc: docGraceDeducted, entry: "2024-03-01 10:00:00", exit: "2024-03-01 10:45:01",
		gross: 400, total: 400, due: 400}, // billed 30m01s: 2 blocks

	// Blocks: `first` once, then `every`.
	{name: "first/60 min", doc: docFirst, entry: "2024-03-01 10:00", exit: "2024-03-01 11:00",
		gross: 500, total: 500, due: 500}, // first block only
	{name: "first/61 min", doc: docFirst, entry: "2024-03-01 10:00", exit: "2024-03-01 11:01",
		gross: 700, total: 700, due: 700}, // 500 + 1*200
	{name: "first/90 min", doc: docFirst, entry: "2024-03-01 10:00", exit: "2024-03-01 11:30",
		gross: 700, total: 700, due: 700}, // 500 + 1*200
	{name: "first/90:01", doc: docFirst, entry: "2024-03-01 10:00:00", exit: "2024-03-01 11:30:01",
		gross: 900, total: 900, due: 900}, // 500 + 2*200

	// Bands (day 08-20 30 min/200 cap 2000, night 20-08 60 min/100 cap 500).
	{name: "bands/block takes the band it starts in", doc: docNight, entry: "2024-03-01 19:45", exit: "2024-03-01 20:30",
		gross: 300, total: 300, due: 300}, // day block 19:45-20:15 = 200, night block 20:15 = 100
	{name: "bands/night crosses midnight", doc: docNight, entry: "2024-03-01 23:00", exit: "2024-03-02 02:00",
		gross: 300, total: 300, due: 300}, // night blocks at 23:00, 00:00, 01:00 = 3*100
	{name: "bands/night cap once per occurrence", doc: docNight, entry: "2024-03-01 20:00", exit: "2024-03-02 08:00",
		gross: 500, total: 500, due: 500}, // 12*100 = 1200, one occurrence across midnight, cap 500
	{name: "bands/day cap", doc: docNight, entry: "2024-03-01 08:00", exit: "2024-03-01 20:00",
		gross: 2000, total: 2000, due: 2000}, // 24*200 = 4800, cap 2000
	{name: "bands/each occurrence its own cap", doc: docNight, entry: "2024-03-01 08:00", exit: "2024-03-02 20:00",
		gross: 4500, total: 4500, due: 4500}, // day 2000 + night 500 + day 2000

	// The issue's example: first 60 min 500, rolling daily cap 3000.
	{name: "issue/26 h", doc: docIssue, entry: "2024-03-01 07:00", exit: "2024-03-02 09:00",
		// window 1 (07:00-07:00): first block 07-08 500 (night occurrence at its cap),
		// day 24*200 -> cap 2000, night 20-07 11*100 -> cap 500: 3000 = daily cap;
		// window 2: 07-08 same night occurrence, cap spent: 0; day 08-09 2*200 = 400.
		gross: 3400, total: 3400, due: 3400},
	{name: "issue/1 year", doc: docIssue, entry: "2024-03-01 07:00", exit: "2025-03-01 07:00",
		// 365 rolling windows; window 1 = 3000 (above); every later window:
		// night 07-08 0 (cap spent) + day 2000 + night 20-07 500 = 2500.
		// 3000 + 364*2500 = 913000
		gross: 913000, total: 913000, due: 913000},

	// Daily caps (60 min/100, cap 1000 per 24 h).
	{name: "daily cap/rolling 24 h", doc: docHourly, entry: "2024-03-01 20:00", exit: "2024-03-02 20:00",
		gross: 1000, total: 1000, due: 1000}, // one window: 24*100 = 2400 -> 1000
	{name: "daily cap/calendar 24 h", doc: docHourlyCal, entry: "2024-03-01 20:00", exit: "2024-03-02 20:00",
		gross: 1400, total: 1400, due: 1400}, // Mar 1 20-24: 4*100 = 400; Mar 2 00-20: 20*100 -> 1000
	{name: "daily cap/rolling 30 h", doc: docHourly, entry: "2024-03-01 20:00", exit: "2024-03-03 02:00",
		gross: 1600, total: 1600, due: 1600}, // window 1: 1000; window 2 (20:00-02:00): 6*100 = 600
	{name: "daily cap/10 years", doc: docHourly, entry: "2024-01-01 00:00", exit: "2034-01-01 00:00",
		gross: 3653000, total: 3653000, due: 3653000}, // 3653 days (3 leap years) * 1000

	// Stay cap.
	{name: "stay cap/3 days", doc: docStay, entry: "2024-03-01 10:00", exit: "2024-03-04 10:00",
		gross: 1500, total: 1500, due: 1500}, // 3 windows * 1000 = 3000 -> stay cap 1500
	{name: "stay cap/not reached", doc: docStay, entry: "2024-03-01 10:00", exit: "2024-03-01 20:00",
		gross: 1000, total: 1000, due: 1000}, // 10*100

	// Classes.
	{name: "class/new_energy grace 120", doc: docIssue, entry: "2024-03-01 09:00", exit: "2024-03-01 11:00",
		edit: withClass("new_energy")}, // 2 h <= 120 min grace
	{name: "class/new_energy past grace", doc: docIssue, entry: "2024-03-01 09:00", exit: "2024-03-01 11:01",
		edit:  withClass("new_energy"),
		gross: 1100, total: 1100, due: 1100}, // first 09-10 500 + day blocks 10:00, 10:30, 11:00 = 600
	{name: "class/small", doc: docClasses, entry: "2024-03-01 09:00", exit: "2024-03-01 10:00",
		gross: 400, total: 400, due: 400}, // 2*200
	{name: "class/empty is small", doc: docClasses, entry: "2024-03-01 09:00", exit: "2024-03-01 10:00",
		edit: withClass(""), gross: 400, total: 400, due: 400}, // 2*200
	{name: "class/large", doc: docClasses, entry: "2024-03-01 09:00", exit: "2024-03-01 10:00",
		edit: withClass("large"), gross: 800, total: 800, due: 800}, // 2*400
	{name: "class/motorcycle stay cap", doc: docClasses, entry: "2024-03-01 09:00", exit: "2024-03-01 19:00",
		edit: withClass("motorcycle"), gross: 300, total: 300, due: 300}, // 10*50 = 500 -> stay cap 300
	{name: "class/large every is shadowed by band every", doc: docIssue, entry: "2024-03-01 09:00", exit: "2024-03-01 10:30",
		edit: withClass("large"), gross: 700, total: 700, due: 700}, // both bands set every: 500 + 1*200, as small

	// Free slots (night pass 19:00-08:00) with 60 min/300, grace 15.
	{name: "slot/billed around the pass", doc: docHour300, entry: "2024-03-01 17:00", exit: "2024-03-02 10:00",
		edit: withSlot("19:00", "08:00"), gross: 1200, total: 1200, due: 1200}, // 17-19 2*300 + 08-10 2*300
	{name: "slot/started block paid in full", doc: docHour300, entry: "2024-03-01 18:40", exit: "2024-03-01 19:30",
		edit: withSlot("19:00", "08:00"), gross: 300, total: 300, due: 300}, // block 18:40-19:40, then free
	{name: "slot/inside the pass", doc: docHour300, entry: "2024-03-01 20:00", exit: "2024-03-02 07:00",
		edit: withSlot("19:00", "08:00")},
	{name: "window/paid block covers a short gap", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 11:30",
		edit:  withWindow("2024-03-01 10:30", "2024-03-01 10:35"),
		gross: 600, total: 600, due: 600}, // block 10:00-11:00 (gap inside it), next block 11:00: 2*300

	// Free windows (monthly pass).
	{name: "window/stay outlives the pass", doc: docHour300, entry: "2024-02-29 09:00", exit: "2024-03-01 14:30",
		edit:  withWindow("2024-02-01 00:00", "2024-03-01 12:00"),
		gross: 900, total: 900, due: 900}, // billed from the pass end 12:00-14:30: 3*300
	{name: "window/pass covers the stay", doc: docHour300, entry: "2024-03-01 09:00", exit: "2024-03-01 14:30",
		edit: withWindow("2024-03-01 00:00", "2024-04-01 00:00")},
	{name: "window/pass starts during the stay", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 15:00",
		edit:  withWindow("2024-03-01 12:00", ""),
		gross: 600, total: 600, due: 600}, // 10-12: 2*300

	// Coupons on 10:00-13:05 with 60 min/300, grace 15: gross 4*300 = 1200.
	{name: "coupon/minutes", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 13:05",
		edit:  withCoupons(Coupon{Kind: CouponMinutes, Minutes: 60}),
		gross: 1200, total: 900, due: 900}, // priced as 10:00-12:05: 3*300
	{name: "coupon/hours down to grace", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 13:05",
		edit:  withCoupons(Coupon{Kind: CouponHours, Hours: 3}),
		gross: 1200, total: 0, due: 0}, // priced as 10:00-10:05: within grace
	{name: "coupon/amount", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 13:05",
		edit:  withCoupons(Coupon{Kind: CouponAmount, Amount: 500}),
		gross: 1200, total: 700, due: 700}, // 1200-500
	{name: "coupon/percent", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 13:05",
		edit:  withCoupons(Coupon{Kind: CouponPercent, Percent: 20}),
		gross: 1200, total: 960, due: 960}, // 1200 - 20% (240)
	{name: "coupon/free", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 13:05",
		edit:  withCoupons(Coupon{Kind: CouponAmount, Amount: 100}, Coupon{Kind: CouponFree}),
		gross: 1200, total: 0, due: 0},
	{name: "coupon/fixed order", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 13:05",
		edit: withCoupons(Coupon{Kind: CouponPercent, Percent: 50}, Coupon{Kind: CouponAmount, Amount: 300},
			Coupon{Kind: CouponMinutes, Minutes: 60}),
		gross: 1200, total: 300, due: 300}, // time: 900; amount: 600; percent 50%: 300
	{name: "coupon/never below zero", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 13:05",
		edit:  withCoupons(Coupon{Kind: CouponAmount, Amount: 5000}, Coupon{Kind: CouponPercent, Percent: 10}),
		gross: 1200, total: 0, due: 0}, // amount takes all 1200; the percent coupon finds nothing
	{name: "coupon/percent rounds half off the price", doc: docOdd, entry: "2024-03-01 10:00", exit: "2024-03-01 11:00",
		edit:  withCoupons(Coupon{Kind: CouponPercent, Percent: 50}),
		gross: 333, total: 166, due: 166}, // 50% of 333 = 166.5 -> 167 off
	{name: "coupon/time skips free time", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 15:00",
		edit: func(t *testing.T, in *Input) {
			withSlot("14:00", "16:00")(t, in)
			withCoupons(Coupon{Kind: CouponMinutes, Minutes: 60})(t, in)
		},
		// gross 10-14: 4*300 = 1200; the last free hour is skipped, 13-14 is
		// taken off: priced as 10:00-13:00 = 900.
		gross: 1200, total: 900, due: 900},

	// Coupons never take off money already paid: on 10:00-13:05 (gross
	// 1200) with 900 paid until 12:50, 300 is owed (the overtime
	// 12:50-13:05 is one block, 300), so a coupon takes at most 300 and
	// the stay's total never drops below the 900 paid.
	{name: "coupon after a payment/amount larger than owed", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 13:05",
		edit:  both(withPaid(900, "2024-03-01 12:50"), withCoupons(Coupon{Kind: CouponAmount, Amount: 500})),
		gross: 1200, total: 900, due: 0}, // 300 off, not 500
	{name: "coupon after a payment/amount smaller than owed", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 13:05",
		edit:  both(withPaid(900, "2024-03-01 12:50"), withCoupons(Coupon{Kind: CouponAmount, Amount: 100})),
		gross: 1200, total: 1100, due: 200}, // owed 1100-900 = 200, overtime 300: due 200
	{name: "coupon after a payment/percent", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 13:05",
		edit:  both(withPaid(900, "2024-03-01 12:50"), withCoupons(Coupon{Kind: CouponPercent, Percent: 50})),
		gross: 1200, total: 900, due: 0}, // 50% of 1200 is 600, only 300 was left to pay
	{name: "coupon after a payment/free", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 13:05",
		edit:  both(withPaid(900, "2024-03-01 12:50"), withCoupons(Coupon{Kind: CouponFree})),
		gross: 1200, total: 900, due: 0},
	{name: "coupon after a payment/minutes", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 13:05",
		edit:  both(withPaid(900, "2024-03-01 12:50"), withCoupons(Coupon{Kind: CouponMinutes, Minutes: 120})),
		gross: 1200, total: 900, due: 0}, // priced as 10:00-11:05 = 600, but 900 was paid
	{name: "coupon after a payment/nothing left", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 13:05",
		edit:  both(withPaid(1200, ""), withCoupons(Coupon{Kind: CouponAmount, Amount: 100})),
		gross: 1200, total: 1200, due: 0}, // no deduction: the coupon stays unused

	// Paid and PaidUntil (issue tariff, small).
	{name: "paid until/exit before it", doc: docIssue, entry: "2024-03-01 09:00", exit: "2024-03-01 11:10",
		edit:  withPaid(900, "2024-03-01 11:15"),
		gross: 1100, total: 1100, due: 0, forgiven: 200}, // 500 + blocks 10:00, 10:30, 11:00; exit <= paid until: 1100-900 let go
	{name: "paid until/overtime", doc: docIssue, entry: "2024-03-01 09:00", exit: "2024-03-01 11:40",
		edit: withPaid(900, "2024-03-01 11:15"),
		// gross 500 + 4*200 = 1300, owed 1300-900 = 400;
		// after paid until: 11:15-11:40 one day block 200; due min(200, 400),
		// the other 200 let go
		gross: 1300, total: 1300, due: 200, forgiven: 200},
	{name: "paid until/cap still holds", doc: docIssue, entry: "2024-03-01 08:00", exit: "2024-03-01 19:00",
		edit: withPaid(2000, "2024-03-01 18:15"),
		// gross: 500 + 20*200 -> day cap 2000; owed 0; overtime 2*200 = 400; due min(400, 0)
		gross: 2000, total: 2000, due: 0},
	{name: "paid until/overtime has no grace", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 11:10",
		edit:  withPaid(300, "2024-03-01 11:00"),
		gross: 600, total: 600, due: 300}, // gross 2*300, owed 300; overtime 11:00-11:10 = 1 block 300
	{name: "paid/no paid until", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 11:30",
		edit:  withPaid(300, ""),
		gross: 600, total: 600, due: 300}, // 2*300 - 300

	// Daylight saving (America/New_York): durations are instants, bands and
	// calendar days are wall time.
	{name: "dst/spring forward", doc: docDST, zone: "America/New_York", entry: "2024-03-10 01:00", exit: "2024-03-10 04:00",
		gross: 600, total: 600, due: 600}, // 01:00 EST to 04:00 EDT is 2 h: 2*300
	{name: "dst/fall back", doc: docDST, zone: "America/New_York",
		edit:  utcStay("2024-11-03 04:30", "2024-11-03 06:30"), // 00:30 EDT to 01:30 EST
		gross: 600, total: 600, due: 600},                      // 2 h: 2*300
	{name: "dst/bands on the short day", doc: docNightNoCap, zone: "America/New_York", entry: "2024-03-10 01:00", exit: "2024-03-10 09:00",
		gross: 1000, total: 1000, due: 1000}, // night 01:00 EST-08:00 EDT is 6 h: 6*100; day 08-09: 2*200
	{name: "dst/bands on the long day", doc: docNightNoCap, zone: "America/New_York", entry: "2024-11-03 00:00", exit: "2024-11-03 09:00",
		gross: 1300, total: 1300, due: 1300}, // night 00:00 EDT-08:00 EST is 9 h (01:00-02:00 twice): 9*100; day 08-09: 2*200
	{name: "dst/calendar cap on a 23 h day", doc: docCal2000, zone: "America/New_York", entry: "2024-03-09 12:00", exit: "2024-03-11 12:00",
		gross: 4400, total: 4400, due: 4400}, // Mar 9 12-24: 12*100; Mar 10 (23 h): 2300 -> 2000; Mar 11 00-12: 1200
	{name: "dst/rolling cap on a 23 h day", doc: docRol2000, zone: "America/New_York", entry: "2024-03-09 12:00", exit: "2024-03-11 12:00",
		gross: 4000, total: 4000, due: 4000}, // 47 h: window 1 24*100 -> 2000; window 2 23*100 -> 2000
	{name: "dst/calendar cap on a 25 h day", doc: docCal2450, zone: "America/New_York", entry: "2024-11-03 00:00", exit: "2024-11-04 00:00",
		gross: 2450, total: 2450, due: 2450}, // one 25 h calendar day: 25*100 -> 2450
	{name: "dst/rolling cap on a 25 h day", doc: docRol2450, zone: "America/New_York", entry: "2024-11-03 00:00", exit: "2024-11-04 00:00",
		gross: 2500, total: 2500, due: 2500}, // window 1 24*100 = 2400, window 2 1*100

	// America/Sao_Paulo (DST until 2019) changed its clocks at midnight.
	{name: "dst/calendar day without a midnight", doc: docCal2000, zone: "America/Sao_Paulo", entry: "2018-11-03 12:00", exit: "2018-11-05 12:00",
		gross: 4400, total: 4400, due: 4400}, // Nov 3 12-24: 1200; Nov 4 starts 01:00, 23 h: 2300 -> 2000; Nov 5 00-12: 1200
	{name: "dst/calendar day with a repeated last hour", doc: docCal2450, zone: "America/Sao_Paulo", entry: "2019-02-16 00:00",
		edit:  func(t *testing.T, in *Input) { in.Exit = in.Entry.Add(25 * time.Hour) }, // Feb 16 runs 00:00-02 to 24:00-03
		gross: 2450, total: 2450, due: 2450},                                            // one 25 h calendar day: 25*100 -> 2450

	{name: "exit before entry", doc: docHour300, entry: "2024-03-01 10:00", exit: "2024-03-01 09:00"},
}

func TestPrice(t *testing.T) {
	for _, c := range priceCases {
		t.Run(c.name, func(t *testing.T) {
			tf := mustParse(t, c.doc)
			zone := c.zone
			if zone == "" {
				zone = "Asia/Shanghai"
			}
			in := &Input{Loc: mustLoc(t, zone)}
			if c.entry != "" {
				in.Entry = at(t, in.Loc, c.entry)
			}
			if c.exit != "" {
				in.Exit = at(t, in.Loc, c.exit)
			}
			if c.edit != nil {
				c.edit(t, in)
			}
			r := tf.Price(in, nil)
			if r.Gross != c.gross || r.Total != c.total || r.Due != c.due || r.Forgiven != c.forgiven {
				t.Errorf("gross/total/due/forgiven = %d/%d/%d/%d, want %d/%d/%d/%d", r.Gross, r.Total, r.Due, r.Forgiven,
					c.gross, c.total, c.due, c.forgiven)
				for _, l := range r.Lines {
					t.Logf("  %s - %s %-16s %d", l.From.In(in.Loc).Format("01-02 15:04:05"), l.To.In(in.Loc).Format("01-02 15:04:05"), l.Label, l.Amount)
				}
			}
			checkLines(t, in, r)
		})
	}
}

func TestPriceLines(t *testing.T) {
	loc := mustLoc(t, "Asia/Shanghai")
	tf := mustParse(t, docIssue)
	in := &Input{Loc: loc, Entry: at(t, loc, "2024-03-01 19:00"), Exit: at(t, loc, "2024-03-02 09:10"),
		Coupons: []Coupon{{Kind: CouponAmount, Amount: 100, Label: "mall receipt"}}}
	r := tf.Price(in, nil)
	want := []struct {
		from, to, label string
		amount          int64
	}{
		{"03-01 19:00", "03-01 20:00", "day", 500},   // first block
		{"03-01 20:00", "03-02 08:00", "night", 500}, // 12*100 -> cap 500
		{"03-02 08:00", "03-02 09:10", "day", 600},   // blocks 08:00, 08:30, 09:00
		{"03-01 19:00", "03-02 09:10", "mall receipt", -100},
	}
	if len(r.Lines) != len(want) {
		t.Fatalf("got %d lines %+v", len(r.Lines), r.Lines)
	}
	for i, w := range want {
		l := r.Lines[i]
		if got := l.From.In(loc).Format("01-02 15:04"); got != w.from {
			t.Errorf("line %d from %s, want %s", i, got, w.from)
		}
		if got := l.To.In(loc).Format("01-02 15:04"); got != w.to {
			t.Errorf("line %d to %s, want %s", i, got, w.to)
		}
		if l.Label != w.label || l.Amount != w.amount {
			t.Errorf("line %d = %s %d, want %s %d", i, l.Label, l.Amount, w.label, w.amount)
		}
	}
}

func TestPriceDoesNotAllocate(t *testing.T) {
	loc := mustLoc(t, "Asia/Shanghai")
	tf := mustParse(t, docIssue)
	in := &Input{Loc: loc, Entry: at(t, loc, "2024-03-01 07:13"), Exit: at(t, loc, "2024-03-04 09:41"),
		Paid: 100, PaidUntil: at(t, loc, "2024-03-04 09:00"),
		FreeSlots: []Slot{{From: 12 * 60, To: 13 * 60}},
		Coupons:   []Coupon{{Kind: CouponMinutes, Minutes: 30}, {Kind: CouponPercent, Percent: 10}}}
	buf := make([]Line, 0, 64)
	if n := testing.AllocsPerRun(100, func() { tf.Price(in, buf) }); n != 0 {
		t.Fatalf("Price allocates %v times per call", n)
	}
}

func TestLeapSecondRejectedBeforePricing(t *testing.T) {
	// Go times cannot hold a leap second; RFC 3339 parsing at the edge
	// rejects ":60", so a leap second never reaches Price.
	if _, err := time.Parse(time.RFC3339, "2016-12-31T23:59:60Z"); err == nil {
		t.Fatal("time.Parse accepted a leap second")
	}
}

func TestAbsurdInstants(t *testing.T) {
	tf := mustParse(t, docIssue)
	for _, in := range []*Input{
		{Entry: time.Time{}, Exit: time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)},
		{Entry: time.Unix(-1<<62, 0), Exit: time.Unix(1<<62, 0)},
		{Entry: time.Now(), Exit: time.Now().Add(-time.Hour)},
	} {
		r := tf.Price(in, nil)
		if r.Gross < 0 || r.Total < 0 || r.Due < 0 {
			t.Fatalf("%+v", r)
		}
		checkLines(t, in, r)
	}
}

// A Tariff is shared by every request of a lot; run with -race.
func TestPriceConcurrent(t *testing.T) {
	tf := mustParse(t, docIssue)
	loc := mustLoc(t, "America/New_York")
	done := make(chan Result)
	for i := 0; i < 8; i++ {
		go func() {
			var r Result
			for j := 0; j < 200; j++ {
				e := time.Date(2024, 3, 8, 7, 0, 0, 0, loc)
				r = tf.Price(&Input{Loc: loc, Entry: e, Exit: e.Add(50 * time.Hour)}, nil)
			}
			done <- r
		}()
	}
	first := <-done
	for i := 1; i < 8; i++ {
		if r := <-done; r.Gross != first.Gross {
			t.Fatalf("gross %d vs %d", r.Gross, first.Gross)
		}
	}
}

// TestCostNeverBelowWhatWasPaid: 2.00 per started half hour; 6.00 was
// paid at 11:01 (three half hours), paid until 11:16, and the stay is
// priced at an exit dated 10:58 (two half hours, 4.00): nothing is due,
// and the stay cost the 6.00 paid, not 4.00.
func TestCostNeverBelowWhatWasPaid(t *testing.T) {
	loc := mustLoc(t, "Asia/Shanghai")
	tf := mustParse(t, `{"every":{"minutes":30,"price":200}}`)
	in := &Input{Entry: at(t, loc, "2026-06-10 10:00"), Exit: at(t, loc, "2026-06-10 10:58"), Loc: loc,
		Paid: 600, PaidUntil: at(t, loc, "2026-06-10 11:16")}
	r := tf.Price(in, nil)
	if r.Total != 400 || r.Due != 0 || r.Cost() != 600 {
		t.Fatalf("total %d due %d cost %d; want 400, 0, 600", r.Total, r.Due, r.Cost())
	}
	// Owing something, the cost is what was paid plus what is due.
	in.Exit, in.PaidUntil = at(t, loc, "2026-06-10 11:40"), at(t, loc, "2026-06-10 11:16")
	if r := tf.Price(in, nil); r.Due != 200 || r.Cost() != 800 {
		t.Fatalf("due %d cost %d; want 200 and 800", r.Due, r.Cost())
	}
}
