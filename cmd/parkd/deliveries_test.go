package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/loadgen"
)

// deliveryArgs let a node deliver to the test's receiver on loopback, and
// take a killed node's claims over after 5 s rather than 2 minutes.
var deliveryArgs = []string{"--allow-private-webhooks", "--delivery-lease", "5s"}

// outbox is a partner subscribed to entries of lot at rc, and the entries
// whose reports it must get.
type outbox struct {
	lot    string
	secret string
	subURL string
	stays  map[string]bool // stay ids of acknowledged entries
}

// fillOutbox creates lot and a partner subscribed, disabled, to its
// entries at rc; drives n cars in (n reports pending); and returns them.
// Enabling the subscription (start) lets the workers go.
func fillOutbox(ctx context.Context, t *testing.T, a *api, lot string, rc *deliverytest.Receiver, n int) *outbox {
	t.Helper()
	a.createLot(ctx, t, lot)
	// An Ebopark partner: a Linkc one may not use a lot priced in yuan.
	partner := map[string]any{"id": "crm-" + lot, "name": "CRM", "dialect": "ebopark", "secret": "crm-secret-0123456789",
		"type": "normal", "lots": []string{lot}}
	if _, err := a.do(ctx, "POST", "/v1/partners", partner, "", 201, nil); err != nil {
		t.Fatalf("partner: %v", err)
	}
	sched := make([]int, 30) // at once, then every second: a restarted node retries soon
	for i := 1; i < len(sched); i++ {
		sched[i] = 1
	}
	var sub struct {
		ID     string `json:"id"`
		Secret string `json:"secret"`
	}
	body := map[string]any{"report": "entry", "url": rc.URL, "format": "native", "enabled": false,
		"rate_limit": 1000, "concurrency": 16, "timeout_seconds": 5, "schedule_seconds": sched}
	if _, err := a.do(ctx, "POST", "/v1/partners/crm-"+lot+"/subscriptions", body, "", 201, &sub); err != nil {
		t.Fatalf("subscription: %v", err)
	}
	o := &outbox{lot: lot, secret: sub.Secret, subURL: "/v1/partners/crm-" + lot + "/subscriptions/" + sub.ID, stays: map[string]bool{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	at := time.Now().Add(-time.Hour)
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				var d decision
				ev := newEvent(fmt.Sprintf("%s-%d", lot, i), "entry", loadgen.Plate(uint64(5_000_000+i)), at)
				if _, err := a.do(ctx, "POST", "/v1/lots/"+lot+"/events", ev, "", 200, &d); err != nil {
					t.Errorf("entry %d: %v", i, err)
					return
				}
				mu.Lock()
				o.stays[d.str("stay_id")] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(o.stays) != n {
		t.Fatalf("%d entries acknowledged, want %d", len(o.stays), n)
	}
	return o
}

// start enables the subscription: its deliveries, kept meanwhile, go.
func (o *outbox) start(ctx context.Context, t *testing.T, a *api) {
	t.Helper()
	if _, err := a.do(ctx, "PATCH", o.subURL, map[string]any{"enabled": true}, "", 200, nil); err != nil {
		t.Fatalf("enabling the subscription: %v", err)
	}
}

// check verifies what rc got: every stay's entry acknowledged; one event
// id per stay, on every attempt, with one body, signed with the
// subscription's secret; and returns how many reports came more than
// once.
func (o *outbox) check(t *testing.T, rc *deliverytest.Receiver) (duplicates int) {
	t.Helper()
	idOf := map[string]string{}   // stay -> event id
	stayOf := map[string]string{} // event id -> stay
	body := map[string]string{}   // event id -> body
	for _, r := range rc.Requests() {
		var b struct {
			Type string `json:"type"`
			Data struct {
				Stay struct{ ID string } `json:"stay"`
			} `json:"data"`
		}
		if err := json.Unmarshal(r.Body, &b); err != nil || b.Type != "entry" {
			t.Fatalf("request %d: %v: %s", r.Seq, err, r.Body)
		}
		st := b.Data.Stay.ID
		if !o.stays[st] {
			t.Errorf("a report of stay %s, not one of the test's entries", st)
		}
		if id, ok := idOf[st]; ok && id != r.EventID {
			t.Errorf("stay %s's entry came with event ids %s and %s", st, id, r.EventID)
		}
		if s, ok := stayOf[r.EventID]; ok && s != st {
			t.Errorf("event id %s names stays %s and %s", r.EventID, s, st)
		}
		if b, ok := body[r.EventID]; ok && b != string(r.Body) {
			t.Errorf("event %s came with two bodies", r.EventID)
		}
		idOf[st], stayOf[r.EventID], body[r.EventID] = r.EventID, st, string(r.Body)
		want, err := deliveries.Sign(o.secret, r.EventID, r.Header.Get("webhook-timestamp"), r.Body)
		if err != nil || r.Header.Get("webhook-signature") != want {
			t.Errorf("event %s: signature %q, want %q", r.EventID, r.Header.Get("webhook-signature"), want)
		}
	}
	acked := rc.Acked()
	for st := range o.stays {
		id, ok := idOf[st]
		switch {
		case !ok:
			t.Errorf("stay %s: its entry never reached the partner", st)
		case acked[id] == 0:
			t.Errorf("stay %s: its entry (event %s) was never acknowledged", st, id)
		case acked[id] > 1:
			duplicates++
		}
	}
	return duplicates
}

// waitAllAcked waits (bounded) until every stay's entry is acknowledged.
func (o *outbox) waitAllAcked(t *testing.T, rc *deliverytest.Receiver, within time.Duration) {
	t.Helper()
	deliverytest.WaitFor(t, within, fmt.Sprintf("the %d reports", len(o.stays)), func() bool { return len(rc.Acked()) >= len(o.stays) })
}

// waitNothingLeft waits until the node shows no delivery still to be
// delivered: every one delivered, none pending, sending, failed or dead.
func (o *outbox) waitNothingLeft(ctx context.Context, t *testing.T, a *api) {
	t.Helper()
	waitNoDeliveryLeft(ctx, t, a, "crm-"+o.lot)
}

// waitNoDeliveryLeft waits until the node shows none of a partner's
// deliveries pending, sending, failed or dead.
func waitNoDeliveryLeft(ctx context.Context, t *testing.T, a *api, partner string) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		left := ""
		for _, state := range []string{"pending", "sending", "failed", "dead"} {
			var page struct{ Deliveries []json.RawMessage }
			if _, err := a.do(ctx, "GET", "/v1/deliveries?partner="+partner+"&state="+state, nil, "", 200, &page); err != nil {
				t.Fatal(err)
			}
			if len(page.Deliveries) > 0 {
				left += fmt.Sprintf(" %d %s", len(page.Deliveries), state)
			}
		}
		if left == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries left after every report was acknowledged:%s", left)
		}
	}
}

