package gate_test

import (
	"encoding/json"
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
