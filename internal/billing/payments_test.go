package billing_test

import (
	"sync"
	"testing"
	"time"

	"parkd/internal/park"
)

// quoted enters a car at t0, moves the clock to t0+62m and quotes it.
func quoted(t *testing.T, b *bundle, plateText string) *park.Quote {
	t.Helper()
	in := b.Event(t, park.EventEntry, plateText, t0)
	b.Clock.Set(t0.Add(62 * time.Minute))
	q, err := b.Sys.Billing.CreateQuote(b.Ctx, in.StayID, "")
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestPaymentErrors(t *testing.T) {
	t.Run("ExpiredQuote", func(t *testing.T) {
		b := setup(t)
		q := quoted(t, b, "京A12345")
		b.Clock.Set(q.ExpiresAt)
		_, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "cash"})
		wantCode(t, err, park.EQuoteExpired)
		if st := b.Stay(t, q.StayID); st.Paid != 0 || st.PaidUntil != nil {
			t.Fatal("an expired quote changed the stay")
		}
	})
	t.Run("WrongAmount", func(t *testing.T) {
		b := setup(t)
		q := quoted(t, b, "京A12345")
		for _, amt := range []int64{q.AmountDue - 1, q.AmountDue + 1, 0} {
			_, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: amt, Method: "cash"})
			wantCode(t, err, park.EAmountMismatch)
		}
		_, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: -5, Method: "cash"})
		wantCode(t, err, park.EInvalid)
		_, err = b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: park.MaxAmount + 1, Method: "cash"})
		wantCode(t, err, park.EInvalid)
	})
	t.Run("UnknownQuote", func(t *testing.T) {
		b := setup(t)
		_, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: "nope", Amount: 1, Method: "cash"})
		wantCode(t, err, park.ENotFound)
	})
	t.Run("PaidTwice", func(t *testing.T) {
		b := setup(t)
		q := quoted(t, b, "京A12345")
		if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "cash", IdempotencyKey: "k1"}); err != nil {
			t.Fatal(err)
		}
		_, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "cash", IdempotencyKey: "k2"})
		wantCode(t, err, park.EQuotePaid)
	})
	t.Run("StaySettledByAnotherQuote", func(t *testing.T) {
		b := setup(t)
		q1 := quoted(t, b, "京A12345")
		q2, err := b.Sys.Billing.CreateQuote(b.Ctx, q1.StayID, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q1.ID, Amount: q1.AmountDue, Method: "cash"}); err != nil {
			t.Fatal(err)
		}
		_, err = b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q2.ID, Amount: q2.AmountDue, Method: "wechat"})
		wantCode(t, err, park.EStaySettled)
		if st := b.Stay(t, q1.StayID); st.Paid != q1.AmountDue {
			t.Fatalf("paid %d, want %d: the stay was paid twice", st.Paid, q1.AmountDue)
		}
	})
	t.Run("NothingDue", func(t *testing.T) {
		b := setup(t)
		in := b.Event(t, park.EventEntry, "京A12345", t0)
		b.Clock.Set(t0.Add(10 * time.Minute)) // within the 15 free minutes
		q, err := b.Sys.Billing.CreateQuote(b.Ctx, in.StayID, "")
		if err != nil || q.AmountDue != 0 {
			t.Fatalf("quote %+v (%v)", q, err)
		}
		_, err = b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 0, Method: "cash"})
		wantCode(t, err, park.EStaySettled)
	})
	t.Run("ClosedStay", func(t *testing.T) {
		b := setup(t)
		q1 := quoted(t, b, "京A12345")
		q2, _ := b.Sys.Billing.CreateQuote(b.Ctx, q1.StayID, "")
		if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q1.ID, Amount: q1.AmountDue, Method: "cash"}); err != nil {
			t.Fatal(err)
		}
		b.Event(t, park.EventExit, "京A12345", t0.Add(65*time.Minute))
		_, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q2.ID, Amount: q2.AmountDue, Method: "cash"})
		wantCode(t, err, park.EStayClosed)
		_, err = b.Sys.Billing.CreateQuote(b.Ctx, q1.StayID, "")
		wantCode(t, err, park.EStayClosed)
	})
}

func TestPaymentRetries(t *testing.T) {
	b := setup(t)
	q := quoted(t, b, "京A12345")
	req := park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "alipay", Payer: "", Reference: "ali-778", IdempotencyKey: "key-1"}
	first, err := b.Sys.Billing.Pay(b.Ctx, req)
	if err != nil || first.Replay {
		t.Fatalf("first payment: %+v %v", first, err)
	}
	b.Clock.Set(q.ExpiresAt.Add(time.Hour)) // a retry after expiry still returns the first result
	again, err := b.Sys.Billing.Pay(b.Ctx, req)
	if err != nil || !again.Replay || *again.Payment != *first.Payment {
		t.Fatalf("retry with same key: %+v %v", again, err)
	}
	byRef := req
	byRef.IdempotencyKey = ""
	again, err = b.Sys.Billing.Pay(b.Ctx, byRef)
	if err != nil || !again.Replay || again.Payment.ID != first.Payment.ID {
		t.Fatalf("retry with same reference: %+v %v", again, err)
	}
	if st := b.Stay(t, q.StayID); st.Paid != q.AmountDue {
		t.Fatalf("paid %d, want %d", st.Paid, q.AmountDue)
	}
	t.Run("KeyReusedForAnotherPayment", func(t *testing.T) {
		q2 := quoted(t, b, "京B12345")
		_, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q2.ID, Amount: q2.AmountDue, Method: "cash", IdempotencyKey: "key-1"})
		wantCode(t, err, park.EIdempotencyKey)
	})
	// The same key with the same quote and amount but another method or
	// reference is another request: answering it with the first payment
	// would tell the caller its cash was taken as the card it asked for.
	for name, change := range map[string]func(*park.PaymentRequest){
		"OtherMethod":    func(r *park.PaymentRequest) { r.Method = "cash" },
		"OtherReference": func(r *park.PaymentRequest) { r.Reference = "ali-779" },
		"NoReference":    func(r *park.PaymentRequest) { r.Reference = "" },
	} {
		t.Run("KeyReusedWith"+name, func(t *testing.T) {
			other := req
			change(&other)
			_, err := b.Sys.Billing.Pay(b.Ctx, other)
			wantCode(t, err, park.EIdempotencyKey)
			if st := b.Stay(t, q.StayID); st.Paid != q.AmountDue {
				t.Fatalf("paid %d after a refused retry, want still %d", st.Paid, q.AmountDue)
			}
		})
	}
}

// TestConcurrentPaymentsOfOneQuote: many payers race for one quote with
// different keys; exactly one payment exists afterwards.
func TestConcurrentPaymentsOfOneQuote(t *testing.T) {
	b := setup(t)
	q := quoted(t, b, "京A12345")
	const n = 16
	var wg sync.WaitGroup
	results := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "card",
				IdempotencyKey: string(rune('a' + i))})
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	ok := 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case !park.IsCode(err, park.EQuotePaid):
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d payments succeeded, want exactly 1", ok)
	}
	if st := b.Stay(t, q.StayID); st.Paid != q.AmountDue {
		t.Fatalf("stay paid %d, want %d", st.Paid, q.AmountDue)
	}
}
