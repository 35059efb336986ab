package billing_test

import (
	"encoding/json"
	"testing"
	"time"

	"parkd/internal/access"
	"parkd/internal/park"
)

// midstayLot is the lot "mid" in Shanghai priced 5.00 per started hour
// from entry, no grace (tariff {"every":{"minutes":60,"price":500}}), with
// a whole-day plan "std" (300.00 a month); b.Lot becomes it.
func midstayLot(t *testing.T, b *bundle) {
	t.Helper()
	if _, err := b.Sys.Gate.CreateLot(b.Ctx, &park.Lot{Code: "mid", Name: "Mid", TimeZone: "Asia/Shanghai", Currency: "CNY",
		Capacity: 10, ExitGraceMinutes: 15, MissedEntry: park.MissedEntryHold,
		Tariff: json.RawMessage(`{"every":{"minutes":60,"price":500}}`)}); err != nil {
		t.Fatal(err)
	}
	b.Lot = "mid"
	if _, err := b.Sys.Access.CreatePlan(b.Ctx, b.Lot, &park.Plan{Code: "std", Name: "std", Price: 30000}); err != nil {
		t.Fatal(err)
	}
}

// TestPassThatBecomesValidWhileInside: a pass that becomes the car's while
// it is inside frees the stay from then on, within the pass's validity, as
// if the car had entered with it. Every amount is the lot's 5.00 per
// started hour over what stays billable (blocks restart after free time).
func TestPassThatBecomesValidWhileInside(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := func(day, hh int) time.Time { return time.Date(2026, 11, day, hh, 0, 0, 0, sh) }
	for _, c := range []struct {
		name  string
		entry time.Time
		// before runs before the entry, during at `when` while the car is inside.
		before, during func(t *testing.T, b *bundle)
		when, exit     time.Time
		want           int64
		wantPass       bool // the stay holds the pass's space at exit
	}{
		// 08:00-10:00 billable: 2 hours, 1000; 10:00-17:00 free.
		{name: "bought at 10:00, valid from 10:00", entry: at(24, 8), when: at(24, 10), exit: at(24, 17), want: 1000, wantPass: true,
			during: func(t *testing.T, b *bundle) {
				b.pass(t, park.Pass{ValidFrom: at(24, 10), ValidTo: at(24, 10).AddDate(0, 1, 0)})
			}},
		// Dated from midnight but bought at 10:00: the time before it was
		// bought is not free (choice, as a lapse is not): 2 hours, 1000.
		{name: "bought at 10:00, dated from midnight", entry: at(24, 8), when: at(24, 10), exit: at(24, 17), want: 1000, wantPass: true,
			during: func(t *testing.T, b *bundle) {
				b.pass(t, park.Pass{ValidFrom: at(24, 0), ValidTo: at(24, 0).AddDate(0, 1, 0)})
			}},
		// Bought at 10:00, valid from 12:00: 08:00-12:00 billable, 4 hours, 2000.
		{name: "bought at 10:00, valid from 12:00", entry: at(24, 8), when: at(24, 10), exit: at(24, 17), want: 2000, wantPass: true,
			during: func(t *testing.T, b *bundle) {
				b.pass(t, park.Pass{ValidFrom: at(24, 12), ValidTo: at(24, 12).AddDate(0, 1, 0)})
			}},
		// Bought the day before, valid from 12:00: the car takes the space
		// at its entry; 08:00-12:00 billable, 4 hours, 2000.
		{name: "held at entry, valid from 12:00", entry: at(24, 8), exit: at(24, 17), want: 2000, wantPass: true,
			before: func(t *testing.T, b *bundle) {
				b.pass(t, park.Pass{ValidFrom: at(24, 12), ValidTo: at(24, 12).AddDate(0, 1, 0)})
			}},
		// A pass that lapsed at 00:00, renewed at 10:00 for a month: the
		// renewal starts at 10:00; 08:00-10:00 billable, 1000.
		{name: "lapsed pass renewed at 10:00", entry: at(24, 8), when: at(24, 10), exit: at(24, 17), want: 1000, wantPass: true,
			before: func(t *testing.T, b *bundle) {
				b.pass(t, park.Pass{Plan: "std", UserCode: "U1", ValidFrom: at(1, 0), ValidTo: at(24, 0)})
			},
			during: func(t *testing.T, b *bundle) {
				r, _, err := b.Sys.Access.QuoteRenewal(b.Ctx, access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{UserCode: "U1"}, Months: 1})
				must(t, err)
				_, err = b.Sys.Access.PayRenewal(b.Ctx, access.RenewalPayment{Lot: b.Lot, ID: r.ID, Amount: 30000, Reference: "wx-1", Method: "wechat"})
				must(t, err)
			}},
		// The car's plate added at 10:00 to a pass valid all month: free
		// from 10:00 only, when the pass became the car's: 1000.
		{name: "plate added at 10:00", entry: at(24, 8), when: at(24, 10), exit: at(24, 17), want: 1000, wantPass: true,
			before: func(t *testing.T, b *bundle) {
				if _, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "x", Plates: []string{"京B11111"}, UserCode: "U2",
					ValidFrom: at(1, 0), ValidTo: at(30, 0)}); err != nil {
					t.Fatal(err)
				}
			},
			during: func(t *testing.T, b *bundle) {
				_, err := b.Sys.Access.UpdatePassBy(b.Ctx, "", b.Lot, access.PassRef{UserCode: "U2"}, func(p *park.Pass) error {
					p.Plates, p.Spaces = append(p.Plates, "京A12345"), 0 // one space a plate again
					return nil
				})
				must(t, err)
			}},
		// A night pass (19:00-08:00) bought at 20:00 for a car inside since
		// 17:00, leaving 09:00 the next day: 17:00-20:00 (3 hours, 1500)
		// and 08:00-09:00 (1 hour, 500) billable: 2000.
		{name: "night pass bought at 20:00", entry: at(24, 17), when: at(24, 20), exit: at(25, 9), want: 2000, wantPass: true,
			during: func(t *testing.T, b *bundle) {
				b.pass(t, park.Pass{ValidFrom: at(24, 0), ValidTo: at(24, 0).AddDate(0, 1, 0), Slots: []park.Slot{{From: "19:00", To: "08:00"}}})
			}},
		// A pass that ended before the car entered, edited at 10:00 to end
		// at 09:00: it frees nothing from now on, and the car pays 9 hours.
		{name: "pass written but over", entry: at(24, 8), when: at(24, 10), exit: at(24, 17), want: 4500,
			during: func(t *testing.T, b *bundle) { b.pass(t, park.Pass{ValidFrom: at(1, 0), ValidTo: at(24, 9)}) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := setup(t)
			b.Clock.Set(c.entry.Add(-time.Hour))
			midstayLot(t, b)
			if c.before != nil {
				c.before(t, b)
			}
			b.Clock.Set(c.entry)
			d := b.Event(t, park.EventEntry, "京A12345", c.entry)
			wantDecision(t, d, park.DecisionOpen, park.ReasonVisitor, 0)
			if c.during != nil {
				b.Clock.Set(c.when)
				c.during(t, b)
			}
			b.Clock.Set(c.exit)
			if q := b.quote(t, d.StayID); q.AmountDue != c.want {
				t.Fatalf("due %d, want %d; lines %+v", q.AmountDue, c.want, q.Lines)
			}
			if got := b.Stay(t, d.StayID).PassID != ""; got != c.wantPass {
				t.Fatalf("stay holds a pass space: %v, want %v", got, c.wantPass)
			}
			e := b.Event(t, park.EventExit, "京A12345", c.exit)
			wantDecision(t, e, park.DecisionHold, park.ReasonPaymentRequired, c.want)
		})
	}
}

