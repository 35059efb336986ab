package gate_test

import (
	"strings"
	"testing"
	"time"

	"parkd/internal/park"
)

// clockReset is the time a lane gives after losing its clock.
var clockReset = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// TestExitFromAResetClockIsPricedNow: a car inside for three hours is read
// live at an exit lane whose clock dates it 2000-01-01. Dated at its
// entry (the rule for two lanes' clocks seconds apart) it would have
// stayed no time and left free; the car is at the lane now, so it owes
// the three hours: 180 min past 15 min of grace is 6 half hours × 200 =
// 1200. The lane retrying the same read gets the same answer.
func TestExitFromAResetClockIsPricedNow(t *testing.T) {
	b := setup(t)
	b.Clock.Set(t0)
	in := b.Event(t, park.EventEntry, "京H96101", t0)
	b.Clock.Set(t0.Add(3 * time.Hour))
	for range 2 {
		dec, err := b.EventID("reset-exit:1", park.EventExit, "京H96101", clockReset)
		if err != nil {
			t.Fatal(err)
		}
		wantDecision(t, dec, park.DecisionHold, park.ReasonPaymentRequired, 1200)
	}
	if st := b.Stay(t, in.StayID); st.State != park.StayIn {
		t.Fatalf("stay %s is %s; a held car is still inside", st.ID, st.State)
	}
	a := b.anomalyOf(t, park.AnomalyDeviceClock, "reset-exit:1")
	if a.StayID != in.StayID || !strings.Contains(a.Detail, "out-1") || !strings.Contains(a.Detail, "2000-01-01") {
		t.Errorf("device_clock anomaly %+v: want stay %s, the lane and the time it gave", a, in.StayID)
	}
}

// TestReentryFromAResetClockIsDatedNow: a car inside since t0 is read
// again at an entry lane two hours later by a lane dating it
// 2000-01-01 (its exit was missed). Its old stay closes now, after two
// hours, not at its entry; the new stay starts now, not in 2000: left 20
// minutes later it owes one half hour, 200 (from 2000 it would owe
// decades; from t0, 2h20 is 5 half hours, 1000).
func TestReentryFromAResetClockIsDatedNow(t *testing.T) {
	b := setup(t)
	b.Clock.Set(t0)
	old := b.Event(t, park.EventEntry, "京H96102", t0)
	now := t0.Add(2 * time.Hour)
	b.Clock.Set(now)
	var again park.Decision
	for i := range 2 {
		dec, err := b.EventID("reset-entry:1", park.EventEntry, "京H96102", clockReset)
		if err != nil {
			t.Fatal(err)
		}
		wantDecision(t, dec, park.DecisionOpen, park.ReasonVisitor, 0)
		if i == 1 && dec.StayID != again.StayID {
			t.Fatalf("the lane's retry got stay %s, the first read %s", dec.StayID, again.StayID)
		}
		again = dec
	}
	if st := b.Stay(t, old.StayID); st.State != park.StayOut || st.ExitAt == nil || !st.ExitAt.Equal(now) || st.Anomaly != park.AnomalyReentry {
		t.Fatalf("old stay %+v: want closed at %s as a re-entry", st, now)
	}
	if st := b.Stay(t, again.StayID); !st.EntryAt.Equal(now) {
		t.Fatalf("new stay entered %s, want %s", st.EntryAt, now)
	}
	b.anomalyOf(t, park.AnomalyDeviceClock, "reset-entry:1")
	b.Clock.Set(now.Add(20 * time.Minute))
	wantDecision(t, b.Event(t, park.EventExit, "京H96102", now.Add(20*time.Minute)), park.DecisionHold, park.ReasonPaymentRequired, 200)
	if n := b.Occupied(t); n != 1 {
		t.Errorf("%d cars inside, want 1 (the held car)", n)
	}
}
