package gate_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/gate"
	"parkd/internal/park"
)

func TestGateFlow(t *testing.T) {
	b := setup(t)
	in := b.Event(t, park.EventEntry, "京A12345", t0)
	wantDecision(t, in, park.DecisionOpen, park.ReasonVisitor, 0)
	if len(in.Locator) != 10 || strings.Trim(in.Locator, "0123456789") != "" {
		t.Fatalf("locator %q is not 10 digits", in.Locator)
	}
	if in.Currency != "CNY" {
		t.Fatalf("currency %q", in.Currency)
	}

	held := b.Event(t, park.EventExit, "京A12345", t0.Add(61*time.Minute))
	wantDecision(t, held, park.DecisionHold, park.ReasonPaymentRequired, fee(61*time.Minute))
	if b.Stay(t, in.StayID).State != park.StayIn || b.Occupied(t) != 1 {
		t.Fatal("a held car must stay inside")
	}

	b.Clock.Set(t0.Add(62 * time.Minute))
	q, err := b.Sys.Billing.CreateQuote(b.Ctx, in.StayID, "")
	if err != nil {
		t.Fatal(err)
	}
	if q.AmountDue != fee(62*time.Minute) || !q.ExpiresAt.Equal(t0.Add(62*time.Minute+300*time.Second)) || len(q.Lines) == 0 {
		t.Fatalf("quote %+v", q)
	}
	var sum int64
	for _, l := range q.Lines {
		sum += l.Amount
	}
	if sum != q.Total {
		t.Fatalf("lines sum to %d, total %d", sum, q.Total)
	}
	res, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "cash"})
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(62*time.Minute + 15*time.Minute); !res.Payment.PaidUntil.Equal(want) {
		t.Fatalf("paid_until %s, want paid time + 15 min exit grace = %s", res.Payment.PaidUntil, want)
	}

	b.Clock.Set(t0.Add(70 * time.Minute))
	out := b.Event(t, park.EventExit, "京A12345", t0.Add(70*time.Minute))
	wantDecision(t, out, park.DecisionOpen, park.ReasonPaid, 0)
	st := b.Stay(t, in.StayID)
	if st.State != park.StayOut || st.Paid != fee(62*time.Minute) || st.ExitLane != "out-1" || !st.ExitAt.Equal(t0.Add(70*time.Minute)) {
		t.Fatalf("stay after exit %+v", st)
	}
	if b.Occupied(t) != 0 {
		t.Fatalf("occupied %d after the only car left", b.Occupied(t))
	}
}

func TestGraceExit(t *testing.T) {
	b := setup(t)
	b.Event(t, park.EventEntry, "京A12345", t0)
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(15*time.Minute)), park.DecisionOpen, park.ReasonFree, 0)
}

func TestLeavingAfterPaidUntilPaysOnlyTheOvertime(t *testing.T) {
	b := setup(t)
	in := b.Event(t, park.EventEntry, "京A12345", t0)
	b.Clock.Set(t0.Add(62 * time.Minute))
	q, err := b.Sys.Billing.CreateQuote(b.Ctx, in.StayID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "cash"}); err != nil {
		t.Fatal(err)
	}
	// Paid 600 at 62 min; paid_until = 77 min. Leaving at 100 min: the 23
	// minutes after paid_until are one started block (200), and the whole
	// stay (fee(100 min) = 800) less what was paid (600) is also 200.
	b.Clock.Set(t0.Add(100 * time.Minute))
	d := b.Event(t, park.EventExit, "京A12345", t0.Add(100*time.Minute))
	wantDecision(t, d, park.DecisionHold, park.ReasonPaymentRequired, 200)
}

