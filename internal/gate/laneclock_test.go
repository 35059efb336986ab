package gate_test

import (
	"strings"
	"testing"
	"time"

	"parkd/internal/gate"
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

// anomaliesOf counts the lot's anomalies of kind about event id.
func (b *bundle) anomaliesOf(t *testing.T, kind, eventID string) int {
	t.Helper()
	as, err := b.Sys.Gate.ListAnomalies(b.Ctx, b.Lot, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range as {
		if a.Kind == kind && a.EventID == eventID {
			n++
		}
	}
	return n
}

// recordedAt is the time event id is recorded with: the one its device
// sent, whatever time it was decided at.
func (b *bundle) recordedAt(t *testing.T, id string) time.Time {
	t.Helper()
	evs, err := b.Sys.Gate.RecentEvents(b.Ctx, b.Lot, time.Time{}, gate.MaxRecentEvents)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.ID == id {
			return ev.At
		}
	}
	t.Fatalf("event %s is not recorded", id)
	return time.Time{}
}

// TestStaleEntryWithNoStayIsDatedNow: a car with no stay is read live at
// an entry lane whose clock is three days behind. The car is at the lane
// now: its stay starts now, with one device_clock anomaly naming the lane
// and the time it gave, and the event is recorded as sent, so the lane's
// retry gets the same stay and makes no second one. Left 20 minutes later
// it owes 200: 20 minutes, over the 15 of grace, is one started half hour ×
// 200 (from three days back it would owe 72 h = 144 half hours, 28800).
func TestStaleEntryWithNoStayIsDatedNow(t *testing.T) {
	b := setup(t)
	now := t0.Add(6 * time.Hour)
	b.Clock.Set(now)
	sent := now.Add(-72 * time.Hour)
	var first park.Decision
	for i := range 2 {
		dec, err := b.EventID("stale-entry:1", park.EventEntry, "京H96103", sent)
		if err != nil {
			t.Fatal(err)
		}
		wantDecision(t, dec, park.DecisionOpen, park.ReasonVisitor, 0)
		if i == 1 && dec.StayID != first.StayID {
			t.Fatalf("the lane's retry got stay %s, the first read %s", dec.StayID, first.StayID)
		}
		first = dec
	}
	if st := b.Stay(t, first.StayID); !st.EntryAt.Equal(now) {
		t.Fatalf("stay entered %s, want now (%s)", st.EntryAt, now)
	}
	if n := b.Occupied(t); n != 1 {
		t.Fatalf("%d cars inside, want 1", n)
	}
	if n := b.anomaliesOf(t, park.AnomalyDeviceClock, "stale-entry:1"); n != 1 {
		t.Fatalf("%d device_clock anomalies, want 1", n)
	}
	a := b.anomalyOf(t, park.AnomalyDeviceClock, "stale-entry:1")
	if a.StayID != first.StayID || !strings.Contains(a.Detail, "in-1") || !strings.Contains(a.Detail, sent.Format(time.RFC3339)) {
		t.Errorf("device_clock anomaly %+v: want stay %s, the lane and the time it gave", a, first.StayID)
	}
	if at := b.recordedAt(t, "stale-entry:1"); !at.Equal(sent) {
		t.Errorf("event recorded at %s, want the time the lane sent, %s", at, sent)
	}
	b.Clock.Set(now.Add(20 * time.Minute))
	wantDecision(t, b.Event(t, park.EventExit, "京H96103", now.Add(20*time.Minute)), park.DecisionHold, park.ReasonPaymentRequired, 200)
}

// TestStaleExitWithNoStayIsAMissedEntryNow: a car with no stay read live
// at an exit lane dated three days back is a missed entry now (the test
// lot holds such cars), not three days ago.
func TestStaleExitWithNoStayIsAMissedEntryNow(t *testing.T) {
	b := setup(t)
	now := t0.Add(6 * time.Hour)
	b.Clock.Set(now)
	for range 2 {
		dec, err := b.EventID("stale-exit:1", park.EventExit, "京H96104", now.Add(-72*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		wantDecision(t, dec, park.DecisionHold, park.ReasonMissedEntry, 0)
	}
	if n := b.anomaliesOf(t, park.AnomalyMissedEntry, "stale-exit:1"); n != 1 {
		t.Fatalf("%d missed_entry anomalies, want 1", n)
	}
	if a := b.anomalyOf(t, park.AnomalyMissedEntry, "stale-exit:1"); !a.At.Equal(now) {
		t.Errorf("missed entry recorded at %s, want now (%s)", a.At, now)
	}
	if n := b.anomaliesOf(t, park.AnomalyDeviceClock, "stale-exit:1"); n != 1 {
		t.Errorf("%d device_clock anomalies, want 1", n)
	}
}

// TestLiveReadADayOldKeepsItsTime: a live read dated 23 hours back is
// within the day a live read may lag, so it keeps its time: the stay
// enters then, and leaving now the car owes 23 hours, 46 half hours ×
// 200 = 9200, with no device_clock anomaly.
func TestLiveReadADayOldKeepsItsTime(t *testing.T) {
	b := setup(t)
	now := t0.Add(6 * time.Hour)
	b.Clock.Set(now)
	sent := now.Add(-23 * time.Hour)
	dec, err := b.EventID("day-old:1", park.EventEntry, "京H96105", sent)
	if err != nil {
		t.Fatal(err)
	}
	if st := b.Stay(t, dec.StayID); !st.EntryAt.Equal(sent) {
		t.Fatalf("stay entered %s, want %s", st.EntryAt, sent)
	}
	if n := b.anomaliesOf(t, park.AnomalyDeviceClock, "day-old:1"); n != 0 {
		t.Errorf("%d device_clock anomalies, want none", n)
	}
	wantDecision(t, b.Event(t, park.EventExit, "京H96105", now), park.DecisionHold, park.ReasonPaymentRequired, 9200)
}

// TestOfflineEntryDaysOldKeepsItsTime: a lane's offline record dated three
// days back is when the car passed: its stay enters then, with no
// device_clock anomaly.
func TestOfflineEntryDaysOldKeepsItsTime(t *testing.T) {
	b := setup(t)
	now := t0.Add(6 * time.Hour)
	b.Clock.Set(now)
	sent := now.Add(-72 * time.Hour)
	dec := b.offline(t, "offline-old:1", park.EventEntry, "京H96106", sent)
	if st := b.Stay(t, dec.StayID); !st.EntryAt.Equal(sent) {
		t.Fatalf("stay entered %s, want %s", st.EntryAt, sent)
	}
	if n := b.anomaliesOf(t, park.AnomalyDeviceClock, "offline-old:1"); n != 0 {
		t.Errorf("%d device_clock anomalies, want none", n)
	}
}
