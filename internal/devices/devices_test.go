package devices_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"parkd/internal/device"
	"parkd/internal/devices"
	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

const proto = "test-http"

// calledBack is a protocol whose barriers parkd moves by calling the
// device back at its addr.
const calledBack = "test-callback"

type bundle struct {
	*systemtest.Bundle
	dev *devices.Service
}

func setup(t *testing.T) *bundle {
	b := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{proto, "other-http", calledBack},
		DeviceCalledBack: []string{calledBack}})
	return &bundle{b, b.Sys.Devices}
}

func (b *bundle) register(t *testing.T, serial, lane string) *park.Device {
	t.Helper()
	d := &park.Device{Serial: serial, LotCode: b.Lot, Lane: lane, Protocol: proto}
	if err := b.dev.Register(b.Ctx, d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRegister(t *testing.T) {
	b := setup(t)
	t.Run("OK", func(t *testing.T) {
		d := b.register(t, "cam-in", "in-1")
		if d.Kind != park.DeviceCamera || d.Direction != park.DirectionIn || d.Online || !d.CreatedAt.Equal(b.Clock.Now()) {
			t.Fatalf("%+v: want a camera of an entry lane, offline, registered now", d)
		}
		for _, addr := range []string{"http://192.168.1.64", "https://cam.example:8443/isapi/"} {
			d := park.Device{Serial: "c0", LotCode: b.Lot, Lane: "in-1", Kind: park.DeviceCamera, Protocol: proto, Direction: park.DirectionIn, Addr: addr}
			if err := d.Validate(); err != nil {
				t.Errorf("addr %q: %v", addr, err)
			}
		}
		if d := b.register(t, "cam-out", "out-2"); d.Direction != park.DirectionOut {
			t.Fatalf("out-2 is an exit lane: %+v", d)
		}
		got, err := b.dev.Device(b.Ctx, "cam-in")
		if err != nil || got.Lane != "in-1" {
			t.Fatalf("%+v %v", got, err)
		}
	})
	for _, c := range []struct {
		name  string
		d     park.Device
		code  park.Code
		field string
	}{
		{"ErrProtocol", park.Device{Serial: "c1", LotCode: b.Lot, Lane: "in-1", Protocol: "smoke-signals"}, park.EInvalid, "protocol"},
		{"ErrSerial", park.Device{Serial: "a b", LotCode: b.Lot, Lane: "in-1", Protocol: proto}, park.EInvalid, "serial"},
		{"ErrDirection", park.Device{Serial: "c2", LotCode: b.Lot, Lane: "gate-a", Protocol: proto}, park.EInvalid, "direction"},
		{"ErrKind", park.Device{Serial: "c3", LotCode: b.Lot, Lane: "in-1", Protocol: proto, Kind: "toaster"}, park.EInvalid, "kind"},
		// parkd calls a device back at addr: one it could never reach is
		// refused when registered, not found out when a car waits.
		{"ErrAddrNotURL", park.Device{Serial: "c5", LotCode: b.Lot, Lane: "in-1", Protocol: proto, Addr: "notaurl"}, park.EInvalid, "addr"},
		{"ErrAddrScheme", park.Device{Serial: "c6", LotCode: b.Lot, Lane: "in-1", Protocol: proto, Addr: "ftp://192.168.1.64"}, park.EInvalid, "addr"},
		{"ErrAddrNoHost", park.Device{Serial: "c7", LotCode: b.Lot, Lane: "in-1", Protocol: proto, Addr: "http://"}, park.EInvalid, "addr"},
		// Its barrier opens only when parkd calls it back: without addr
		// every car it lets in would wait at a shut barrier.
		{"ErrAddrMissing", park.Device{Serial: "c8", LotCode: b.Lot, Lane: "in-1", Protocol: calledBack}, park.EInvalid, "addr"},
		{"ErrAddrMissingBarrier", park.Device{Serial: "c9", LotCode: b.Lot, Lane: "in-1", Protocol: calledBack, Kind: park.DeviceBarrier}, park.EInvalid, "addr"},
		{"ErrLot", park.Device{Serial: "c4", LotCode: "nowhere", Lane: "in-1", Protocol: proto}, park.ENotFound, ""},
		{"ErrTaken", park.Device{Serial: "cam-in", LotCode: b.Lot, Lane: "in-2", Protocol: proto}, park.EConflict, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := b.dev.Register(b.Ctx, &c.d)
			systemtest.WantCode(t, err, c.code)
			if pe, _ := err.(*park.Error); c.field != "" && (pe == nil || pe.Field != c.field) {
				t.Fatalf("%v: want field %s", err, c.field)
			}
		})
	}
	ds, err := b.dev.Devices(b.Ctx, b.Lot)
	if err != nil || len(ds) != 2 {
		t.Fatalf("%d devices (%v), want the 2 registered", len(ds), err)
	}
	if err := b.dev.Remove(b.Ctx, "cam-in"); err != nil {
		t.Fatal(err)
	}
	_, err = b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "1", Plate: "京A12345"})
	systemtest.WantCode(t, err, park.ENotFound)
}