// TestPaidThenLeftWithinGraceOwesNothing: paid at 59 minutes (2 started
// half hours, 400), gone at 70 (within the 15-minute exit grace, in a
// third half hour): the barrier opens and the stay is recorded as costing
// what was paid, not the 600 of 70 minutes, so nothing shows as unpaid.
func TestPaidThenLeftWithinGraceOwesNothing(t *testing.T) {
	b := setup(t)
	b.Subscribe(t, park.ReportOrder)
	in := b.Event(t, park.EventEntry, "京A12345", t0)
	b.Clock.Set(t0.Add(59 * time.Minute))
	q, err := b.Sys.Billing.CreateQuote(b.Ctx, in.StayID, "")
	if err != nil || q.AmountDue != 400 {
		t.Fatalf("quote %+v (%v), want 400 due", q, err)
	}
	if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "cash"}); err != nil {
		t.Fatal(err)
	}
	b.Clock.Set(t0.Add(70 * time.Minute))
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(70*time.Minute)), park.DecisionOpen, park.ReasonPaid, 0)
	if st := b.Stay(t, in.StayID); st.Total != 400 || st.Paid != 400 {
		t.Fatalf("stay total %d, paid %d; want 400 and 400", st.Total, st.Paid)
	}
	ds, _, err := b.Sys.Deliveries.DeliveryPage(b.Ctx, deliveries.DeliveryQuery{Report: park.ReportOrder})
	if err != nil || len(ds) != 1 {
		t.Fatalf("%d order reports (%v), want 1", len(ds), err)
	}
	var order park.ReportData
	err = b.Store.View(b.Ctx, func(tx park.Tx) error {
		r, err := tx.GetReport(b.Ctx, ds[0].ReportID)
		if err == nil {
			err = json.Unmarshal(r.Data, &order)
		}
		return err
	})
	// An order says what is unpaid even when nothing is.
	if err != nil || order.Unpaid == nil || *order.Unpaid != 0 {
		t.Fatalf("order report: unpaid %v (%v), want 0 written out", order.Unpaid, err)
	}
}

func TestDuplicateEventReturnsFirstDecision(t *testing.T) {
	b := setup(t)
	first, err := b.EventID("cam-1", park.EventEntry, "京A12345", t0)
	if err != nil {
		t.Fatal(err)
	}
	// The same read sent again, its plate in another spelling and later:
	// the first decision, nothing changed.
	again, err := b.EventID("cam-1", park.EventEntry, " 京a·12345", t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if !again.Repeat || first.Repeat {
		t.Fatalf("replay %+v, first %+v: want only the replay said to be a repeat", again, first)
	}
	if again.Repeat = false; again != first {
		t.Fatalf("replay %+v, first %+v", again, first)
	}
	if b.Occupied(t) != 1 {
		t.Fatalf("occupied %d, want 1", b.Occupied(t))
	}
	sts, err := b.Sys.Gate.ListStays(b.Ctx, gate.StayQuery{LotCode: b.Lot})
	if err != nil || len(sts) != 1 {
		t.Fatalf("%d stays (%v), want 1", len(sts), err)
	}
}

// TestReusedEventIDIsRefused: an event under an id the lot already holds
// for another event (a device whose counter restarted) is not answered
// with that event's decision: an exit sent under an entry's id would
// otherwise be opened on the entry's word. It is refused, saying which
// event holds the id, and changes nothing.
func TestReusedEventIDIsRefused(t *testing.T) {
	cases := map[string]gate.EventInput{
		"another type":  {Type: park.EventExit, Plate: "京A12345", Lane: "in-1"},
		"another plate": {Type: park.EventEntry, Plate: "京B99999", Lane: "in-1"},
		"another lane":  {Type: park.EventEntry, Plate: "京A12345", Lane: "in-2"},
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			b := setup(t)
			b.Subscribe(t, park.ReportEntry)
			b.Subscribe(t, park.ReportExit)
			first, err := b.EventID("cam-1", park.EventEntry, "京A12345", t0)
			if err != nil {
				t.Fatal(err)
			}
			b.Clock.Set(t0.Add(time.Hour))
			in.LotCode, in.ID, in.At = b.Lot, "cam-1", t0.Add(time.Hour)
			dec, err := b.Sys.Gate.HandleEvent(b.Ctx, in)
			wantCode(t, err, park.EConflict)
			if dec.Decision != "" {
				t.Fatalf("a refused event was answered %+v", dec)
			}
			msg := err.Error()
			for _, want := range []string{"cam-1", "entry", "京A12345", "in-1", t0.Format(time.RFC3339), "id of its own"} {
				if !strings.Contains(msg, want) {
					t.Fatalf("refusal %q does not say %q", msg, want)
				}
			}
			if st := b.Stay(t, first.StayID); st.State != park.StayIn || st.Anomaly != "" {
				t.Fatalf("the first stay became %+v", st)
			}
			sts, err := b.Sys.Gate.ListStays(b.Ctx, gate.StayQuery{LotCode: b.Lot})
			if err != nil || len(sts) != 1 || b.Occupied(t) != 1 {
				t.Fatalf("%d stays (%v), %d inside; want 1 and 1", len(sts), err, b.Occupied(t))
			}
			ev, err := b.Sys.Gate.RecentEvents(b.Ctx, b.Lot, time.Time{}, 10)
			if err != nil || len(ev) != 1 || ev[0].Type != park.EventEntry || ev[0].Plate != "京A12345" {
				t.Fatalf("events %+v (%v), want the first entry only", ev, err)
			}
			if as, err := b.Sys.Gate.ListAnomalies(b.Ctx, b.Lot, 10); err != nil || len(as) != 0 {
				t.Fatalf("anomalies %+v (%v), want none", as, err)
			}
			ds, _, err := b.Sys.Deliveries.DeliveryPage(b.Ctx, deliveries.DeliveryQuery{})
			if err != nil || len(ds) != 1 {
				t.Fatalf("%d reports (%v), want the first entry's only", len(ds), err)
			}
		})
	}
}

