package deliveries_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/deliveries"
	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// sensorless sets up a partner with a sensorless_exit subscription to rc
// (timeout 300 ms) and the plate 京S12345 enrolled, inside since 2 h ago:
// under the test tariff it owes Fee(2 h) = 4 × 200 = 800.
func sensorless(t *testing.T, rc *receiver) (*systemtest.Bundle, *park.Stay) {
	t.Helper()
	return sensorlessAt(t, rc.URL, systemtest.Options{})
}

// sensorlessAt is sensorless with the partner's receiver at url, in a
// core built with opts.
func sensorlessAt(t *testing.T, url string, opts systemtest.Options) (*systemtest.Bundle, *park.Stay) {
	t.Helper()
	b := systemtest.NewWith(t, opts)
	partner(t, b, "etc")
	if _, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, "etc", deliveries.SubscriptionInput{
		Report: park.ReportSensorlessExit, URL: url, Timeout: 300 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Partners.Enrol(b.Ctx, "etc", "京s12345"); err != nil {
		t.Fatal(err)
	}
	d := b.Event(t, park.EventEntry, "京S12345", b.Clock.Now().Add(-2*time.Hour))
	return b, b.Stay(t, d.StayID)
}

// paidAnswer is a native partner's answer that it paid.
const paidAnswer = `{"paid":true}`

func exit(t *testing.T, b *systemtest.Bundle, id string) park.Decision {
	t.Helper()
	d, err := b.Sys.Gate.HandleEvent(b.Ctx, gate.EventInput{LotCode: b.Lot, ID: id, Type: park.EventExit, Plate: "京S12345",
		Lane: "out-1", At: b.Clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestSensorlessPaid: the enrolled car's partner acknowledges, so the
// barrier opens with the stay paid by the partner, once; the partner saw
// the quote with the amount due.
func TestSensorlessPaid(t *testing.T) {
	rc := newReceiver(t)
	b, st := sensorless(t, rc)
	due := systemtest.Fee(2 * time.Hour)
	d := exit(t, b, "出口-x1") // a camera's event id need not be ASCII
	systemtest.WantDecision(t, d, park.DecisionOpen, park.ReasonPaid, 0)
	got := rc.requests()
	if len(got) != 1 || got[0].Type != park.ReportSensorlessExit {
		t.Fatalf("the partner got %d requests %+v, want one sensorless_exit", len(got), got)
	}
	// webhook-id is signed as it travels, so it must be ASCII to verify
	// the same in every language's HTTP library.
	for _, c := range got[0].ID {
		if c < 0x21 || c > 0x7e {
			t.Fatalf("webhook-id %q carries %q, which an HTTP header cannot", got[0].ID, c)
		}
	}
	var body struct {
		Data park.ReportData `json:"data"`
	}
	if err := json.Unmarshal(got[0].Body, &body); err != nil || body.Data.Quote == nil || body.Data.Quote.AmountDue != due ||
		body.Data.Stay == nil || body.Data.Stay.ID != st.ID {
		t.Fatalf("the partner was asked %s (%v)", got[0].Body, err)
	}
	paid := b.Stay(t, st.ID)
	if paid.State != park.StayOut || paid.Paid != due {
		t.Fatalf("stay %+v, want left with %d paid", paid, due)
	}
	// A camera's retry of the event answers the first decision and asks
	// the partner nothing more.
	systemtest.WantDecision(t, exit(t, b, "出口-x1"), park.DecisionOpen, park.ReasonPaid, 0)
	if n := len(rc.requests()); n != 1 {
		t.Fatalf("the partner was asked %d times", n)
	}
}

// TestSensorlessRefused: a partner that refuses or does not answer in
// time leaves the car held as any other; a late acknowledgement pays the
// stay then (the next exit opens), exactly once.
func TestSensorlessRefused(t *testing.T) {
	t.Run("Refused", func(t *testing.T) {
		rc := newReceiver(t)
		rc.reply = func(int, received) (int, http.Header, string, time.Duration) { return 402, nil, "no funds", 0 }
		b, st := sensorless(t, rc)
		systemtest.WantDecision(t, exit(t, b, "x-1"), park.DecisionHold, park.ReasonPaymentRequired, systemtest.Fee(2*time.Hour))
		if s := b.Stay(t, st.ID); s.Paid != 0 || s.State != park.StayIn {
			t.Fatalf("stay %+v", s)
		}
		// The camera's retry of that read gets the same answer, and the
		// partner is not asked again: only a new read is a new exit.
		systemtest.WantDecision(t, exit(t, b, "x-1"), park.DecisionHold, park.ReasonPaymentRequired, systemtest.Fee(2*time.Hour))
		if n := len(rc.requests()); n != 1 {
			t.Fatalf("the partner was asked %d times, want once", n)
		}
	})
	t.Run("RefusedAskedAgainAtTheNextRead", func(t *testing.T) {
		// A refusal ends the ask: no payment can come of it, so the car's
		// next read (the driver topped up the account) asks again at once.
		rc := newReceiver(t)
		rc.reply = func(n int, _ received) (int, http.Header, string, time.Duration) {
			if n == 1 {
				return 402, nil, "no funds", 0
			}
			return 200, nil, paidAnswer, 0
		}
		b, st := sensorless(t, rc)
		systemtest.WantDecision(t, exit(t, b, "x-1"), park.DecisionHold, park.ReasonPaymentRequired, systemtest.Fee(2*time.Hour))
		systemtest.WantDecision(t, exit(t, b, "x-2"), park.DecisionOpen, park.ReasonPaid, 0)
		if n := len(rc.requests()); n != 2 {
			t.Fatalf("the partner was asked %d times, want twice", n)
		}
		if s := b.Stay(t, st.ID); s.Paid != systemtest.Fee(2*time.Hour) {
			t.Fatalf("stay paid %d", s.Paid)
		}
	})
	t.Run("LateSuccess", func(t *testing.T) {
		rc := newReceiver(t)
		rc.reply = func(int, received) (int, http.Header, string, time.Duration) {
			return 200, nil, paidAnswer, time.Second
		}
		b, st := sensorless(t, rc)
		due := systemtest.Fee(2 * time.Hour)
		systemtest.WantDecision(t, exit(t, b, "x-1"), park.DecisionHold, park.ReasonPaymentRequired, due)
		waitFor(t, "the late payment", func() bool { return b.Stay(t, st.ID).Paid == due })
		systemtest.WantDecision(t, exit(t, b, "x-2"), park.DecisionOpen, park.ReasonPaid, 0)
	})
	t.Run("LateSuccessPaidElsewhere", func(t *testing.T) {
		rc := newReceiver(t)
		rc.reply = func(int, received) (int, http.Header, string, time.Duration) {
			return 200, nil, paidAnswer, time.Second
		}
		b, st := sensorless(t, rc)
		due := systemtest.Fee(2 * time.Hour)
		systemtest.WantDecision(t, exit(t, b, "x-1"), park.DecisionHold, park.ReasonPaymentRequired, due)
		// Meanwhile the driver pays at the machine.
		q, err := b.Sys.Billing.CreateQuote(b.Ctx, st.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "cash"}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "an anomaly about the late payment", func() bool {
			as, err := b.Sys.Gate.ListAnomalies(b.Ctx, b.Lot, 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range as {
				if a.Kind == deliveries.AnomalySensorless && a.StayID == st.ID {
					return true
				}
			}
			return false
		})
		if s := b.Stay(t, st.ID); s.Paid != due {
			t.Fatalf("stay paid %d, want %d: charged once", s.Paid, due)
		}
	})
}

// TestSensorlessAskedOnce: the same exit read arriving twice at once (a
// camera's retry reaching a second node before the first answered) asks
// the partner once; both reads open on the one payment.
func TestSensorlessAskedOnce(t *testing.T) {
	rc := newReceiver(t)
	rc.reply = func(int, received) (int, http.Header, string, time.Duration) {
		return 200, nil, paidAnswer, 100 * time.Millisecond
	}
	b, st := sensorless(t, rc)
	due := systemtest.Fee(2 * time.Hour)
	ds := make(chan park.Decision, 2)
	for range 2 {
		go func() {
			d, err := b.Sys.Gate.HandleEvent(b.Ctx, gate.EventInput{LotCode: b.Lot, ID: "x-1", Type: park.EventExit, Plate: "京S12345",
				Lane: "out-1", At: b.Clock.Now()})
			if err != nil {
				t.Error(err)
			}
			ds <- d
		}()
	}
	for range 2 {
		systemtest.WantDecision(t, <-ds, park.DecisionOpen, park.ReasonPaid, 0)
	}
	if n := len(rc.requests()); n != 1 {
		t.Fatalf("the partner was asked %d times for one exit, want once", n)
	}
	if s := b.Stay(t, st.ID); s.Paid != due || s.State != park.StayOut {
		t.Fatalf("stay paid %d state %s, want %d paid and left", s.Paid, s.State, due)
	}
}

// TestSensorlessNotAskedTwiceWhileAnswerPending: a partner that answers
// after the lane gave up waiting may still pay (it has until
// SensorlessLate more). A new read of the same car meanwhile (the camera
// reads it again, still at the barrier) does not ask the partner a second
// time, which it would charge its driver for again: it waits for the
// first ask's payment, and opens once it is recorded.
func TestSensorlessNotAskedTwiceWhileAnswerPending(t *testing.T) {
	rc := newReceiver(t)
	rc.reply = func(int, received) (int, http.Header, string, time.Duration) {
		return 200, nil, paidAnswer, 1500 * time.Millisecond
	}
	b, st := sensorless(t, rc)
	realTime(t, b)
	due := systemtest.Fee(2 * time.Hour)
	systemtest.WantDecision(t, exit(t, b, "x-1"), park.DecisionHold, park.ReasonPaymentRequired, due)
	// Read again after the lane's wait (300 ms) and before the answer.
	start := b.Clock.Now()
	waitFor(t, "the lane's wait to pass", func() bool { return b.Clock.Now().Sub(start) > 400*time.Millisecond })
	exit(t, b, "x-2")
	waitFor(t, "the late payment", func() bool { return b.Stay(t, st.ID).Paid == due })
	systemtest.WantDecision(t, exit(t, b, "x-3"), park.DecisionOpen, park.ReasonPaid, 0)
	if n := len(rc.requests()); n != 1 {
		t.Fatalf("the partner was asked %d times for one stay while its first answer was due, want once", n)
	}
	as, err := b.Sys.Gate.ListAnomalies(b.Ctx, b.Lot, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.Kind == deliveries.AnomalySensorless {
			t.Errorf("anomaly %s: %s", a.Kind, a.Detail)
		}
	}
}

// cancelOnPay is billing whose Pay first ends the lane's request (its
// context), as a camera that gives up waiting does at that moment.
type cancelOnPay struct {
	deliveries.Billing
	cancel context.CancelFunc
}

func (c cancelOnPay) Pay(ctx context.Context, req park.PaymentRequest) (billing.PaymentResult, error) {
	c.cancel()
	return c.Billing.Pay(ctx, req)
}

// TestSensorlessPaidAsTheLaneGivesUp: the partner acknowledges (it has
// charged its driver) and the lane's request ends just then (the camera
// gave up waiting): the payment is still recorded, once, so the car's
// next read opens rather than asking the driver to pay again.
func TestSensorlessPaidAsTheLaneGivesUp(t *testing.T) {
	rc := newReceiver(t)
	b, st := sensorless(t, rc)
	due := systemtest.Fee(2 * time.Hour)
	subs, err := b.Sys.Deliveries.ListSubscriptions(b.Ctx, "etc")
	if err != nil || len(subs) != 1 {
		t.Fatal(subs, err)
	}
	var l *park.Lot
	if err := b.Store.View(b.Ctx, func(tx park.Tx) (err error) { l, err = tx.GetLotSettings(b.Ctx, b.Lot); return err }); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(b.Ctx)
	defer cancel()
	svc := deliveries.New(deliveries.Config{Store: b.Store, Now: b.Clock.Now, Billing: cancelOnPay{b.Sys.Billing, cancel},
		Anomalies: b.Sys.Gate, Options: deliveries.Options{AllowPrivate: true}})
	_, _ = svc.Settle(ctx, l, st, &park.Enrolment{PartnerID: "etc", Plate: st.Plate, SubscriptionID: subs[0].ID}, "x-1")
	if s := b.Stay(t, st.ID); s.Paid != due {
		t.Fatalf("stay paid %d after the partner acknowledged, want %d", s.Paid, due)
	}
	systemtest.WantDecision(t, exit(t, b, "x-2"), park.DecisionOpen, park.ReasonPaid, 0)
	if n := len(rc.requests()); n != 1 {
		t.Fatalf("the partner was asked %d times, want once", n)
	}
}

// TestSensorlessNeedsPaidAnswer: in the native format only an answer that
// says it paid ({"paid":true}) opens the barrier as paid. A webhook
// receiver that takes every report with a 204, or says anything else,
// has charged no one: the car stays held for the amount due, unpaid.
func TestSensorlessNeedsPaidAnswer(t *testing.T) {
	due := systemtest.Fee(2 * time.Hour)
	for name, body := range map[string]string{
		"NoBody":       "",
		"NotPaid":      `{"paid":false}`,
		"PaidAsText":   `{"paid":"true"}`,
		"OtherAnswer":  `{"status":"ok"}`,
		"PaidTwice":    `{"paid":false,"paid":true}`,
		"NotAnObject":  `true`,
		"PaidInsideOf": `{"result":{"paid":true}}`,
	} {
		t.Run(name, func(t *testing.T) {
			rc := newReceiver(t)
			rc.reply = func(int, received) (int, http.Header, string, time.Duration) { return 200, nil, body, 0 }
			b, st := sensorless(t, rc)
			systemtest.WantDecision(t, exit(t, b, "x-1"), park.DecisionHold, park.ReasonPaymentRequired, due)
			if s := b.Stay(t, st.ID); s.Paid != 0 || s.State != park.StayIn {
				t.Fatalf("stay paid %d state %s after the answer %q, want unpaid and inside", s.Paid, s.State, body)
			}
		})
	}
}
