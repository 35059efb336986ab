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
