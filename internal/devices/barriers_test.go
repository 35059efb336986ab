package devices_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/device"
	"parkd/internal/devices"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

type fakeTransport struct{ got []string }

func (f *fakeTransport) Send(_ context.Context, d *park.Device, command string) error {
	f.got = append(f.got, d.Serial+" "+command)
	return nil
}

// TestBarriers: a lane's command reaches its registered barrier
// controller (before its camera) through its protocol's transport; a lane
// without one keeps the fallback.
func TestBarriers(t *testing.T) {
	b := setup(t)
	b.register(t, "cam-in", "in-1")
	if err := b.dev.Register(b.Ctx, &park.Device{Serial: "bar-in", LotCode: b.Lot, Lane: "in-1", Protocol: proto,
		Kind: park.DeviceBarrier}); err != nil {
		t.Fatal(err)
	}
	b.register(t, "cam-in2", "in-2")
	b.register(t, "other-out", "out-1")
	mem := device.NewMemory()
	r := devices.NewBarriers(b.Store, mem)
	tr := &fakeTransport{}
	r.Route(proto, tr)
	for _, lane := range []string{"in-1", "in-2", "out-1", "out-9"} {
		if err := r.Send(b.Ctx, b.Lot, lane, park.GateOpen); err != nil {
			t.Fatal(err)
		}
	}
	if len(tr.got) != 3 || tr.got[0] != "bar-in open" || tr.got[1] != "cam-in2 open" || tr.got[2] != "other-out open" {
		t.Fatalf("transport got %v: want the barrier of in-1, the camera of in-2 and out-1's", tr.got)
	}
	if s := mem.Sent(); len(s) != 1 || s[0].Lane != "out-9" {
		t.Fatalf("fallback got %+v: want only out-9, which has no device", s)
	}
}

// TestComet: a command for a device reached through its heartbeats is
// delivered when a heartbeat takes it; one not taken before its deadline
// is withdrawn (never carried out late) and reported unreachable.
func TestComet(t *testing.T) {
	b := setup(t)
	d := b.register(t, "cam-in", "in-1")
	comet := b.dev.Comet()

	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(b.Ctx, 10*time.Second)
		defer cancel()
		done <- comet.Send(ctx, d, park.GateOpen)
	}()
	var got []devices.Command
	for len(got) == 0 {
		var err error
		if got, err = b.dev.Heartbeat(b.Ctx, "cam-in", proto, "test"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got[0].Name != park.GateOpen {
		t.Fatalf("%+v", got)
	}
	if err := <-done; err != nil {
		t.Fatalf("taken by a heartbeat, yet %v", err)
	}

	ctx, cancel := context.WithTimeout(b.Ctx, 20*time.Millisecond)
	defer cancel()
	if err := comet.Send(ctx, d, park.GateOpen); !errors.Is(err, park.ErrUnreachable) {
		t.Fatalf("%v, want unreachable", err)
	}
	if got, _ := b.dev.Heartbeat(b.Ctx, "cam-in", proto, "test"); len(got) != 0 {
		t.Fatalf("a withdrawn command was handed out: %+v", got)
	}
	if err := comet.Send(b.Ctx, d, park.GateHoldOpen); !errors.Is(err, park.ErrUnreachable) {
		t.Fatalf("hold_open through a heartbeat reply: %v, want unreachable", err)
	}
}

// lostAnswerStore commits a write and then, once armed, answers it with an
// error, as when a commit lands but its answer is lost.
type lostAnswerStore struct {
	park.Store
	armed atomic.Bool
}

func (s *lostAnswerStore) Update(ctx context.Context, fn func(park.Tx) error) error {
	if err := s.Store.Update(ctx, fn); err != nil || !s.armed.CompareAndSwap(true, false) {
		return err
	}
	return park.Errorf(park.EUnavailable, "the commit's answer was lost")
}

// TestCometTakeAnswerLost: a heartbeat whose take of a command committed
// but lost its answer still carries the command, which the node that
// queued it counts as carried out: the barrier the operator opened opens.
func TestCometTakeAnswerLost(t *testing.T) {
	lost := &lostAnswerStore{}
	sb := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{proto},
		WrapStore: func(s park.Store) park.Store { lost.Store = s; return lost }})
	b := &bundle{sb, sb.Sys.Devices}
	d := b.register(t, "cam-in", "in-1")
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(b.Ctx, 10*time.Second)
		defer cancel()
		done <- b.dev.Comet().Send(ctx, d, park.GateOpen)
	}()
	for queued := false; !queued; time.Sleep(5 * time.Millisecond) {
		if err := lost.View(b.Ctx, func(tx park.Tx) error {
			q, err := tx.PendingDeviceCommands(b.Ctx, "cam-in", b.Clock.Now(), 1)
			queued = len(q) == 1
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	lost.armed.Store(true)
	got, err := b.dev.Heartbeat(b.Ctx, "cam-in", proto, "test")
	if err != nil || len(got) != 1 || got[0].Name != park.GateOpen {
		t.Fatalf("heartbeat got %+v, %v: want the open it took", got, err)
	}
	if err := <-done; err != nil {
		t.Fatalf("taken by a heartbeat, yet %v", err)
	}
	if lost.armed.Load() {
		t.Fatal("the take's answer was never lost: the test proves nothing")
	}
}
