package access_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"parkd/internal/access"
	"parkd/internal/park"
)

// TestAddMonths: expected dates worked out on a calendar.
func TestAddMonths(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	ny, _ := time.LoadLocation("America/New_York")
	scl, _ := time.LoadLocation("America/Santiago")
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	at := func(loc *time.Location, y int, m time.Month, d, hh, mm, ss int) time.Time {
		return time.Date(y, m, d, hh, mm, ss, 0, loc)
	}
	for _, c := range []struct {
		name string
		loc  *time.Location
		from time.Time
		n    int
		want time.Time
	}{
		{"Jan 31 + 1 = Feb 28 (2027 is not a leap year)", sh, at(sh, 2027, 1, 31, 10, 0, 0), 1, at(sh, 2027, 2, 28, 10, 0, 0)},
		{"Jan 31 + 1 = Feb 29 in a leap year", sh, at(sh, 2028, 1, 31, 10, 0, 0), 1, at(sh, 2028, 2, 29, 10, 0, 0)},
		{"Jan 31 + 2 = Mar 31, not clamped twice", sh, at(sh, 2027, 1, 31, 10, 0, 0), 2, at(sh, 2027, 3, 31, 10, 0, 0)},
		{"Mar 31 + 1 = Apr 30", sh, at(sh, 2027, 3, 31, 0, 0, 0), 1, at(sh, 2027, 4, 30, 0, 0, 0)},
		{"Feb 28 + 1 = Mar 28, a month end is not kept", sh, at(sh, 2026, 2, 28, 10, 0, 0), 1, at(sh, 2026, 3, 28, 10, 0, 0)},
		{"Dec 15 + 1 crosses the year", sh, at(sh, 2026, 12, 15, 8, 30, 0), 1, at(sh, 2027, 1, 15, 8, 30, 0)},
		{"Aug 31 + 6 = Feb 28", sh, at(sh, 2026, 8, 31, 12, 0, 0), 6, at(sh, 2027, 2, 28, 12, 0, 0)},
		{"Nov 30 + 3 = Feb 29 of 2028", sh, at(sh, 2027, 11, 30, 12, 0, 0), 3, at(sh, 2028, 2, 29, 12, 0, 0)},
		{"36 months", sh, at(sh, 2026, 2, 1, 10, 0, 0), 36, at(sh, 2029, 2, 1, 10, 0, 0)},
		{"time of day kept to the second", sh, at(sh, 2027, 5, 31, 23, 59, 59), 1, at(sh, 2027, 6, 30, 23, 59, 59)},
		// 2027-03-30 20:00 UTC is Mar 31 04:00 in Shanghai: the lot's
		// calendar decides, so the end is Apr 30 04:00 Shanghai
		// (Apr 29 20:00 UTC), not Apr 30 20:00 UTC.
		{"the lot's zone decides the day", sh, time.Date(2027, 3, 30, 20, 0, 0, 0, time.UTC), 1, at(sh, 2027, 4, 30, 4, 0, 0)},
		// New York moves to summer time on 2027-03-14: 12:00 EST + 1 month
		// is 12:00 EDT, one hour fewer than 31 × 24 hours.
		{"wall clock kept across daylight saving", ny, at(ny, 2027, 3, 10, 12, 0, 0), 1, at(ny, 2027, 4, 10, 12, 0, 0)},
		// Santiago's clocks go from 2026-09-06 00:00 (-04) to 01:00 (-03):
		// a pass ending at midnight ends at 01:00 that day (04:00 UTC),
		// not at 23:00 the day before.
		{"midnight skipped by the clocks: the end moves past the jump", scl, at(scl, 2026, 8, 6, 0, 0, 0), 1,
			time.Date(2026, 9, 6, 4, 0, 0, 0, time.UTC)},
		// São Paulo, 2018-11-04 00:00 (-03) became 01:00 (-02): 00:30 is 01:30.
		{"half past midnight skipped in São Paulo", sp, at(sp, 2018, 10, 4, 0, 30, 0), 1,
			time.Date(2018, 11, 4, 3, 30, 0, 0, time.UTC)},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := access.AddMonths(c.from, c.loc, c.n)
			if !got.Equal(c.want) || got.Location() != time.UTC {
				t.Fatalf("got %s, want %s", got.In(c.loc), c.want)
			}
		})
	}
}

