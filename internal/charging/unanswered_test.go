package charging_test

import (
	"testing"
	"time"

	"parkd/internal/park"
)

// setRemote changes the fake charger's behaviour under its lock.
func (r *rig) setRemote(f func(*fakeRemote)) {
	r.remote.mu.Lock()
	defer r.remote.mu.Unlock()
	f(r.remote)
}

// An ask whose connection ended before the charger answered is not one
// of the unanswered asks in a row: the charger went away, it was not
// silent, and the stop is asked again once it is back. It neither
// lengthens the back-off nor brings the limit nearer.
//
// By hand: the driver's stop at 10:20 goes unanswered (1 in a row). At
// 10:21, a minute on (stopBackoff(1)), a heartbeat lets the sweep ask
// again; the connection ends before the answer: still 1. The charger
// reconnects at 10:22, a minute after the last ask, and is asked (had
// the dropped ask counted, 2 in a row would wait stopBackoff(2) = 2
// minutes, to 10:23); it is silent: 2. The next waits 2 minutes: nothing
// at 10:23, asked at 10:24, silent: 3 (4 had the dropped ask counted).
func TestDroppedStopNotUnanswered(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 300, 0)
	r.setRemote(func(f *fakeRemote) { f.silent = true })
	r.Clock.Set(t0.Add(20 * time.Minute))
	if _, err := r.cs.StopSession(r.Ctx, sess.ID, ""); err == nil {
		t.Fatal("a silent charger's stop answered as under way")
	}
	want := func(when string, sent, unanswered int) {
		t.Helper()
		s, err := r.cs.Session(r.Ctx, sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := r.remote.stopCount(); n != sent || s.StopUnanswered != unanswered || s.StopAsks != 0 || s.Status != park.SessionCharging {
			t.Fatalf("%s: %d stops sent, %d unanswered in a row (%+v); want %d, %d", when, n, s.StopUnanswered, s, sent, unanswered)
		}
	}
	want("10:20", 1, 1)
	lifeAt := func(m int) {
		t.Helper()
		r.Clock.Set(t0.Add(time.Duration(m) * time.Minute))
		if err := r.cs.Heartbeat(r.Ctx, "CP1"); err != nil {
			t.Fatal(err)
		}
		r.sweep(t)
	}
	r.setRemote(func(f *fakeRemote) { f.drop = true })
	lifeAt(21)
	want("10:21, connection ended before the answer", 2, 1)
	if err := r.cs.Disconnected(r.Ctx, "CP1", r.conn); err != nil {
		t.Fatal(err)
	}
	r.setRemote(func(f *fakeRemote) { f.drop = false })
	r.Clock.Set(t0.Add(22 * time.Minute))
	var err error
	if r.conn, err = r.cs.Connected(r.Ctx, "CP1"); err != nil {
		t.Fatal(err)
	}
	r.sweep(t)
	want("10:22, back", 3, 2)
	lifeAt(23)
	want("10:23", 3, 2)
	lifeAt(24)
	want("10:24", 4, 3)
}
