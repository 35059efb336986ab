package billing_test

import (
	"encoding/json"
	"testing"
	"time"

	"parkd/internal/park"
)

// TestSlotPassAcrossSkippedMidnight: in Santiago the clocks go from
// 2026-09-06 00:00 (-04) to 01:00 (-03). A night pass with the slot
// 00:00-06:00 frees that night from 01:00 (-03), the first instant the
// wall clock reads a slot time; 23:00-24:00 (-04) on Sep 5 is not in the
// slot. Tariff: 1.00 per started hour, no grace. A stay Sep 5 22:00 (-04)
// to Sep 6 08:00 (-03) pays 22:00 and 23:00 (-04) = 200, then, blocks
// restarting after the slot, 06:00 and 07:00 = 200: 400, whether the pass
// covers the whole stay or ends before the car leaves.
func TestSlotPassAcrossSkippedMidnight(t *testing.T) {
	scl, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	entry := time.Date(2026, 9, 5, 22, 0, 0, 0, scl)
	exit := time.Date(2026, 9, 6, 8, 0, 0, 0, scl)
	for _, c := range []struct {
		name    string
		validTo time.Time
	}{
		{"PassCoversTheStay", time.Date(2026, 10, 1, 0, 0, 0, 0, scl)},
		{"PassEndsBeforeTheExit", time.Date(2026, 9, 6, 7, 0, 0, 0, scl)},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := setup(t)
			b.Clock.Set(entry)
			if _, err := b.Sys.Gate.CreateLot(b.Ctx, &park.Lot{Code: "scl", Name: "Santiago", TimeZone: "America/Santiago",
				Currency: "CLP", Capacity: 10, ExitGraceMinutes: 15, MissedEntry: park.MissedEntryHold,
				Tariff: json.RawMessage(`{"every":{"minutes":60,"price":100}}`)}); err != nil {
				t.Fatal(err)
			}
			b.Lot = "scl"
			if _, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "x", Plates: []string{"京A12345"},
				Slots: []park.Slot{{From: "00:00", To: "06:00"}}, ValidFrom: entry.AddDate(0, 0, -1), ValidTo: c.validTo}); err != nil {
				t.Fatal(err)
			}
			d := b.Event(t, park.EventEntry, "京A12345", entry)
			b.Clock.Set(exit)
			if q := b.quote(t, d.StayID); q.AmountDue != 400 {
				t.Fatalf("due %d, want 400; lines %+v", q.AmountDue, q.Lines)
			}
		})
	}
}
