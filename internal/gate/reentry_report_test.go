package gate_test

import (
	"encoding/json"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/park"
)

// TestReentryReportsOldStayGone: a car read entering while its stay is
// open missed its exit; the old stay closes at the new entry, and a
// partner that counts cars inside from the reports hears of that stay
// leaving (exit and order), before the new stay's entry, with the
// occupancy after each: 0 of 10 taken, then 1.
func TestReentryReportsOldStayGone(t *testing.T) {
	b := setup(t)
	for _, kind := range []string{park.ReportEntry, park.ReportExit, park.ReportOrder} {
		b.Subscribe(t, kind)
	}
	first := b.Event(t, park.EventEntry, "京A12345", t0)
	second := b.Event(t, park.EventEntry, "京A12345", t0.Add(time.Hour))
	ds, _, err := b.Sys.Deliveries.DeliveryPage(b.Ctx, deliveries.DeliveryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	type heard struct {
		kind, stay string
		occupied   int
	}
	var got []heard
	for i := len(ds) - 1; i >= 0; i-- { // oldest first
		var d park.ReportData
		err := b.Store.View(b.Ctx, func(tx park.Tx) error {
			r, err := tx.GetReport(b.Ctx, ds[i].ReportID)
			if err == nil {
				err = json.Unmarshal(r.Data, &d)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		h := heard{kind: ds[i].Report, stay: d.Stay.ID, occupied: -1}
		if d.Occupancy != nil {
			h.occupied = d.Occupancy.Occupied
		}
		got = append(got, h)
	}
	want := []heard{
		{park.ReportEntry, first.StayID, 1},
		{park.ReportExit, first.StayID, 0},
		{park.ReportOrder, first.StayID, -1},
		{park.ReportEntry, second.StayID, 1},
	}
	if len(got) != len(want) {
		t.Fatalf("reports %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("report %d: %+v, want %+v (all: %+v)", i, got[i], want[i], got)
		}
	}
}