// renewalSetup: a lot with the standard plan (300.00 a month) and a pass
// on it valid 2026-12-31 10:00 to 2027-01-31 10:00 Shanghai; the clock at
// 2027-01-20 10:00 Shanghai.
func renewalSetup(t *testing.T) (*bundle, *park.Pass) {
	b := setup(t)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	b.Clock.Set(time.Date(2027, 1, 20, 10, 0, 0, 0, sh))
	if _, err := b.Sys.Access.CreatePlan(b.Ctx, b.Lot, &park.Plan{Code: "std", Name: "标准月租", Price: 30000}); err != nil {
		t.Fatal(err)
	}
	ps, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "张伟", Plates: []string{"京A12345"}, Plan: "std",
		UserCode: "U1", ValidFrom: time.Date(2026, 12, 31, 10, 0, 0, 0, sh), ValidTo: time.Date(2027, 1, 31, 10, 0, 0, 0, sh)})
	if err != nil {
		t.Fatal(err)
	}
	return b, ps
}

// TestRenewalLetsTheCarOutFree: a pass renewed before its end lets its
// car out free after the old end; the fee is price × months.
func TestRenewalLetsTheCarOutFree(t *testing.T) {
	b, ps := renewalSetup(t)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	r, got, err := b.Sys.Access.QuoteRenewal(b.Ctx, access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{Plate: "京a12345"}, Months: 2})
	if err != nil {
		t.Fatal(err)
	}
	// 2 × 30000 = 60000; Jan 31 10:00 + 2 months = Mar 31 10:00.
	if r.Amount != 60000 || got.ID != ps.ID || r.PlanCode != "std" ||
		!r.ValidTo.Equal(time.Date(2027, 3, 31, 10, 0, 0, 0, sh)) || !r.ExpiresAt.Equal(b.Clock.Now().Add(300*time.Second)) {
		t.Fatalf("quote %+v", r)
	}
	pay := access.RenewalPayment{Lot: b.Lot, ID: r.ID, Amount: 60000, Payer: "p1", Reference: "T-1", Method: "WX"}
	res, err := b.Sys.Access.PayRenewal(b.Ctx, pay)
	if err != nil || res.Replay || !res.Pass.ValidTo.Equal(r.ValidTo) || !res.Pass.ValidFrom.Equal(ps.ValidFrom) {
		t.Fatalf("pay %+v, %v", res, err)
	}
	// A repeat returns the first result and extends nothing more.
	again, err := b.Sys.Access.PayRenewal(b.Ctx, pay)
	if err != nil || !again.Replay || !again.Pass.ValidTo.Equal(r.ValidTo) {
		t.Fatalf("repeat %+v, %v", again, err)
	}
	// The car enters before the old end and leaves a day after it: free.
	b.Clock.Set(time.Date(2027, 2, 1, 9, 0, 0, 0, sh))
	b.Event(t, park.EventEntry, "京A12345", time.Date(2027, 1, 31, 9, 0, 0, 0, sh))
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", time.Date(2027, 2, 1, 9, 0, 0, 0, sh)), park.DecisionOpen, park.ReasonPass, 0)
}

