package deliveries_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// TestDisabledSubscriptionKeepsItsReports: a subscription created
// disabled gets its deliveries written and kept, none sent, while the
// partner's other subscription is served; enabled, it gets them all.
func TestDisabledSubscriptionKeepsItsReports(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	subscribe(t, b, "app", park.ReportEntry, rc.URL+"/entry")
	off := false
	exits := subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportExit, URL: rc.URL + "/exit", Enabled: &off})
	stays := visits(t, b, "D", 3)
	run(t, b)
	waitFor(t, "the entries", func() bool { return len(rc.Acked()) == 3 })
	kept := listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: exits.ID})
	if len(kept) != 3 {
		t.Fatalf("the disabled subscription has %d deliveries, want 3", len(kept))
	}
	for _, d := range kept {
		if d.State != park.DeliveryPending || d.Attempts != 0 {
			t.Errorf("delivery of a disabled subscription %+v, want pending, never tried", d)
		}
	}
	for _, r := range rc.Requests() {
		if r.Path == "/exit" {
			t.Fatalf("an exit was sent while its subscription was disabled")
		}
	}

	on := true
	if _, err := b.Sys.Deliveries.UpdateSubscription(b.Ctx, "app", exits.ID, deliveries.SubscriptionPatch{Enabled: &on}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the exits kept meanwhile", func() bool { return len(rc.Acked()) == 6 })
	got := map[string]bool{}
	for _, r := range rc.Requests() {
		if r.Path == "/exit" {
			got[stayOf(t, r)] = true
		}
	}
	for _, st := range stays {
		if !got[st] {
			t.Errorf("stay %s: its exit never came", st)
		}
	}
}

// TestRedeliver sends one report again, then a subscription's reports
// since a time: each again with its event id and body, attempts counted
// from the start.
func TestRedeliver(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	partner(t, b, "other")
	rc := deliverytest.New(t)
	entries := subscribe(t, b, "app", park.ReportEntry, rc.URL)
	others := subscribe(t, b, "other", park.ReportEntry, rc.URL+"/other")
	// Three cars, entering 30, 20 and 10 minutes ago (each leaves a minute
	// later, free), their reports written as they happened.
	now := b.Clock.Now()
	var stays []string
	for i, ago := range []time.Duration{30 * time.Minute, 20 * time.Minute, 10 * time.Minute} {
		plate := fmt.Sprintf("京R%05d", i)
		b.Clock.Set(now.Add(-ago))
		stays = append(stays, b.Event(t, park.EventEntry, plate, now.Add(-ago)).StayID)
		b.Clock.Set(now.Add(-ago + time.Minute))
		b.Event(t, park.EventExit, plate, now.Add(-ago+time.Minute))
	}
	b.Clock.Set(now)
	run(t, b)
	delivered := func(n int) func() bool {
		return func() bool {
			ds := listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: entries.ID, State: park.DeliveryDelivered})
			return len(ds) == n
		}
	}
	waitFor(t, "the three entries, to each partner", func() bool {
		return delivered(3)() && rc.Len() == 6 &&
			len(listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: others.ID, State: park.DeliveryDelivered})) == 3
	})
	first := map[string]deliverytest.Request{} // stay -> its first request
	for _, r := range rc.Requests() {
		if r.Path != "/other" {
			first[stayOf(t, r)] = r
		}
	}
	sent := rc.Len()

	t.Run("OneReport", func(t *testing.T) {
		again := first[stays[1]]
		rp, err := b.Sys.Deliveries.Redeliver(b.Ctx, "app", entries.ID, again.EventID, time.Time{})
		if n := rp.Redelivered; err != nil || n != 1 {
			t.Fatalf("redeliver one report: %d, %v; want 1", n, err)
		}
		waitFor(t, "the report again", func() bool { return rc.Len() == sent+1 && delivered(3)() })
		r := rc.Requests()[sent]
		if r.Path == "/other" || r.EventID != again.EventID || !bytes.Equal(r.Body, again.Body) {
			t.Errorf("redelivered %s to %s: %s; want event %s again, same body", r.EventID, r.Path, r.Body, again.EventID)
		}
		for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: entries.ID}) {
			if d.Attempts != 1 {
				t.Errorf("delivery %s: %d attempts, want 1 (a redelivery starts its schedule over)", d.ID, d.Attempts)
			}
		}
		sent = rc.Len()
	})

	t.Run("Since", func(t *testing.T) {
		// Since 25 minutes ago: the second and third cars' entries, not the
		// first's, and nothing of the other partner.
		rp, err := b.Sys.Deliveries.Redeliver(b.Ctx, "app", entries.ID, "", now.Add(-25*time.Minute))
		if n := rp.Redelivered; err != nil || n != 2 {
			t.Fatalf("redeliver since: %d, %v; want 2", n, err)
		}
		waitFor(t, "two reports again", func() bool { return rc.Len() == sent+2 && delivered(3)() })
		got := map[string]bool{}
		for _, r := range rc.Requests()[sent:] {
			if r.Path == "/other" {
				t.Fatalf("the other partner's subscription was redelivered")
			}
			st := stayOf(t, r)
			if r.EventID != first[st].EventID || !bytes.Equal(r.Body, first[st].Body) {
				t.Errorf("redelivered %s for stay %s, first sent as %s", r.EventID, st, first[st].EventID)
			}
			got[st] = true
		}
		if len(got) != 2 || !got[stays[1]] || !got[stays[2]] {
			t.Errorf("redelivered the entries of %v, want those of %v", got, stays[1:])
		}
	})

	t.Run("Errors", func(t *testing.T) {
		_, err := b.Sys.Deliveries.Redeliver(b.Ctx, "app", entries.ID, "", time.Time{})
		systemtest.WantCode(t, err, park.EInvalid)
		_, err = b.Sys.Deliveries.Redeliver(b.Ctx, "app", "nope", "", now)
		systemtest.WantCode(t, err, park.ENotFound)
		// Another partner's subscription is not found, and not redelivered.
		_, err = b.Sys.Deliveries.Redeliver(b.Ctx, "app", others.ID, "", now.Add(-time.Hour))
		systemtest.WantCode(t, err, park.ENotFound)
		// A report the subscription has no delivery of (a mistyped id)
		// is not found: "0 redelivered" would read as done.
		for _, id := range []string{"no-such-report", first[stays[0]].EventID + "x"} {
			rp, err := b.Sys.Deliveries.Redeliver(b.Ctx, "app", entries.ID, id, time.Time{})
			systemtest.WantCode(t, err, park.ENotFound)
			if n := rp.Redelivered; n != 0 {
				t.Errorf("report %s: %d redelivered", id, n)
			}
		}
		// A report and a time: which one was meant?
		_, err = b.Sys.Deliveries.Redeliver(b.Ctx, "app", entries.ID, first[stays[0]].EventID, now.Add(-time.Hour))
		systemtest.WantCode(t, err, park.EInvalid)
		if ds := listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: entries.ID, State: park.DeliveryDelivered}); len(ds) != 3 {
			t.Errorf("after refused replays, %d of 3 deliveries delivered: something was sent again", len(ds))
		}
	})
}

