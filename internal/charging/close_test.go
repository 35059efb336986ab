package charging_test

import (
	"context"
	"testing"
	"time"

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
// wait: one stop sent, unheard, none answered. After the restart the
// charger reconnects and sends MeterValues at 15:01, which comes a minute (StopAgainAfter, the
// back-off after one unanswered ask) after that stop: it is asked again
// (2 sent) and answered (1 ask heard).
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
