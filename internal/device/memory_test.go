package device_test

import (
	"context"
	"errors"
	"testing"

	"parkd/internal/device"
	"parkd/internal/gate"
	"parkd/internal/park"
)

func TestMemory(t *testing.T) {
	ctx := context.Background()
	m := device.NewMemory()
	var g gate.Barriers = m
	if b := m.Barrier("L1", "in-1"); b.Up || b.HeldOpen {
		t.Fatalf("a new barrier is down: %+v", b)
	}
	for _, c := range []struct {
		cmd      string
		up, held bool
	}{
		{park.GateOpen, true, false},
		{park.GateClose, false, false},
		{park.GateHoldOpen, true, true},
		{park.GateOpen, true, true}, // opening a held barrier keeps the hold
		{park.GateRelease, false, false},
	} {
		if err := g.Send(ctx, "L1", "in-1", c.cmd); err != nil {
			t.Fatal(err)
		}
		if b := m.Barrier("L1", "in-1"); b.Up != c.up || b.HeldOpen != c.held {
			t.Fatalf("after %s: %+v", c.cmd, b)
		}
	}
	if b := m.Barrier("L1", "out-1"); b.Up {
		t.Fatal("another lane moved")
	}
	if n := len(m.Sent()); n != 5 {
		t.Fatalf("%d commands recorded, want 5", n)
	}

	m.SetReachable("L1", "in-1", false)
	if err := g.Send(ctx, "L1", "in-1", park.GateOpen); !errors.Is(err, device.ErrUnreachable) {
		t.Fatalf("unplugged: %v", err)
	}
	if b := m.Barrier("L1", "in-1"); b.Up || len(m.Sent()) != 5 {
		t.Fatalf("an unreachable device changed: %+v", b)
	}
	m.SetReachable("L1", "in-1", true)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := g.Send(cctx, "L1", "in-1", park.GateOpen); !errors.Is(err, device.ErrUnreachable) {
		t.Fatalf("ended context: %v", err)
	}
	if err := g.Send(ctx, "L1", "in-1", "explode"); err == nil || errors.Is(err, device.ErrUnreachable) {
		t.Fatalf("unknown command: %v", err)
	}
}
