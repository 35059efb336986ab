package deliveries_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/systemtest"
	"parkd/internal/testutil"
)

// heldWarning is the log's one line about a sensorless ask that paid
// nothing.
const heldWarning = "sensorless ask not paid: the car is held"

// TestSensorlessRefusalLogged: a sensorless ask keeps no reply, so when
// the partner refuses it (here a 200 saying it did not pay) the log says,
// once, which partner and subscription, the HTTP status and why the
// answer paid nothing, for the operator to see why the car was held.
func TestSensorlessRefusalLogged(t *testing.T) {
	logs := &testutil.Buffer{}
	rc := newReceiver(t)
	rc.reply = func(int, received) (int, http.Header, string, time.Duration) { return 200, nil, `{"paid":false}`, 0 }
	b, _ := sensorlessAt(t, rc.URL, systemtest.Options{Log: slog.New(slog.NewJSONHandler(logs, nil))})
	systemtest.WantDecision(t, exit(t, b, "x-1"), park.DecisionHold, park.ReasonPaymentRequired, systemtest.Fee(2*time.Hour))
	subs, err := b.Sys.Deliveries.ListSubscriptions(b.Ctx, "etc")
	if err != nil || len(subs) != 1 {
		t.Fatalf("subscriptions %v %v", subs, err)
	}
	var got []map[string]any
	waitFor(t, "the refusal logged", func() bool { got = logs.Records("WARN", heldWarning); return len(got) > 0 })
	want := map[string]any{"partner": "etc", "subscription": subs[0].ID, "status": float64(200),
		"reason": `reply is not {"paid":true}: {"paid":false}`}
	if len(got) != 1 {
		t.Fatalf("%d warnings %v, want one", len(got), got)
	}
	for k, v := range want {
		if got[0][k] != v {
			t.Errorf("warning's %s: %v, want %v", k, got[0][k], v)
		}
	}
}

// TestSensorlessFailureLogged: an ask that gets no HTTP answer (the
// partner's server drops the connection) logs the transport error, with
// no status.
func TestSensorlessFailureLogged(t *testing.T) {
	logs := &testutil.Buffer{}
	drop := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	t.Cleanup(drop.Close)
	b, _ := sensorlessAt(t, drop.URL, systemtest.Options{Log: slog.New(slog.NewJSONHandler(logs, nil))})
	systemtest.WantDecision(t, exit(t, b, "x-1"), park.DecisionHold, park.ReasonPaymentRequired, systemtest.Fee(2*time.Hour))
	var got []map[string]any
	waitFor(t, "the failure logged", func() bool { got = logs.Records("WARN", heldWarning); return len(got) > 0 })
	if len(got) != 1 || got[0]["partner"] != "etc" || got[0]["status"] != float64(0) || got[0]["reason"] == "" || got[0]["reason"] == nil {
		t.Fatalf("warnings %v, want one for etc with no status and the transport error", got)
	}
}

// TestSensorlessEmptyOrRedirectLogged: the operator can tell an empty
// reply from a refusal, and a partner that moved from one that refused.
// A 2xx with no body (a receiver that takes every report with a 204),
// or only blanks, is logged as empty, naming its status; a redirect, which the ask does not
// follow, names where it pointed. Either way the car is held, unpaid,
// and the partner was asked once.
func TestSensorlessEmptyOrRedirectLogged(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int
		moved  string // the Location's path on the partner's receiver
		reason func(url string) string
	}{
		{"NoContent", http.StatusNoContent, "",
			func(string) string { return `reply is empty (204 No Content), not {"paid":true}` }},
		{"EmptyOK", http.StatusOK, "",
			func(string) string { return `reply is empty (200 OK), not {"paid":true}` }},
		{"OnlyWhitespace", http.StatusOK, "",
			func(string) string { return `reply is empty (200 OK), not {"paid":true}` }},
		{"Found", http.StatusFound, "/v2/sensorless",
			func(url string) string {
				return "redirect to " + url + "/v2/sensorless not followed: point the subscription there if it moved"
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			logs := &testutil.Buffer{}
			rc := newReceiver(t)
			rc.reply = func(int, received) (int, http.Header, string, time.Duration) {
				if c.moved != "" {
					return c.status, http.Header{"Location": {rc.URL + c.moved}}, "", 0
				}
				if c.name == "OnlyWhitespace" {
					return c.status, nil, " \r\n\t", 0 // as blank as no body
				}
				return c.status, nil, "", 0
			}
			b, st := sensorlessAt(t, rc.URL, systemtest.Options{Log: slog.New(slog.NewJSONHandler(logs, nil))})
			systemtest.WantDecision(t, exit(t, b, "x-1"), park.DecisionHold, park.ReasonPaymentRequired, systemtest.Fee(2*time.Hour))
			var got []map[string]any
			waitFor(t, "the answer logged", func() bool { got = logs.Records("WARN", heldWarning); return len(got) > 0 })
			if len(got) != 1 || got[0]["status"] != float64(c.status) || got[0]["reason"] != c.reason(rc.URL) {
				t.Fatalf("warnings %v, want one with status %d and reason %q", got, c.status, c.reason(rc.URL))
			}
			if n := len(rc.requests()); n != 1 {
				t.Errorf("the partner was asked %d times, want once (a redirect is not followed)", n)
			}
			if s := b.Stay(t, st.ID); s.Paid != 0 || s.State != park.StayIn {
				t.Errorf("stay paid %d state %s, want unpaid and inside", s.Paid, s.State)
			}
		})
	}
}
