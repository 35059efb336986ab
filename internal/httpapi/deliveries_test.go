package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/device"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
	"parkd/internal/systemtest"
)

// newDeliveryEnv is newEnv with the delivery worker running and private
// (loopback) receivers allowed.
func newDeliveryEnv(t *testing.T) *env {
	t.Helper()
	return newDeliveryEnvWith(t, deliveries.Options{AllowPrivate: true, Poll: 10 * time.Millisecond})
}

// newDeliveryEnvWith is newDeliveryEnv with the workers' options o.
func newDeliveryEnvWith(t *testing.T, o deliveries.Options) *env {
	t.Helper()
	t.Parallel()
	st := teststore.Open(t)
	e := &env{t: t, now: t0.Add(6 * time.Hour)}
	m := metrics.New()
	svc := system.New(system.Config{Dialects: systemtest.Dialects, Barriers: device.NewMemory(), Store: st, Now: e.Now, Metrics: m,
		Deliveries: o})
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Service: svc, Log: slog.New(slog.DiscardHandler), Metrics: m, AdminToken: token}))
	t.Cleanup(srv.Close)
	e.url = srv.URL
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = svc.Deliveries.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return e
}

type deliveryRow struct {
	ID, SubscriptionID, ReportID, Report, State, LastReply, NextAt, LastAttemptAt, DeliveredAt string
	Attempts, LastStatus                                                                       int
}

func (e *env) deliveries(query string) ([]deliveryRow, string) {
	e.t.Helper()
	var out struct {
		Deliveries []struct {
			ID             string `json:"id"`
			SubscriptionID string `json:"subscription_id"`
			ReportID       string `json:"report_id"`
			Report         string `json:"report"`
			State          string `json:"state"`
			Attempts       int    `json:"attempts"`
			LastStatus     int    `json:"last_status"`
			LastReply      string `json:"last_reply"`
			NextAt         string `json:"next_at"`
			LastAttemptAt  string `json:"last_attempt_at"`
			DeliveredAt    string `json:"delivered_at"`
		} `json:"deliveries"`
		Next string `json:"next"`
	}
	r := e.do("GET", "/v1/deliveries?"+query, "")
	e.want(r, 200)
	if err := json.Unmarshal(r.body, &out); err != nil {
		e.t.Fatal(err)
	}
	rows := make([]deliveryRow, len(out.Deliveries))
	for i, d := range out.Deliveries {
		rows[i] = deliveryRow{ID: d.ID, SubscriptionID: d.SubscriptionID, ReportID: d.ReportID, Report: d.Report, State: d.State,
			LastReply: d.LastReply, NextAt: d.NextAt, LastAttemptAt: d.LastAttemptAt, DeliveredAt: d.DeliveredAt,
			Attempts: d.Attempts, LastStatus: d.LastStatus}
	}
	return rows, out.Next
}