// TestRepeatedEventChangesNothing: a camera's retry of the very read it
// sent (same id, same plate) is decided again as a re-entry would be, and
// all of that is undone: the first decision, one stay, no anomaly, one
// entry report.
func TestRepeatedEventChangesNothing(t *testing.T) {
	b := setup(t)
	b.Subscribe(t, park.ReportEntry)
	first, err := b.EventID("cam-1", park.EventEntry, "京A12345", t0)
	if err != nil {
		t.Fatal(err)
	}
	b.Clock.Set(t0.Add(time.Minute))
	again, err := b.EventID("cam-1", park.EventEntry, "京A12345", t0)
	first.Repeat = true
	if err != nil || again != first {
		t.Fatalf("replay %+v (%v), first %+v", again, err, first)
	}
	if st := b.Stay(t, first.StayID); st.State != park.StayIn || st.Anomaly != "" {
		t.Fatalf("the first stay became %+v", st)
	}
	sts, err := b.Sys.Gate.ListStays(b.Ctx, gate.StayQuery{LotCode: b.Lot})
	if err != nil || len(sts) != 1 || b.Occupied(t) != 1 {
		t.Fatalf("%d stays (%v), %d inside; want 1 and 1", len(sts), err, b.Occupied(t))
	}
	if as, err := b.Sys.Gate.ListAnomalies(b.Ctx, b.Lot, 10); err != nil || len(as) != 0 {
		t.Fatalf("anomalies %+v (%v), want none", as, err)
	}
	ds, _, err := b.Sys.Deliveries.DeliveryPage(b.Ctx, deliveries.DeliveryQuery{Report: park.ReportEntry})
	if err != nil || len(ds) != 1 {
		t.Fatalf("%d entry reports (%v), want 1", len(ds), err)
	}
}

func TestReentryClosesOldStay(t *testing.T) {
	b := setup(t)
	first := b.Event(t, park.EventEntry, "京A12345", t0)
	second := b.Event(t, park.EventEntry, "京A12345", t0.Add(time.Hour))
	wantDecision(t, second, park.DecisionOpen, park.ReasonVisitor, 0)
	if second.StayID == first.StayID {
		t.Fatal("re-entry must open a new stay")
	}
	old := b.Stay(t, first.StayID)
	if old.State != park.StayOut || old.Anomaly != park.AnomalyReentry || !old.ExitAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("old stay %+v", old)
	}
	if b.Occupied(t) != 1 {
		t.Fatalf("occupied %d, want 1", b.Occupied(t))
	}
	as, err := b.Sys.Gate.ListAnomalies(b.Ctx, b.Lot, 10)
	if err != nil || len(as) != 1 || as[0].Kind != park.AnomalyReentry || as[0].StayID != first.StayID {
		t.Fatalf("anomalies %+v (%v)", as, err)
	}
}

func TestMissedEntry(t *testing.T) {
	t.Run("Hold", func(t *testing.T) {
		b := setup(t)
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0), park.DecisionHold, park.ReasonMissedEntry, 0)
		as, _ := b.Sys.Gate.ListAnomalies(b.Ctx, b.Lot, 10)
		if len(as) != 1 || as[0].Kind != park.AnomalyMissedEntry {
			t.Fatalf("anomalies %+v", as)
		}
		if b.Occupied(t) != 0 {
			t.Fatal("occupancy went below zero or changed")
		}
	})
	t.Run("Open", func(t *testing.T) {
		b := setup(t)
		b.Lot = "OPENLOT"
		b.CreateLot(t, b.Lot, 10, park.MissedEntryOpen)
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0), park.DecisionOpen, park.ReasonMissedEntry, 0)
		if b.Occupied(t) != 0 {
			t.Fatal("occupancy changed")
		}
	})
}