// TestCrashDeliversEveryReport kills parkd with SIGKILL while 1,000
// reports are being delivered, some acknowledged by the partner, some
// being sent, most pending; after a restart on the same data folder the
// partner has every one, and a report sent again (the partner
// acknowledged it, parkd died before recording so) carries the same
// event id and body.
func TestCrashDeliversEveryReport(t *testing.T) {
	bin := buildParkd(t)
	data := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	rc := deliverytest.New(t)
	rc.Script(func(deliverytest.Request) deliverytest.Answer { return deliverytest.Answer{Wait: 2 * time.Millisecond} })

	srv := spawnParkd(t, bin, "before the kill", append([]string{"--data", data}, deliveryArgs...)...)
	srv.waitListening()
	a := newAPI(srv.url)
	const reports = 1000
	o := fillOutbox(ctx, t, a, "crash-dlv", rc, reports)
	o.start(ctx, t, a)
	deliverytest.WaitFor(t, 60*time.Second, "the first 150 reports", func() bool { return len(rc.Acked()) >= 150 })
	if err := srv.stop(syscall.SIGKILL); err == nil {
		t.Fatal("parkd exited cleanly on SIGKILL; it was not running?")
	}
	before := len(rc.Acked())
	if before >= reports {
		t.Fatalf("all %d reports were delivered before the kill; nothing was pending", reports)
	}
	t.Logf("acknowledged before SIGKILL: %d of %d reports (%d requests)", before, reports, rc.Len())

	srv = spawnParkd(t, bin, "after the restart", append([]string{"--data", data}, deliveryArgs...)...)
	srv.waitListening()
	a = newAPI(srv.url)
	o.waitAllAcked(t, rc, 2*time.Minute)
	o.waitNothingLeft(ctx, t, a)
	dup := o.check(t, rc)
	t.Logf("after the restart: %d reports, %d requests, %d reports acknowledged more than once", reports, rc.Len(), dup)
}

// TestTwoNodesDrainOneOutbox runs two nodes on one PostgreSQL schema
// delivering one partner's 1,000 reports, and kills one of them midway:
// the other delivers every report, none is left behind, and no report is
// ever being sent by both nodes at once.
func TestTwoNodesDrainOneOutbox(t *testing.T) {
	bin, dbURL, schema := pgSetup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	rc := deliverytest.New(t)
	rc.Script(func(deliverytest.Request) deliverytest.Answer { return deliverytest.Answer{Wait: 5 * time.Millisecond} })

	na := spawnParkd(t, bin, "node A", append(pgArgs(t, dbURL, schema), deliveryArgs...)...)
	nb := spawnParkd(t, bin, "node B", append(pgArgs(t, dbURL, schema), deliveryArgs...)...)
	na.waitListening()
	nb.waitListening()
	a, b := newAPI(na.url), newAPI(nb.url)
	const reports = 1000
	o := fillOutbox(ctx, t, a, "mn-dlv", rc, reports)
	o.start(ctx, t, b)
	deliverytest.WaitFor(t, 60*time.Second, "the first 200 reports", func() bool { return len(rc.Acked()) >= 200 })
	if err := na.stop(syscall.SIGKILL); err == nil {
		t.Fatal("node A exited cleanly on SIGKILL; it was not running?")
	}
	t.Logf("acknowledged when node A was killed: %d of %d", len(rc.Acked()), reports)
	o.waitAllAcked(t, rc, 2*time.Minute)
	o.waitNothingLeft(ctx, t, b)
	dup := o.check(t, rc)
	// Two requests of one report overlap only if two nodes sent it at
	// once (a request of the killed node ends when its connection does).
	open := map[string][]deliverytest.Request{}
	for _, r := range rc.Requests() {
		for _, p := range open[r.EventID] {
			if p.End.IsZero() || r.Start.Before(p.End) {
				t.Errorf("report %s sent twice at once (requests %d and %d)", r.EventID, p.Seq, r.Seq)
			}
		}
		open[r.EventID] = append(open[r.EventID], r)
	}
	t.Logf("%d requests for %d reports; %d acknowledged more than once", rc.Len(), reports, dup)
	select {
	case <-nb.exited:
		t.Errorf("node B exited: %v", nb.err)
	default:
	}
}
