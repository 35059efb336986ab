package deliveries_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// within bounds every wait of these tests: generous, for a busy machine.
const within = 30 * time.Second

// native is what a test reads of a native delivery.
type native struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      struct {
		Stay *park.Stay `json:"stay"`
	} `json:"data"`
}

func parse(t *testing.T, r deliverytest.Request) native {
	t.Helper()
	var n native
	if err := json.Unmarshal(r.Body, &n); err != nil {
		t.Fatalf("request %d is not a native body: %v: %s", r.Seq, err, r.Body)
	}
	return n
}

// stayOf is the stay a native delivery is about ("" for lot reports).
func stayOf(t *testing.T, r deliverytest.Request) string {
	if n := parse(t, r); n.Data.Stay != nil {
		return n.Data.Stay.ID
	}
	return ""
}

// run starts the bundle's delivery worker until the test ends.
func run(t *testing.T, b *systemtest.Bundle) { runService(t, b.Sys.Deliveries) }

// runService starts a delivery worker until the test ends.
func runService(t *testing.T, s *deliveries.Service) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// received and receiver are this file's first helpers, kept, over
// deliverytest, for the tests written with them: reply answers the n-th
// request.
type received struct {
	ID, Timestamp, Signature string
	Body                     []byte
	Type                     string
	StayID                   string
}

type receiver struct {
	*deliverytest.Receiver
	reply func(n int, r received) (status int, header http.Header, body string, wait time.Duration)
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{Receiver: deliverytest.New(t),
		reply: func(_ int, r received) (int, http.Header, string, time.Duration) {
			if r.Type == park.ReportSensorlessExit {
				return 200, nil, paidAnswer, 0 // a sensorless ask is paid only when the answer says so
			}
			return 204, nil, "", 0
		}}
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		status, h, body, wait := rc.reply(r.Seq, toReceived(r))
		return deliverytest.Answer{Status: status, Header: h, Body: body, Wait: wait}
	})
	return rc
}

func toReceived(r deliverytest.Request) received {
	var body struct {
		Type string `json:"type"`
		Data struct {
			Stay *park.Stay `json:"stay"`
		} `json:"data"`
	}
	_ = json.Unmarshal(r.Body, &body)
	got := received{ID: r.EventID, Timestamp: r.Header.Get("webhook-timestamp"), Signature: r.Header.Get("webhook-signature"),
		Body: r.Body, Type: body.Type}
	if body.Data.Stay != nil {
		got.StayID = body.Data.Stay.ID
	}
	return got
}

func (rc *receiver) requests() []received {
	var out []received
	for _, r := range rc.Requests() {
		out = append(out, toReceived(r))
	}
	return out
}

// realTime makes the bundle's clock follow the wall clock from where it
// stands, so that retries and Retry-After come due; the systemtest clock
// otherwise stands still.
func realTime(t *testing.T, b *systemtest.Bundle) {
	start, base := time.Now(), b.Clock.Now()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				b.Clock.Set(base.Add(time.Since(start)))
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done })
}

// waitFor polls until cond holds or the test's bound passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deliverytest.WaitFor(t, within, what, cond)
}

func partner(t *testing.T, b *systemtest.Bundle, id string) {
	t.Helper()
	if _, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: id, Name: id, Dialect: systemtest.Dialects[0],
		Type: park.PartnerNormal, Lots: []string{b.Lot}}); err != nil {
		t.Fatal(err)
	}
}

func subscribe(t *testing.T, b *systemtest.Bundle, partnerID, report, url string, schedule ...time.Duration) *park.Subscription {
	t.Helper()
	return subscribeWith(t, b, partnerID, deliveries.SubscriptionInput{Report: report, URL: url, Schedule: schedule, Timeout: 5 * time.Second})
}

func subscribeWith(t *testing.T, b *systemtest.Bundle, partnerID string, in deliveries.SubscriptionInput) *park.Subscription {
	t.Helper()
	sub, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, partnerID, in)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// shortSchedule is a retry schedule for tests: many quick attempts.
func shortSchedule(n int, wait time.Duration) []time.Duration {
	s := make([]time.Duration, n)
	for i := 1; i < n; i++ {
		s[i] = wait
	}
	return s
}

