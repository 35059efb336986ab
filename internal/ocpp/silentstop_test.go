package ocpp_test

import (
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/ocpp/ocppsim"
	"parkd/internal/park"
)

// silentStop starts a session of 300 fen on CAB1's connector 1 at t0 on
// the seed's standard (100 fen per started 240 minutes), with the point
// connected but never answering RemoteStopTransaction, and asks its stop
// at t0+20 minutes. The stop did not reach the charger: it is answered
// as not delivered, not as under way, and not counted among the asks.
func silentStop(t *testing.T, r *rig) (*ocppsim.Point, *park.ChargeSession, time.Time) {
	t.Helper()
	p := r.dial(t, "CAB1")
	p.SetAutoStart(true)
	t0 := r.Clock.Now()
	p.SetClock(r.Clock.Now)
	sess, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CAB1", Connector: 1, Prepaid: 300, Source: park.SourceNative})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return r.session(t, sess.ID).Status == park.SessionCharging })
	p.SetAnswer("RemoteStopTransaction", "")
	r.Clock.Set(t0.Add(20 * time.Minute))
	_, err = r.cs.StopSession(r.Ctx, sess.ID, "")
	if pe, _ := err.(*park.Error); pe == nil || pe.Code != park.EConflict || pe.Field != "session_id" || pe.Reason != park.ReasonNotAnswering {
		t.Fatalf("stop of a silent charger: %v, want session_id not answering", err)
	}
	s := r.session(t, sess.ID)
	if s.Status != park.SessionCharging || s.StopAsked == nil || !s.StopAsked.Equal(t0.Add(20*time.Minute)) || s.StopAsks != 0 {
		t.Fatalf("after an unanswered stop: %+v", s)
	}
	return p, s, t0
}

// stopsSent counts the RemoteStopTransaction calls the charger's command
// log holds.
func (r *rig) stopsSent(t *testing.T) int {
	t.Helper()
	c, err := r.cs.Charger(r.Ctx, "CAB1")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, cmd := range c.Commands {
		if cmd.Command == "RemoteStopTransaction" {
			n++
		}
	}
	return n
}

// TestStopOfSilentCharger: a charger connected but silent is not asked
// again while it stays silent; its next sign of life (a heartbeat) has the
// sweep ask once more, and this time it stops. Billed to the first ask at
// 20 minutes: one started 240-minute block, 100 fen, 200 back of 300.
func TestStopOfSilentCharger(t *testing.T) {
	r := newRig(t)
	p, sess, t0 := silentStop(t, r)
	r.Clock.Set(t0.Add(23 * time.Minute))
	if err := r.cs.Sweep(r.Ctx); err != nil {
		t.Fatal(err)
	}
	if n := r.stopsSent(t); n != 1 {
		t.Fatalf("silent since the stop: %d stops sent, want 1", n)
	}
	p.SetAnswer("RemoteStopTransaction", "Accepted")
	r.Clock.Set(t0.Add(25 * time.Minute))
	if err := p.Heartbeat(r.Ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.cs.Sweep(r.Ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return r.session(t, sess.ID).Status == park.SessionEnded })
	s := r.session(t, sess.ID)
	if s.Amount != 100 || s.Refund != 300-100 || s.EndReason != park.EndManual || s.StopAsks != 1 {
		t.Fatalf("ended %+v", s)
	}
	// The second ask waits for its answer apart: it is logged once
	// answered, which may come after the charger's StopTransaction.
	waitFor(t, func() bool { return r.stopsSent(t) == 2 })
}

