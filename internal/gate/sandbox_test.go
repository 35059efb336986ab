package gate_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// TestSandboxFollowsCapacity: a made-up sandbox stay takes a space as a
// visitor's entry does, so it is refused (lot full) once the cars inside
// fill the lot's capacity, and then stores no stay and leaves the count
// alone.
func TestSandboxFollowsCapacity(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Gate.CreateLot(b.Ctx, &park.Lot{Code: "SBX", Name: "Sandbox", TimeZone: "Asia/Shanghai", Currency: "CNY",
		Capacity: 2, ExitGraceMinutes: 15, Sandbox: true, Tariff: json.RawMessage(systemtest.TestTariff)}); err != nil {
		t.Fatal(err)
	}
	now := b.Clock.Now()
	enter := func(locator, plateText string) error {
		_, err := b.Sys.Gate.EnterSandbox(b.Ctx, gate.SandboxStay{Lot: "SBX", Locator: locator, Plate: plateText, EntryAt: now.Add(-time.Hour)})
		return err
	}
	occupied := func() int {
		t.Helper()
		o, err := b.Sys.Gate.Occupancy(b.Ctx, "SBX")
		if err != nil {
			t.Fatal(err)
		}
		return o.Occupied
	}
	for i, pl := range []string{"京A00001", "京A00002"} {
		if err := enter("100000000"+string(rune('1'+i)), pl); err != nil {
			t.Fatalf("sandbox stay %d of 2: %v", i+1, err)
		}
	}
	wantCode(t, enter("1000000003", "京A00003"), park.ELotFull)
	if n := occupied(); n != 2 {
		t.Fatalf("occupied after a refused sandbox stay: %d, want 2", n)
	}
	if st, err := b.Sys.Gate.ListStays(b.Ctx, gate.StayQuery{LotCode: "SBX", Plate: "京A00003"}); err != nil || len(st) != 0 {
		t.Fatalf("stays of the refused car: %+v, %v; want none", st, err)
	}
}

// TestSandboxNotBeforeLastExit: a stay is not made up for a car with an
// entry before its last exit from the lot (field plate, conflict): the
// two stays would overlap. One that enters after that exit is made up.
func TestSandboxNotBeforeLastExit(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Gate.CreateLot(b.Ctx, &park.Lot{Code: "SBX", Name: "Sandbox", TimeZone: "Asia/Shanghai", Currency: "CNY",
		Capacity: 10, ExitGraceMinutes: 15, Sandbox: true, Tariff: json.RawMessage(systemtest.TestTariff)}); err != nil {
		t.Fatal(err)
	}
	now := b.Clock.Now()
	enter := func(locator string, at time.Time) error {
		_, err := b.Sys.Gate.EnterSandbox(b.Ctx, gate.SandboxStay{Lot: "SBX", Locator: locator, Plate: "京A00001", EntryAt: at})
		return err
	}
	if err := enter("1000000001", now.Add(-10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	// Inside the tariff's 15 free minutes: the barrier opens.
	if dec, err := b.Sys.Gate.HandleEvent(b.Ctx, gate.EventInput{LotCode: "SBX", ID: "out-1", Type: park.EventExit,
		Plate: "京A00001", Lane: "out-1", At: now}); err != nil || dec.Decision != park.DecisionOpen {
		t.Fatalf("exit: %+v %v", dec, err)
	}
	err := enter("1000000002", now.Add(-time.Hour))
	var pe *park.Error
	if !errors.As(err, &pe) || pe.Code != park.EConflict || pe.Field != "plate" {
		t.Fatalf("entry an hour before the exit: %v, want a conflict on plate", err)
	}
	if st, err := b.Sys.Gate.ListStays(b.Ctx, gate.StayQuery{LotCode: "SBX", State: park.StayIn}); err != nil || len(st) != 0 {
		t.Fatalf("stays inside: %+v, %v; want none", st, err)
	}
	if err := enter("1000000003", now.Add(time.Second)); err == nil {
		t.Fatal("an entry in the future was made up")
	}
	b.Clock.Set(now.Add(time.Minute))
	if err := enter("1000000004", now.Add(time.Second)); err != nil {
		t.Fatalf("entry after the exit: %v", err)
	}
}
