package devices_test

import (
	"context"
	"errors"
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

// TestAlarmClearedByOtherNode: a barrier that failed to acknowledge on
// one node raises the alarm; the next car's open acknowledged on another
// node, whose registry read the device before the alarm, clears it (at
// that node's next sweep), instead of leaving it standing until a car
// comes by once the other node's registry has expired.
func TestAlarmClearedByOtherNode(t *testing.T) {
	b := setup(t)
	b.Subscribe(t, park.ReportDeviceStatus)
	b.register(t, "cam-in", "in-1")
	other := devices.New(devices.Config{Store: b.Store, Now: b.Clock.Now, Gate: b.Sys.Gate, Protocols: []string{proto}})
	device := func() *park.Device {
		t.Helper()
		d, err := b.dev.Device(b.Ctx, "cam-in")
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	cached := device() // what the other node's registry holds: no alarm
	raised := b.Clock.Now()
	b.dev.Unacknowledged(b.Ctx, device(), park.GateOpen, errors.New("no reply"))
	answered := raised.Add(2 * time.Second)
	b.Clock.Set(answered)
	other.Acknowledged(b.Ctx, cached, park.GateOpen)
	if err := other.Sweep(b.Ctx); err != nil {
		t.Fatal(err)
	}
	if d := device(); d.Unanswered != nil {
		t.Fatalf("the barrier answered on the other node at %s, yet the alarm still stands (since %s)", answered, d.Unanswered)
	}
	rs := statusReports(t, b)
	if len(rs) != 2 || rs[0].Device.Online || !rs[1].Device.Online || !rs[1].Device.Since.Equal(answered) {
		t.Fatalf("reports %+v: want the alarm, then one report that the barrier answers again since %s", rs, answered)
	}
	// A sweep on either node reports nothing more.
	for _, n := range []*devices.Service{other, b.dev} {
		if err := n.Sweep(b.Ctx); err != nil {
			t.Fatal(err)
		}
	}
	if rs := statusReports(t, b); len(rs) != 2 {
		t.Fatalf("reports %+v: the answer was reported again", rs)
	}

	// An acknowledgement before an alarm raised later does not clear it.
	cached = device()
	b.Clock.Set(answered.Add(time.Second))
	other.Acknowledged(b.Ctx, cached, park.GateOpen)
	b.Clock.Set(answered.Add(2 * time.Second))
	b.dev.Unacknowledged(b.Ctx, device(), park.GateOpen, errors.New("no reply"))
	if err := other.Sweep(b.Ctx); err != nil {
		t.Fatal(err)
	}
	if d := device(); d.Unanswered == nil {
		t.Fatal("an acknowledgement older than the alarm cleared it")
	}
}

// TestStatusTwoNodes: a camera heard on both nodes, swept by both at
// once, is one device_status report when it comes online and one when it
// falls silent, not one per node.
func TestStatusTwoNodes(t *testing.T) {
	b := setup(t)
	b.Subscribe(t, park.ReportDeviceStatus)
	b.register(t, "cam-in", "in-1")
	other := devices.New(devices.Config{Store: b.Store, Now: b.Clock.Now, Gate: b.Sys.Gate, Protocols: []string{proto}})
	nodes := []*devices.Service{b.dev, other}
	sweepBoth := func() {
		t.Helper()
		errs := make(chan error, len(nodes))
		for _, n := range nodes {
			go func() { errs <- n.Sweep(b.Ctx) }()
		}
		for range nodes {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	}
	heard := b.Clock.Now()
	for _, n := range nodes {
		if _, err := n.Heartbeat(b.Ctx, "cam-in", proto, "test"); err != nil {
			t.Fatal(err)
		}
	}
	sweepBoth()
	sweepBoth()
	if rs := statusReports(t, b); len(rs) != 1 || !rs[0].Device.Online || !rs[0].Device.Since.Equal(heard) {
		t.Fatalf("reports %+v: want one, online since %s", rs, heard)
	}
	b.Clock.Set(heard.Add(devices.OfflineAfter))
	sweepBoth()
	sweepBoth()
	if rs := statusReports(t, b); len(rs) != 2 || rs[1].Device.Online || !rs[1].Device.Since.Equal(heard.Add(devices.OfflineAfter)) {
		t.Fatalf("reports %+v: want a second, offline since %s", rs, heard.Add(devices.OfflineAfter))
	}
}
