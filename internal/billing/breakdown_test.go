package billing_test

import (
	"testing"
	"time"

	"parkd/internal/park"
)

// TestBreakdownOfALeftStayKeepsWhatItsExitRecorded: an operator reading
// a past stay sees what it cost when it left, though its pass is gone.
func TestBreakdownOfALeftStayKeepsWhatItsExitRecorded(t *testing.T) {
	t.Run("PassDeletedSince", func(t *testing.T) {
		b := setup(t)
		p, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "x", Plates: []string{"京A12345"},
			ValidFrom: t0.AddDate(0, 0, -1), ValidTo: t0.AddDate(0, 1, 0)})
		if err != nil {
			t.Fatal(err)
		}
		d := b.Event(t, park.EventEntry, "京A12345", t0)
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(2*time.Hour)), park.DecisionOpen, park.ReasonPass, 0)
		if err := b.Sys.Access.DeletePass(b.Ctx, b.Lot, p.ID); err != nil {
			t.Fatal(err)
		}
		// The stay left free on its pass: it cost nothing and owes
		// nothing, though a visitor's 2 hours would be 4 × 200 = 800.
		bd, err := b.Sys.Billing.StayBreakdown(b.Ctx, d.StayID)
		if err != nil {
			t.Fatal(err)
		}
		if pr := bd.Priced; pr.Gross != 0 || pr.Total != 0 || pr.Due != 0 {
			t.Fatalf("left pass stay: gross %d total %d due %d, want 0, 0, 0", pr.Gross, pr.Total, pr.Due)
		}
	})
	t.Run("Unchanged", func(t *testing.T) {
		b := setup(t)
		now := b.Clock.Now() // t0 + 6 h: 12 half-hours, 2400
		d := b.Event(t, park.EventEntry, "京A12345", t0)
		q := b.quote(t, d.StayID)
		if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 2400, Method: "cash"}); err != nil {
			t.Fatal(err)
		}
		b.Clock.Set(now.Add(5 * time.Minute))
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", now.Add(5*time.Minute)), park.DecisionOpen, park.ReasonPaid, 0)
		bd, err := b.Sys.Billing.StayBreakdown(b.Ctx, d.StayID)
		if err != nil {
			t.Fatal(err)
		}
		// Priced at its exit, line by line (6 h 5 min: 13 half-hours,
		// 2600 before the exit grace), nothing due.
		if pr := bd.Priced; pr.Gross != 2600 || pr.Due != 0 || len(pr.Lines()) == 0 {
			t.Fatalf("left paid stay: gross %d due %d lines %+v, want 2600, 0 and lines", pr.Gross, pr.Due, pr.Lines())
		}
	})
}
