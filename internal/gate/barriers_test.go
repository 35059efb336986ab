package gate_test

import (
	"strings"
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/device"
	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/system"
	"parkd/internal/systemtest"
)

func (b *bundle) gate(t *testing.T, lane, cmd string) (*gate.GateResult, error) {
	t.Helper()
	return b.Sys.Gate.SendGateCommand(b.Ctx, gate.GateCommandInput{LotCode: b.Lot, Lane: lane, Command: cmd, By: "op-1", Reason: "test"})
}

func (b *bundle) memory(t *testing.T) *device.Memory {
	t.Helper()
	m, ok := b.Sys.Gate.Barriers().(*device.Memory)
	if !ok {
		t.Fatalf("barriers are %T, want the in-memory device", b.Sys.Gate.Barriers())
	}
	return m
}

// TestGateCommands: a command reaches the lane's device and is logged
// with who sent it; an unknown lane, lot or command is refused and logs
// nothing; a device that does not answer is "not delivered".
func TestGateCommands(t *testing.T) {
	b := setup(t)
	b.Event(t, park.EventEntry, "京A12345", t0) // the camera names lane in-1
	mem := b.memory(t)

	res, err := b.gate(t, "in-1", park.GateOpen)
	if err != nil || res.Command.Result != park.GateDelivered || res.HeldOpen {
		t.Fatalf("open: %+v, %v", res, err)
	}
	if got := mem.Barrier(b.Lot, "in-1"); !got.Up || got.HeldOpen {
		t.Fatalf("barrier after open: %+v", got)
	}
	log, err := b.Sys.Gate.GateLog(b.Ctx, b.Lot, "", 0)
	if err != nil || len(log) != 1 {
		t.Fatalf("log %+v, %v", log, err)
	}
	if c := log[0]; c.Lane != "in-1" || c.Command != park.GateOpen || c.By != "op-1" || c.Reason != "test" ||
		c.Result != park.GateDelivered || !c.At.Equal(b.Clock.Now()) {
		t.Fatalf("logged %+v", c)
	}

	// Refusals: nothing reaches a device, nothing is logged.
	for _, c := range []struct {
		lot, lane, cmd, reason string
		code                   park.Code
		field                  string
	}{
		{b.Lot, "in-9", park.GateOpen, "test", park.ENotFound, "lane"},
		{"nope", "in-1", park.GateOpen, "test", park.ENotFound, ""},
		{b.Lot, "in-1", "lift", "test", park.EInvalid, "command"},
		{b.Lot, "", park.GateOpen, "test", park.EInvalid, "lane"},
		// A lift by hand is an abnormal lift: it needs a reason.
		{b.Lot, "in-1", park.GateOpen, "", park.EInvalid, "reason"},
		{b.Lot, "in-1", park.GateHoldOpen, " ", park.EInvalid, "reason"},
		{b.Lot, "in-1", park.GateOpen, strings.Repeat("原", gate.MaxGateReason+1), park.EInvalid, "reason"},
	} {
		_, err := b.Sys.Gate.SendGateCommand(b.Ctx, gate.GateCommandInput{LotCode: c.lot, Lane: c.lane, Command: c.cmd, Reason: c.reason})
		wantCode(t, err, c.code)
		if pe, _ := err.(*park.Error); c.field != "" && pe.Field != c.field {
			t.Errorf("%+v: field %q, want %q", c, pe.Field, c.field)
		}
	}
	if n := len(mem.Sent()); n != 1 {
		t.Fatalf("%d commands reached devices, want 1", n)
	}
	_, err = b.Sys.Gate.GateLog(b.Ctx, b.Lot, "in-9", 0)
	wantCode(t, err, park.ENotFound)

	// Held open: the mode is kept, close is refused until release.
	res, err = b.gate(t, "in-1", park.GateHoldOpen)
	if err != nil || !res.HeldOpen || res.Hold.By != "op-1" {
		t.Fatalf("hold: %+v, %v", res, err)
	}
	if h, err := b.Sys.Gate.LaneHold(b.Ctx, b.Lot, "in-1"); err != nil || h == nil {
		t.Fatalf("hold not kept: %+v, %v", h, err)
	}
	_, err = b.gate(t, "in-1", park.GateClose)
	wantCode(t, err, park.EConflict)
	if got := mem.Barrier(b.Lot, "in-1"); !got.HeldOpen {
		t.Fatal("a refused close reached the barrier")
	}
	if res, err = b.gate(t, "in-1", park.GateRelease); err != nil || res.HeldOpen {
		t.Fatalf("release: %+v, %v", res, err)
	}
	if res, err = b.gate(t, "in-1", park.GateClose); err != nil || mem.Barrier(b.Lot, "in-1").Up {
		t.Fatalf("close: %+v, %v", res, err)
	}

	// An unplugged controller: not delivered, logged as such, mode unchanged.
	mem.SetReachable(b.Lot, "in-1", false)
	_, err = b.gate(t, "in-1", park.GateHoldOpen)
	wantCode(t, err, park.EUnavailable)
	if h, _ := b.Sys.Gate.LaneHold(b.Ctx, b.Lot, "in-1"); h != nil {
		t.Fatalf("an undelivered hold was kept: %+v", h)
	}
	log, _ = b.Sys.Gate.GateLog(b.Ctx, b.Lot, "in-1", 2)
	if len(log) != 2 || log[0].Command != park.GateHoldOpen || log[0].Result != park.GateUndelivered || log[0].Detail == "" {
		t.Fatalf("undelivered command logged as %+v", log)
	}
	if all, _ := b.Sys.Gate.GateLog(b.Ctx, b.Lot, "", 0); len(all) != 5 { // open, hold, release, close, hold
		t.Fatalf("%d commands logged, want 5 (refusals are not logged)", len(all))
	}
	_, err = b.Sys.Gate.GateLog(b.Ctx, b.Lot, "", 501)
	wantCode(t, err, park.EInvalid)
}