// TestDeliveryStates: GET /v1/deliveries shows a delivery pending (its
// subscription is disabled), delivered, failed (waiting for its next
// attempt) and dead, each with its attempts, the partner's last status
// and reply; pages on; and an empty page is an empty list.
func TestDeliveryStates(t *testing.T) {
	e := newDeliveryEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/partners", `{"id":"mall","name":"Mall","dialect":"api-one","type":"normal","lots":["140123001"]}`), 201)
	e.want(e.do("POST", "/v1/partners", `{"id":"cinema","name":"Cinema","dialect":"api-one","type":"normal","lots":["140123001"]}`), 201)

	// Nothing yet: an empty list, without a next page.
	if rows, next := e.deliveries(""); len(rows) != 0 || next != "" {
		t.Fatalf("deliveries before any: %v, next %q", rows, next)
	}

	rc := deliverytest.New(t)
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		switch r.Path {
		case "/exit":
			return deliverytest.Answer{Status: 503, Body: "busy, try later"}
		case "/dead":
			return deliverytest.Answer{Status: 500, Body: "boom"}
		}
		return deliverytest.Answer{Status: 200, Body: "thanks"}
	})
	sub := func(partner, body string) string {
		m := e.want(e.do("POST", "/v1/partners/"+partner+"/subscriptions", body), 201)
		return m["id"].(string)
	}
	delivered := sub("mall", fmt.Sprintf(`{"report":"entry","url":%q}`, rc.URL+"/entry"))
	// Pending: disabled, of the exit (a disabled entry subscription's
	// delivery would hold the stay's exit back, leaving none failed).
	pending := sub("mall", fmt.Sprintf(`{"report":"exit","url":%q,"enabled":false}`, rc.URL+"/off"))
	// Failed: the next attempt is an hour away. Dead: one attempt only
	// (another partner's: mall's later reports of the stay wait for its
	// failed exit).
	failed := sub("mall", fmt.Sprintf(`{"report":"exit","url":%q,"schedule_seconds":[0,3600]}`, rc.URL+"/exit"))
	dead := sub("cinema", fmt.Sprintf(`{"report":"entry","url":%q,"schedule_seconds":[0]}`, rc.URL+"/dead"))

	at := e.Now().Add(-10 * time.Minute) // a free visit
	e.want(e.do("POST", "/v1/lots/140123001/events", event("in-1", "entry", "京A12345", at)), 200)
	e.want(e.do("POST", "/v1/lots/140123001/events", event("out-1", "exit", "京A12345", at.Add(time.Minute))), 200)

	want := map[string]struct {
		sub, report      string
		attempts, status int
		reply            string
	}{
		"pending":   {pending, "exit", 0, 0, ""},
		"delivered": {delivered, "entry", 1, 200, "thanks"},
		"failed":    {failed, "exit", 1, 503, "busy, try later"},
		"dead":      {dead, "entry", 1, 500, "boom"},
	}
	deliverytest.WaitFor(t, 30*time.Second, "deliveries in every state", func() bool {
		for state := range want {
			if rows, _ := e.deliveries("state=" + state); len(rows) != 1 {
				return false
			}
		}
		return true
	})
	now := e.Now()
	for state, w := range want {
		rows, _ := e.deliveries("state=" + state)
		d := rows[0]
		if d.SubscriptionID != w.sub || d.Report != w.report || d.Attempts != w.attempts || d.LastStatus != w.status || d.LastReply != w.reply {
			t.Errorf("%s delivery %+v, want subscription %s, report %s, %d attempts, last status %d, reply %q",
				state, d, w.sub, w.report, w.attempts, w.status, w.reply)
		}
		if (d.LastAttemptAt != "") != (w.attempts > 0) || (d.DeliveredAt != "") != (state == "delivered") {
			t.Errorf("%s delivery %+v: last attempt and delivery times", state, d)
		}
		switch state {
		case "pending":
			if d.NextAt == "" {
				t.Errorf("pending delivery without next_at: %+v", d)
			}
		case "failed":
			// 3600 s after the attempt, spread by ±20 %: between 48 and 72
			// minutes from now (the test clock stands still).
			next, err := time.Parse(time.RFC3339Nano, d.NextAt)
			if err != nil || next.Before(now.Add(48*time.Minute)) || next.After(now.Add(72*time.Minute)) {
				t.Errorf("failed delivery's next attempt %q (%v), want 48-72 minutes after %s", d.NextAt, err, now)
			}
		default:
			if d.NextAt != "" {
				t.Errorf("%s delivery shows next_at %s", state, d.NextAt)
			}
		}
	}

	// Pages: one at a time, newest first, the four of them.
	var seen []string
	for q := "limit=1"; ; {
		rows, next := e.deliveries(q)
		for _, d := range rows {
			seen = append(seen, d.ID)
		}
		if next == "" {
			break
		}
		q = "limit=1&before=" + next
		if len(seen) > 10 {
			t.Fatal("paging does not end")
		}
	}
	all, _ := e.deliveries("")
	if len(all) != 4 || strings.Join(seen[:min(len(seen), 4)], ",") != strings.Join(ids(all), ",") {
		t.Errorf("paged %v, listed %v", seen, ids(all))
	}
	if rows, _ := e.deliveries("partner=mall"); len(rows) != 3 {
		t.Errorf("mall's deliveries: %d, want 3", len(rows))
	}
	if rows, _ := e.deliveries("subscription=" + dead); len(rows) != 1 || rows[0].SubscriptionID != dead {
		t.Errorf("deliveries of subscription %s: %v, want its one", dead, rows)
	}
	// A filter that matches nothing of a known partner is an empty page;
	// an unknown partner or subscription is a mistyped id, not an empty
	// history, and is refused naming it.
	if rows, next := e.deliveries("partner=mall&report=order"); len(rows) != 0 || next != "" {
		t.Errorf("mall's order deliveries: %v, next %q", rows, next)
	}
	for q, want := range map[string][2]string{
		"partner=nobody":                        {"partner", "nobody"},
		"subscription=nope":                     {"subscription", "nope"},
		"partner=mall&subscription=" + dead:     {"subscription", dead},
		"partner=nobody&subscription=" + failed: {"partner", "nobody"},
	} {
		p := e.problem(e.do("GET", "/v1/deliveries?"+q, ""), http.StatusNotFound, "not_found")
		if p["field"] != want[0] || !strings.Contains(fmt.Sprint(p["detail"]), want[1]) {
			t.Errorf("%s: field %v, detail %v; want field %s naming %s", q, p["field"], p["detail"], want[0], want[1])
		}
	}
	e.problem(e.do("GET", "/v1/deliveries?state=lost", ""), http.StatusBadRequest, "invalid")
}