// TestRenewalOfALapsedPass: the months start at the renewal, the lapse
// stays unpaid, and the time the pass covered before it stays free.
func TestRenewalOfALapsedPass(t *testing.T) {
	b, ps := renewalSetup(t)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	b.Clock.Set(time.Date(2027, 1, 31, 9, 0, 0, 0, sh))
	entry := b.Event(t, park.EventEntry, "京A12345", time.Date(2027, 1, 31, 9, 0, 0, 0, sh))
	// Held at 2027-02-01 09:00: billed from the pass's end, Jan 31 10:00,
	// 23 hours = 46 blocks of 30 minutes × 200 = 9200.
	now := time.Date(2027, 2, 1, 9, 0, 0, 0, sh)
	b.Clock.Set(now)
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", now), park.DecisionHold, park.ReasonPaymentRequired, 9200)
	r, _, err := b.Sys.Access.QuoteRenewal(b.Ctx, access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{ID: ps.ID}, Months: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Starts now (Feb 1 09:00), ends Mar 1 09:00.
	if !r.StartsAt.Equal(now) || !r.ValidTo.Equal(time.Date(2027, 3, 1, 9, 0, 0, 0, sh)) || r.Amount != 30000 {
		t.Fatalf("quote %+v", r)
	}
	// Paid a minute later, at 09:01: the pass has lapsed, so the months
	// start at the payment, Feb 1 09:01 + 1 month = Mar 1 09:01.
	b.Clock.Set(now.Add(time.Minute))
	res, err := b.Sys.Access.PayRenewal(b.Ctx, access.RenewalPayment{Lot: b.Lot, ID: r.ID, Amount: 30000, Payer: "p1", Reference: "T-2"})
	if err != nil || !res.Pass.ValidFrom.Equal(ps.ValidFrom) || !res.Pass.ValidTo.Equal(time.Date(2027, 3, 1, 9, 1, 0, 0, sh)) {
		t.Fatalf("pay %+v, %v", res, err)
	}
	// At 09:01 the stay owes exactly the lapse, Jan 31 10:00 to Feb 1
	// 09:01: 23 h 1 min = 1381 minutes, 47 started blocks × 200 = 9400.
	// Its first hour (the old pass) is free.
	d := b.Event(t, park.EventExit, "京A12345", now.Add(time.Minute))
	wantDecision(t, d, park.DecisionHold, park.ReasonPaymentRequired, 9400)
	if d.StayID != entry.StayID {
		t.Fatal("another stay")
	}
}

// TestRenewalRefusals: each wrong report has its own code and changes
// nothing.
func TestRenewalRefusals(t *testing.T) {
	b, ps := renewalSetup(t)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	quote := func(in access.RenewalInput) *park.Renewal {
		t.Helper()
		in.Lot = b.Lot
		r, _, err := b.Sys.Access.QuoteRenewal(b.Ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, c := range []struct {
		name string
		in   access.RenewalInput
		code park.Code
	}{
		{"zero months", access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{ID: ps.ID}, Months: 0}, park.EInvalid},
		{"37 months", access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{ID: ps.ID}, Months: 37}, park.EInvalid},
		{"no pass named", access.RenewalInput{Lot: b.Lot, Months: 1}, park.EInvalid},
		{"bad plate", access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{Plate: "nope"}, Months: 1}, park.EInvalid},
		{"unknown plate", access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{Plate: "京B99999"}, Months: 1}, park.ENotFound},
		{"unknown user code", access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{UserCode: "U9"}, Months: 1}, park.ENotFound},
		{"unknown plan", access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{ID: ps.ID}, Months: 1, Plan: "gold"}, park.ENotFound},
		{"another lot", access.RenewalInput{Lot: "nope", Pass: access.PassRef{ID: ps.ID}, Months: 1}, park.ENotFound},
	} {
		_, _, err := b.Sys.Access.QuoteRenewal(b.Ctx, c.in)
		if !park.IsCode(err, c.code) {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
	r := quote(access.RenewalInput{Pass: access.PassRef{UserCode: "U1"}, Months: 1})
	pay := func(id string, amount int64, ref string) error {
		_, err := b.Sys.Access.PayRenewal(b.Ctx, access.RenewalPayment{Lot: b.Lot, ID: id, Amount: amount, Payer: "p1", Reference: ref})
		return err
	}
	wantCode(t, pay(r.ID, 29999, "T-1"), park.EAmountMismatch)
	wantCode(t, pay("nope", 30000, "T-1"), park.ENotFound)
	wantCode(t, pay(r.ID, 30000, ""), park.EInvalid)
	_, err := b.Sys.Access.PayRenewal(b.Ctx, access.RenewalPayment{Lot: "other", ID: r.ID, Amount: 30000, Payer: "p1", Reference: "T-1"})
	wantCode(t, err, park.ENotFound)
	if p, _ := b.Sys.Access.GetPass(b.Ctx, b.Lot, ps.ID); !p.ValidTo.Equal(ps.ValidTo) {
		t.Fatalf("a refused payment extended the pass to %s", p.ValidTo)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(pay(r.ID, 30000, "T-1"))
	wantCode(t, pay(r.ID, 30000, "T-2"), park.EQuotePaid)
	r2 := quote(access.RenewalInput{Pass: access.PassRef{ID: ps.ID}, Months: 1})
	wantCode(t, pay(r2.ID, 30000, "T-1"), park.EIdempotencyKey)
	b.Clock.Set(b.Clock.Now().Add(300 * time.Second))
	wantCode(t, pay(r2.ID, 30000, "T-3"), park.EQuoteExpired)
	p, _ := b.Sys.Access.GetPass(b.Ctx, b.Lot, ps.ID)
	if want := time.Date(2027, 2, 28, 10, 0, 0, 0, sh); !p.ValidTo.Equal(want) {
		t.Fatalf("extended to %s, want once to %s", p.ValidTo.In(sh), want)
	}
	// A pass without a plan must name one.
	bare, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "李娜", Plates: []string{"京C12345"},
		ValidFrom: ps.ValidFrom, ValidTo: ps.ValidTo})
	must(err)
	_, _, err = b.Sys.Access.QuoteRenewal(b.Ctx, access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{ID: bare.ID}, Months: 1})
	wantCode(t, err, park.EInvalid)
}

