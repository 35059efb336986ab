package httpapi_test

import (
	"testing"
	"time"
)

// TestLiveEventFromAResetClock: an entry posted to the native route dated
// 2000-01-02 by a lane whose clock reset is the car at the lane now: its
// stay enters at parkd's clock, so the exit 20 minutes later owes one
// started half hour (20 min over the 15 of grace), 200, not 27 years.
func TestLiveEventFromAResetClock(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	reset := time.Date(2000, 1, 2, 0, 0, 0, 0, time.UTC)
	in := e.want(e.do("POST", "/v1/lots/140123001/events", event("reset-1", "entry", "京A12345", reset)), 200)
	st := e.want(e.do("GET", "/v1/stays/"+in["stay_id"].(string), ""), 200)
	if at, err := time.Parse(time.RFC3339, st["entry_at"].(string)); err != nil || !at.Equal(t0) {
		t.Fatalf("stay entered %v, want parkd's clock %s", st["entry_at"], t0)
	}
	e.setNow(t0.Add(20 * time.Minute))
	out := e.want(e.do("POST", "/v1/lots/140123001/events", event("reset-2", "exit", "京A12345", t0.Add(20*time.Minute))), 200)
	if out["decision"] != "hold" || out["amount_due"] != float64(200) {
		t.Fatalf("exit: %v, want hold with 200 due", out)
	}
}