func ids(rows []deliveryRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

// TestRedeliverSinceSaysWhatIsPruned: a replay from before the retention's
// horizon still sends what is kept (a delivery still to be sent, however
// old) and says from when finished ones were deleted; one from within
// the retention says nothing of it.
func TestRedeliverSinceSaysWhatIsPruned(t *testing.T) {
	const retention = 30 * 24 * time.Hour
	e := newDeliveryEnvWith(t, deliveries.Options{AllowPrivate: true, Poll: 10 * time.Millisecond, Retention: retention})
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/partners", `{"id":"mall","name":"Mall","dialect":"api-one","type":"normal","lots":["140123001"]}`), 201)
	sub := e.want(e.do("POST", "/v1/partners/mall/subscriptions", `{"report":"entry","url":"http://127.0.0.1:9/entry","enabled":false}`), 201)["id"].(string)
	e.want(e.do("POST", "/v1/lots/140123001/events", event("in-1", "entry", "京A12345", e.Now().Add(-time.Hour))), 200)
	replay := func(since time.Time) map[string]any {
		t.Helper()
		return e.want(e.do("POST", "/v1/partners/mall/subscriptions/"+sub+"/redeliver",
			fmt.Sprintf(`{"since":%q}`, since.Format(time.RFC3339))), 200)
	}
	if m := replay(e.Now().Add(-2 * time.Hour)); m["redelivered"] != 1.0 || m["pruned_before"] != nil {
		t.Errorf("replay from within the retention: %v, want 1 redelivered and no pruned_before", m)
	} else if m["held"] != "disabled" {
		// The subscription is disabled: nothing is under way.
		t.Errorf("replay of a disabled subscription: %v, want held disabled", m)
	}
	horizon := e.Now().Add(-retention)
	if m := replay(e.Now().Add(-40 * 24 * time.Hour)); m["redelivered"] != 1.0 || m["pruned_before"] != horizon.Format(time.RFC3339Nano) {
		t.Errorf("replay from 40 days ago: %v, want 1 redelivered and pruned_before %s", m, horizon.Format(time.RFC3339Nano))
	}
}

// TestDeliveryTimesExplained: a since that is not a usable time is
// refused saying what would be: in a query string, the '+' of an offset
// arrives as a space, so the answer says to write it %2B (or use Z); a
// replay since year 1 names the years a time may have, not "name a time".
func TestDeliveryTimesExplained(t *testing.T) {
	e := newDeliveryEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/partners", `{"id":"mall","name":"Mall","dialect":"api-one","type":"normal","lots":["140123001"]}`), 201)
	sub := e.want(e.do("POST", "/v1/partners/mall/subscriptions", `{"report":"entry","url":"http://127.0.0.1:9/x"}`), 201)["id"].(string)

	p := e.problem(e.do("GET", "/v1/deliveries?since=2026-12-01T08:00:00+08:00", ""), http.StatusBadRequest, "invalid")
	if d, _ := p["detail"].(string); p["field"] != "since" || !strings.Contains(d, "%2B") {
		t.Errorf("since with an unescaped '+': %v, want the answer to say to write it %%2B", p)
	}
	e.want(e.do("GET", "/v1/deliveries?since=2026-12-01T08:00:00%2B08:00", ""), 200)
	p = e.problem(e.do("GET", "/v1/deliveries?since=yesterday", ""), http.StatusBadRequest, "invalid")
	if d, _ := p["detail"].(string); p["field"] != "since" || !strings.Contains(d, "e.g.") {
		t.Errorf("since=yesterday: %v, want an example of a time", p)
	}
	p = e.problem(e.do("POST", "/v1/partners/mall/subscriptions/"+sub+"/redeliver", `{"since":"0001-01-01T00:00:00Z"}`),
		http.StatusBadRequest, "invalid")
	if d, _ := p["detail"].(string); p["field"] != "since" || !strings.Contains(d, "year") {
		t.Errorf("replay since year 1: %v, want the years a time may have", p)
	}
}

// TestPatchSubscriptionNothing: a PATCH whose body names nothing to
// change (an empty object; null is no object) is refused saying what it may name,
// and the subscription stays as it was.
func TestPatchSubscriptionNothing(t *testing.T) {
	e := newDeliveryEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/partners", `{"id":"mall","name":"Mall","dialect":"api-one","type":"normal","lots":["140123001"]}`), 201)
	sub := e.want(e.do("POST", "/v1/partners/mall/subscriptions", `{"report":"entry","url":"http://127.0.0.1:9/x"}`), 201)["id"].(string)
	before := e.want(e.do("GET", "/v1/partners/mall/subscriptions/"+sub, ""), 200)
	p := e.problem(e.do("PATCH", "/v1/partners/mall/subscriptions/"+sub, `{}`), http.StatusBadRequest, "invalid")
	if d, _ := p["detail"].(string); !strings.Contains(d, "nothing to change") || !strings.Contains(d, "enabled") {
		t.Errorf("PATCH {}: %v, want it to say the body names nothing to change, and what it may name", p)
	}
	for _, body := range []string{`null`, " null\n"} { // not an object (TestNullBody)
		if p := e.problem(e.do("PATCH", "/v1/partners/mall/subscriptions/"+sub, body), http.StatusBadRequest, "invalid"); p["field"] != "body" {
			t.Errorf("PATCH %q: %v, want the body named", body, p)
		}
	}
	after := e.want(e.do("GET", "/v1/partners/mall/subscriptions/"+sub, ""), 200)
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("subscription changed by refused PATCHes: %v, was %v", after, before)
	}
}

