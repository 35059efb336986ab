package deliveries_test

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// TestReceiversThatMisbehave delivers three stays' entry, exit and order
// reports to a partner whose receiver fails, hangs, answers what is not
// HTTP, redirects, answers slowly, answers 429 or 410, or is down for a
// while, and then comes back. Every report arrives, each stay's reports
// arrive in order, and every attempt of a report carries the same event
// id and body.
func TestReceiversThatMisbehave(t *testing.T) {
	type bundle struct {
		b    *systemtest.Bundle
		rc   *deliverytest.Receiver
		subs map[string]*park.Subscription // by report kind
	}
	cases := []struct {
		name    string
		timeout time.Duration
		script  func(r deliverytest.Request) deliverytest.Answer
		// during runs while the reports are delivered, before the common
		// checks.
		during func(t *testing.T, x *bundle)
	}{
		{name: "Fails", script: func(r deliverytest.Request) deliverytest.Answer {
			switch r.Try {
			case 1:
				return deliverytest.Answer{Status: 500, Body: "internal error"}
			case 2:
				return deliverytest.Answer{Status: 503, Body: "busy"}
			}
			return deliverytest.Answer{Status: 200, Body: "ok"}
		}},
		{name: "Hangs", timeout: 300 * time.Millisecond, script: func(r deliverytest.Request) deliverytest.Answer {
			return deliverytest.Answer{Hang: r.Try == 1}
		}},
		{name: "AnswersWhatIsNotHTTP", script: func(r deliverytest.Request) deliverytest.Answer {
			return deliverytest.Answer{Garbage: r.Try <= 2}
		}},
		{name: "Redirects", script: func(r deliverytest.Request) deliverytest.Answer {
			if r.Try == 1 {
				return deliverytest.Answer{Status: http.StatusFound, Header: http.Header{"Location": {"/elsewhere"}}}
			}
			return deliverytest.Answer{}
		}, during: func(t *testing.T, x *bundle) {
			waitDelivered(t, x.b, 9)
			for _, r := range x.rc.Requests() {
				if r.Path == "/elsewhere" {
					t.Errorf("the redirect was followed")
				}
			}
		}},
		{name: "Slow", script: func(deliverytest.Request) deliverytest.Answer {
			return deliverytest.Answer{Wait: 100 * time.Millisecond}
		}, during: func(t *testing.T, x *bundle) {
			waitDelivered(t, x.b, 9)
			for _, d := range listDeliveries(t, x.b, deliveries.DeliveryQuery{PartnerID: "app"}) {
				if d.Attempts != 1 {
					t.Errorf("delivery %s to a slow partner: %d attempts, want 1 (it answers within the timeout)", d.ID, d.Attempts)
				}
			}
		}},
		{name: "TooManyRequests", script: func(r deliverytest.Request) deliverytest.Answer {
			if r.Try == 1 {
				return deliverytest.Answer{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"1"}}}
			}
			return deliverytest.Answer{}
		}, during: func(t *testing.T, x *bundle) {
			waitDelivered(t, x.b, 9)
			// The schedule's waits are 20 ms; Retry-After asks for 1 s.
			// The second attempt is at least 1 s after the first, so its
			// Unix second is at least one more.
			first := map[string]int64{}
			for _, r := range x.rc.Requests() {
				ts, err := strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
				if err != nil {
					t.Fatalf("webhook-timestamp %q", r.Header.Get("webhook-timestamp"))
				}
				switch r.Try {
				case 1:
					first[r.EventID] = ts
				case 2:
					if ts < first[r.EventID]+1 {
						t.Errorf("report %s tried again at %d, first at %d: Retry-After: 1 not honoured", r.EventID, ts, first[r.EventID])
					}
				}
			}
		}},
		{name: "Gone", script: func(r deliverytest.Request) deliverytest.Answer {
			if r.Path == "/"+park.ReportEntry {
				return deliverytest.Answer{Status: http.StatusGone}
			}
			return deliverytest.Answer{}
		}, during: func(t *testing.T, x *bundle) {
			gone := x.subs[park.ReportEntry]
			waitFor(t, "the entry subscription disabled by 410", func() bool {
				got, err := x.b.Sys.Deliveries.GetSubscription(x.b.Ctx, "app", gone.ID)
				if err != nil {
					t.Fatal(err)
				}
				gone = got
				return !got.Enabled
			})
			if gone.DisabledBy == "" {
				t.Errorf("subscription %s disabled without saying why", gone.ID)
			}
			// The disabled subscription's deliveries are kept, and hold
			// back the exits and orders of their stays: a partner never
			// hears of an exit before the entry it has not had yet.
			waitFor(t, "every entry refused with 410", func() bool {
				n := 0
				for _, r := range x.rc.Requests() {
					if r.Path == "/"+park.ReportEntry {
						n++
					}
				}
				return n >= 3
			})
			kept := listDeliveries(t, x.b, deliveries.DeliveryQuery{SubscriptionID: gone.ID})
			if len(kept) != 3 {
				t.Fatalf("disabled subscription keeps %d deliveries, want 3", len(kept))
			}
			for _, d := range listDeliveries(t, x.b, deliveries.DeliveryQuery{PartnerID: "app"}) {
				if d.State == park.DeliveryDelivered {
					t.Fatalf("delivery %s (%s) delivered while its stay's entry is held by a disabled subscription", d.ID, d.Report)
				}
			}
			x.rc.Script(func(deliverytest.Request) deliverytest.Answer { return deliverytest.Answer{} })
			on := true
			if _, err := x.b.Sys.Deliveries.UpdateSubscription(x.b.Ctx, "app", gone.ID, deliveries.SubscriptionPatch{Enabled: &on}); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "DownThenBack", script: func(deliverytest.Request) deliverytest.Answer {
			return deliverytest.Answer{Status: 503, Body: "down for maintenance"}
		}, during: func(t *testing.T, x *bundle) {
			// Down until every stay's entry was refused twice.
			waitFor(t, "two refused attempts of each entry", func() bool {
				twice := 0
				for _, r := range x.rc.Requests() {
					if r.Try == 2 && parse(t, r).Type == park.ReportEntry {
						twice++
					}
				}
				return twice == 3
			})
			tried := 0
			for _, d := range listDeliveries(t, x.b, deliveries.DeliveryQuery{PartnerID: "app"}) {
				if d.Attempts == 0 {
					continue
				}
				tried++
				if d.State == park.DeliveryDelivered || d.LastStatus != 503 || d.LastReply != "down for maintenance" {
					t.Errorf("delivery %+v while the partner is down: want last status 503 and the partner's reply", d)
				}
			}
			if tried < 3 {
				t.Errorf("%d deliveries tried while the partner was down, want the 3 entries", tried)
			}
			x.rc.Script(func(deliverytest.Request) deliverytest.Answer { return deliverytest.Answer{} })
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := systemtest.New(t)
			realTime(t, b)
			partner(t, b, "app")
			x := &bundle{b: b, rc: deliverytest.New(t), subs: map[string]*park.Subscription{}}
			x.rc.Script(c.script)
			timeout := c.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			for _, k := range []string{park.ReportEntry, park.ReportExit, park.ReportOrder} {
				x.subs[k] = subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: k, URL: x.rc.URL + "/" + k,
					Schedule: shortSchedule(30, 20*time.Millisecond), Timeout: timeout})
			}
			stays := visits(t, b, "M", 3)
			run(t, b)
			if c.during != nil {
				c.during(t, x)
			}
			waitDelivered(t, b, 9)
			checkArrivals(t, x.rc, stays)
		})
	}
}

