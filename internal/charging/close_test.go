package charging_test

import (
	"context"
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// The service's Close cuts short parkd's automatic stops still waiting for
// a charger's answer, and returns once they ended, without waiting the
// call's 30 s timeout; the session keeps the stop owed, so a later
// service over the same store (the restart) asks it at the charger's next
// message.
//
// By hand: the seed's standard (100 fen per started 240 minutes), 100
// fen prepaid, started at 10:00. At 15:00 the session has used 300
// minutes, a second block (200 fen) it has not paid for: the sweep asks
// the charger to stop, which keeps the ask unanswered. Close ends the
// wait: one stop sent, unheard, none answered (and, cut by parkd, none
// unanswered either). After the restart the charger reconnects and sends
// MeterValues at 15:01, which comes a minute (StopAgainAfter, the wait
// for an unheard ask with none unanswered) after that stop: it is asked
// again (2 sent) and answered (1 ask heard).
func TestCloseCutsShortPendingAutoStop(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 100, 0)
	r.setRemote(func(f *fakeRemote) { f.mute = true })

	r.Clock.Set(local(0, 15, 0))
	if err := r.cs.Heartbeat(r.Ctx, "CP1"); err != nil {
		t.Fatal(err)
	}
	if err := r.cs.Sweep(r.Ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the charger never got its stop", func() bool { return r.remote.stopCount() == 1 })

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.cs.Close(ctx); err != nil {
		t.Fatalf("close waited for the charger's answer: %v", err)
	}
	s, err := r.cs.Session(r.Ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != park.SessionCharging || s.StopUnheard == nil || s.StopAsks != 0 || s.StopReason != park.EndMoneyUsedUp {
		t.Fatalf("the session after close: %+v", s)
	}
	// A closed service asks no more.
	if err := r.cs.Sweep(r.Ctx); err != nil {
		t.Fatal(err)
	}
	if n := r.remote.stopCount(); n != 1 {
		t.Fatalf("%d stops sent, want 1 (none after close)", n)
	}

	later := r.Node().Charging
	r.setRemote(func(f *fakeRemote) { f.mute = false })
	later.SetRemote(r.remote)
	at := local(0, 15, 1)
	r.Clock.Set(at)
	// The charger reconnects to the restarted parkd, then sends its
	// MeterValues (the OCPP layer notes every message as seen).
	if _, err := later.Connected(r.Ctx, "CP1"); err != nil {
		t.Fatal(err)
	}
	later.Seen("CP1")
	if err := metered(r.Ctx, later, "CP1", sess.TransactionID, []park.MeterReading{{At: at, EnergyWh: 100, PowerW: 500}}, false); err != nil {
		t.Fatal(err)
	}
	if n := r.remote.stopCount(); n != 2 {
		t.Fatalf("%d stops sent, want 2 (asked again after the restart)", n)
	}
	s, _ = later.Session(r.Ctx, sess.ID)
	if s.StopAsks != 1 || s.StopUnheard != nil || s.StopReason != park.EndMoneyUsedUp {
		t.Fatalf("the session after the restart's stop: %+v", s)
	}
}

// A stop cut short by parkd's own shutdown is not the charger's silence:
// like an ask whose connection ended, it is not one of the unanswered
// asks in a row, so it neither lengthens the back-off nor brings the
// limit (MaxUnansweredStops) nearer, and it stays owed.
//
// By hand: the driver's stop at 10:20 goes unanswered (1 in a row, since
// 10:20); at 10:21, a minute on (stopBackoff(1)), a heartbeat has the
// sweep ask again, unanswered too (2, since 10:20). The next waits
// stopBackoff(2) = 2 minutes: asked at 10:23 (3 sent), and parkd shuts
// down while it waits. The session still shows 2 in a row since 10:20.
// After the restart the charger reconnects at 10:24, a minute after the
// cut ask: not yet (2 minutes are owed after it; had the cut ask counted,
// 3 in a row would wait stopBackoff(3) = 4 minutes, to 10:27). At 10:25 a
// heartbeat has it asked (4 sent), and it answers: 1 ask heard, none
// unanswered.
func TestCloseCutStopNotUnanswered(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 300, 0)
	r.setRemote(func(f *fakeRemote) { f.silent = true })
	r.Clock.Set(t0.Add(20 * time.Minute))
	if _, err := r.cs.StopSession(r.Ctx, sess.ID, ""); err == nil {
		t.Fatal("a silent charger's stop answered as under way")
	}
	want := func(cs *charging.Service, when string, sent, unanswered, asks int) *park.ChargeSession {
		t.Helper()
		s, err := cs.Session(r.Ctx, sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := r.remote.stopCount(); n != sent || s.StopUnanswered != unanswered || s.StopAsks != asks || s.Status != park.SessionCharging {
			t.Fatalf("%s: %d stops sent, %d unanswered in a row, %d asks heard (%+v); want %d, %d, %d",
				when, n, s.StopUnanswered, s.StopAsks, s, sent, unanswered, asks)
		}
		return s
	}
	want(r.cs, "10:20", 1, 1, 0)
	r.Clock.Set(t0.Add(21 * time.Minute))
	if err := r.cs.Heartbeat(r.Ctx, "CP1"); err != nil {
		t.Fatal(err)
	}
	r.sweep(t)
	want(r.cs, "10:21", 2, 2, 0)

	// The third ask waits for an answer that never comes; parkd closes.
	r.setRemote(func(f *fakeRemote) { f.silent, f.mute = false, true })
	r.Clock.Set(t0.Add(23 * time.Minute))
	if err := r.cs.Heartbeat(r.Ctx, "CP1"); err != nil {
		t.Fatal(err)
	}
	if err := r.cs.Sweep(r.Ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the charger never got its third stop", func() bool { return r.remote.stopCount() == 3 })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.cs.Close(ctx); err != nil {
		t.Fatalf("close waited for the charger's answer: %v", err)
	}
	s := want(r.cs, "10:23, after the shutdown", 3, 2, 0)
	if s.StopUnheard == nil || s.StopUnansweredSince == nil || !s.StopUnansweredSince.Equal(t0.Add(20*time.Minute)) {
		t.Fatalf("after the shutdown the stop is owed, unanswered since 10:20: unheard %v, since %v", s.StopUnheard, s.StopUnansweredSince)
	}

	later := r.Node().Charging
	r.setRemote(func(f *fakeRemote) { f.mute = false })
	later.SetRemote(r.remote)
	r.Clock.Set(t0.Add(24 * time.Minute))
	if _, err := later.Connected(r.Ctx, "CP1"); err != nil {
		t.Fatal(err)
	}
	later.Seen("CP1")
	if err := later.Sweep(r.Ctx); err != nil {
		t.Fatal(err)
	}
	later.WaitStops()
	want(later, "10:24, back after the restart", 3, 2, 0)
	r.Clock.Set(t0.Add(25 * time.Minute))
	if err := later.Heartbeat(r.Ctx, "CP1"); err != nil {
		t.Fatal(err)
	}
	if err := later.Sweep(r.Ctx); err != nil {
		t.Fatal(err)
	}
	later.WaitStops()
	want(later, "10:25", 4, 0, 1)
}