func TestFullLot(t *testing.T) {
	b := setup(t)
	b.Lot = "SMALL"
	b.CreateLot(t, b.Lot, 1, park.MissedEntryHold)
	wantDecision(t, b.Event(t, park.EventEntry, "京A11111", t0), park.DecisionOpen, park.ReasonVisitor, 0)
	wantDecision(t, b.Event(t, park.EventEntry, "京A22222", t0), park.DecisionHold, park.ReasonLotFull, 0)

	// Pass holders and whitelisted cars still enter a lot full for visitors.
	if _, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "A", Plates: []string{"京A33333"},
		ValidFrom: t0.Add(-time.Hour), ValidTo: t0.Add(30 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// The window is still open at the bundle's clock (t0 + 6 h): a new
	// entry already over is refused.
	if _, err := b.Sys.Access.CreateWhitelist(b.Ctx, b.Lot, &park.WhitelistEntry{Plate: "京A44444",
		ValidFrom: t0.Add(-time.Hour), ValidTo: t0.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	wantDecision(t, b.Event(t, park.EventEntry, "京A33333", t0), park.DecisionOpen, park.ReasonPass, 0)
	wantDecision(t, b.Event(t, park.EventEntry, "京A44444", t0), park.DecisionOpen, park.ReasonWhitelist, 0)
	o, err := b.Sys.Gate.Occupancy(b.Ctx, b.Lot)
	if err != nil {
		t.Fatal(err)
	}
	if o != (park.Occupancy{Capacity: 1, Occupied: 1, Free: 0}) {
		t.Fatalf("occupancy %+v: 3 cars inside a 1-space lot must report full, never above capacity", o)
	}
	wantDecision(t, b.Event(t, park.EventExit, "京A33333", t0.Add(2*time.Hour)), park.DecisionOpen, park.ReasonPass, 0)
	wantDecision(t, b.Event(t, park.EventExit, "京A44444", t0.Add(50*time.Minute)), park.DecisionOpen, park.ReasonWhitelist, 0)
	wantDecision(t, b.Event(t, park.EventEntry, "京A22222", t0.Add(3*time.Hour)), park.DecisionHold, park.ReasonLotFull, 0)
}

func TestPassSpaces(t *testing.T) {
	b := setup(t)
	p, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "张伟", Plates: []string{"京A11111", "京A22222"},
		Spaces: 1, ValidFrom: t0.Add(-time.Hour), ValidTo: t0.Add(30 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Spaces != 1 {
		t.Fatalf("spaces %d", p.Spaces)
	}
	wantDecision(t, b.Event(t, park.EventEntry, "京A11111", t0), park.DecisionOpen, park.ReasonPass, 0)
	// The pass's one space is taken: the second car is a visitor from entry.
	wantDecision(t, b.Event(t, park.EventEntry, "京A22222", t0.Add(10*time.Minute)), park.DecisionOpen, park.ReasonVisitor, 0)
	wantDecision(t, b.Event(t, park.EventExit, "京A11111", t0.Add(5*time.Hour)), park.DecisionOpen, park.ReasonPass, 0)
	wantDecision(t, b.Event(t, park.EventExit, "京A22222", t0.Add(70*time.Minute)), park.DecisionHold,
		park.ReasonPaymentRequired, fee(60*time.Minute))

	t.Run("DefaultSpacesIsPlateCount", func(t *testing.T) {
		p, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "B", Plates: []string{"京B11111", "京B22222"},
			ValidFrom: t0, ValidTo: t0.Add(time.Hour)})
		if err != nil || p.Spaces != 2 {
			t.Fatalf("spaces %d (%v), want 2", p.Spaces, err)
		}
	})
}

func TestPassEndingDuringStayBillsFromItsEnd(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "A", Plates: []string{"京A11111"},
		ValidFrom: t0.Add(-24 * time.Hour), ValidTo: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	b.Event(t, park.EventEntry, "京A11111", t0)
	// Pass ends at 60 min, car leaves at 120 min: 60 billed minutes = 2 blocks.
	wantDecision(t, b.Event(t, park.EventExit, "京A11111", t0.Add(2*time.Hour)), park.DecisionHold, park.ReasonPaymentRequired, 400)
}

func TestDenyList(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Access.CreateWhitelist(b.Ctx, b.Lot, &park.WhitelistEntry{Plate: "京A66666", Kind: park.AccessDeny,
		ValidFrom: t0.Add(-time.Hour), ValidTo: t0.Add(24 * time.Hour), Reason: "unpaid fees"}); err != nil {
		t.Fatal(err)
	}
	wantDecision(t, b.Event(t, park.EventEntry, "京A66666", t0), park.DecisionHold, park.ReasonRefused, 0)
	if b.Occupied(t) != 0 {
		t.Fatal("a refused car was let in")
	}
}

func TestPlatelessCar(t *testing.T) {
	b := setup(t)
	in := b.Event(t, park.EventEntry, "无牌车", t0)
	if in.Decision != park.DecisionOpen || !strings.HasPrefix(in.Plate, "临") || in.StayID == "" {
		t.Fatalf("plate-less entry %+v", in)
	}
	other := b.Event(t, park.EventEntry, "无牌车", t0)
	if other.Plate == in.Plate {
		t.Fatal("two plate-less cars got one identity")
	}
	d := b.Event(t, park.EventExit, in.Plate, t0.Add(10*time.Minute))
	wantDecision(t, d, park.DecisionOpen, park.ReasonFree, 0)
	if d.StayID != in.StayID {
		t.Fatal("the temporary identity did not find its stay")
	}
	if _, err := b.EventID("x-1", park.EventExit, "无牌车", t0); !park.IsCode(err, park.EInvalid) {
		t.Fatalf("exit of a plate-less car with no identity: %v", err)
	}
}

func TestBrazilianPlateFormsMatch(t *testing.T) {
	b := setup(t)
	in := b.Event(t, park.EventEntry, "abc-1234", t0) // old form, as typed
	out := b.Event(t, park.EventExit, "ABC1C34", t0.Add(10*time.Minute))
	if out.StayID != in.StayID {
		t.Fatal("the Mercosul reading did not find the stay of the old-form reading")
	}
}

func TestNewEnergyPlateImpliesClass(t *testing.T) {
	b := setup(t)
	in := b.Event(t, park.EventEntry, "京AD12345", t0)
	if got := b.Stay(t, in.StayID).VehicleClass; got != park.ClassNewEnergy {
		t.Fatalf("class %q, want new_energy", got)
	}
}

func TestBadEventsChangeNothing(t *testing.T) {
	b := setup(t)
	now := b.Clock.Now()
	cases := map[string]gate.EventInput{
		"invalid plate":  {ID: "e1", Type: "entry", Plate: "HELLO", Lane: "in-1", At: t0},
		"unknown type":   {ID: "e2", Type: "park", Plate: "京A12345", Lane: "in-1", At: t0},
		"no id":          {Type: "entry", Plate: "京A12345", Lane: "in-1", At: t0},
		"no lane":        {ID: "e3", Type: "entry", Plate: "京A12345", At: t0},
		"far future":     {ID: "e4", Type: "entry", Plate: "京A12345", Lane: "in-1", At: now.Add(24 * time.Hour)},
		"no time":        {ID: "e5", Type: "entry", Plate: "京A12345", Lane: "in-1"},
		"unknown class":  {ID: "e6", Type: "entry", Plate: "京A12345", Lane: "in-1", At: t0, VehicleClass: "tank"},
		"ancient":        {ID: "e7", Type: "entry", Plate: "京A12345", Lane: "in-1", At: time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)},
		"image url size": {ID: "e8", Type: "entry", Plate: "京A12345", Lane: "in-1", At: t0, ImageURL: strings.Repeat("x", 3000)},
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			in.LotCode = b.Lot
			_, err := b.Sys.Gate.HandleEvent(b.Ctx, in)
			wantCode(t, err, park.EInvalid)
		})
	}
	_, err := b.Sys.Gate.HandleEvent(b.Ctx, gate.EventInput{LotCode: "nope", ID: "e9", Type: "entry", Plate: "京A12345", Lane: "in-1", At: t0})
	wantCode(t, err, park.ENotFound)
	if b.Occupied(t) != 0 {
		t.Fatal("a refused event changed occupancy")
	}
}

