package gate_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/park"
)

// reports returns the reports of kind written so far, oldest first.
func (b *bundle) reports(t *testing.T, kind string) []park.ReportData {
	t.Helper()
	ds, _, err := b.Sys.Deliveries.DeliveryPage(b.Ctx, deliveries.DeliveryQuery{Report: kind})
	if err != nil {
		t.Fatal(err)
	}
	var out []park.ReportData
	for i := len(ds) - 1; i >= 0; i-- {
		var d park.ReportData
		if err := b.Store.View(b.Ctx, func(tx park.Tx) error {
			r, err := tx.GetReport(b.Ctx, ds[i].ReportID)
			if err == nil {
				err = json.Unmarshal(r.Data, &d)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

// TestOpenLetsHeldCarOut: an operator's open of an exit lane where a car
// is held (its stay inside, the lane's latest event) lets that car out:
// its stay closes at the open's time, what it owed left unpaid, the lot
// counts it gone, and partners hear of its exit, its order and the
// abnormal lift with the same car and the same amount.
func TestOpenLetsHeldCarOut(t *testing.T) {
	b := setup(t)
	for _, kind := range []string{park.ReportExit, park.ReportOrder, park.ReportAbnormalLift} {
		b.Subscribe(t, kind)
	}
	b.Clock.Set(t0)
	in := b.Event(t, park.EventEntry, "京A12345", t0)
	// Read leaving after 50 minutes: 2 started half-hours, 400 due, held.
	b.Clock.Set(t0.Add(50 * time.Minute))
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(50*time.Minute)), park.DecisionHold, park.ReasonPaymentRequired, 400)
	if n := b.Occupied(t); n != 1 {
		t.Fatalf("occupied %d before the open, want 1", n)
	}

	// The operator opens at 65 minutes: 3 started half-hours, 600 unpaid.
	opened := t0.Add(65 * time.Minute)
	b.Clock.Set(opened)
	if _, err := b.gate(t, "out-1", park.GateOpen); err != nil {
		t.Fatal(err)
	}
	st := b.Stay(t, in.StayID)
	if st.State != park.StayOut || st.ExitAt == nil || !st.ExitAt.Equal(opened) || st.ExitLane != "out-1" ||
		st.Anomaly != park.AnomalyLetOut || st.Total != 600 || st.Paid != 0 {
		t.Fatalf("stay after the open: %+v, want out at %s through out-1, let_out, total 600, paid 0", st, opened)
	}
	if n := b.Occupied(t); n != 0 {
		t.Fatalf("occupied %d after the open, want 0", n)
	}
	as, err := b.Sys.Gate.ListAnomalies(b.Ctx, b.Lot, 10)
	if err != nil {
		t.Fatal(err)
	}
	var let []*park.Anomaly
	for _, a := range as {
		if a.Kind == park.AnomalyLetOut {
			let = append(let, a)
		}
	}
	if len(let) != 1 || let[0].StayID != in.StayID || !let[0].At.Equal(opened) || !strings.Contains(let[0].Detail, "600 left unpaid") {
		t.Fatalf("let_out anomalies %+v, want one of the stay at the open, 600 left unpaid", let)
	}

	exits := b.reports(t, park.ReportExit)
	if len(exits) != 1 || exits[0].Stay.ID != in.StayID || exits[0].Occupancy == nil || exits[0].Occupancy.Occupied != 0 ||
		exits[0].By != "op-1" || exits[0].Event == nil || !exits[0].Event.At.Equal(opened) ||
		exits[0].Event.Decision.Reason != park.ReasonLetOut || exits[0].Event.Decision.AmountDue != 600 {
		t.Fatalf("exit reports %+v, want the stay's, 0 inside, by op-1, at the open, let_out owing 600", exits)
	}
	orders := b.reports(t, park.ReportOrder)
	if len(orders) != 1 || orders[0].Stay.ID != in.StayID || orders[0].UnpaidAmount() != 600 {
		t.Fatalf("order reports %+v, want the stay's, 600 unpaid", orders)
	}
	lifts := b.reports(t, park.ReportAbnormalLift)
	if len(lifts) != 1 || lifts[0].Command == nil || lifts[0].Stay == nil || lifts[0].Stay.ID != in.StayID ||
		lifts[0].Unpaid == nil || *lifts[0].Unpaid != 600 || lifts[0].By != "op-1" || lifts[0].Stay.Total != exits[0].Stay.Total {
		t.Fatalf("abnormal lifts %+v, want the command with the stay let out, 600 unpaid, by op-1", lifts)
	}

	// A second open finds no car held inside: nothing more closes.
	if _, err := b.gate(t, "out-1", park.GateOpen); err != nil {
		t.Fatal(err)
	}
	if n := len(b.reports(t, park.ReportExit)); n != 1 {
		t.Fatalf("%d exit reports after a second open, want 1", n)
	}
	// Back the next hour, the car enters as a visitor, not a re-entry.
	b.Clock.Set(t0.Add(2 * time.Hour))
	wantDecision(t, b.Event(t, park.EventEntry, "京A12345", t0.Add(2*time.Hour)), park.DecisionOpen, park.ReasonVisitor, 0)
	as, _ = b.Sys.Gate.ListAnomalies(b.Ctx, b.Lot, 10)
	for _, a := range as {
		if a.Kind == park.AnomalyReentry {
			t.Fatalf("re-entry anomaly %+v after a car let out", a)
		}
	}
}

// TestOpenWithoutHeldCar: an open changes no stay on an entry lane, on
// an exit lane whose held car is no longer its latest event (another car
// passed since), nor on one that held a car with no stay (missed entry).
func TestOpenWithoutHeldCar(t *testing.T) {
	b := setup(t)
	b.Subscribe(t, park.ReportExit)
	b.Clock.Set(t0)
	a := b.Event(t, park.EventEntry, "京A11111", t0)
	b.Clock.Set(t0.Add(50 * time.Minute))
	wantDecision(t, b.Event(t, park.EventExit, "京A11111", t0.Add(50*time.Minute)), park.DecisionHold, park.ReasonPaymentRequired, 400)
	// Opening the entry lane lets nobody out.
	if _, err := b.gate(t, "in-1", park.GateOpen); err != nil {
		t.Fatal(err)
	}
	// Another car, in for 10 minutes (free), leaves through out-1 after.
	b.Event(t, park.EventEntry, "京B22222", t0.Add(45*time.Minute))
	b.Clock.Set(t0.Add(55 * time.Minute))
	wantDecision(t, b.Event(t, park.EventExit, "京B22222", t0.Add(55*time.Minute)), park.DecisionOpen, park.ReasonFree, 0)
	b.Clock.Set(t0.Add(56 * time.Minute))
	if _, err := b.gate(t, "out-1", park.GateOpen); err != nil {
		t.Fatal(err)
	}
	// A car with no stay, held at out-1.
	b.Clock.Set(t0.Add(57 * time.Minute))
	wantDecision(t, b.Event(t, park.EventExit, "京C33333", t0.Add(57*time.Minute)), park.DecisionHold, park.ReasonMissedEntry, 0)
	if _, err := b.gate(t, "out-1", park.GateOpen); err != nil {
		t.Fatal(err)
	}
	if st := b.Stay(t, a.StayID); st.State != park.StayIn {
		t.Fatalf("stay of the car no longer at the lane: %+v, want inside", st)
	}
	if n := b.Occupied(t); n != 1 {
		t.Fatalf("occupied %d, want 1", n)
	}
	if n := len(b.reports(t, park.ReportExit)); n != 1 { // 京B22222's own exit
		t.Fatalf("%d exit reports, want 1", n)
	}
}

// TestLockedCarLetOut: a locked car is held at the exit whatever it
// owes; let out by an open, it leaves what it owed then unpaid, and the
// decision its exit report carries says so (not 0, the held decision's).
func TestLockedCarLetOut(t *testing.T) {
	b := setup(t)
	b.Subscribe(t, park.ReportExit)
	b.Clock.Set(t0)
	in := b.Event(t, park.EventEntry, "京A12345", t0)
	if _, err := b.Sys.Gate.LockCar(b.Ctx, "", b.Lot, "京A12345", "owner"); err != nil {
		t.Fatal(err)
	}
	b.Clock.Set(t0.Add(40 * time.Minute))
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(40*time.Minute)), park.DecisionHold, park.ReasonLocked, 0)
	// Opened at 100 minutes: 4 started half-hours, 800.
	b.Clock.Set(t0.Add(100 * time.Minute))
	if _, err := b.gate(t, "out-1", park.GateOpen); err != nil {
		t.Fatal(err)
	}
	if st := b.Stay(t, in.StayID); st.State != park.StayOut || st.Total != 800 || st.Anomaly != park.AnomalyLetOut {
		t.Fatalf("stay %+v, want out, total 800, let_out", st)
	}
	exits := b.reports(t, park.ReportExit)
	if len(exits) != 1 || exits[0].Event.Decision.AmountDue != 800 || exits[0].Event.Decision.Reason != park.ReasonLetOut {
		t.Fatalf("exit reports %+v, want one owing 800, let_out", exits)
	}
}

// TestOpenAnHourAfterHold: a car held at the exit more than an hour
// before an open of its lane is not taken for the car at the barrier;
// its stay stays inside, and no exit is reported.
func TestOpenAnHourAfterHold(t *testing.T) {
	b := setup(t)
	b.Subscribe(t, park.ReportExit)
	b.Clock.Set(t0)
	in := b.Event(t, park.EventEntry, "京A12345", t0)
	b.Clock.Set(t0.Add(50 * time.Minute))
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(50*time.Minute)), park.DecisionHold, park.ReasonPaymentRequired, 400)
	b.Clock.Set(t0.Add(50*time.Minute + time.Hour + time.Second))
	if _, err := b.gate(t, "out-1", park.GateOpen); err != nil {
		t.Fatal(err)
	}
	if st := b.Stay(t, in.StayID); st.State != park.StayIn {
		t.Fatalf("stay %+v, want inside", st)
	}
	if n := len(b.reports(t, park.ReportExit)); n != 0 {
		t.Fatalf("%d exit reports, want none", n)
	}
}
