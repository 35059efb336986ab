package deliveries_test

import (
	"net/http"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/gate"
	"parkd/internal/park"
)

// TestSensorlessQuoteOutlivesTheAsk: a lot may keep its quotes as little
// as 10 s, less than an ask's answer may take to pay (the subscription's
// timeout, and SensorlessLate more). The partner that acknowledges
// within that has charged its driver: its payment is recorded, once, and
// the car opens, however short the lot's quotes are; not refused as an
// expired quote and left as an anomaly to refund, with the driver asked
// to pay again.
func TestSensorlessQuoteOutlivesTheAsk(t *testing.T) {
	for _, late := range []bool{false, true} {
		name := map[bool]string{false: "InTime", true: "Late"}[late]
		t.Run(name, func(t *testing.T) {
			asked, release := make(chan struct{}, 1), make(chan struct{})
			rc := newReceiver(t)
			rc.reply = func(int, received) (int, http.Header, string, time.Duration) {
				asked <- struct{}{}
				<-release
				return 200, nil, paidAnswer, 0
			}
			b, st := sensorless(t, rc)
			if _, err := b.Sys.Gate.UpdateLot(b.Ctx, b.Lot, func(l *park.Lot) error { l.QuoteTTLSeconds = 10; return nil }); err != nil {
				t.Fatal(err)
			}
			if !late { // the lane waits 20 s (by the wall clock): the answer comes in time
				subs, err := b.Sys.Deliveries.ListSubscriptions(b.Ctx, "etc")
				if err != nil {
					t.Fatal(err)
				}
				timeout := 20 * time.Second
				if _, err := b.Sys.Deliveries.UpdateSubscription(b.Ctx, "etc", subs[0].ID, deliveries.SubscriptionPatch{Timeout: &timeout}); err != nil {
					t.Fatal(err)
				}
			}
			due := int64(800) // Fee(2 h) = 4 × 200
			decided := make(chan park.Decision, 1)
			go func() { // not exit: t.Fatal belongs to the test's goroutine
				d, err := b.Sys.Gate.HandleEvent(b.Ctx, gate.EventInput{LotCode: b.Lot, ID: "x-1", Type: park.EventExit,
					Plate: "京S12345", Lane: "out-1", At: b.Clock.Now()})
				if err != nil {
					t.Error(err)
				}
				decided <- d
			}()
			<-asked
			if late {
				d := <-decided // the lane's 300 ms are over: held
				if d.Decision != park.DecisionHold {
					t.Fatalf("decision %+v before the answer, want held", d)
				}
			}
			// The partner answers 15 s after the quote was taken: past the
			// lot's 10 s, within the ask's window.
			b.Clock.Set(b.Clock.Now().Add(15 * time.Second))
			close(release)
			if !late {
				if d := <-decided; d.Decision != park.DecisionOpen {
					t.Errorf("decision %+v after the partner paid in time, want open", d)
				}
			}
			waitFor(t, "the partner's payment", func() bool { return b.Stay(t, st.ID).Paid == due })
			as, err := b.Sys.Gate.ListAnomalies(b.Ctx, b.Lot, 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range as {
				if a.Kind == deliveries.AnomalySensorless {
					t.Errorf("anomaly %s: %s", a.Kind, a.Detail)
				}
			}
		})
	}
}