// TestDeliveriesLimitRange: a limit of 0 (or less, or not a number) asks
// for no page parkd gives: refused naming the range, not answered with
// the default page as if no limit had been named.
func TestDeliveriesLimitRange(t *testing.T) {
	e := newDeliveryEnv(t)
	for _, v := range []string{"0", "-1", "1001", "ten", "1.5"} {
		p := e.problem(e.do("GET", "/v1/deliveries?limit="+v, ""), http.StatusBadRequest, "invalid")
		if d, _ := p["detail"].(string); p["field"] != "limit" || !strings.Contains(d, "between 1 and 1000") {
			t.Errorf("limit=%s: %v, want the range 1 to 1000 named", v, p)
		}
	}
	e.want(e.do("GET", "/v1/deliveries?limit=1", ""), 200)
	e.want(e.do("GET", "/v1/deliveries?limit=1000", ""), 200)
}

// TestDeliveriesEmptyFilter: a filter given without a value (?partner=,
// as a shell variable left unset writes it) is refused naming it, not
// read as no filter: the answer would be every partner's deliveries, or
// every state's, as if the filter had been applied.
func TestDeliveriesEmptyFilter(t *testing.T) {
	e := newDeliveryEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/partners", `{"id":"mall","name":"Mall","dialect":"api-one","type":"normal","lots":["140123001"]}`), 201)
	for _, name := range []string{"partner", "subscription", "report", "state", "since", "limit", "before"} {
		for _, q := range []string{name + "=", name, "partner=mall&" + name + "="} {
			if name == "partner" && strings.HasPrefix(q, "partner=mall&") {
				continue
			}
			p := e.problem(e.do("GET", "/v1/deliveries?"+q, ""), http.StatusBadRequest, "invalid")
			if d, _ := p["detail"].(string); p["field"] != name || !strings.Contains(d, "empty") {
				t.Errorf("%s: %v, want field %s said to be empty", q, p, name)
			}
		}
	}
	e.want(e.do("GET", "/v1/deliveries?partner=mall&state=failed", ""), 200)
	e.want(e.do("GET", "/v1/deliveries", ""), 200)
}

