package access_test

import (
	"testing"
	"time"

	"parkd/internal/access"
	"parkd/internal/park"
)

// renewOnce quotes and pays months of plan ("" : the pass's own) for the
// pass, and returns the paid renewal.
func (b *bundle) renewOnce(t *testing.T, passID, plan string, months int, ref string) *park.Renewal {
	t.Helper()
	r, _, err := b.Sys.Access.QuoteRenewal(b.Ctx, access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{ID: passID}, Months: months, Plan: plan})
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.Sys.Access.PayRenewal(b.Ctx, access.RenewalPayment{Lot: b.Lot, ID: r.ID, Amount: r.Amount, Payer: "p1", Reference: ref})
	if err != nil {
		t.Fatal(err)
	}
	return res.Renewal
}

// TestRenewalsKeepTheAnchorDay: a pass that started on Jan 31, renewed a
// month at a time, ends on each month's last day: the months count from
// its Jan 31, not from the Feb 28 the first clamp made of it.
func TestRenewalsKeepTheAnchorDay(t *testing.T) {
	b := setup(t)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := func(m time.Month, d int) time.Time { return time.Date(2027, m, d, 10, 0, 0, 0, sh) }
	b.Clock.Set(at(2, 20))
	if _, err := b.Sys.Access.CreatePlan(b.Ctx, b.Lot, &park.Plan{Code: "std", Name: "标准月租", Price: 30000}); err != nil {
		t.Fatal(err)
	}
	// Jan 31 10:00 + 1 month = Feb 28 10:00 (2027 is not a leap year).
	ps, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "张伟", Plates: []string{"京A12345"}, Plan: "std",
		ValidFrom: at(1, 31), ValidTo: at(2, 28)})
	if err != nil {
		t.Fatal(err)
	}
	// Jan 31 + 2 = Mar 31; + 3 = Apr 30 (30 days); + 4 = May 31.
	for i, want := range []time.Time{at(3, 31), at(4, 30), at(5, 31)} {
		r := b.renewOnce(t, ps.ID, "", 1, "T-"+string(rune('1'+i)))
		if !r.ValidTo.Equal(want) {
			t.Fatalf("renewal %d ends %s, want %s", i+1, r.ValidTo.In(sh), want)
		}
	}
	// A 2-month renewal from May 31: Jan 31 + 6 = Jul 31.
	if r := b.renewOnce(t, ps.ID, "", 2, "T-4"); !r.ValidTo.Equal(at(7, 31)) {
		t.Fatalf("ends %s, want Jul 31", r.ValidTo.In(sh))
	}
}
