package gate_test

import (
	"testing"
	"time"

	"parkd/internal/gate"
	"parkd/internal/park"
)

// TestPartnerOnAnotherLot: a partner registered for another lot alone
// may not command the lot's barriers, lock or unlock its cars, admit a
// plate-less car or remove a car inside: each is refused as if the lot
// did not exist (field lot), and nothing changes. The operator ("") and
// a partner registered for the lot do the same things.
func TestPartnerOnAnotherLot(t *testing.T) {
	b := setup(t)
	b.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	b.partner(t, "far", "OTHER")
	b.partner(t, "near", b.Lot)
	b.Event(t, park.EventEntry, "京A12345", b.Clock.Now()) // lane in-1, reported
	if _, err := b.Sys.Gate.LockCar(b.Ctx, "", b.Lot, "京B22222", "desk"); err != nil {
		t.Fatal(err)
	}
	refused := func(what string, err error) {
		t.Helper()
		var pe *park.Error
		if pe, _ = err.(*park.Error); pe == nil || pe.Code != park.ENotFound || pe.Field != "lot" {
			t.Errorf("%s in another partner's lot: %v, want not found naming the lot", what, err)
		}
	}
	sent := len(b.Barriers.Sent())
	_, err := b.Sys.Gate.SendGateCommand(b.Ctx, gate.GateCommandInput{LotCode: b.Lot, Lane: "in-1", Command: park.GateOpen,
		By: "far", Reason: "visitor", Partner: "far"})
	refused("a barrier command", err)
	_, err = b.Sys.Gate.LockCar(b.Ctx, "far", b.Lot, "京A12345", "far")
	refused("a lock", err)
	_, err = b.Sys.Gate.UnlockCar(b.Ctx, "far", b.Lot, "京B22222")
	refused("an unlock", err)
	_, _, err = b.Sys.Gate.EnterPlateless(b.Ctx, gate.PlatelessEntry{Lot: b.Lot, Lane: "in-1", Source: "far"})
	refused("a plate-less entry", err)
	refused("a removal", b.Sys.Gate.RemoveInside(b.Ctx, "far", b.Lot, "京A12345", "far", "towed"))
	_, err = b.Sys.Gate.EnterSandbox(b.Ctx, gate.SandboxStay{Lot: b.Lot, Locator: "1234567890", Plate: "京C33333",
		EntryAt: b.Clock.Now().Add(-time.Hour), Source: "far"})
	refused("a sandbox stay", err)

	if n := len(b.Barriers.Sent()); n != sent {
		t.Errorf("%d commands reached a barrier, want none", n-sent)
	}
	if n := b.Occupied(t); n != 1 {
		t.Errorf("%d inside, want the one car", n)
	}
	if lk, err := b.Sys.Gate.CarLock(b.Ctx, b.Lot, "京A12345"); err != nil || lk != nil {
		t.Errorf("京A12345 locked by a refused partner: %+v, %v", lk, err)
	}
	if lk, err := b.Sys.Gate.CarLock(b.Ctx, b.Lot, "京B22222"); err != nil || lk == nil {
		t.Errorf("京B22222 unlocked by a refused partner: %+v, %v", lk, err)
	}

	// The lot's own partner, and the operator, may.
	if _, err := b.Sys.Gate.SendGateCommand(b.Ctx, gate.GateCommandInput{LotCode: b.Lot, Lane: "in-1", Command: park.GateOpen,
		By: "near", Reason: "visitor", Partner: "near"}); err != nil {
		t.Fatalf("the lot's partner's command: %v", err)
	}
	if _, err := b.Sys.Gate.UnlockCar(b.Ctx, "near", b.Lot, "京B22222"); err != nil {
		t.Fatalf("the lot's partner's unlock: %v", err)
	}
	if err := b.Sys.Gate.RemoveInside(b.Ctx, "", b.Lot, "京A12345", "desk", "towed"); err != nil {
		t.Fatalf("the operator's removal: %v", err)
	}
}

// TestPartnerLotSettings: a partner reads the settings of its own lots
// alone; another lot answers as one that does not exist (field lot); the
// operator ("") reads every lot.
func TestPartnerLotSettings(t *testing.T) {
	b := setup(t)
	b.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	b.partner(t, "far", "OTHER")
	if l, err := b.Sys.Gate.PartnerLotSettings(b.Ctx, "far", "OTHER"); err != nil || l.Code != "OTHER" {
		t.Fatalf("the partner's lot: %+v, %v", l, err)
	}
	if l, err := b.Sys.Gate.PartnerLotSettings(b.Ctx, "", b.Lot); err != nil || l.Code != b.Lot {
		t.Fatalf("the operator's read: %+v, %v", l, err)
	}
	for _, lot := range []string{b.Lot, "999999999"} {
		_, err := b.Sys.Gate.PartnerLotSettings(b.Ctx, "far", lot)
		if pe, _ := err.(*park.Error); pe == nil || pe.Code != park.ENotFound || pe.Field != "lot" {
			t.Errorf("lot %s for a partner not registered for it: %v, want not found naming the lot", lot, err)
		}
	}
}