// waitDelivered waits until the partner "app" has n deliveries, all
// delivered.
func waitDelivered(t *testing.T, b *systemtest.Bundle, n int) {
	t.Helper()
	var ds []*park.Delivery
	deliverytest.WaitFor(t, within, "every delivery delivered", func() bool {
		ds = listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"})
		for _, d := range ds {
			if d.State != park.DeliveryDelivered {
				return false
			}
		}
		return len(ds) == n
	})
	_ = ds
}

// checkArrivals checks what a receiver got of stays' entry, exit and
// order reports: each acknowledged; one event id and one body per
// report, whatever the attempt; and, for each stay, no report requested
// before the one before it was acknowledged, even when the earlier one's
// subscription was disabled meanwhile.
func checkArrivals(t *testing.T, rc *deliverytest.Receiver, stays []string) {
	t.Helper()
	type report struct{ stay, kind string }
	ids := map[report]string{}
	bodies := map[string][]byte{}
	firstReq := map[report]int{}
	firstAck := map[report]int{}
	for _, r := range rc.Requests() {
		n := parse(t, r)
		if n.Data.Stay == nil {
			t.Fatalf("request %d without a stay: %s", r.Seq, r.Body)
		}
		k := report{n.Data.Stay.ID, n.Type}
		if id, ok := ids[k]; ok && id != r.EventID {
			t.Errorf("stay %s's %s report came with event ids %s and %s", k.stay, k.kind, id, r.EventID)
		}
		ids[k] = r.EventID
		if b, ok := bodies[r.EventID]; ok && !bytes.Equal(b, r.Body) {
			t.Errorf("report %s: attempt %d's body differs from the first:\n%s\n%s", r.EventID, r.Try, r.Body, b)
		}
		bodies[r.EventID] = r.Body
		if _, ok := firstReq[k]; !ok {
			firstReq[k] = r.Seq
		}
		if _, ok := firstAck[k]; !ok && r.Acked {
			firstAck[k] = r.Seq
		}
	}
	kinds := []string{park.ReportEntry, park.ReportExit, park.ReportOrder}
	for _, st := range stays {
		for i, kind := range kinds {
			k := report{st, kind}
			if _, ok := firstAck[k]; !ok {
				t.Errorf("stay %s: its %s report was never acknowledged", st, kind)
				continue
			}
			if i == 0 {
				continue
			}
			prev := report{st, kinds[i-1]}
			if ack, ok := firstAck[prev]; ok && firstReq[k] < ack {
				t.Errorf("stay %s: %s sent (request %d) before its %s was acknowledged (request %d)", st, kind, firstReq[k], prev.kind, ack)
			}
		}
	}
}
