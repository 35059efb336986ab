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
	s, err := b.Sys.Billing.Pricing(b.Ctx, false, func(tx park.Tx) (*billing.StayStatus, error) {
		st, err := tx.GetStay(b.Ctx, stayID)
		if err != nil {
			return nil, err
		}
		l, err := tx.GetLot(b.Ctx, st.LotCode)
		if err != nil {
			return nil, err
		}
		return b.Sys.Billing.Status(b.Ctx, tx, l, st, now, "", false)
	})
	if err != nil {
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

// TestPaymentLeaveBy: a payment answers until when the car may leave
// owing nothing more by the look-up's own rule, so a driver who pays is
// told the same time by the payment and by a look-up right after it.
// TestTariff: 15 free minutes, then 200 per started 30 minutes from
// entry; exit grace 15 minutes. Shanghai wall time on T0's day.
func TestPaymentLeaveBy(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	day := func(hh, mm, ss int) time.Time { return time.Date(2026, 11, 23, hh, mm, ss, 0, loc) }
	pay := func(t *testing.T, b *bundle, stayID string, amount int64, req park.PaymentRequest) billing.PaymentResult {
		t.Helper()
		q := b.quote(t, stayID)
		if q.AmountDue != amount {
			t.Fatalf("quote %d, want %d", q.AmountDue, amount)
		}
		req.QuoteID, req.Amount, req.Method = q.ID, amount, "cash"
		res, err := b.Sys.Billing.Pay(b.Ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	t.Run("BlocksPaidOutlastTheGrace", func(t *testing.T) {
		// In 10:00, paid at 10:31: 31 minutes are 2 started blocks
		// (10:00-11:00), 400. The payment's paid_until is 10:31 + 15 =
		// 10:46, but up to 11:00:00 the stay is still 2 blocks (400, all
		// paid); 11:00:01 starts a third (600 - 400 = 200 due). So 11:00:00.
		b := setup(t)
		d := b.Event(t, park.EventEntry, "京A12345", day(10, 0, 0))
		b.Clock.Set(day(10, 31, 0))
		res := pay(t, b, d.StayID, 400, park.PaymentRequest{Reference: "R-1"})
		if !res.Payment.PaidUntil.Equal(day(10, 46, 0)) || !res.LeaveBy.Equal(day(11, 0, 0)) {
			t.Fatalf("paid until %v leave by %v, want 10:46:00 and 11:00:00", res.Payment.PaidUntil.In(loc), res.LeaveBy.In(loc))
		}
		// A look-up at the payment's instant says the same.
		if s := b.status(t, d.StayID, day(10, 31, 0)); s.Due != 0 || !s.ValidUntil.Equal(res.LeaveBy) || !s.LeaveBy.Equal(res.LeaveBy) {
			t.Fatalf("look-up: due %d valid until %v leave by %v, want 0 and the payment's %v", s.Due, s.ValidUntil.In(loc), s.LeaveBy.In(loc), res.LeaveBy.In(loc))
		}
		// Repeating the payment a minute later answers the first payment
		// and the same leave-by (nothing has changed since).
		b.Clock.Set(day(10, 32, 0))
		q, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: res.Payment.QuoteID, Amount: 400, Method: "cash", Reference: "R-1"})
		if err != nil || !q.Replay || !q.LeaveBy.Equal(day(11, 0, 0)) {
			t.Fatalf("replay: %+v %v, want a replay leaving by 11:00:00", q, err)
		}
	})
	t.Run("GraceOutlastsTheBlocks", func(t *testing.T) {
		// In 10:00, paid at 10:50: 2 blocks (400) ending 11:00, but the
		// payment's grace runs to 10:50 + 15 = 11:05, and after it only
		// the overtime is billed: out by 11:05:00 owes nothing.
		b := setup(t)
		d := b.Event(t, park.EventEntry, "京A12345", day(10, 0, 0))
		b.Clock.Set(day(10, 50, 0))
		res := pay(t, b, d.StayID, 400, park.PaymentRequest{})
		if !res.LeaveBy.Equal(day(11, 5, 0)) {
			t.Fatalf("leave by %v, want 11:05:00", res.LeaveBy.In(loc))
		}
		if s := b.status(t, d.StayID, day(10, 50, 0)); !s.ValidUntil.Equal(res.LeaveBy) {
			t.Fatalf("look-up valid until %v, want the payment's %v", s.ValidUntil.In(loc), res.LeaveBy.In(loc))
		}
	})
	t.Run("GraceToTheMicrosecond", func(t *testing.T) {
		// As above, paid at 10:50:00.250000: the grace runs to
		// 11:05:00.250000, and leaving then owes nothing, so the car is
		// told that instant, never the whole second before it.
		b := setup(t)
		d := b.Event(t, park.EventEntry, "京A12345", day(10, 0, 0))
		paid := day(10, 50, 0).Add(250 * time.Millisecond)
		b.Clock.Set(paid)
		res := pay(t, b, d.StayID, 400, park.PaymentRequest{})
		want := day(11, 5, 0).Add(250 * time.Millisecond)
		if !res.Payment.PaidUntil.Equal(want) || !res.LeaveBy.Equal(want) {
			t.Fatalf("paid until %v leave by %v, want both 11:05:00.25", res.Payment.PaidUntil.In(loc), res.LeaveBy.In(loc))
		}
		if s := b.status(t, d.StayID, paid); !s.ValidUntil.Equal(want) {
			t.Fatalf("look-up valid until %v, want 11:05:00.25", s.ValidUntil.In(loc))
		}
	})
}