// visits drives n cars through entry and, a minute later, exit (free:
// within the tariff's 15 minutes), and returns their stay ids.
func visits(t *testing.T, b *systemtest.Bundle, prefix string, n int) []string {
	t.Helper()
	at := b.Clock.Now().Add(-10 * time.Minute)
	var stays []string
	for i := range n {
		plate := fmt.Sprintf("京%s%05d", prefix, i)
		d := b.Event(t, park.EventEntry, plate, at)
		b.Event(t, park.EventExit, plate, at.Add(time.Minute))
		stays = append(stays, d.StayID)
	}
	return stays
}

func listDeliveries(t *testing.T, b *systemtest.Bundle, q deliveries.DeliveryQuery) []*park.Delivery {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = park.MaxListLimit
	}
	ds, _, err := b.Sys.Deliveries.DeliveryPage(b.Ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestDeliveredSignedInOrder: a partner subscribed to entries and exits
// gets each car's entry before its exit, signed with its secret, once.
func TestDeliveredSignedInOrder(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	entries := subscribe(t, b, "app", park.ReportEntry, rc.URL)
	exits := subscribe(t, b, "app", park.ReportExit, rc.URL)
	if entries.Format != park.FormatNative || !strings.HasPrefix(entries.Secret, deliveries.SecretPrefix) {
		t.Fatalf("subscription %+v", entries)
	}
	visits(t, b, "A", 5)
	run(t, b)
	waitFor(t, "10 reports", func() bool { return len(rc.Acked()) >= 10 })
	ds := listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"})
	if len(ds) != 10 {
		t.Fatalf("%d deliveries, want 10 (5 entries, 5 exits)", len(ds))
	}
	waitFor(t, "every delivery recorded delivered", func() bool {
		for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"}) {
			if d.State != park.DeliveryDelivered {
				return false
			}
		}
		return true
	})
	got := rc.Requests()
	if len(got) != 10 {
		t.Fatalf("%d requests, want 10", len(got))
	}
	seen := map[string]string{} // stay -> last type
	for _, r := range got {
		n := parse(t, r)
		secret := entries.Secret
		if n.Type == park.ReportExit {
			secret = exits.Secret
		}
		if !verifies(t, secret, r.EventID, r.Header.Get("webhook-timestamp"), r.Body, r.Header.Get("webhook-signature")) {
			t.Errorf("report %s: signature %q does not verify with its subscription's secret", r.EventID, r.Header.Get("webhook-signature"))
		}
		stay := n.Data.Stay.ID
		if n.Type == park.ReportExit && seen[stay] != park.ReportEntry {
			t.Errorf("stay %s: exit delivered before its entry", stay)
		}
		seen[stay] = n.Type
	}
	for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"}) {
		if d.State != park.DeliveryDelivered || d.Attempts != 1 || d.LastStatus != 204 {
			t.Errorf("delivery %+v", d)
		}
	}
}

// TestReplyWithControlCharacters: a partner's reply is recorded as text
// both stores keep: its NUL bytes and control characters (which
// PostgreSQL would refuse, so the attempt could not be recorded) become
// '?'.
func TestReplyWithControlCharacters(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	rc := newReceiver(t)
	rc.reply = func(int, received) (int, http.Header, string, time.Duration) {
		return 500, nil, "\x00\x1b[31mboom\r\n", 0
	}
	subscribe(t, b, "app", park.ReportEntry, rc.URL, 0) // one attempt
	b.Event(t, park.EventEntry, "京A12345", b.Clock.Now().Add(-time.Minute))
	run(t, b)
	var d *park.Delivery
	waitFor(t, "the attempt recorded", func() bool {
		ds, _, err := b.Sys.Deliveries.DeliveryPage(b.Ctx, deliveries.DeliveryQuery{PartnerID: "app"})
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) == 1 && ds[0].State == park.DeliveryDead {
			d = ds[0]
			return true
		}
		return false
	})
	if d.Attempts != 1 || d.LastStatus != 500 || d.LastReply != "??[31mboom??" {
		t.Fatalf("recorded as %d attempts, %d %q", d.Attempts, d.LastStatus, d.LastReply)
	}
}