// TestSensorlessSubscriptionTimeout: a sensorless_exit subscription set
// without a timeout waits 2 s for its partner's answer (the lane is
// waiting), not the 15 s of a queued report: it shows the timeout it
// has, in its creation's answer and when read.
func TestSensorlessSubscriptionTimeout(t *testing.T) {
	e := newDeliveryEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/partners", `{"id":"etc","name":"ETC","dialect":"api-one","type":"normal","lots":["140123001"]}`), 201)
	created := e.want(e.do("POST", "/v1/partners/etc/subscriptions", `{"report":"sensorless_exit","url":"http://127.0.0.1:9/ask"}`), 201)
	read := e.want(e.do("GET", "/v1/partners/etc/subscriptions/"+created["id"].(string), ""), 200)
	for what, m := range map[string]map[string]any{"created": created, "read": read} {
		if m["timeout_seconds"] != 2.0 {
			t.Errorf("%s sensorless_exit subscription shows timeout_seconds %v, want 2", what, m["timeout_seconds"])
		}
	}
	exit := e.want(e.do("POST", "/v1/partners/etc/subscriptions", `{"report":"exit","url":"http://127.0.0.1:9/exit"}`), 201)
	if exit["timeout_seconds"] != 15.0 {
		t.Errorf("exit subscription shows timeout_seconds %v, want 15", exit["timeout_seconds"])
	}
}

// TestSubscriptionShowsPause: the partner answered the entry's delivery
// 429 with Retry-After: 120 at now (the clock stands still), so the
// subscription is paused until now + 120 s: the read, the list and a
// PATCH of its limits show paused_until (RFC 3339, UTC) as that; once the
// clock passes it (and the partner answers 200 again), none shows it.
func TestSubscriptionShowsPause(t *testing.T) {
	e := newDeliveryEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/partners", `{"id":"mall","name":"Mall","dialect":"api-one","type":"normal","lots":["140123001"]}`), 201)
	rc := deliverytest.New(t)
	rc.Script(func(deliverytest.Request) deliverytest.Answer {
		return deliverytest.Answer{Status: 429, Header: http.Header{"Retry-After": {"120"}}}
	})
	sub := e.want(e.do("POST", "/v1/partners/mall/subscriptions", fmt.Sprintf(`{"report":"entry","url":%q}`, rc.URL)), 201)
	if v, ok := sub["paused_until"]; ok && v != nil {
		t.Errorf("a new subscription shows paused_until %v", v)
	}
	id := sub["id"].(string)
	now := e.Now()
	e.want(e.do("POST", "/v1/lots/140123001/events", event("in-1", "entry", "京A12345", now.Add(-time.Minute))), 200)
	want := now.Add(120 * time.Second).UTC().Format(time.RFC3339Nano)
	deliverytest.WaitFor(t, 30*time.Second, "the pause shown", func() bool {
		return e.want(e.do("GET", "/v1/partners/mall/subscriptions/"+id, ""), 200)["paused_until"] == want
	})
	list := e.want(e.do("GET", "/v1/partners/mall/subscriptions", ""), 200)["subscriptions"].([]any)
	if got := list[0].(map[string]any)["paused_until"]; got != want {
		t.Errorf("listed paused_until %v, want %s", got, want)
	}
	if got := e.want(e.do("PATCH", "/v1/partners/mall/subscriptions/"+id, `{"rate_limit":7}`), 200)["paused_until"]; got != want {
		t.Errorf("PATCH of rate_limit answered paused_until %v, want %s (kept)", got, want)
	}
	// The partner takes reports again: the worker may retry as soon as
	// the clock passes the pause, and that retry must not pause it anew.
	rc.Script(func(deliverytest.Request) deliverytest.Answer { return deliverytest.Answer{Status: 200} })
	e.setNow(now.Add(121 * time.Second))
	if v, ok := e.want(e.do("GET", "/v1/partners/mall/subscriptions/"+id, ""), 200)["paused_until"]; ok && v != nil {
		t.Errorf("paused_until %v shown after the pause ended", v)
	}
}
