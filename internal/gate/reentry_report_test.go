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

// TestReentryReportCarriesDecision: the exit report of a stay closed by a
// re-entry carries the entry read that closed it with the decision the
// lane was given for it: open for a visitor let in again, hold for a car
// put on the deny list meanwhile.
func TestReentryReportCarriesDecision(t *testing.T) {
	for _, c := range []struct {
		name, decision, reason string
		deny                   bool
	}{
		{"Open", park.DecisionOpen, park.ReasonVisitor, false},
		{"Hold", park.DecisionHold, park.ReasonRefused, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := setup(t)
			b.Subscribe(t, park.ReportExit)
			first := b.Event(t, park.EventEntry, "京A12345", t0)
			if c.deny {
				if _, err := b.Sys.Access.CreateWhitelist(b.Ctx, b.Lot, &park.WhitelistEntry{Plate: "京A12345", Kind: park.AccessDeny,
					ValidFrom: t0, ValidTo: t0.Add(24 * time.Hour), Reason: "unpaid fees"}); err != nil {
					t.Fatal(err)
				}
			}
			second := b.Event(t, park.EventEntry, "京A12345", t0.Add(time.Hour))
			if second.Decision != c.decision || second.Reason != c.reason {
				t.Fatalf("re-entry decided %s/%s, want %s/%s", second.Decision, second.Reason, c.decision, c.reason)
			}
			ds, _, err := b.Sys.Deliveries.DeliveryPage(b.Ctx, deliveries.DeliveryQuery{Report: park.ReportExit})
			if err != nil || len(ds) != 1 {
				t.Fatalf("%d exit reports (%v), want the old stay's", len(ds), err)
			}
			var d park.ReportData
			if err := b.Store.View(b.Ctx, func(tx park.Tx) error {
				r, err := tx.GetReport(b.Ctx, ds[0].ReportID)
				if err == nil {
					err = json.Unmarshal(r.Data, &d)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if d.Stay.ID != first.StayID || d.Event == nil || d.Event.Type != park.EventEntry {
				t.Fatalf("exit report of stay %s with event %+v, want stay %s closed by the entry read", d.Stay.ID, d.Event, first.StayID)
			}
			if got := d.Event.Decision; got.Decision != c.decision || got.Reason != c.reason {
				t.Errorf("the report's event decided %q/%q, want the lane's %s/%s", got.Decision, got.Reason, c.decision, c.reason)
			}
		})
	}
}