// TestStopAnsweredLate: a charger that answers Accepted after the call's
// timeout settles the stop once: it counts as one ask, a second copy of
// the answer changes nothing, and its StopTransaction at 21 minutes ends
// the session billed to the ask at 20: 100 fen, 200 back.
func TestStopAnsweredLate(t *testing.T) {
	r := newRig(t)
	p, sess, t0 := silentStop(t, r)
	var id string
	for cmd := range p.Commands() {
		if cmd.Action == "RemoteStopTransaction" {
			id = cmd.ID
			break
		}
	}
	if err := p.AnswerLate(r.Ctx, id, "Accepted"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { s := r.session(t, sess.ID); return s.StopAsks == 1 && s.StopUnheard == nil })
	if err := p.AnswerLate(r.Ctx, id, "Accepted"); err != nil {
		t.Fatal(err)
	}
	r.Clock.Set(t0.Add(21 * time.Minute))
	if err := p.Heartbeat(r.Ctx); err != nil { // after the second copy: the server has read it
		t.Fatal(err)
	}
	if s := r.session(t, sess.ID); s.StopAsks != 1 || s.Status != park.SessionCharging {
		t.Fatalf("after a second late answer: %+v", s)
	}
	if err := p.Stop(r.Ctx, sess.TransactionID, "Remote"); err != nil {
		t.Fatal(err)
	}
	s := r.session(t, sess.ID)
	if s.Status != park.SessionEnded || s.Amount != 100 || s.Refund != 200 || s.EndReason != park.EndManual || s.StopAsks != 1 {
		t.Fatalf("ended %+v", s)
	}
}

// nextStop waits for the charger to receive a RemoteStopTransaction and
// returns its id.
func nextStop(t *testing.T, p *ocppsim.Point) string {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case cmd := <-p.Commands():
			if cmd.Action == "RemoteStopTransaction" {
				return cmd.ID
			}
		case <-deadline:
			t.Fatal("no RemoteStopTransaction reached the charger")
		}
	}
}

// TestReaskDoesNotHoldTheCharger: the stop asked again of a silent charger
// waits for its answer apart, the call's timeout at most: the sweep that
// asks it returns, and the charger's heartbeat sent while it is pending
// is answered at once, as is one sent right after the MeterValues whose
// answer has it asked again. Stop asked at 20 minutes (unanswered),
// asked again at 25 by the sweep (answered Rejected: one ask heard),
// again at 27 at a MeterValues a minute after; the charger stops at 28,
// billed to the first ask: 100 fen, 200 back of 300.
func TestReaskDoesNotHoldTheCharger(t *testing.T) {
	r := newRig(t)
	p, sess, t0 := silentStop(t, r)
	nextStop(t, p) // the first ask, never answered
	r.Clock.Set(t0.Add(25 * time.Minute))
	if err := p.Heartbeat(r.Ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.cs.Sweep(r.Ctx); err != nil {
		t.Fatal(err)
	}
	id := nextStop(t, p)
	if err := p.Heartbeat(r.Ctx); err != nil {
		t.Fatal(err)
	}
	if n := r.stopsSent(t); n != 1 {
		t.Fatalf("the sweep waited for the stop asked again: %d stops in the log, want 1 while it is pending", n)
	}
	if err := p.AnswerLate(r.Ctx, id, "Rejected"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { s := r.session(t, sess.ID); return s.StopAsks == 1 && s.StopUnheard == nil })
	waitFor(t, func() bool { return r.stopsSent(t) == 2 })

	r.Clock.Set(t0.Add(27 * time.Minute))
	if err := p.Meter(r.Ctx, 1, sess.TransactionID, ocppsim.Sample{At: r.Clock.Now(), EnergyWh: 50}); err != nil {
		t.Fatal(err)
	}
	nextStop(t, p)
	if err := p.Heartbeat(r.Ctx); err != nil {
		t.Fatal(err)
	}
	if n := r.stopsSent(t); n != 2 {
		t.Fatalf("the heartbeat waited for the stop asked at the MeterValues: %d stops in the log, want 2 while it is pending", n)
	}
	r.Clock.Set(t0.Add(28 * time.Minute))
	if err := p.Stop(r.Ctx, sess.TransactionID, "Remote"); err != nil {
		t.Fatal(err)
	}
	s := r.session(t, sess.ID)
	if s.Status != park.SessionEnded || s.Amount != 100 || s.Refund != 200 || s.EndReason != park.EndManual {
		t.Fatalf("ended %+v", s)
	}
}
