package billing_test

import (
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/park"
)

// status is the partners' look-up of a stay at now.
func (b *bundle) status(t *testing.T, stayID string, now time.Time) *billing.StayStatus {
	t.Helper()
	var s *billing.StayStatus
	if err := b.Sys.Billing.Pricing(b.Ctx, false, func(tx park.Tx) error {
		st, err := tx.GetStay(b.Ctx, stayID)
		if err != nil {
			return err
		}
		l, err := tx.GetLot(b.Ctx, st.LotCode)
		if err != nil {
			return err
		}
		s, err = b.Sys.Billing.Status(b.Ctx, tx, l, st, now, "", false)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStatusFreeUntil: a car that owes nothing yet is told the last
// instant at which leaving still owes nothing, not the look-up time.
// TestTariff: a stay of at most 15:00 is free; past it, 200 per started
// 30 minutes from entry (15:01 is billed), so the boundary second is
// free. The lot's exit grace is 15 minutes. All times are Shanghai
// wall time on T0's day.
func TestStatusFreeUntil(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	day := func(hh, mm, ss int) time.Time { return time.Date(2026, 11, 23, hh, mm, ss, 0, loc) }
	entry := day(10, 0, 0)
	want := func(t *testing.T, s *billing.StayStatus, due int64, validUntil, leaveBy time.Time) {
		t.Helper()
		if s.Due != due || !s.ValidUntil.Equal(validUntil) || !s.LeaveBy.Equal(leaveBy) {
			t.Fatalf("due %d valid until %v leave by %v, want %d, %v, %v", s.Due, s.ValidUntil.In(loc), s.LeaveBy.In(loc),
				due, validUntil.In(loc), leaveBy.In(loc))
		}
	}
	t.Run("FreeMinutes", func(t *testing.T) {
		// In 10:00, looked up 10:05: 10:00 + 15 free minutes = 10:15:00.
		b := setup(t)
		d := b.Event(t, park.EventEntry, "京A12345", entry)
		want(t, b.status(t, d.StayID, day(10, 5, 0)), 0, day(10, 15, 0), day(10, 15, 0))
	})
	t.Run("TimeCoupon", func(t *testing.T) {
		// A 30-minute coupon prices the stay as if the car left 30
		// minutes earlier: out at 10:45:00 costs what 10:15:00 does (0).
		b := setup(t)
		d := b.Event(t, park.EventEntry, "京A12345", entry)
		b.Clock.Set(day(10, 1, 0))
		b.issue(t, billing.CouponInput{ID: "M-30", Plate: "京A12345", Kind: park.CouponMinutes, Value: 30})
		want(t, b.status(t, d.StayID, day(10, 5, 0)), 0, day(10, 45, 0), day(10, 45, 0))
	})
	t.Run("TimeCouponExpiring", func(t *testing.T) {
		// The same coupon valid only until 10:30: leaving at 10:29:59 it
		// still applies (free); at 10:30:00 it no longer does and the
		// 30-minute stay is past the 15 free ones (200).
		b := setup(t)
		d := b.Event(t, park.EventEntry, "京A12345", entry)
		b.Clock.Set(day(10, 1, 0))
		b.issue(t, billing.CouponInput{ID: "M-30", Plate: "京A12345", Kind: park.CouponMinutes, Value: 30,
			ValidFrom: day(10, 0, 0), ValidTo: day(10, 30, 0)})
		want(t, b.status(t, d.StayID, day(10, 5, 0)), 0, day(10, 29, 59), day(10, 29, 59))
	})
	t.Run("PassThenTariff", func(t *testing.T) {
		// A pass valid until 12:00: free until it ends. The 15 free
		// minutes count from entry (10:00-10:15, inside the pass) and are
		// not granted again at its end; the tariff bills from 12:00, so
		// 12:00:00 is the last free instant (12:00:01 starts a block).
		b := setup(t)
		b.pass(t, park.Pass{ValidFrom: day(0, 0, 0).Add(-24 * time.Hour), ValidTo: day(12, 0, 0)})
		d := b.Event(t, park.EventEntry, "京A12345", entry)
		want(t, b.status(t, d.StayID, day(11, 0, 0)), 0, day(12, 0, 0), day(12, 0, 0))
	})
	t.Run("Paid", func(t *testing.T) {
		// Paid at 11:00 for 10:00-11:00: 2 blocks, 400, paid_until 11:15
		// (the exit grace). Looked up at 11:05: out by 11:15:00 owes
		// nothing; after it the overtime is a block and 3 blocks (600)
		// exceed the 400 paid. So paid_until, as before.
		b := setup(t)
		d := b.Event(t, park.EventEntry, "京A12345", entry)
		b.Clock.Set(day(11, 0, 0))
		q := b.quote(t, d.StayID)
		if q.AmountDue != 400 {
			t.Fatalf("quote %d, want 400", q.AmountDue)
		}
		if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 400, Method: "cash"}); err != nil {
			t.Fatal(err)
		}
		want(t, b.status(t, d.StayID, day(11, 5, 0)), 0, day(11, 15, 0), day(11, 15, 0))
	})
	t.Run("Owes", func(t *testing.T) {
		// Looked up at 10:20 (past 15:00): 200 due, so valid until the
		// look-up itself, and paying now it may leave by 10:20 + 15.
		b := setup(t)
		d := b.Event(t, park.EventEntry, "京A12345", entry)
		want(t, b.status(t, d.StayID, day(10, 20, 0)), 200, day(10, 20, 0), day(10, 35, 0))
	})
	t.Run("Horizon", func(t *testing.T) {
		// A free-stay coupon valid a week: the car never owes, so it is
		// told the look-up time + FreeHorizon (24 h), and a later look-up
		// says more.
		b := setup(t)
		d := b.Event(t, park.EventEntry, "京A12345", entry)
		b.Clock.Set(day(10, 1, 0))
		b.issue(t, billing.CouponInput{ID: "F-1", Plate: "京A12345", Kind: park.CouponFree,
			ValidFrom: day(10, 0, 0), ValidTo: day(10, 0, 0).Add(7 * 24 * time.Hour)})
		now := day(10, 5, 0)
		want(t, b.status(t, d.StayID, now), 0, now.Add(billing.FreeHorizon), now.Add(billing.FreeHorizon))
	})
}
