package tariff

import "testing"

// The worked examples of docs/tariffs.md; keep both in step.
const (
	docMall = `{
	  "grace_minutes": 15,
	  "grace_deducted": false,
	  "first": {"minutes": 120, "price": 1000},
	  "every": {"minutes": 60, "price": 500},
	  "bands": [
	    {"name": "day", "from": "08:00", "to": "22:00"},
	    {"name": "night", "from": "22:00", "to": "08:00", "every": {"minutes": 120, "price": 200}, "cap": 1000}
	  ],
	  "daily_cap": 6000,
	  "daily_cap_window": "calendar",
	  "classes": {
	    "new_energy": {"grace_minutes": 60},
	    "large": {"first": {"minutes": 120, "price": 2000}, "every": {"minutes": 60, "price": 1000}, "daily_cap": 12000}
	  }
	}`
	docGarage = `{
	  "grace_minutes": 15,
	  "first": {"minutes": 60, "price": 1500},
	  "every": {"minutes": 60, "price": 500},
	  "daily_cap": 5000,
	  "daily_cap_window": "rolling",
	  "classes": {
	    "motorcycle": {"first": {"minutes": 60, "price": 700}, "every": {"minutes": 60, "price": 300}, "daily_cap": 2500}
	  }
	}`
	docNightPassLot = `{
	  "grace_minutes": 30,
	  "every": {"minutes": 60, "price": 300},
	  "daily_cap": 2000,
	  "daily_cap_window": "calendar"
	}`
)

