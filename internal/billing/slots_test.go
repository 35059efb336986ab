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

// TestSlotPassBoundsInAClockChange: a slot bound the clocks skip or
// repeat is read as the wall clock reads it, whether the pass covers the
// whole stay or ends before the car leaves. Berlin, no grace.
//
// Spring, 2026-03-29 02:00 CET jumps to 03:00 CEST; slot 02:30-06:00,
// 1.00 per started hour. At 03:00 CEST the clock reads inside the slot.
// Stay 01:00 CET to 07:00 CEST: block 01:00 CET = 100; free 03:00-06:00
// CEST; block 06:00 CEST = 100. Due 200 (starting the slot at 03:30
// CEST, as time.Date places the skipped 02:30, bills 03:00 CEST too: 300).
//
// Autumn, 2026-10-25 03:00 CEST falls back to 02:00 CET; slot
// 19:00-02:30, 1.00 per started half hour. Stay Oct 24 18:00 CEST to
// 04:00 CET: 18:00, 18:30 = 200; free 19:00-02:30 CEST; 02:30 CEST = 100;
// 02:00-02:30 CET reads inside the slot again, free; 02:30, 03:00, 03:30
// CET = 300. Due 600 (keeping the slot through 02:30 CEST to 02:30 CET,
// as the whole-day reading does not: 500).
func TestSlotPassBoundsInAClockChange(t *testing.T) {
	for _, c := range []struct {
		name, tariff, from, to string
		entry, exit            time.Time
		want                   int64
	}{
		{"SpringSkippedStart", `{"every":{"minutes":60,"price":100}}`, "02:30", "06:00",
			time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 29, 5, 0, 0, 0, time.UTC), 200},
		{"AutumnRepeatedEnd", `{"every":{"minutes":30,"price":100}}`, "19:00", "02:30",
			time.Date(2026, 10, 24, 16, 0, 0, 0, time.UTC), time.Date(2026, 10, 25, 3, 0, 0, 0, time.UTC), 600},
	} {
		for _, v := range []struct {
			name    string
			validTo time.Time
		}{
			{"PassCoversTheStay", c.exit.AddDate(0, 1, 0)},
			{"PassEndsBeforeTheExit", c.exit.Add(-30 * time.Minute)},
		} {
			t.Run(c.name+"/"+v.name, func(t *testing.T) {
				b := setup(t)
				b.Clock.Set(c.entry)
				if _, err := b.Sys.Gate.CreateLot(b.Ctx, &park.Lot{Code: "ber", Name: "Berlin", TimeZone: "Europe/Berlin",
					Currency: "EUR", Capacity: 10, ExitGraceMinutes: 15, MissedEntry: park.MissedEntryHold,
					Tariff: json.RawMessage(c.tariff)}); err != nil {
					t.Fatal(err)
				}
				b.Lot = "ber"
				if _, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "x", Plates: []string{"京A12345"},
					Slots: []park.Slot{{From: c.from, To: c.to}}, ValidFrom: c.entry.AddDate(0, 0, -1), ValidTo: v.validTo}); err != nil {
					t.Fatal(err)
				}
				d := b.Event(t, park.EventEntry, "京A12345", c.entry)
				b.Clock.Set(c.exit)
				if q := b.quote(t, d.StayID); q.AmountDue != c.want {
					t.Fatalf("due %d, want %d; lines %+v", q.AmountDue, c.want, q.Lines)
				}
			})
		}
	}
}