// TestHeldOpenLane: while a lane is held open every car passes, and what
// happened is recorded: an entry into a full lot gets its stay, an unpaid
// exit closes its stay with what was due, each with an anomaly.
func TestHeldOpenLane(t *testing.T) {
	b := setup(t)
	b.Lot = "140123009"
	b.CreateLot(t, b.Lot, 1, park.MissedEntryHold)
	b.Clock.Set(t0.Add(3 * time.Hour))
	first := b.Event(t, park.EventEntry, "京A11111", t0)
	wantDecision(t, b.Event(t, park.EventExit, "京B22222", t0), park.DecisionHold, park.ReasonMissedEntry, 0) // names lane out-1
	wantDecision(t, b.Event(t, park.EventEntry, "京C33333", t0.Add(time.Minute)), park.DecisionHold, park.ReasonLotFull, 0)

	for _, lane := range []string{"in-1", "out-1"} {
		if _, err := b.gate(t, lane, park.GateHoldOpen); err != nil {
			t.Fatal(err)
		}
	}
	d := b.Event(t, park.EventEntry, "京C33333", t0.Add(2*time.Minute))
	wantDecision(t, d, park.DecisionOpen, park.ReasonHeldOpen, 0)
	if st := b.Stay(t, d.StayID); st.State != park.StayIn || b.Occupied(t) != 1 { // 2 inside, reported clamped to capacity 1
		t.Fatalf("held-open entry: stay %+v", st)
	}
	// 京A11111 stayed 60 minutes: 2 blocks of 30 = 400 due, left unpaid.
	d = b.Event(t, park.EventExit, "京A11111", t0.Add(60*time.Minute))
	wantDecision(t, d, park.DecisionOpen, park.ReasonHeldOpen, fee(60*time.Minute))
	st := b.Stay(t, first.StayID)
	if st.State != park.StayOut || st.Anomaly != park.AnomalyHeldOpen || st.Total != 400 || st.Paid != 0 {
		t.Fatalf("held-open exit: stay %+v", st)
	}
	as, err := b.Sys.Gate.ListAnomalies(b.Ctx, b.Lot, 10)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range as {
		if a.Kind == park.AnomalyHeldOpen {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d held-open anomalies, want 2: %+v", n, as)
	}
	// Released, the lane keeps cars out again.
	if _, err := b.gate(t, "in-1", park.GateRelease); err != nil {
		t.Fatal(err)
	}
	wantDecision(t, b.Event(t, park.EventEntry, "京D44444", t0.Add(70*time.Minute)), park.DecisionHold, park.ReasonLotFull, 0)
}

// TestRestoreLaneHolds: a node that starts again (here, a new service with
// a fresh device over the same database) raises the barriers of the lanes
// still held open, and logs the resend; released lanes stay down.
func TestRestoreLaneHolds(t *testing.T) {
	b := setup(t)
	b.Event(t, park.EventEntry, "京A12345", t0) // lane in-1
	b.Event(t, park.EventEntry, "京B12345", t0) // the same lane again
	if _, err := b.gate(t, "in-1", park.GateHoldOpen); err != nil {
		t.Fatal(err)
	}
	mem := device.NewMemory()
	restarted := system.New(system.Config{Store: b.Store, Now: b.Clock.Now, Barriers: mem}).Gate
	if got := mem.Barrier(b.Lot, "in-1"); got.Up || got.HeldOpen {
		t.Fatalf("a fresh device before the restore: %+v", got)
	}
	n, err := restarted.RestoreLaneHolds(b.Ctx)
	if err != nil || n != 1 {
		t.Fatalf("restored %d, %v; want 1", n, err)
	}
	if got := mem.Barrier(b.Lot, "in-1"); !got.Up || !got.HeldOpen {
		t.Fatalf("barrier after the restore: %+v", got)
	}
	log, err := restarted.GateLog(b.Ctx, b.Lot, "in-1", 1)
	if err != nil || len(log) != 1 || log[0].By != gate.RestoreBy || log[0].Command != park.GateHoldOpen ||
		log[0].Result != park.GateDelivered {
		t.Fatalf("log %+v, %v", log, err)
	}
	// Once released, a later start leaves the lane alone.
	if _, err := b.gate(t, "in-1", park.GateRelease); err != nil {
		t.Fatal(err)
	}
	if n, err := system.New(system.Config{Store: b.Store, Barriers: device.NewMemory()}).Gate.RestoreLaneHolds(b.Ctx); err != nil || n != 0 {
		t.Fatalf("restored %d, %v after the release; want 0", n, err)
	}
}

// TestHeldOpenExitUsesItsCoupons: a car that leaves through a lane held
// open owing money leaves it less its coupons, which that stay then used:
// its next stay does not get them again.
func TestHeldOpenExitUsesItsCoupons(t *testing.T) {
	b := setup(t)
	d := b.Event(t, park.EventEntry, "京A11111", t0)
	b.Event(t, park.EventExit, "京B22222", t0) // names lane out-1
	if _, err := b.Sys.Billing.IssueCoupon(b.Ctx, billing.CouponInput{LotCode: b.Lot, ID: "C-200", Plate: "京A11111",
		Kind: park.CouponAmount, Value: 200}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.gate(t, "out-1", park.GateHoldOpen); err != nil {
		t.Fatal(err)
	}
	// 6 hours: 12 half-hours, 2400, less the 200 coupon: 2200 left unpaid.
	at := b.Clock.Now()
	wantDecision(t, b.Event(t, park.EventExit, "京A11111", at), park.DecisionOpen, park.ReasonHeldOpen, 2200)
	if st := b.Stay(t, d.StayID); st.Total != 2200 || st.Discount != 200 || st.Paid != 0 {
		t.Fatalf("held-open exit: total %d discount %d paid %d, want 2200, 200, 0", st.Total, st.Discount, st.Paid)
	}
	c, err := b.Sys.Billing.GetCoupon(b.Ctx, b.Lot, "C-200", "")
	if err != nil {
		t.Fatal(err)
	}
	if c.State != park.CouponUsed || c.StayID != d.StayID || c.PaymentID != "" {
		t.Fatalf("coupon after the held-open exit %+v, want used by the stay", c)
	}
	// Back an hour later for an hour: 400, no coupon left.
	if _, err := b.gate(t, "out-1", park.GateRelease); err != nil {
		t.Fatal(err)
	}
	b.Clock.Set(at.Add(2 * time.Hour))
	d2 := b.Event(t, park.EventEntry, "京A11111", at.Add(time.Hour))
	wantDecision(t, b.Event(t, park.EventExit, "京A11111", at.Add(2*time.Hour)), park.DecisionHold, park.ReasonPaymentRequired, 400)
	if st := b.Stay(t, d2.StayID); st.State != park.StayIn {
		t.Fatalf("next stay %+v", st)
	}
}

// TestRegisteredLaneBeforeItsFirstRead: a lane whose camera is
// registered but has read no car yet (just installed) is a lane of the
// lot: an operator's open reaches it and is logged, and a plate-less car
// may enter through it (an exit lane's camera still refuses one). A lane
// neither reported nor registered stays unknown.
func TestRegisteredLaneBeforeItsFirstRead(t *testing.T) {
	b := &bundle{systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{"test-cam"}})}
	for _, d := range []*park.Device{{Serial: "cam-in-7", LotCode: b.Lot, Lane: "in-7", Protocol: "test-cam"},
		{Serial: "cam-out-7", LotCode: b.Lot, Lane: "out-7", Protocol: "test-cam"}} {
		if err := b.Sys.Devices.Register(b.Ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	res, err := b.gate(t, "in-7", park.GateOpen)
	if err != nil || res.Command.Result != park.GateDelivered {
		t.Fatalf("open of a registered lane: %+v, %v", res, err)
	}
	if !b.memory(t).Barrier(b.Lot, "in-7").Up {
		t.Fatal("the open did not reach the lane's barrier")
	}
	if log, err := b.Sys.Gate.GateLog(b.Ctx, b.Lot, "in-7", 0); err != nil || len(log) != 1 {
		t.Fatalf("log of the registered lane: %+v, %v", log, err)
	}
	b.partner(t, "app", b.Lot)
	if _, _, err := b.Sys.Gate.EnterPlateless(b.Ctx, gate.PlatelessEntry{Lot: b.Lot, Lane: "in-7", Source: "app"}); err != nil {
		t.Fatalf("plate-less entry through a registered entry lane: %v", err)
	}
	_, _, err = b.Sys.Gate.EnterPlateless(b.Ctx, gate.PlatelessEntry{Lot: b.Lot, Lane: "out-7", Source: "app"})
	if pe, ok := err.(*park.Error); !ok || pe.Code != park.EInvalid || pe.Field != "lane" {
		t.Fatalf("plate-less entry through a registered exit lane: %v, want invalid naming lane", err)
	}
	_, err = b.gate(t, "in-8", park.GateOpen)
	wantCode(t, err, park.ENotFound)
}