func TestDocExamples(t *testing.T) {
	nightPass := withSlot("19:00", "08:00")
	for _, c := range []priceCase{
		// Mall (Asia/Shanghai).
		{name: "mall/12 min", doc: docMall, entry: "2024-03-01 14:00", exit: "2024-03-01 14:12"},
		{name: "mall/2h40", doc: docMall, entry: "2024-03-01 14:00", exit: "2024-03-01 16:40",
			gross: 1500, total: 1500, due: 1500}, // first 14-16 1000 + block 16:00 500
		{name: "mall/2h10 with a 2 h coupon", doc: docMall, entry: "2024-03-01 14:00", exit: "2024-03-01 16:10",
			edit:  withCoupons(Coupon{Kind: CouponHours, Hours: 2, Label: "mall 2 h"}),
			gross: 1500, total: 0, due: 0}, // priced as 14:00-14:10: within grace
		{name: "mall/2h40 with 10 yuan off", doc: docMall, entry: "2024-03-01 14:00", exit: "2024-03-01 16:40",
			edit:  withCoupons(Coupon{Kind: CouponAmount, Amount: 1000}),
			gross: 1500, total: 500, due: 500}, // 1500 - 1000
		{name: "mall/overnight", doc: docMall, entry: "2024-03-01 20:00", exit: "2024-03-02 09:30",
			// Mar 1: first 20-22 1000 + night block 22:00 200 = 1200;
			// Mar 2: night blocks 00, 02, 04, 06 = 800 (night cap 1000 reached
			// exactly), day blocks 08:00, 09:00 = 1000; 1200 + 1800 = 3000
			gross: 3000, total: 3000, due: 3000},
		{name: "mall/large", doc: docMall, entry: "2024-03-01 14:00", exit: "2024-03-01 16:40",
			edit: withClass("large"), gross: 3000, total: 3000, due: 3000}, // 2000 + 1*1000
		{name: "mall/new energy", doc: docMall, entry: "2024-03-01 14:00", exit: "2024-03-01 14:50",
			edit: withClass("new_energy")}, // 50 min <= 60 min grace
		// Garage (America/Sao_Paulo).
		{name: "garage/14 min", doc: docGarage, zone: "America/Sao_Paulo", entry: "2024-03-01 10:00", exit: "2024-03-01 10:14"}, // tolerância
		{name: "garage/16 min", doc: docGarage, zone: "America/Sao_Paulo", entry: "2024-03-01 10:00", exit: "2024-03-01 10:16",
			gross: 1500, total: 1500, due: 1500}, // billed from entry: first hour
		{name: "garage/3h20", doc: docGarage, zone: "America/Sao_Paulo", entry: "2024-03-01 10:00", exit: "2024-03-01 13:20",
			gross: 3000, total: 3000, due: 3000}, // 1500 + blocks 11, 12, 13: 3*500
		{name: "garage/27 h", doc: docGarage, zone: "America/Sao_Paulo", entry: "2024-03-01 09:00", exit: "2024-03-02 12:00",
			gross: 6500, total: 6500, due: 6500}, // window 1: 1500 + 23*500 -> diária 5000; window 2: 09, 10, 11: 1500
		{name: "garage/motorcycle", doc: docGarage, zone: "America/Sao_Paulo", entry: "2024-03-01 10:00", exit: "2024-03-01 13:20",
			edit: withClass("motorcycle"), gross: 1600, total: 1600, due: 1600}, // 700 + 3*300
		{name: "garage/paid at the machine, left late", doc: docGarage, zone: "America/Sao_Paulo", entry: "2024-03-01 10:00", exit: "2024-03-01 13:40",
			edit: withPaid(3000, "2024-03-01 13:30"), gross: 3000, total: 3000, due: 0}, // exit inside the paid 13:00 block: owed 0
		{name: "garage/paid at the machine, left later", doc: docGarage, zone: "America/Sao_Paulo", entry: "2024-03-01 10:00", exit: "2024-03-01 14:10",
			edit: withPaid(3000, "2024-03-01 13:30"), gross: 3500, total: 3500, due: 500}, // owed 500; 13:30-14:10 one block 500
		// Night-pass lot (Asia/Shanghai).
		{name: "night pass/evening and morning", doc: docNightPassLot, entry: "2024-03-01 18:00", exit: "2024-03-02 09:30",
			edit: nightPass, gross: 900, total: 900, due: 900}, // 18-19 300 + 08:00-09:30 2*300
		{name: "night pass/inside the slot", doc: docNightPassLot, entry: "2024-03-01 20:00", exit: "2024-03-02 07:30",
			edit: nightPass}, // all inside 19:00-08:00
		{name: "night pass/weekend", doc: docNightPassLot, entry: "2024-03-02 18:00", exit: "2024-03-04 07:00",
			edit: nightPass, gross: 2300, total: 2300, due: 2300}, // Sat 18-19 300; Sun 08-19 11*300 -> 2000; Mon 00-07 free
		{name: "night pass/visitor", doc: docNightPassLot, entry: "2024-03-01 18:00", exit: "2024-03-02 09:30",
			gross: 3800, total: 3800, due: 3800}, // Mar 1 18-24: 6*300; Mar 2 00:00-09:30: 10*300 -> 2000
		{name: "monthly pass expires", doc: docNightPassLot, entry: "2024-03-31 10:00", exit: "2024-04-01 10:00",
			edit:  withWindow("2024-03-01 00:00", "2024-04-01 00:00"),
			gross: 2000, total: 2000, due: 2000}, // billed from Apr 1 00:00: 10*300 -> calendar cap 2000
	} {
		t.Run(c.name, func(t *testing.T) {
			zone := c.zone
			if zone == "" {
				zone = "Asia/Shanghai"
			}
			in := &Input{Loc: mustLoc(t, zone)}
			in.Entry, in.Exit = at(t, in.Loc, c.entry), at(t, in.Loc, c.exit)
			if c.edit != nil {
				c.edit(t, in)
			}
			r := mustParse(t, c.doc).Price(in, nil)
			if r.Gross != c.gross || r.Total != c.total || r.Due != c.due {
				t.Errorf("gross/total/due = %d/%d/%d, want %d/%d/%d", r.Gross, r.Total, r.Due, c.gross, c.total, c.due)
				for _, l := range r.Lines {
					t.Logf("  %s - %s %-16s %d", l.From.In(in.Loc).Format("01-02 15:04"), l.To.In(in.Loc).Format("01-02 15:04"), l.Label, l.Amount)
				}
			}
			checkLines(t, in, r)
		})
	}
}