// TestRenewalsPaidOutOfOrder: two orders quoted from the same end; the
// second one paid adds its months to the end the first one made.
func TestRenewalsPaidOutOfOrder(t *testing.T) {
	b, ps := renewalSetup(t)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	q := func() *park.Renewal {
		r, _, err := b.Sys.Access.QuoteRenewal(b.Ctx, access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{ID: ps.ID}, Months: 1})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, c := q(), q()
	for i, r := range []*park.Renewal{a, c} {
		if _, err := b.Sys.Access.PayRenewal(b.Ctx, access.RenewalPayment{Lot: b.Lot, ID: r.ID, Amount: 30000, Payer: "p1",
			Reference: []string{"A", "C"}[i]}); err != nil {
			t.Fatal(err)
		}
	}
	// Jan 31 10:00 + 1 month = Feb 28 10:00; + 1 month counts from the
	// pass's anchor, Dec 31: Dec 31 + 3 months = Mar 31 10:00.
	p, _ := b.Sys.Access.GetPass(b.Ctx, b.Lot, ps.ID)
	if want := time.Date(2027, 3, 31, 10, 0, 0, 0, sh); !p.ValidTo.Equal(want) {
		t.Fatalf("valid to %s, want %s", p.ValidTo.In(sh), want)
	}
}

// TestRenewalPaymentAmountRefusalsSayWhatIsWanted: an amount out of range
// is told the range, and another amount than the order's is told the
// order's, each naming amount; neither extends the pass.
func TestRenewalPaymentAmountRefusalsSayWhatIsWanted(t *testing.T) {
	b, ps := renewalSetup(t)
	r, _, err := b.Sys.Access.QuoteRenewal(b.Ctx, access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{Plate: "京A12345"}, Months: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		amount int64
		code   park.Code
		says   string
	}{
		{-1, park.EInvalid, fmt.Sprintf("between 0 and %d", park.MaxAmount*park.MaxRenewalMonths)},
		{1, park.EAmountMismatch, "30000"},
	} {
		_, err := b.Sys.Access.PayRenewal(b.Ctx, access.RenewalPayment{Lot: b.Lot, ID: r.ID, Amount: c.amount, Reference: "T-9"})
		var pe *park.Error
		if !errors.As(err, &pe) || pe.Code != c.code || pe.Field != "amount" || !strings.Contains(pe.Message, c.says) || strings.HasPrefix(pe.Message, "amount") {
			t.Errorf("amount %d: got %#v, want %s on amount saying %q", c.amount, err, c.code, c.says)
		}
	}
	got, err := b.Sys.Access.GetPass(b.Ctx, b.Lot, ps.ID)
	if err != nil || !got.ValidTo.Equal(ps.ValidTo) {
		t.Fatalf("pass after refused payments: %+v, %v", got, err)
	}
}

// TestRenewalQuotedBeforeALapsePaidAfterIt: a renewal quoted while the
// pass was still valid but paid after its end is a renewal of a lapsed
// pass (docs/rules.md, "Plans and renewal" 4): its months start at the
// payment, and the lapse between the old end and the payment is not free.
func TestRenewalQuotedBeforeALapsePaidAfterIt(t *testing.T) {
	b, ps := renewalSetup(t)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	if _, err := b.Sys.Gate.UpdateLot(b.Ctx, b.Lot, func(l *park.Lot) error { l.QuoteTTLSeconds = 3600; return nil }); err != nil {
		t.Fatal(err)
	}
	b.Clock.Set(time.Date(2027, 1, 31, 9, 0, 0, 0, sh))
	entry := b.Event(t, park.EventEntry, "京A12345", time.Date(2027, 1, 31, 9, 0, 0, 0, sh))
	b.Clock.Set(time.Date(2027, 1, 31, 9, 30, 0, 0, sh))
	r, _, err := b.Sys.Access.QuoteRenewal(b.Ctx, access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{ID: ps.ID}, Months: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Quoted at 09:30, the pass still valid: from its end, Jan 31 10:00,
	// one month counted from its anchor Dec 31 = Feb 28 10:00; 1 × 30000.
	if !r.StartsAt.Equal(ps.ValidTo) || !r.ValidTo.Equal(time.Date(2027, 2, 28, 10, 0, 0, 0, sh)) || r.Amount != 30000 {
		t.Fatalf("quote %+v", r)
	}
	// Paid at 10:20, twenty minutes after the pass ended (the order lives
	// an hour, to 10:30). The amount is the quoted one, 30000: the lapse
	// is not sold with the months. The months start at the payment,
	// 10:20 (the pass has lapsed, so it is its own anchor): Jan 31 10:20 +
	// 1 month = Feb 28 10:20 (Feb has no 31st).
	paid := time.Date(2027, 1, 31, 10, 20, 0, 0, sh)
	b.Clock.Set(paid)
	res, err := b.Sys.Access.PayRenewal(b.Ctx, access.RenewalPayment{Lot: b.Lot, ID: r.ID, Amount: 30000, Payer: "p1", Reference: "T-L"})
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2027, 2, 28, 10, 20, 0, 0, sh)
	wantRenewedFromPayment(t, res, ps, paid, want)
	// The car in since 09:00 leaves at 11:00: 09:00-10:00 is the old
	// pass's, 10:20-11:00 the renewal's, and the lapse 10:00-10:20 is
	// owed: 20 minutes, past the 15 free, one started half hour = 200.
	out := time.Date(2027, 1, 31, 11, 0, 0, 0, sh)
	b.Clock.Set(out)
	d := b.Event(t, park.EventExit, "京A12345", out)
	wantDecision(t, d, park.DecisionHold, park.ReasonPaymentRequired, 200)
	if d.StayID != entry.StayID {
		t.Fatal("another stay")
	}
}

