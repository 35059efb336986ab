package devices_test

import (
	"context"
	"testing"
	"time"

	"parkd/internal/device"
	"parkd/internal/devices"
	"parkd/internal/park"
)

// TestCometTwoNodes: with two nodes on one database, an operator's open
// queued on one node is delivered by the camera's heartbeat to the other,
// once, and the sending node hears that it was taken.
func TestCometTwoNodes(t *testing.T) {
	b := setup(t)
	b.register(t, "cam-in", "in-1")
	other := devices.New(devices.Config{Store: b.Store, Now: b.Clock.Now, Gate: b.Sys.Gate, Protocols: []string{proto}})
	routes := devices.NewBarriers(b.Store, device.NewMemory())
	routes.Route(proto, b.dev.Comet())

	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(b.Ctx, 10*time.Second) // the limit is the command's own
		defer cancel()
		done <- routes.Send(ctx, b.Lot, "in-1", park.GateOpen)
	}()
	var got []devices.Command
	for i := 0; len(got) == 0; i++ {
		select {
		case err := <-done:
			t.Fatalf("the send ended (%v) before the other node's heartbeat took the command", err)
		default:
		}
		var err error
		if got, err = other.Heartbeat(b.Ctx, "cam-in", proto, "test"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if len(got) != 1 || got[0].Name != park.GateOpen {
		t.Fatalf("the other node's heartbeat carried %+v, want one open", got)
	}
	if err := <-done; err != nil {
		t.Fatalf("taken by the other node's heartbeat, yet the sender heard %v", err)
	}
	for _, n := range []*devices.Service{b.dev, other} {
		if again, _ := n.Heartbeat(b.Ctx, "cam-in", proto, "test"); len(again) != 0 {
			t.Fatalf("the open was given twice: %+v", again)
		}
	}
}