// TestRead: a registered camera's read is the gate's event of its lane;
// the same record again is the same read; the screen says what the
// decision means.
func TestRead(t *testing.T) {
	b := setup(t)
	b.register(t, "cam-in", "in-1")
	b.register(t, "cam-out", "out-1")
	in := devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "7", Plate: "京A12345", PlateColor: "blue"}
	a, err := b.dev.Read(b.Ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	systemtest.WantDecision(t, a.Decision, park.DecisionOpen, park.ReasonVisitor, 0)
	if !a.Open || a.Late || a.Screen.Voice != devices.VoiceWelcome || !slices.Equal(a.Screen.Lines, []string{"京A12345", "欢迎光临"}) {
		t.Fatalf("%+v: want open, welcome", a)
	}
	again, err := b.dev.Read(b.Ctx, in)
	if err != nil || again.Decision.StayID != a.Decision.StayID || !again.Repeat || a.Repeat {
		t.Fatalf("the same record again: %+v %v; want stay %s, said to be a repeat (and the first not)", again, err, a.Decision.StayID)
	}
	if n := b.Occupied(t); n != 1 {
		t.Fatalf("%d cars inside after one read sent twice, want 1", n)
	}

	// An hour later at the exit: 2 started half hours at 2.00 = 4.00 due.
	b.Clock.Set(b.Clock.Now().Add(time.Hour))
	out, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-out", Protocol: proto, RecordID: "7", Plate: "京A12345"})
	if err != nil {
		t.Fatal(err)
	}
	systemtest.WantDecision(t, out.Decision, park.DecisionHold, park.ReasonPaymentRequired, 400)
	if out.Open || !slices.Equal(out.Screen.Lines, []string{"京A12345", "停车费4.00元", "请扫码缴费"}) ||
		out.Screen.Voice != "请缴费4.00元,请扫码缴费" {
		t.Fatalf("%+v: want held, 4.00 due and a pay prompt", out)
	}

	t.Run("ErrUnknown", func(t *testing.T) {
		_, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-nobody", Protocol: proto, RecordID: "1", Plate: "京A12345"})
		systemtest.WantCode(t, err, park.ENotFound)
	})
	t.Run("ErrOtherProtocol", func(t *testing.T) {
		_, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: "other-http", RecordID: "9", Plate: "京B12345"})
		systemtest.WantCode(t, err, park.ENotFound)
	})
	t.Run("NoPlate", func(t *testing.T) {
		a, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "10"})
		if err != nil || a.Open || a.Screen.Voice != devices.TextNoPlateIn {
			t.Fatalf("%+v %v: want held, the plate-less prompt", a, err)
		}
		if n := b.Occupied(t); n != 1 {
			t.Fatalf("%d cars inside after a read with no plate, want still 1", n)
		}
	})
	t.Run("BadPlate", func(t *testing.T) {
		a, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "11", Plate: "!!"})
		if err != nil || a.Open || a.Problem == "" || a.Screen.Voice != devices.TextSeeAttendant {
			t.Fatalf("%+v %v: want held, an attendant called", a, err)
		}
	})
}

