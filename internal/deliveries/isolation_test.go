package deliveries_test

import (
	"fmt"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// TestSlowPartnerDoesNotDelayAnother: a partner whose receiver never
// answers has more reports waiting than one claim takes, all older than
// another partner's; the other partner still gets every one of its
// reports, while the hanging one has none acknowledged. Counted within a
// generous bound, never timed.
func TestSlowPartnerDoesNotDelayAnother(t *testing.T) {
	b := systemtest.New(t)
	realTime(t, b)
	partner(t, b, "slow")
	partner(t, b, "fast")
	hang := deliverytest.New(t)
	hang.Script(func(deliverytest.Request) deliverytest.Answer { return deliverytest.Answer{Hang: true} })
	quick := deliverytest.New(t)
	subscribeWith(t, b, "slow", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: hang.URL, Timeout: park.MaxDeliveryTimeout})
	// A node that claims 16 at a time and holds at most 64 (small, so
	// that a small backlog shows it): far more than that of the slow
	// partner's reports come first, then reports both partners want.
	worker := deliveries.New(deliveries.Config{Store: b.Store, Now: b.Clock.Now, Options: deliveries.Options{
		AllowPrivate: true, Poll: 10 * time.Millisecond, Batch: 16, MaxInFlight: 64}})
	at := b.Clock.Now().Add(-time.Hour)
	err := b.Store.Update(b.Ctx, func(tx park.Tx) error {
		for i := range 400 {
			if _, err := tx.Enqueue(b.Ctx, &park.Report{ID: fmt.Sprintf("backlog-%d", i), Kind: park.ReportEntry,
				LotCode: b.Lot, Key: park.StayKey(fmt.Sprintf("backlog-%d", i)), At: at, Data: []byte(`{}`)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	subscribeWith(t, b, "fast", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: quick.URL, Timeout: 5 * time.Second})
	visits(t, b, "F", 20)
	runService(t, worker)
	waitFor(t, "the fast partner's 20 reports", func() bool { return len(quick.Acked()) == 20 })
	if n := len(hang.Acked()); n != 0 {
		t.Errorf("the hanging partner acknowledged %d reports", n)
	}
	if n := hang.Len(); n == 0 || n > 4*park.DefaultConcurrency {
		t.Errorf("the hanging partner got %d requests, want some and at most its concurrency's share", n)
	}
}

// TestGateNeverWaitsForAReport: while the partner's receiver holds every
// request open, cars keep entering and leaving: each gate event is
// answered (the reports are only written with it), and the receiver
// still has not answered one.
func TestGateNeverWaitsForAReport(t *testing.T) {
	b := systemtest.New(t)
	realTime(t, b)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	rc.Script(func(deliverytest.Request) deliverytest.Answer { return deliverytest.Answer{Hang: true} })
	for _, k := range []string{park.ReportEntry, park.ReportExit, park.ReportOrder} {
		subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: k, URL: rc.URL, Timeout: park.MaxDeliveryTimeout})
	}
	visits(t, b, "G", 2)
	run(t, b)
	waitFor(t, "requests held open by the receiver", func() bool { return rc.Len() >= 2 })

	done := make(chan struct{})
	go func() {
		defer close(done)
		at := b.Clock.Now().Add(-10 * time.Minute)
		for i := range 20 {
			plate := fmt.Sprintf("京H%05d", i)
			if _, err := b.EventID(fmt.Sprintf("gate-in-%d", i), park.EventEntry, plate, at); err != nil {
				t.Error(err)
				return
			}
			d, err := b.EventID(fmt.Sprintf("gate-out-%d", i), park.EventExit, plate, at.Add(time.Minute))
			if err != nil {
				t.Error(err)
				return
			}
			if d.Decision != park.DecisionOpen {
				t.Errorf("exit %d: %s, want open", i, d.Decision)
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(within):
		t.Fatalf("40 gate events not answered within %s while the partner hangs", within)
	}
	if n := len(rc.Acked()); n != 0 {
		t.Fatalf("the receiver acknowledged %d reports; it was to hang throughout", n)
	}
	if n := len(listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"})); n != 3*22 {
		t.Errorf("%d deliveries written, want %d (entry, exit and order of 22 stays)", n, 3*22)
	}
}