// TestPassSpacesTakenWhileInside: a pass of two cars and one space bought
// at 10:00 while both are inside gives its space to the car that entered
// first; the other stays a visitor for its whole stay, as at entry. The
// lot still counts two cars inside, and the node that prices the stays is
// not the one that sold the pass.
func TestPassSpacesTakenWhileInside(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := func(hh int) time.Time { return time.Date(2026, 11, 24, hh, 0, 0, 0, sh) }
	b := setup(t)
	b.Clock.Set(at(6))
	midstayLot(t, b)
	b.Clock.Set(at(7))
	a := b.Event(t, park.EventEntry, "京A12345", at(7))
	b.Clock.Set(at(8))
	c := b.Event(t, park.EventEntry, "京C33333", at(8))
	b.Clock.Set(at(10))
	// Bought through another node: the spaces are counted from the store.
	if _, err := b.Node().Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "x", Plates: []string{"京A12345", "京C33333"}, Spaces: 1,
		ValidFrom: at(10), ValidTo: at(10).AddDate(0, 1, 0)}); err != nil {
		t.Fatal(err)
	}
	if b.Stay(t, a.StayID).PassID == "" || b.Stay(t, c.StayID).PassID != "" {
		t.Fatal("the car that entered first should hold the one space, the other none")
	}
	if n := b.Occupied(t); n != 2 {
		t.Fatalf("occupied %d, want 2", n)
	}
	b.Clock.Set(at(17))
	// 京A12345: 07:00-10:00 billable, 3 hours, 1500.
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", at(17)), park.DecisionHold, park.ReasonPaymentRequired, 1500)
	// 京C33333: a visitor 08:00-17:00, 9 hours, 4500.
	wantDecision(t, b.Event(t, park.EventExit, "京C33333", at(17)), park.DecisionHold, park.ReasonPaymentRequired, 4500)
}