// slowStore holds every write transaction while stalled is set.
type slowStore struct {
	park.Store
	mu      sync.Mutex
	stalled chan struct{} // nil: not stalled
}

func (s *slowStore) stall() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stalled = make(chan struct{})
}

func (s *slowStore) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.stalled)
	s.stalled = nil
}

func (s *slowStore) Update(ctx context.Context, fn func(park.Tx) error) error {
	s.mu.Lock()
	ch := s.stalled
	s.mu.Unlock()
	if ch != nil {
		select {
		case <-ch:
		case <-ctx.Done():
			return park.Errorf(park.EUnavailable, "stalled: %v", ctx.Err())
		}
	}
	return s.Store.Update(ctx, fn)
}

// TestReadDeadline: with the store stalled, the camera still gets an
// answer (hold, please wait); the decision is made once the store
// answers, and the open barrier it owes goes through the lane's barrier
// transport (here the in-memory barriers), not into a queue that only
// an HTTP camera's heartbeat empties.
func TestReadDeadline(t *testing.T) {
	slow := &slowStore{}
	sb := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{proto}, DeviceDeadline: 50 * time.Millisecond,
		WrapStore: func(s park.Store) park.Store { slow.Store = s; return slow }})
	b := &bundle{sb, sb.Sys.Devices}
	b.register(t, "cam-in", "in-1")

	slow.stall()
	a, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "1", Plate: "京A12345"})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Late || a.Open || a.Screen.Voice != devices.TextPleaseWait {
		t.Fatalf("%+v: want a late hold saying please wait", a)
	}
	slow.release()
	// The decision lands: the lane's barrier is told to open, once.
	for i := 0; len(b.Barriers.Sent()) == 0; i++ {
		if i == 500 {
			t.Fatal("the late open never reached the lane's barrier")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if s := b.Barriers.Sent(); len(s) != 1 || s[0].Lane != "in-1" || s[0].Command != park.GateOpen {
		t.Fatalf("barrier commands %+v, want one open of in-1", s)
	}
	if cmds, _ := b.dev.Heartbeat(b.Ctx, "cam-in", proto, "test"); len(cmds) != 0 {
		t.Fatalf("the late open was also queued for a heartbeat: %+v", cmds)
	}
	if n := b.Occupied(t); n != 1 {
		t.Fatalf("%d cars inside, want the late entry's 1", n)
	}
}

// TestHeartbeatDeadline: with the store's writes stalled, a heartbeat is
// still answered (it writes nothing itself); the sweep records it once
// the store answers.
func TestHeartbeatDeadline(t *testing.T) {
	slow := &slowStore{}
	sb := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{proto}, DeviceDeadline: 50 * time.Millisecond,
		WrapStore: func(s park.Store) park.Store { slow.Store = s; return slow }})
	b := &bundle{sb, sb.Sys.Devices}
	b.register(t, "cam-in", "in-1")

	slow.stall()
	done := make(chan error, 1)
	go func() {
		_, err := b.dev.Heartbeat(b.Ctx, "cam-in", proto, "test") // no deadline of its own
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second): // a bound on the wait, not the rule
		t.Fatal("a heartbeat waited for the stalled store")
	}
	slow.release()
	if err := b.dev.Sweep(b.Ctx); err != nil {
		t.Fatal(err)
	}
	d, err := b.dev.Device(b.Ctx, "cam-in")
	if err != nil || d.SeenAt == nil || !d.Online {
		t.Fatalf("%+v %v: the heartbeat was not recorded", d, err)
	}
}