// TestRenewalQuotedAfterALapsePaidLater: a renewal quoted when the pass
// had already lapsed starts at the payment, not at the quote (docs/rules.md,
// "Plans and renewal" 4): nothing was paid for the minutes between, so they
// are not the pass's.
func TestRenewalQuotedAfterALapsePaidLater(t *testing.T) {
	b, ps := renewalSetup(t)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	if _, err := b.Sys.Gate.UpdateLot(b.Ctx, b.Lot, func(l *park.Lot) error { l.QuoteTTLSeconds = 3600; return nil }); err != nil {
		t.Fatal(err)
	}
	// The pass ended Jan 31 10:00; the car comes in on Feb 1 at 09:00, and
	// a month is quoted then.
	quoted := time.Date(2027, 2, 1, 9, 0, 0, 0, sh)
	b.Clock.Set(quoted)
	entry := b.Event(t, park.EventEntry, "京A12345", quoted)
	r, _, err := b.Sys.Access.QuoteRenewal(b.Ctx, access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{ID: ps.ID}, Months: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Lapsed at the quote: from 09:00, its own anchor: Feb 1 09:00 + 1
	// month = Mar 1 09:00; 1 × 30000.
	if !r.StartsAt.Equal(quoted) || !r.ValidTo.Equal(time.Date(2027, 3, 1, 9, 0, 0, 0, sh)) || r.Amount != 30000 {
		t.Fatalf("quote %+v", r)
	}
	// Paid at 09:20 (the order lives to 10:00), the amount the quoted
	// 30000. The months start at the payment: Feb 1 09:20 + 1 month (Feb
	// 1 is no month's end, no clamp) = Mar 1 09:20.
	paid := time.Date(2027, 2, 1, 9, 20, 0, 0, sh)
	b.Clock.Set(paid)
	res, err := b.Sys.Access.PayRenewal(b.Ctx, access.RenewalPayment{Lot: b.Lot, ID: r.ID, Amount: 30000, Payer: "p1", Reference: "T-Q"})
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2027, 3, 1, 9, 20, 0, 0, sh)
	wantRenewedFromPayment(t, res, ps, paid, want)
	// The car leaves at 09:40: 09:20-09:40 is the renewal's, 09:00-09:20
	// is owed: 20 minutes, past the 15 free, one started half hour = 200.
	out := time.Date(2027, 2, 1, 9, 40, 0, 0, sh)
	b.Clock.Set(out)
	d := b.Event(t, park.EventExit, "京A12345", out)
	wantDecision(t, d, park.DecisionHold, park.ReasonPaymentRequired, 200)
	if d.StayID != entry.StayID {
		t.Fatal("another stay")
	}
}

// wantRenewedFromPayment: a lapsed pass's renewal paid at paid runs from
// then to want, the pass with it (its start kept), at the quoted 30000.
func wantRenewedFromPayment(t *testing.T, res access.RenewalResult, ps *park.Pass, paid, want time.Time) {
	t.Helper()
	loc := want.Location()
	if !res.Renewal.StartsAt.Equal(paid) || !res.Renewal.ValidTo.Equal(want) || !res.Pass.ValidTo.Equal(want) ||
		!res.Pass.ValidFrom.Equal(ps.ValidFrom) || res.Renewal.Amount != 30000 {
		t.Fatalf("paid: renewal from %s to %s, pass to %s; want from %s to %s",
			res.Renewal.StartsAt.In(loc), res.Renewal.ValidTo.In(loc), res.Pass.ValidTo.In(loc), paid.In(loc), want.In(loc))
	}
}
