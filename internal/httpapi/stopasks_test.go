package httpapi_test

import (
	"context"
	"testing"
	"time"

	"parkd/internal/charging"
)

// silentCharger takes every stop and never answers it within the call's
// timeout.
type silentCharger struct{}

func (silentCharger) RemoteStart(context.Context, string, int, string) (string, error) {
	return "Accepted", nil
}

func (silentCharger) RemoteStop(context.Context, string, int64) (string, error) {
	return "", charging.ErrTimeout
}

// answeringCharger accepts every stop at once.
type answeringCharger struct{ silentCharger }

func (answeringCharger) RemoteStop(context.Context, string, int64) (string, error) {
	return "Accepted", nil
}

// chargingAt starts a session on connector 1 of a 10-connector cabinet
// online whose stops remote answers, charging from t0, and answers its id.
func chargingAt(t *testing.T, remote charging.Remote) (*env, string) {
	t.Helper()
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/price-standards", seedStandardJSON), 201)
	e.want(e.do("POST", "/v1/chargers", `{"id":"CAB-0001","lot_code":"140123001","family":0,"type":"cabinet-10",
		"connectors":10,"standard_id":19464,"password":"0123456789abcdef"}`), 201)
	e.online("CAB-0001")
	e.sys.Charging.SetRemote(remote)
	s := e.want(e.do("POST", "/v1/charging/sessions", `{"charger_id":"CAB-0001","connector":1,"prepaid":300}`), 201)
	if _, _, err := e.sys.Charging.ChargerStarted(context.Background(), charging.Started{ChargerID: "CAB-0001", Connector: 1,
		IDTag: s["id_tag"].(string), At: t0}); err != nil {
		t.Fatal(err)
	}
	return e, s["id"].(string)
}

// TestSessionShowsStopAsks: the native session says why a session asked
// to stop still runs: how many stops the charger answered (stop_asks),
// how many in a row it left unanswered and since when.
//
// By hand: a session started at 01:00 UTC; the operator stops it at
// 01:10 and again at 01:12; the charger answers neither: 0 asks heard,
// 2 unanswered in a row, since the first, 01:10. At 01:15 the charger
// answers the third: 1 ask heard, none unanswered, no since (the session
// charges on until the charger reports its stop). stop_asked stays
// 01:10, the first ask. A session never asked shows null, 0, 0 and null.
func TestSessionShowsStopAsks(t *testing.T) {
	e, id := chargingAt(t, silentCharger{})
	wantStops := func(when string, asked any, asks, unanswered float64, since any) {
		t.Helper()
		got := e.want(e.do("GET", "/v1/charging/sessions/"+id, ""), 200)
		if got["status"] != "charging" || got["stop_asked"] != asked || got["stop_asks"] != asks || got["stop_unanswered"] != unanswered ||
			got["stop_unanswered_since"] != since {
			t.Fatalf("%s: session %v; want stop_asked %v, stop_asks %v, stop_unanswered %v, stop_unanswered_since %v",
				when, got, asked, asks, unanswered, since)
		}
	}
	wantStops("never asked", nil, 0, 0, nil)
	for _, m := range []int{10, 12} {
		e.setNow(t0.Add(time.Duration(m) * time.Minute))
		if p := e.problem(e.do("POST", "/v1/charging/sessions/"+id+"/stop", ""), 409, "conflict"); p["reason"] != "not_answering" {
			t.Fatalf("stop at 01:%d: %v, want not_answering", m, p)
		}
	}
	wantStops("after 2 unanswered stops", "2026-11-23T01:10:00Z", 0, 2, "2026-11-23T01:10:00Z")
	e.sys.Charging.SetRemote(answeringCharger{})
	e.setNow(t0.Add(15 * time.Minute))
	e.want(e.do("POST", "/v1/charging/sessions/"+id+"/stop", ""), 200)
	// Still first asked at 01:10: the asks after it do not move it.
	wantStops("after an answered stop", "2026-11-23T01:10:00Z", 1, 0, nil)
}

// TestSessionShowsStopAskedOffline: a stop asked while the charger is
// offline cannot be sent; it is owed until the charger is heard from, and
// the session says so: stop_asked is the time it was asked (01:20),
// though no ask was answered or went unanswered (0, 0, null), unlike a
// session never asked (stop_asked null).
func TestSessionShowsStopAskedOffline(t *testing.T) {
	e, id := chargingAt(t, answeringCharger{})
	if err := e.sys.Charging.Disconnected(context.Background(), "CAB-0001", ""); err != nil {
		t.Fatal(err)
	}
	e.setNow(t0.Add(20 * time.Minute))
	if p := e.problem(e.do("POST", "/v1/charging/sessions/"+id+"/stop", ""), 409, "conflict"); p["reason"] != "not_connected" {
		t.Fatalf("stop of an offline charger's session: %v, want not_connected", p)
	}
	got := e.want(e.do("GET", "/v1/charging/sessions/"+id, ""), 200)
	if got["stop_asked"] != "2026-11-23T01:20:00Z" || got["stop_asks"] != 0.0 || got["stop_unanswered"] != 0.0 || got["stop_unanswered_since"] != nil {
		t.Fatalf("session %v; want stop_asked 01:20, no ask answered or unanswered", got)
	}
}