// TestPassSpaceAddedWhileInside: a pass of two cars and one space, held by
// the first; the operator gives it a second space at 12:00, which the
// second car, inside since 08:00 as a visitor, takes then: it pays
// 08:00-12:00, 4 hours at 5.00, 2000.
func TestPassSpaceAddedWhileInside(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := func(hh int) time.Time { return time.Date(2026, 11, 24, hh, 0, 0, 0, sh) }
	b := setup(t)
	b.Clock.Set(at(6))
	midstayLot(t, b)
	p, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "x", Plates: []string{"京A12345", "京C33333"}, Spaces: 1,
		ValidFrom: at(0), ValidTo: at(0).AddDate(0, 1, 0)})
	must(t, err)
	b.Clock.Set(at(7))
	wantDecision(t, b.Event(t, park.EventEntry, "京A12345", at(7)), park.DecisionOpen, park.ReasonPass, 0)
	b.Clock.Set(at(8))
	c := b.Event(t, park.EventEntry, "京C33333", at(8))
	wantDecision(t, c, park.DecisionOpen, park.ReasonVisitor, 0)
	b.Clock.Set(at(12))
	_, err = b.Sys.Access.UpdatePass(b.Ctx, b.Lot, p.ID, func(p *park.Pass) error { p.Spaces = 2; return nil })
	must(t, err)
	b.Clock.Set(at(17))
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", at(17)), park.DecisionOpen, park.ReasonPass, 0)
	wantDecision(t, b.Event(t, park.EventExit, "京C33333", at(17)), park.DecisionHold, park.ReasonPaymentRequired, 2000)
}

// TestPassPlateTakenOffWhileInside: a plate taken off a pass while its car
// is inside withdraws the pass from that car, as deleting the pass would:
// the car keeps the free time it had, pays from then on, and its space
// goes to the pass's cars inside. Prices are 5.00 per started hour.
func TestPassPlateTakenOffWhileInside(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := func(hh int) time.Time { return time.Date(2026, 11, 24, hh, 0, 0, 0, sh) }
	t.Run("plates swapped with both cars inside", func(t *testing.T) {
		b := setup(t)
		b.Clock.Set(at(6))
		midstayLot(t, b)
		p := b.pass(t, park.Pass{ValidFrom: at(0), ValidTo: at(0).AddDate(0, 1, 0)}) // 京A12345, one space
		b.Clock.Set(at(7))
		a := b.Event(t, park.EventEntry, "京A12345", at(7))
		wantDecision(t, a, park.DecisionOpen, park.ReasonPass, 0)
		b.Clock.Set(at(8))
		c := b.Event(t, park.EventEntry, "京C33333", at(8))
		wantDecision(t, c, park.DecisionOpen, park.ReasonVisitor, 0)
		b.Clock.Set(at(10)) // the holder changed cars: the pass is 京C33333's now
		_, err := b.Sys.Access.UpdatePass(b.Ctx, b.Lot, p.ID, func(p *park.Pass) error { p.Plates = []string{"京C33333"}; return nil })
		must(t, err)
		if b.Stay(t, a.StayID).PassID != "" || b.Stay(t, c.StayID).PassID != p.ID {
			t.Fatal("the pass's one space should have gone from 京A12345 to 京C33333")
		}
		b.Clock.Set(at(17))
		// 京A12345: free 07:00-10:00, 10:00-17:00 paid, 7 hours, 3500.
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", at(17)), park.DecisionHold, park.ReasonPaymentRequired, 3500)
		// 京C33333: a visitor 08:00-10:00 (2 hours, 1000), free from 10:00.
		wantDecision(t, b.Event(t, park.EventExit, "京C33333", at(17)), park.DecisionHold, park.ReasonPaymentRequired, 1000)
	})
	t.Run("moved from a night pass to a whole-day pass", func(t *testing.T) {
		b := setup(t)
		b.Clock.Set(at(5))
		midstayLot(t, b)
		p := b.pass(t, park.Pass{ValidFrom: at(0), ValidTo: at(0).AddDate(0, 1, 0), Slots: []park.Slot{{From: "00:00", To: "08:00"}}})
		b.Clock.Set(at(6))
		d := b.Event(t, park.EventEntry, "京A12345", at(6))
		wantDecision(t, d, park.DecisionOpen, park.ReasonPass, 0)
		b.Clock.Set(at(10)) // the holder buys a whole-day pass instead
		_, err := b.Sys.Access.UpdatePass(b.Ctx, b.Lot, p.ID, func(p *park.Pass) error {
			p.Plates, p.Spaces = []string{"京B11111"}, 0
			return nil
		})
		must(t, err)
		q := b.pass(t, park.Pass{ValidFrom: at(10), ValidTo: at(10).AddDate(0, 1, 0)})
		if b.Stay(t, d.StayID).PassID != q.ID {
			t.Fatal("the car should hold its whole-day pass's space")
		}
		b.Clock.Set(at(17))
		// Free 06:00-08:00 (night slot), 08:00-10:00 paid (2 hours, 1000),
		// free from 10:00 on the whole-day pass.
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", at(17)), park.DecisionHold, park.ReasonPaymentRequired, 1000)
	})
}