// cometLane is a core whose lanes' commands go through the registry, a
// camera of proto reached only through its heartbeats on in-1, and the
// store stalled, so that its reads are decided late.
func cometLane(t *testing.T) (*bundle, *slowStore) {
	slow := &slowStore{}
	var routes *devices.Barriers
	sb := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{proto}, DeviceDeadline: 50 * time.Millisecond,
		WrapStore: func(s park.Store) park.Store { slow.Store = s; return slow },
		Barriers: func(st park.Store, mem *device.Memory) gate.Barriers {
			routes = devices.NewBarriers(st, mem)
			return routes
		}})
	b := &bundle{sb, sb.Sys.Devices}
	routes.Route(proto, b.dev.Comet())
	b.register(t, "cam-in", "in-1")
	slow.stall()
	if a, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "1", Plate: "京A12345"}); err != nil || !a.Late {
		t.Fatalf("%+v %v: want a late hold", a, err)
	}
	return b, slow
}

// TestLateOfflineRecordLiftsNothing: an offline record decided after its
// reply records the passage and lifts nothing (the car passed long ago);
// a live read decided late after it lifts the barrier once.
func TestLateOfflineRecordLiftsNothing(t *testing.T) {
	slow := &slowStore{}
	sb := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{proto}, DeviceDeadline: 50 * time.Millisecond,
		WrapStore: func(s park.Store) park.Store { slow.Store = s; return slow }})
	b := &bundle{sb, sb.Sys.Devices}
	b.register(t, "cam-in", "in-1")
	late := func(r devices.Read, inside int) {
		t.Helper()
		slow.stall()
		if a, err := b.dev.Read(b.Ctx, r); err != nil || !a.Late {
			t.Fatalf("%+v %v: want a late hold", a, err)
		}
		slow.release()
		for i := 0; b.Occupied(t) != inside; i++ {
			if i == 500 {
				t.Fatalf("the late decision of %s never landed", r.Plate)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	late(devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "1", Plate: "京A12345", Offline: true,
		At: b.Clock.Now().Add(-time.Hour)}, 1)
	late(devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "2", Plate: "京B12345"}, 2)
	for i := 0; len(b.Barriers.Sent()) == 0; i++ {
		if i == 500 {
			t.Fatal("the live read's late open never reached the barrier")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if s := b.Barriers.Sent(); len(s) != 1 {
		t.Fatalf("barrier commands %+v: want the live read's open alone", s)
	}
}

// TestLateOpenComet: a camera reached only through its heartbeats gets a
// late open in its next heartbeat's reply, with the decision's screen.
func TestLateOpenComet(t *testing.T) {
	b, slow := cometLane(t)
	slow.release()
	var cmds []devices.Command
	for i := 0; len(cmds) == 0; i++ {
		if i == 500 {
			t.Fatal("no heartbeat carried the late open")
		}
		time.Sleep(10 * time.Millisecond)
		var err error
		if cmds, err = b.dev.Heartbeat(b.Ctx, "cam-in", proto, "test"); err != nil {
			t.Fatal(err)
		}
	}
	if len(cmds) != 1 || cmds[0].Name != park.GateOpen || cmds[0].Screen.Voice != devices.VoiceWelcome {
		t.Fatalf("heartbeat commands %+v, want one open with the welcome", cmds)
	}
	if again, _ := b.dev.Heartbeat(b.Ctx, "cam-in", proto, "test"); len(again) != 0 {
		t.Fatalf("the open command was given twice: %+v", again)
	}
}

// TestLateOpenWithdrawn: a late open no heartbeat takes within the
// barrier command's limit (gate.BarrierTimeout) is withdrawn and raises
// the unacknowledged alarm; a heartbeat after that lifts nothing.
func TestLateOpenWithdrawn(t *testing.T) {
	b, slow := cometLane(t)
	slow.release()
	deadline := time.Now().Add(gate.BarrierTimeout + 7*time.Second) // a bound on the wait, not the rule
	for {
		d, err := b.dev.Device(b.Ctx, "cam-in")
		if err != nil {
			t.Fatal(err)
		}
		if d.Unanswered != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the late open was never withdrawn (no unacknowledged alarm)")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if cmds, _ := b.dev.Heartbeat(b.Ctx, "cam-in", proto, "test"); len(cmds) != 0 {
		t.Fatalf("a withdrawn late open was handed out: %+v", cmds)
	}
	if n := b.Occupied(t); n != 1 {
		t.Fatalf("%d cars inside, want the late entry's 1", n)
	}
}
