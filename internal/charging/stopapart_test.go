package charging_test

import (
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// addCharger registers and connects a second charger id beside CP1, on
// CP1's standard, the day before the tests' times (as newRig does).
func (r *rig) addCharger(t *testing.T, id string) {
	t.Helper()
	cp1, err := r.cs.Charger(r.Ctx, "CP1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.cs.RegisterCharger(r.Ctx, charging.ChargerInput{ID: id, LotCode: r.Lot, Family: cp1.Family, Connectors: 2,
		StandardID: cp1.StandardID, Password: "0123456789abcdef"}); err != nil {
		t.Fatal(err)
	}
	now := r.Clock.Now()
	r.Clock.Set(local(-1, 0, 0))
	if _, err := r.cs.Connected(r.Ctx, id); err != nil {
		t.Fatal(err)
	}
	r.Clock.Set(now)
}

// startOn starts a session on charger id's connector 1 at at.
func (r *rig) startOn(t *testing.T, id string, at time.Time, prepaid int64) *park.ChargeSession {
	t.Helper()
	r.Clock.Set(at)
	sess, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: id, Connector: 1, Prepaid: prepaid, Source: park.SourceNative})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := r.cs.ChargerStarted(r.Ctx, charging.Started{ChargerID: id, Connector: 1, IDTag: sess.IDTag, At: at}); err != nil || ok.Status != charging.TagAccepted {
		t.Fatalf("start on %s: %v, %v", id, ok, err)
	}
	sess, _ = r.cs.Session(r.Ctx, sess.ID)
	return sess
}

// eventually polls cond until it holds, failing after a few seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal(what)
		}
	}
}

// parkd's first automatic stop of a session waits for the charger's
// answer apart, like the asks after it: a charger silent to it holds
// neither the sweep nor another charger's stop.
//
// Two sessions on the seed's standard (100 fen per started 240 minutes),
// 100 fen prepaid each, on CP1 from 10:00 and CP2 from 10:01. At 15:00
// each has used more than 240 minutes, a second block (200 fen) it has
// not paid for: the money is used up and the sweep asks both chargers to
// stop. CP1 takes the ask and keeps it (then never answers); the sweep
// returns all the same, and CP2's stop is sent and answered meanwhile.
func TestFirstAutoStopDoesNotHoldSweep(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	r.addCharger(t, "CP2")
	t0 := local(0, 10, 0)
	s1 := r.startOn(t, "CP1", t0, 100)
	s2 := r.startOn(t, "CP2", t0.Add(time.Minute), 100)
	hold := make(chan struct{})
	r.remote.mu.Lock()
	r.remote.hold, r.remote.silent, r.remote.only = hold, true, "CP1"
	r.remote.mu.Unlock()
	released := false
	defer func() {
		if !released {
			close(hold)
			r.cs.WaitStops()
		}
	}()

	r.Clock.Set(local(0, 15, 0))
	for _, id := range []string{"CP1", "CP2"} {
		if err := r.cs.Heartbeat(r.Ctx, id); err != nil { // online, and seen
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- r.cs.Sweep(r.Ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the sweep waits for CP1's answer to its first stop")
	}
	eventually(t, "CP1 never got its stop", func() bool { return r.remote.stopsOf("CP1") == 1 })
	eventually(t, "CP2's stop was not answered while CP1's was pending", func() bool {
		s, err := r.cs.Session(r.Ctx, s2.ID)
		return err == nil && s.StopAsks == 1 && s.StopUnheard == nil
	})
	s, _ := r.cs.Session(r.Ctx, s2.ID)
	if s.StopReason != park.EndMoneyUsedUp || !s.StopAsked.Equal(local(0, 15, 0)) {
		t.Fatalf("CP2's session: %+v", s)
	}
	// A second sweep while CP1's ask is pending sends CP1 no other.
	if err := r.cs.Sweep(r.Ctx); err != nil {
		t.Fatal(err)
	}
	close(hold)
	released = true
	r.cs.WaitStops()
	if n := r.remote.stopsOf("CP1"); n != 1 {
		t.Fatalf("%d stops sent to CP1, want 1", n)
	}
	s, _ = r.cs.Session(r.Ctx, s1.ID)
	if s.StopReason != park.EndMoneyUsedUp || s.StopUnanswered != 1 || s.StopAsks != 0 || s.StopUnheard == nil || s.Status != park.SessionCharging {
		t.Fatalf("CP1's session after its silent first stop: %+v", s)
	}
}