func TestExitBeforeEntryTimeNeverNegative(t *testing.T) {
	b := setup(t)
	b.Event(t, park.EventEntry, "京A12345", t0)
	// The exit camera's clock is 5 minutes behind the entry camera's.
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(-5*time.Minute)), park.DecisionOpen, park.ReasonFree, 0)
}

func TestUnknownLaneIsRecordedWithTheEventsDirection(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Gate.HandleEvent(b.Ctx, gate.EventInput{LotCode: b.Lot, ID: "c1", Type: park.EventEntry,
		Plate: "京A12345", Lane: "north-gate-2", At: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Gate.HandleEvent(b.Ctx, gate.EventInput{LotCode: b.Lot, ID: "c2", Type: park.EventExit,
		Plate: "京A12345", Lane: "south-exit", At: t0.Add(5 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	for lane, dir := range map[string]string{"north-gate-2": park.DirectionIn, "south-exit": park.DirectionOut} {
		err := b.Store.View(b.Ctx, func(tx park.Tx) error {
			l, err := tx.GetLane(b.Ctx, b.Lot, lane)
			if err == nil && l.Direction != dir {
				t.Errorf("lane %s direction %q, want %q", lane, l.Direction, dir)
			}
			return err
		})
		if err != nil {
			t.Fatalf("lane %s: %v", lane, err)
		}
	}
}

// TestConcurrentEntriesKeepLimits: entries at the same moment (other
// lanes, other nodes) never share the lot's last spaces nor a pass's one
// space. The lot has 10 spaces; 30 visitors come at once: 10 enter, 20
// are held. A pass of two cars and one space, both at once: one enters on
// the pass, the other as a visitor.
func TestConcurrentEntriesKeepLimits(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "张伟", Plates: []string{"京A11111", "京A22222"},
		Spaces: 1, ValidFrom: t0.Add(-time.Hour), ValidTo: t0.Add(30 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	enter := func(plates []string) map[string]int {
		var mu sync.Mutex
		reasons := map[string]int{}
		var wg sync.WaitGroup
		for _, p := range plates {
			wg.Go(func() {
				d, err := b.EventID("in-"+p, park.EventEntry, p, t0)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Error(err)
					return
				}
				reasons[d.Reason]++
			})
		}
		wg.Wait()
		return reasons
	}
	if r := enter([]string{"京A11111", "京A22222"}); r[park.ReasonPass] != 1 || r[park.ReasonVisitor] != 1 {
		t.Fatalf("two cars of a one-space pass at once: %v, want one pass and one visitor", r)
	}
	var visitors []string
	for i := range 30 {
		visitors = append(visitors, fmt.Sprintf("京C%05d", i))
	}
	// Two spaces are taken by the pass's cars: 8 of the 30 enter.
	if r := enter(visitors); r[park.ReasonVisitor] != 8 || r[park.ReasonLotFull] != 22 {
		t.Fatalf("30 visitors at once for 8 free spaces: %v", r)
	}
	if n := b.Occupied(t); n != 10 {
		t.Fatalf("%d inside a lot of 10", n)
	}
}

// TestOverlongEventFieldsAreToldTooLong: an id or lane that is there but
// too long is refused as too long, not as missing.
func TestOverlongEventFieldsAreToldTooLong(t *testing.T) {
	b := setup(t)
	for field, in := range map[string]gate.EventInput{
		"id":   {ID: strings.Repeat("e", 129), Type: "entry", Plate: "京A12345", Lane: "in-1", At: t0},
		"lane": {ID: "e1", Type: "entry", Plate: "京A12345", Lane: strings.Repeat("l", 65), At: t0},
	} {
		in.LotCode = b.Lot
		_, err := b.Sys.Gate.HandleEvent(b.Ctx, in)
		var pe *park.Error
		if !errors.As(err, &pe) || pe.Field != field {
			t.Fatalf("%s: got %v, want EInvalid on %s", field, err, field)
		}
		if strings.Contains(pe.Message, "required") || pe.Reason == park.ReasonRequired {
			t.Errorf("%s: %q (reason %q) says it is missing", field, pe.Message, pe.Reason)
		}
	}
	if b.Occupied(t) != 0 {
		t.Fatal("a refused event changed occupancy")
	}
}
