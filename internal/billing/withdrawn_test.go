package billing_test

import (
	"encoding/json"
	"testing"
	"time"

	"parkd/internal/park"
)

// TestWithdrawnAccessKeepsItsTime: a pass or an allow entry deleted while
// its car is inside leaves the car the free time it had until then; the
// car pays from the deletion on (1.00 an hour, whole hours here), as when
// the access ends, not for its whole stay.
func TestWithdrawnAccessKeepsItsTime(t *testing.T) {
	day1 := time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)
	h := func(hours int) time.Time { return day1.Add(time.Duration(hours) * time.Hour) }
	for _, c := range []struct {
		name              string
		grant             func(b *bundle) func() // gives the access, returns what withdraws it
		entry, gone, exit time.Time
		want              int64
	}{
		{"pass", func(b *bundle) func() {
			p := b.pass(t, park.Pass{ValidFrom: h(-24), ValidTo: h(30 * 24)})
			return func() { must(t, b.Sys.Access.DeletePass(b.Ctx, b.Lot, p.ID)) }
		}, h(10), h(58), h(61), 300}, // free 10:00 day 1 to 10:00 day 3; 3 hours paid
		{"pass ended before it was deleted", func(b *bundle) func() {
			p := b.pass(t, park.Pass{ValidFrom: h(-24), ValidTo: h(20)})
			return func() { must(t, b.Sys.Access.DeletePass(b.Ctx, b.Lot, p.ID)) }
		}, h(10), h(34), h(37), 1700}, // free 10:00-20:00; 20:00 to 13:00 next day paid
		{"night pass", func(b *bundle) func() {
			p := b.pass(t, park.Pass{ValidFrom: h(-24), ValidTo: h(30 * 24), Slots: []park.Slot{{From: "00:00", To: "06:00"}}})
			return func() { must(t, b.Sys.Access.DeletePass(b.Ctx, b.Lot, p.ID)) }
		}, h(22), h(27), h(32), 700}, // free 00:00-03:00; 22:00-00:00 and 03:00-08:00 paid
		{"hotel guest", func(b *bundle) func() {
			if _, err := b.Sys.Access.PutListEntry(b.Ctx, "", b.Lot, &park.WhitelistEntry{Plate: "京A12345", Kind: park.AccessAllow,
				Category: park.ListHotel, ValidFrom: h(12), ValidTo: h(60), Reason: "808"}); err != nil {
				t.Fatal(err)
			}
			return func() {
				if _, err := b.Sys.Access.DeleteListEntry(b.Ctx, "", b.Lot, "京A12345", park.ListHotel); err != nil {
					t.Fatal(err)
				}
			}
		}, h(14), h(38), h(40), 200}, // checked out early: free 14:00 to 14:00 next day, 2 hours paid
		{"whitelist car", func(b *bundle) func() {
			w, err := b.Sys.Access.PutListEntry(b.Ctx, "", b.Lot, &park.WhitelistEntry{Plate: "京A12345", Kind: park.AccessAllow,
				ValidFrom: h(-24), ValidTo: h(30 * 24)})
			if err != nil {
				t.Fatal(err)
			}
			return func() { must(t, b.Sys.Access.DeleteWhitelist(b.Ctx, b.Lot, w.ID)) }
		}, h(8), h(9), h(12), 300},
		// Turned into a refusal at 09:00 (the car is blacklisted while
		// inside): free 08:00-09:00, 09:00-12:00 paid, 3 hours.
		{"whitelist car blacklisted", func(b *bundle) func() {
			w, err := b.Sys.Access.PutListEntry(b.Ctx, "", b.Lot, &park.WhitelistEntry{Plate: "京A12345", Kind: park.AccessAllow,
				ValidFrom: h(-24), ValidTo: h(30 * 24)})
			if err != nil {
				t.Fatal(err)
			}
			return func() {
				_, err := b.Sys.Access.UpdateWhitelist(b.Ctx, b.Lot, w.ID, func(e *park.WhitelistEntry) error { e.Kind = park.AccessDeny; return nil })
				must(t, err)
			}
		}, h(8), h(9), h(12), 300},
		// A police car's entry made a blacklisted one at 09:00: as above.
		{"special vehicle blacklisted", func(b *bundle) func() {
			_, err := b.Sys.Access.PutSpecialVehicle(b.Ctx, "", b.Lot, "京A12345", "police", h(-24), h(30*24))
			must(t, err)
			return func() {
				_, err := b.Sys.Access.PutSpecialVehicle(b.Ctx, "", b.Lot, "京A12345", "blacklist", h(-24), h(30*24))
				must(t, err)
			}
		}, h(8), h(9), h(12), 300},
		// The entry given to another car at 09:00 (the employee changed
		// cars): free 08:00-09:00, 09:00-12:00 paid, 3 hours.
		{"whitelist entry moved to another plate", func(b *bundle) func() {
			w, err := b.Sys.Access.PutListEntry(b.Ctx, "", b.Lot, &park.WhitelistEntry{Plate: "京A12345", Kind: park.AccessAllow,
				ValidFrom: h(-24), ValidTo: h(30 * 24)})
			if err != nil {
				t.Fatal(err)
			}
			return func() {
				_, err := b.Sys.Access.UpdateWhitelist(b.Ctx, b.Lot, w.ID, func(e *park.WhitelistEntry) error { e.Plate = "京B11111"; return nil })
				must(t, err)
			}
		}, h(8), h(9), h(12), 300},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := setup(t)
			b.Clock.Set(c.entry)
			if _, err := b.Sys.Gate.CreateLot(b.Ctx, &park.Lot{Code: "utc", Name: "UTC", TimeZone: "UTC", Currency: "EUR",
				Capacity: 10, ExitGraceMinutes: 15, MissedEntry: park.MissedEntryHold,
				Tariff: json.RawMessage(`{"every":{"minutes":60,"price":100}}`)}); err != nil {
				t.Fatal(err)
			}
			b.Lot = "utc"
			withdraw := c.grant(b)
			d := b.Event(t, park.EventEntry, "京A12345", c.entry)
			b.Clock.Set(c.gone)
			withdraw()
			b.Clock.Set(c.exit)
			if q := b.quote(t, d.StayID); q.AmountDue != c.want {
				t.Fatalf("due %d, want %d; lines %+v", q.AmountDue, c.want, q.Lines)
			}
		})
	}
}

// pass creates a pass for 京A12345 in the bundle's lot.
func (b *bundle) pass(t *testing.T, p park.Pass) *park.Pass {
	t.Helper()
	p.HolderName, p.Plates = "x", []string{"京A12345"}
	out, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &p)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