// TestDeliveryDatedWhenWritten: a report of a car that entered six hours
// ago (a camera's offline replay) is created and due when it is written,
// so "since a minute ago" finds it, and it is not taken for six hours old.
func TestDeliveryDatedWhenWritten(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	entries := subscribe(t, b, "app", park.ReportEntry, rc.URL)
	now := b.Clock.Now()
	b.Event(t, park.EventEntry, "京R60000", now.Add(-6*time.Hour))
	ds := listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: entries.ID, Since: now.Add(-time.Minute)})
	if len(ds) != 1 || !ds[0].CreatedAt.Equal(now) || !ds[0].NextAt.Equal(now) {
		t.Fatalf("deliveries since a minute ago: %+v; want the entry's, created and due at %v", ds, now)
	}
}

// TestStoppingKeepsTheLastAnswer: parkd stops while an attempt is in
// flight; the attempt is not counted, and the delivery still shows the
// partner's answer to the attempt before.
func TestStoppingKeepsTheLastAnswer(t *testing.T) {
	b := systemtest.New(t)
	realTime(t, b)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		if r.Try == 1 {
			return deliverytest.Answer{Status: 503, Body: "busy"}
		}
		return deliverytest.Answer{Hang: true}
	})
	sub := subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL,
		Schedule: shortSchedule(5, 20*time.Millisecond), Timeout: park.MaxDeliveryTimeout})
	b.Event(t, park.EventEntry, "京S00001", b.Clock.Now().Add(-time.Minute))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = b.Sys.Deliveries.Run(ctx) }()
	waitFor(t, "the second attempt, held open", func() bool { return rc.Len() == 2 })
	cancel()
	select {
	case <-done:
	case <-time.After(within):
		t.Fatal("the worker did not stop")
	}
	ds := listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: sub.ID})
	if len(ds) != 1 {
		t.Fatalf("%d deliveries", len(ds))
	}
	if d := ds[0]; d.State != park.DeliveryFailed || d.Attempts != 1 || d.LastStatus != 503 || d.LastReply != "busy" {
		t.Errorf("after a stop mid-attempt: %+v; want failed after 1 attempt, last status 503, reply \"busy\"", d)
	}
}

// TestListDeliveriesBadReport: a report filter that is no kind names the
// kinds there are, charging's and rental's included.
func TestListDeliveriesBadReport(t *testing.T) {
	b := systemtest.New(t)
	_, _, err := b.Sys.Deliveries.DeliveryPage(b.Ctx, deliveries.DeliveryQuery{Report: "exits"})
	systemtest.WantCode(t, err, park.EInvalid)
	for _, k := range []string{"entry", "exit", "order", "sensorless_exit", "lot_info", "abnormal_lift", "device_status", "charge_end", "rental"} {
		if !strings.Contains(err.Error(), k) {
			t.Errorf("the error %q does not name the kind %s", err, k)
		}
	}
}
