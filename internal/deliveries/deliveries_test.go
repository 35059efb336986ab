package deliveries_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// received is one request a test receiver got.
type received struct {
	ID, Timestamp, Signature string
	Body                     []byte
	Type                     string
	StayID                   string
}

// receiver is a partner's endpoint whose answers a test scripts.
type receiver struct {
	*httptest.Server
	mu    sync.Mutex
	got   []received
	reply func(n int, r received) (status int, header http.Header, body string, wait time.Duration)
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{reply: func(int, received) (int, http.Header, string, time.Duration) { return 204, nil, "", 0 }}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var body struct {
			Type string `json:"type"`
			Data struct {
				Stay *park.Stay `json:"stay"`
			} `json:"data"`
		}
		_ = json.Unmarshal(b, &body)
		got := received{ID: r.Header.Get("webhook-id"), Timestamp: r.Header.Get("webhook-timestamp"),
			Signature: r.Header.Get("webhook-signature"), Body: b, Type: body.Type}
		if body.Data.Stay != nil {
			got.StayID = body.Data.Stay.ID
		}
		rc.mu.Lock()
		rc.got = append(rc.got, got)
		n := len(rc.got)
		reply := rc.reply
		rc.mu.Unlock()
		status, h, text, wait := reply(n, got)
		if wait > 0 {
			select {
			case <-time.After(wait):
			case <-r.Context().Done():
				return
			}
		}
		for k, v := range h {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, text)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// run starts the delivery worker until the test ends.
func run(t *testing.T, b *systemtest.Bundle) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = b.Sys.Deliveries.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// waitFor polls until cond holds or the test's bound passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
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
	sub, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, partnerID, deliveries.SubscriptionInput{
		Report: report, URL: url, Schedule: schedule, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// TestDeliveredSignedInOrder: a partner subscribed to entries and exits
// gets each car's entry before its exit, signed with its secret, once.
func TestDeliveredSignedInOrder(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	rc := newReceiver(t)
	entries := subscribe(t, b, "app", park.ReportEntry, rc.URL)
	exits := subscribe(t, b, "app", park.ReportExit, rc.URL)
	if entries.Format != park.FormatNative || !strings.HasPrefix(entries.Secret, deliveries.SecretPrefix) {
		t.Fatalf("subscription %+v", entries)
	}
	at := b.Clock.Now().Add(-10 * time.Minute) // within the 15 free minutes: the exit opens
	for i := range 5 {
		b.Event(t, park.EventEntry, fmt.Sprintf("京A1234%d", i), at)
		b.Event(t, park.EventExit, fmt.Sprintf("京A1234%d", i), at.Add(time.Minute))
	}
	run(t, b)
	waitFor(t, "10 reports", func() bool { return len(rc.requests()) >= 10 })
	time.Sleep(50 * time.Millisecond) // nothing more comes
	got := rc.requests()
	if len(got) != 10 {
		t.Fatalf("%d requests, want 10 (5 entries, 5 exits)", len(got))
	}
	seen := map[string]string{} // stay -> last type
	ids := map[string]bool{}
	for _, r := range got {
		if ids[r.ID] {
			t.Errorf("report %s delivered twice", r.ID)
		}
		ids[r.ID] = true
		secret := entries.Secret
		if r.Type == park.ReportExit {
			secret = exits.Secret
		}
		want, err := deliveries.Sign(secret, r.ID, r.Timestamp, r.Body)
		if err != nil || r.Signature != want {
			t.Errorf("signature %q, want %q (%v)", r.Signature, want, err)
		}
		if r.Type == park.ReportExit && seen[r.StayID] != park.ReportEntry {
			t.Errorf("stay %s: exit delivered before its entry", r.StayID)
		}
		seen[r.StayID] = r.Type
	}
	ds, err := b.Sys.Deliveries.ListDeliveries(b.Ctx, deliveries.DeliveryQuery{PartnerID: "app"})
	if err != nil || len(ds) != 10 {
		t.Fatalf("deliveries %d, %v", len(ds), err)
	}
	for _, d := range ds {
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
		ds, err := b.Sys.Deliveries.ListDeliveries(b.Ctx, deliveries.DeliveryQuery{PartnerID: "app"})
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
