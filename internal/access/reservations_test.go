package access_test

import (
	"testing"
	"time"

	"parkd/internal/access"
	"parkd/internal/park"
)

// order is a shared-parking order of partner p1 for 10:00-12:00 local
// (t0 is 09:00 in Shanghai), prepaid 15.00, with both rights.
func (b *bundle) order(no, plateText string) access.ReservationInput {
	return access.ReservationInput{
		PartnerID: "p1", LotCode: b.Lot, OrderNo: no, Kind: park.ReservationShared, Plate: plateText,
		Mobile: "13800000000", UserName: "李四", From: t0.Add(time.Hour), To: t0.Add(3 * time.Hour),
		Prepaid: 1500, MayEnter: true, MayExit: true,
	}
}

func (b *bundle) sync(t *testing.T, in access.ReservationInput) *park.Reservation {
	t.Helper()
	r, _, err := b.Sys.Access.SyncReservation(b.Ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// orderNo reads p1's order no in b's lot.
func (b *bundle) orderNo(t *testing.T, no string) *park.Reservation {
	t.Helper()
	got, err := b.Sys.Access.FindReservations(b.Ctx, access.ReservationQuery{PartnerID: "p1", LotCode: b.Lot, OrderNo: no})
	if err != nil || len(got) != 1 {
		t.Fatalf("order %s: %+v, %v", no, got, err)
	}
	return got[0]
}

// wantOrder fails unless order no is in state with stay stayID.
func (b *bundle) wantOrder(t *testing.T, no, state, stayID string) {
	t.Helper()
	if got := b.orderNo(t, no); got.State != state || got.StayID != stayID {
		t.Fatalf("order %s: %+v, want %s with stay %q", no, got, state, stayID)
	}
}

// wantReentered fails unless stay id was closed at at by its car's
// re-entry, unpriced, holding reservation resID ("" for none).
func (b *bundle) wantReentered(t *testing.T, id string, at time.Time, resID string) {
	t.Helper()
	st := b.Stay(t, id)
	if st.State != park.StayOut || st.ExitAt == nil || !st.ExitAt.Equal(at) ||
		st.Anomaly != park.AnomalyReentry || st.Total != 0 || st.ReservationID != resID {
		t.Fatalf("old stay %+v, want out at %s (reentry, unpriced) with reservation %q", st, at, resID)
	}
}

// fullLot makes b's lot a one-space lot that a visitor fills at t0, and
// p1's.
func fullLot(t *testing.T) *bundle {
	b := setup(t)
	b.Lot = "140123009"
	b.CreateLot(t, b.Lot, 1, park.MissedEntryHold)
	if err := b.Sys.Partners.DeletePartner(b.Ctx, "p1"); err != nil {
		t.Fatal(err)
	}
	b.partner(t, "p1", b.Lot)
	b.Clock.Set(t0)
	b.Event(t, park.EventEntry, "京Z99999", t0)
	return b
}

// TestReservationEntersFullLot: a reserved car enters a full lot (up to
// EarlyArrival before its window) while a visitor is refused; its stay is
// linked to the order, which turns inside, then done when it leaves.
func TestReservationEntersFullLot(t *testing.T) {
	b := fullLot(t)
	r := b.sync(t, b.order("ORD-1", "京A12345"))
	b.sync(t, b.order("ORD-LATE", "京L77777"))
	if r.State != park.ReservationBooked || r.Plate != "京A12345" {
		t.Fatalf("synced %+v", r)
	}
	b.Clock.Set(t0.Add(time.Hour))
	// 09:29 is 31 minutes early: too early, and the lot is full.
	wantDecision(t, b.Event(t, park.EventEntry, "京A12345", t0.Add(29*time.Minute)), park.DecisionHold, park.ReasonLotFull, 0)
	wantDecision(t, b.Event(t, park.EventEntry, "京B00001", t0.Add(50*time.Minute)), park.DecisionHold, park.ReasonLotFull, 0)
	d := b.Event(t, park.EventEntry, "京A12345", t0.Add(50*time.Minute)) // 09:50, within 30 minutes early
	wantDecision(t, d, park.DecisionOpen, park.ReasonReservation, 0)
	got, err := b.Sys.Access.FindReservations(b.Ctx, access.ReservationQuery{PartnerID: "p1", LotCode: b.Lot, OrderNo: "ORD-1"})
	if err != nil || len(got) != 1 || got[0].State != park.ReservationInside || got[0].StayID != d.StayID {
		t.Fatalf("after entry %+v, %v", got, err)
	}

	// 09:50 to 12:40 with 10:00-12:00 prepaid: the tariff bills 09:50-10:00
	// (one started block, 200) and 12:00-12:40 (blocks restart at the end of
	// the free window: two blocks, 400). Due 600.
	b.Clock.Set(t0.Add(4 * time.Hour))
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(3*time.Hour+40*time.Minute)), park.DecisionHold, park.ReasonPaymentRequired, 600)
	q, err := b.Sys.Billing.CreateQuote(b.Ctx, d.StayID, "")
	// Quoted at 13:00: 12:00-13:00 is still two started blocks, so 200 + 400.
	if err != nil || q.AmountDue != 600 {
		t.Fatalf("quote %+v, %v", q, err)
	}
	if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "cash"}); err != nil {
		t.Fatal(err)
	}
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(4*time.Hour)), park.DecisionOpen, park.ReasonPaid, 0)
	got, _ = b.Sys.Access.FindReservations(b.Ctx, access.ReservationQuery{PartnerID: "p1", LotCode: b.Lot, Plate: "京A12345"})
	if len(got) != 1 || got[0].State != park.ReservationDone {
		t.Fatalf("after exit %+v", got)
	}
	// A done order admits no one again: the lot is still full.
	wantDecision(t, b.Event(t, park.EventEntry, "京A12345", t0.Add(4*time.Hour)), park.DecisionHold, park.ReasonLotFull, 0)
	// Nor does one whose window ended (12:00, the end, is outside it).
	wantDecision(t, b.Event(t, park.EventEntry, "京L77777", t0.Add(3*time.Hour)), park.DecisionHold, park.ReasonLotFull, 0)
}

// TestPrepaidWindowIsFree: a stay inside its window leaves free (reason
// reservation) where a visitor would pay.
func TestPrepaidWindowIsFree(t *testing.T) {
	b := fullLot(t)
	b.sync(t, b.order("ORD-2", "京A12345"))
	b.Clock.Set(t0.Add(3 * time.Hour))
	d := b.Event(t, park.EventEntry, "京A12345", t0.Add(65*time.Minute))
	// 10:05 to 11:50 is 105 minutes: a visitor would pay fee(105m) = 4 blocks = 800.
	if fee(105*time.Minute) != 800 {
		t.Fatal("test tariff changed")
	}
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(170*time.Minute)), park.DecisionOpen, park.ReasonReservation, 0)
	if st := b.Stay(t, d.StayID); st.Total != 0 || st.State != park.StayOut {
		t.Fatalf("stay %+v", st)
	}
}

// TestTerminatedReservation: terminating an order ends its prepaid window
// now (a car inside pays from then on) and a booked one no longer admits.
func TestTerminatedReservation(t *testing.T) {
	b := fullLot(t)
	in := b.order("ORD-3", "京A12345")
	in.To = t0.Add(5 * time.Hour) // 10:00-14:00
	b.sync(t, in)
	b.sync(t, b.order("ORD-4", "京B55555"))
	b.Clock.Set(t0.Add(time.Hour))
	d := b.Event(t, park.EventEntry, "京A12345", t0.Add(time.Hour))
	wantDecision(t, d, park.DecisionOpen, park.ReasonReservation, 0)

	b.Clock.Set(t0.Add(2 * time.Hour)) // 11:00
	for _, no := range []string{"ORD-3", "ORD-4"} {
		r, err := b.Sys.Access.TerminateReservation(b.Ctx, "p1", b.Lot, no)
		if err != nil || r.State != park.ReservationTerminated || !r.TerminatedAt.Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("terminate %s: %+v, %v", no, r, err)
		}
	}
	// Again: the same answer, nothing changes.
	if r, err := b.Sys.Access.TerminateReservation(b.Ctx, "p1", b.Lot, "ORD-3"); err != nil || !r.TerminatedAt.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("terminate again: %+v, %v", r, err)
	}
	wantDecision(t, b.Event(t, park.EventEntry, "京B55555", t0.Add(2*time.Hour)), park.DecisionHold, park.ReasonLotFull, 0)
	// 10:00 to 11:30, free until 11:00: 11:00-11:30 is one block, 200.
	b.Clock.Set(t0.Add(150 * time.Minute))
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(150*time.Minute)), park.DecisionHold, park.ReasonPaymentRequired, 200)
}

// TestReservationRights: without the exit right the car is held at the
// exit (its own reason) until a sync grants it; without the entry right
// the order admits no one.
func TestReservationRights(t *testing.T) {
	b := fullLot(t)
	in := b.order("ORD-5", "京A12345")
	in.Kind, in.MayExit = park.ReservationBooking, false
	b.sync(t, in)
	noEntry := b.order("ORD-6", "京B66666")
	noEntry.MayEnter = false
	b.sync(t, noEntry)
	b.Clock.Set(t0.Add(2 * time.Hour))
	wantDecision(t, b.Event(t, park.EventEntry, "京B66666", t0.Add(time.Hour)), park.DecisionHold, park.ReasonLotFull, 0)
	d := b.Event(t, park.EventEntry, "京A12345", t0.Add(time.Hour))
	wantDecision(t, d, park.DecisionOpen, park.ReasonReservation, 0)
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(2*time.Hour)), park.DecisionHold, park.ReasonNoExitRight, 0)
	in.MayExit = true
	r, changed, err := b.Sys.Access.SyncReservation(b.Ctx, in)
	if err != nil || !changed || r.State != park.ReservationInside || !r.MayExit {
		t.Fatalf("grant exit: %+v, %v, %v", r, changed, err)
	}
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(2*time.Hour)), park.DecisionOpen, park.ReasonReservation, 0)
}

// TestSyncReservation: a sync is idempotent on the order number, updates a
// booked order, and refuses bad input, changing nothing.
func TestSyncReservation(t *testing.T) {
	b := setup(t)
	b.Clock.Set(t0)
	in := b.order("ORD-7", "京a12345")
	r1, changed, err := b.Sys.Access.SyncReservation(b.Ctx, in)
	if err != nil || !changed {
		t.Fatalf("first sync %+v, %v, %v", r1, changed, err)
	}
	r2, changed, err := b.Sys.Access.SyncReservation(b.Ctx, in)
	if err != nil || changed || r2.ID != r1.ID || r2.Version != r1.Version {
		t.Fatalf("same sync again: %+v (changed %v), %v; first %+v", r2, changed, err, r1)
	}
	in.Prepaid, in.To = 2000, t0.Add(4*time.Hour)
	r3, changed, err := b.Sys.Access.SyncReservation(b.Ctx, in)
	if err != nil || !changed || r3.ID != r1.ID || r3.Prepaid != 2000 || !r3.To.Equal(t0.Add(4*time.Hour)) {
		t.Fatalf("update %+v, %v, %v", r3, changed, err)
	}
	// An order keeps its kind: a reservation with a shared order's number
	// is refused and leaves the order as it was.
	booking := in
	booking.Kind, booking.Plate, booking.MayExit = park.ReservationBooking, "京B54321", false
	_, _, err = b.Sys.Access.SyncReservation(b.Ctx, booking)
	wantCode(t, err, park.EConflict)
	if pe, ok := err.(*park.Error); !ok || pe.Field != "order_no" {
		t.Errorf("kind conflict %v, want field order_no", err)
	}
	if got := b.orderNo(t, "ORD-7"); got.Kind != park.ReservationShared || got.Plate != "京A12345" || !got.MayExit {
		t.Fatalf("order after a sync of another kind %+v", got)
	}
	// Another partner's order number is its own.
	other := in
	other.PartnerID = "p2"
	if r, _, err := b.Sys.Access.SyncReservation(b.Ctx, other); err != nil || r.ID == r1.ID {
		t.Fatalf("p2's order %+v, %v", r, err)
	}

	bad := func(mod func(*access.ReservationInput), code park.Code, field string) {
		t.Helper()
		x := b.order("ORD-8", "京A12345")
		mod(&x)
		_, _, err := b.Sys.Access.SyncReservation(b.Ctx, x)
		wantCode(t, err, code)
		if pe, ok := err.(*park.Error); field != "" && (!ok || pe.Field != field) {
			t.Errorf("field %v, want %q", err, field)
		}
	}
	bad(func(x *access.ReservationInput) { x.To = x.From }, park.EInvalid, "to")
	bad(func(x *access.ReservationInput) { x.From, x.To = t0.Add(-3*time.Hour), t0.Add(-time.Hour) }, park.EInvalid, "to")
	bad(func(x *access.ReservationInput) { x.Plate = "not a plate" }, park.EInvalid, "plate")
	bad(func(x *access.ReservationInput) { x.Plate = "无牌车" }, park.EInvalid, "plate")
	bad(func(x *access.ReservationInput) { x.OrderNo = "" }, park.EInvalid, "order_no")
	bad(func(x *access.ReservationInput) { x.Kind = "party" }, park.EInvalid, "kind")
	bad(func(x *access.ReservationInput) { x.Prepaid = -1 }, park.EInvalid, "prepaid")
	bad(func(x *access.ReservationInput) { x.Mobile = "12ab" }, park.EInvalid, "mobile")
	bad(func(x *access.ReservationInput) { x.LotCode = "nope" }, park.ENotFound, "")
	if got, _ := b.Sys.Access.FindReservations(b.Ctx, access.ReservationQuery{PartnerID: "p1", LotCode: b.Lot, Plate: "京A12345"}); len(got) != 1 {
		t.Fatalf("refused syncs stored something: %+v", got)
	}

	// Unknown orders, another partner's order, a done order.
	_, err = b.Sys.Access.TerminateReservation(b.Ctx, "p1", b.Lot, "ORD-404")
	wantCode(t, err, park.ENotFound)
	_, err = b.Sys.Access.TerminateReservation(b.Ctx, "p3", b.Lot, "ORD-7")
	wantCode(t, err, park.ENotFound)
	_, err = b.Sys.Access.FindReservations(b.Ctx, access.ReservationQuery{PartnerID: "p1", LotCode: b.Lot, OrderNo: "ORD-404"})
	wantCode(t, err, park.ENotFound)
	_, err = b.Sys.Access.FindReservations(b.Ctx, access.ReservationQuery{PartnerID: "p1", LotCode: b.Lot})
	wantCode(t, err, park.EInvalid)

	// Found by mobile; expired once its window passed unused.
	b.Clock.Set(t0.Add(5 * time.Hour))
	got, err := b.Sys.Access.FindReservations(b.Ctx, access.ReservationQuery{PartnerID: "p1", LotCode: b.Lot, Mobile: "13800000000"})
	if err != nil || len(got) != 1 || got[0].State != park.ReservationExpired || got[0].UserName != "李四" {
		t.Fatalf("by mobile %+v, %v", got, err)
	}
}

// TestPrepaidWindowInsideAVisitorStay: a car that came more than
// EarlyArrival before its window entered as a visitor; its window, prepaid,
// is not billed again when the car is still inside as it begins, and the
// stay takes the order when it leaves (done: it frees no other stay). A car
// that leaves before its window pays as a visitor and keeps its order.
func TestPrepaidWindowInsideAVisitorStay(t *testing.T) {
	pay := func(t *testing.T, b *bundle, stayID string, want int64) {
		t.Helper()
		q, err := b.Sys.Billing.CreateQuote(b.Ctx, stayID, "")
		if err != nil || q.AmountDue != want {
			t.Fatalf("quote %+v, %v; want due %d", q, err, want)
		}
		if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "cash"}); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("in at 08:00, out at 13:00", func(t *testing.T) {
		b := setup(t)
		b.Clock.Set(t0.Add(-2 * time.Hour))
		r := b.sync(t, b.order("ORD-E1", "京A12345")) // 10:00-12:00
		b.Clock.Set(t0.Add(-time.Hour))
		d := b.Event(t, park.EventEntry, "京A12345", t0.Add(-time.Hour)) // 08:00, two hours early
		wantDecision(t, d, park.DecisionOpen, park.ReasonVisitor, 0)
		// 08:00-10:00 is four started 30-minute blocks (800); 12:00-13:00,
		// blocks restarting after the window, two (400): 1200, not the
		// ten blocks (2000) of 08:00-13:00.
		b.Clock.Set(t0.Add(4 * time.Hour))
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(4*time.Hour)), park.DecisionHold, park.ReasonPaymentRequired, 1200)
		if got := b.orderNo(t, "ORD-E1"); got.State != park.ReservationExpired {
			t.Fatalf("order %s while its car is held, want expired (booked, window passed)", got.State)
		}
		pay(t, b, d.StayID, 1200)
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(4*time.Hour)), park.DecisionOpen, park.ReasonPaid, 0)
		if got := b.orderNo(t, "ORD-E1"); got.State != park.ReservationDone || got.StayID != d.StayID {
			t.Fatalf("order after exit %+v", got)
		}
		if st := b.Stay(t, d.StayID); st.ReservationID != r.ID || st.Total != 1200 {
			t.Fatalf("stay %+v", st)
		}
	})
	t.Run("booked while inside, out within the window", func(t *testing.T) {
		b := setup(t)
		b.Clock.Set(t0.Add(-time.Hour))
		d := b.Event(t, park.EventEntry, "京A12345", t0.Add(-time.Hour)) // 08:00
		b.Clock.Set(t0.Add(-30 * time.Minute))
		b.sync(t, b.order("ORD-E2", "京A12345")) // booked at 08:30 for 10:00-12:00
		// Out at 11:00: 08:00-10:00 billed (800), 10:00-11:00 prepaid.
		b.Clock.Set(t0.Add(2 * time.Hour))
		pay(t, b, d.StayID, 800)
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(2*time.Hour)), park.DecisionOpen, park.ReasonPaid, 0)
		// The order is done: back at 11:10, within its window, the car is a
		// visitor again.
		if got := b.orderNo(t, "ORD-E2"); got.State != park.ReservationDone {
			t.Fatalf("order %s, want done", got.State)
		}
		b.Clock.Set(t0.Add(2*time.Hour + 10*time.Minute))
		wantDecision(t, b.Event(t, park.EventEntry, "京A12345", t0.Add(2*time.Hour+10*time.Minute)), park.DecisionOpen, park.ReasonVisitor, 0)
	})
	t.Run("out before the window", func(t *testing.T) {
		b := setup(t)
		b.Clock.Set(t0.Add(-2 * time.Hour))
		b.sync(t, b.order("ORD-E3", "京A12345")) // 10:00-12:00
		b.Clock.Set(t0.Add(-time.Hour))
		d := b.Event(t, park.EventEntry, "京A12345", t0.Add(-time.Hour)) // 08:00
		// Out at 09:00, before the window: two blocks, 400; the order stays
		// booked and admits the car at 09:50.
		b.Clock.Set(t0)
		pay(t, b, d.StayID, 400)
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0), park.DecisionOpen, park.ReasonPaid, 0)
		if got := b.orderNo(t, "ORD-E3"); got.State != park.ReservationBooked {
			t.Fatalf("order %s, want booked", got.State)
		}
		b.Clock.Set(t0.Add(50 * time.Minute))
		wantDecision(t, b.Event(t, park.EventEntry, "京A12345", t0.Add(50*time.Minute)), park.DecisionOpen, park.ReasonReservation, 0)
	})
}

// TestEveryPrepaidWindowOfAStayIsFree: a car inside through several
// prepaid windows of its plate is billed for none of them, whether it
// entered as a visitor or on the first; each order is taken by that one
// stay when it leaves (done: it frees no later stay). An order that
// expired before the car came, or was terminated, frees nothing.
//
// The lot's tariff (systemtest.TestTariff) bills 200 per started 30
// minutes of each billable stretch, blocks restarting after a free window;
// t0 is 09:00 local.
func TestEveryPrepaidWindowOfAStayIsFree(t *testing.T) {
	window := func(b *bundle, no string, from, to time.Duration) access.ReservationInput {
		in := b.order(no, "京A12345")
		in.From, in.To = t0.Add(from), t0.Add(to)
		return in
	}
	quote := func(t *testing.T, b *bundle, stayID string, want int64) *park.Quote {
		t.Helper()
		q, err := b.Sys.Billing.CreateQuote(b.Ctx, stayID, "")
		if err != nil || q.AmountDue != want {
			t.Fatalf("quote %+v, %v; want due %d", q, err, want)
		}
		return q
	}
	pay := func(t *testing.T, b *bundle, stayID string, want int64) {
		t.Helper()
		q := quote(t, b, stayID, want)
		if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "cash"}); err != nil {
			t.Fatal(err)
		}
	}
	taken := func(t *testing.T, b *bundle, stayID string, nos ...string) {
		t.Helper()
		for _, no := range nos {
			got, err := b.Sys.Access.FindReservations(b.Ctx, access.ReservationQuery{PartnerID: "p1", LotCode: b.Lot, OrderNo: no})
			if err != nil || len(got) != 1 || got[0].State != park.ReservationDone || got[0].StayID != stayID {
				t.Fatalf("order %s: %+v, %v; want done by stay %s", no, got, err, stayID)
			}
		}
	}

	t.Run("two windows inside one visitor stay", func(t *testing.T) {
		b := setup(t)
		b.Clock.Set(t0.Add(-2 * time.Hour))                      // 07:00
		b.sync(t, window(b, "ORD-M1", 0, 2*time.Hour))           // 09:00-11:00
		b.sync(t, window(b, "ORD-M2", 5*time.Hour, 7*time.Hour)) // 14:00-16:00
		b.Clock.Set(t0.Add(-time.Hour))
		d := b.Event(t, park.EventEntry, "京A12345", t0.Add(-time.Hour)) // 08:00, an hour early
		wantDecision(t, d, park.DecisionOpen, park.ReasonVisitor, 0)
		// Asked at 15:00, inside the second window: 08:00-09:00 is two
		// blocks (400) and 11:00-14:00 six (1200): 1600.
		b.Clock.Set(t0.Add(6 * time.Hour))
		quote(t, b, d.StayID, 1600)
		// Out at 17:00: and 16:00-17:00, two more (400): 2000, where the
		// second window billed again would make 11:00-17:00 twelve blocks
		// (2400 + 400 = 2800) and a visitor pays eighteen (3600).
		b.Clock.Set(t0.Add(8 * time.Hour))
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(8*time.Hour)), park.DecisionHold, park.ReasonPaymentRequired, 2000)
		pay(t, b, d.StayID, 2000)
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(8*time.Hour)), park.DecisionOpen, park.ReasonPaid, 0)
		taken(t, b, d.StayID, "ORD-M1", "ORD-M2")
		if st := b.Stay(t, d.StayID); st.Total != 2000 {
			t.Fatalf("stay total %d, want 2000", st.Total)
		}
	})

	t.Run("entered on one, holds a later one", func(t *testing.T) {
		b := setup(t)
		b.Clock.Set(t0)
		b.sync(t, window(b, "ORD-M3", time.Hour, 3*time.Hour))   // 10:00-12:00
		b.sync(t, window(b, "ORD-M4", 5*time.Hour, 6*time.Hour)) // 14:00-15:00
		b.Clock.Set(t0.Add(50 * time.Minute))
		d := b.Event(t, park.EventEntry, "京A12345", t0.Add(50*time.Minute)) // 09:50, on ORD-M3
		wantDecision(t, d, park.DecisionOpen, park.ReasonReservation, 0)
		// Out at 16:00: 09:50-10:00 one block (200), 12:00-14:00 four
		// (800), 15:00-16:00 two (400): 1400, not 200 + eight blocks of
		// 12:00-16:00 (1600) = 1800.
		b.Clock.Set(t0.Add(7 * time.Hour))
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(7*time.Hour)), park.DecisionHold, park.ReasonPaymentRequired, 1400)
		pay(t, b, d.StayID, 1400)
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(7*time.Hour)), park.DecisionOpen, park.ReasonPaid, 0)
		taken(t, b, d.StayID, "ORD-M3", "ORD-M4")
	})

	t.Run("two windows end to end cover the stay", func(t *testing.T) {
		b := setup(t)
		b.Clock.Set(t0)
		b.sync(t, window(b, "ORD-M5", time.Hour, 2*time.Hour))   // 10:00-11:00
		b.sync(t, window(b, "ORD-M6", 2*time.Hour, 3*time.Hour)) // 11:00-12:00
		b.Clock.Set(t0.Add(65 * time.Minute))
		d := b.Event(t, park.EventEntry, "京A12345", t0.Add(65*time.Minute))
		wantDecision(t, d, park.DecisionOpen, park.ReasonReservation, 0)
		// 10:05-11:50 lies wholly inside the two windows: nothing due, and
		// the reason is the reservations.
		b.Clock.Set(t0.Add(170 * time.Minute))
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(170*time.Minute)), park.DecisionOpen, park.ReasonReservation, 0)
		taken(t, b, d.StayID, "ORD-M5", "ORD-M6")
		// The car is back at 11:55, still inside ORD-M6's window: taken by
		// the first stay, it frees nothing of the second. Out at 12:40:
		// 45 minutes, two blocks (400).
		b.Clock.Set(t0.Add(175 * time.Minute))
		d2 := b.Event(t, park.EventEntry, "京A12345", t0.Add(175*time.Minute))
		wantDecision(t, d2, park.DecisionOpen, park.ReasonVisitor, 0)
		b.Clock.Set(t0.Add(220 * time.Minute))
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(220*time.Minute)), park.DecisionHold, park.ReasonPaymentRequired, 400)
	})

	t.Run("expired and terminated orders free nothing", func(t *testing.T) {
		b := setup(t)
		b.Clock.Set(t0.Add(-4 * time.Hour))                        // 05:00
		b.sync(t, window(b, "ORD-M7", -3*time.Hour, -2*time.Hour)) // 06:00-07:00
		b.sync(t, window(b, "ORD-M8", time.Hour, 3*time.Hour))     // 10:00-12:00
		b.Clock.Set(t0.Add(-time.Hour))
		d := b.Event(t, park.EventEntry, "京A12345", t0.Add(-time.Hour)) // 08:00
		wantDecision(t, d, park.DecisionOpen, park.ReasonVisitor, 0)
		b.Clock.Set(t0.Add(-30 * time.Minute))
		if _, err := b.Sys.Access.TerminateReservation(b.Ctx, "p1", b.Lot, "ORD-M8"); err != nil {
			t.Fatal(err)
		}
		// Out at 13:00: 08:00-13:00 is ten blocks, 2000, as for any visitor.
		b.Clock.Set(t0.Add(4 * time.Hour))
		if fee(5*time.Hour) != 2000 {
			t.Fatal("test tariff changed")
		}
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(4*time.Hour)), park.DecisionHold, park.ReasonPaymentRequired, 2000)
	})
}

// TestUnpricedCloseTakesReservations: a stay closed without being priced
// (an operator removes the car, or the car enters again while its stay is
// open) takes the orders whose prepaid window it was inside during, as an
// exit does: each turns done, linked to that stay, and admits or frees no
// later stay. The order's window is 10:00-12:00; the car came at 08:00,
// too early for it, as a visitor.
func TestUnpricedCloseTakesReservations(t *testing.T) {
	enterEarly := func(t *testing.T, b *bundle, no string) (*park.Reservation, park.Decision) {
		t.Helper()
		b.Clock.Set(t0.Add(-2 * time.Hour))
		r := b.sync(t, b.order(no, "京A12345"))
		b.Clock.Set(t0.Add(-time.Hour))
		d := b.Event(t, park.EventEntry, "京A12345", t0.Add(-time.Hour)) // 08:00
		wantDecision(t, d, park.DecisionOpen, park.ReasonVisitor, 0)
		return r, d
	}
	t.Run("removed at 11:00", func(t *testing.T) {
		b := setup(t)
		r, d := enterEarly(t, b, "ORD-R1")
		b.Clock.Set(t0.Add(2 * time.Hour))
		if err := b.Sys.Gate.RemoveInside(b.Ctx, "", b.Lot, "京A12345", "desk", "towed"); err != nil {
			t.Fatal(err)
		}
		if got := b.orderNo(t, "ORD-R1"); got.State != park.ReservationDone || got.StayID != d.StayID {
			t.Fatalf("order after the removal %+v, want done with stay %s", got, d.StayID)
		}
		if st := b.Stay(t, d.StayID); st.ReservationID != r.ID {
			t.Fatalf("removed stay's reservation %q, want %q", st.ReservationID, r.ID)
		}
		// Back at 11:10, inside the window: the order was used, the car is
		// a visitor.
		b.Clock.Set(t0.Add(2*time.Hour + 10*time.Minute))
		wantDecision(t, b.Event(t, park.EventEntry, "京A12345", t0.Add(2*time.Hour+10*time.Minute)), park.DecisionOpen, park.ReasonVisitor, 0)
	})
	t.Run("removed at 09:00, before the window", func(t *testing.T) {
		b := setup(t)
		enterEarly(t, b, "ORD-R2")
		b.Clock.Set(t0)
		if err := b.Sys.Gate.RemoveInside(b.Ctx, "", b.Lot, "京A12345", "desk", ""); err != nil {
			t.Fatal(err)
		}
		if got := b.orderNo(t, "ORD-R2"); got.State != park.ReservationBooked || got.StayID != "" {
			t.Fatalf("order %+v, want booked and free", got)
		}
		b.Clock.Set(t0.Add(50 * time.Minute))
		wantDecision(t, b.Event(t, park.EventEntry, "京A12345", t0.Add(50*time.Minute)), park.DecisionOpen, park.ReasonReservation, 0)
	})
	t.Run("entered again at 12:30", func(t *testing.T) {
		// The exit was missed: the 08:00 stay closes at 12:30 (re-entry),
		// inside the whole window, which would otherwise read expired,
		// unused, though the car was there.
		b := setup(t)
		r, d := enterEarly(t, b, "ORD-R3")
		b.Clock.Set(t0.Add(3*time.Hour + 30*time.Minute))
		again := b.Event(t, park.EventEntry, "京A12345", t0.Add(3*time.Hour+30*time.Minute))
		wantDecision(t, again, park.DecisionOpen, park.ReasonVisitor, 0)
		if got := b.orderNo(t, "ORD-R3"); got.State != park.ReservationDone || got.StayID != d.StayID {
			t.Fatalf("order after the re-entry %+v, want done with stay %s", got, d.StayID)
		}
		if st := b.Stay(t, d.StayID); st.State != park.StayOut || st.ReservationID != r.ID {
			t.Fatalf("closed stay %+v, want out with reservation %s", st, r.ID)
		}
	})
}

// TestReentryLeavesTheOrderItArrivesOn: a car whose exit was missed is
// read entering again during the window of a booked order that grants
// entry: the driver is arriving on it, so the old stay, closed unpriced
// at that entry, leaves it, and the arriving car enters on it like any
// car arriving on its booking. Orders whose window ended before the
// re-entry, or that withhold the entry right, are the old stay's as
// before; an operator's removal during a window still takes the order.
// The car first came at 08:00, a visitor; t0 is 09:00 local.
func TestReentryLeavesTheOrderItArrivesOn(t *testing.T) {
	// book syncs an order at 07:00 for from-to (offsets from t0), then
	// lets the car in at 08:00, too early for any window from 09:00 on.
	book := func(t *testing.T, b *bundle, no string, from, to time.Duration, mayEnter bool) (*park.Reservation, park.Decision) {
		t.Helper()
		in := b.order(no, "京A12345")
		in.From, in.To, in.MayEnter = t0.Add(from), t0.Add(to), mayEnter
		b.Clock.Set(t0.Add(-2 * time.Hour))
		r := b.sync(t, in)
		b.Clock.Set(t0.Add(-time.Hour))
		d := b.Event(t, park.EventEntry, "京A12345", t0.Add(-time.Hour))
		wantDecision(t, d, park.DecisionOpen, park.ReasonVisitor, 0)
		return r, d
	}
	at1030 := t0.Add(90 * time.Minute)

	t.Run("booked 10:00-12:00, back at 10:30", func(t *testing.T) {
		b := setup(t)
		r, old := book(t, b, "ORD-RE1", time.Hour, 3*time.Hour, true)
		b.Clock.Set(at1030)
		d := b.Event(t, park.EventEntry, "京A12345", at1030)
		wantDecision(t, d, park.DecisionOpen, park.ReasonReservation, 0)
		b.wantReentered(t, old.StayID, at1030, "")
		if got := b.orderNo(t, "ORD-RE1"); got.State != park.ReservationInside || got.StayID != d.StayID {
			t.Fatalf("order after the re-entry %+v, want inside with stay %s", got, d.StayID)
		}
		if st := b.Stay(t, d.StayID); st.ReservationID != r.ID {
			t.Fatalf("new stay's reservation %q, want %q", st.ReservationID, r.ID)
		}
		// Out at 11:30: 10:30-11:30 lies inside the prepaid window, so
		// nothing is due and the reason is the reservation, where a
		// visitor pays two started 30-minute blocks (400).
		if fee(time.Hour) != 400 {
			t.Fatal("test tariff changed")
		}
		at1130 := t0.Add(150 * time.Minute)
		b.Clock.Set(at1130)
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", at1130), park.DecisionOpen, park.ReasonReservation, 0)
		if got := b.orderNo(t, "ORD-RE1"); got.State != park.ReservationDone || got.StayID != d.StayID {
			t.Fatalf("order after the exit %+v, want done with stay %s", got, d.StayID)
		}
		if st := b.Stay(t, d.StayID); st.State != park.StayOut || st.Total != 0 {
			t.Fatalf("new stay %+v, want out, total 0", st)
		}
	})
	t.Run("booked 09:00-10:00, back at 10:30", func(t *testing.T) {
		b := setup(t)
		r, old := book(t, b, "ORD-RE2", 0, time.Hour, true)
		b.Clock.Set(at1030)
		wantDecision(t, b.Event(t, park.EventEntry, "京A12345", at1030), park.DecisionOpen, park.ReasonVisitor, 0)
		b.wantReentered(t, old.StayID, at1030, r.ID)
		if got := b.orderNo(t, "ORD-RE2"); got.State != park.ReservationDone || got.StayID != old.StayID {
			t.Fatalf("order after the re-entry %+v, want done with the old stay %s", got, old.StayID)
		}
	})
	t.Run("booked 10:00-12:00 without the entry right, back at 10:30", func(t *testing.T) {
		b := setup(t)
		r, old := book(t, b, "ORD-RE3", time.Hour, 3*time.Hour, false)
		b.Clock.Set(at1030)
		wantDecision(t, b.Event(t, park.EventEntry, "京A12345", at1030), park.DecisionOpen, park.ReasonVisitor, 0)
		b.wantReentered(t, old.StayID, at1030, r.ID)
		if got := b.orderNo(t, "ORD-RE3"); got.State != park.ReservationDone || got.StayID != old.StayID {
			t.Fatalf("order after the re-entry %+v, want done with the old stay %s", got, old.StayID)
		}
	})
	t.Run("booked 10:00-12:00, removed at 10:30 and back", func(t *testing.T) {
		b := setup(t)
		r, old := book(t, b, "ORD-RE4", time.Hour, 3*time.Hour, true)
		b.Clock.Set(at1030)
		if err := b.Sys.Gate.RemoveInside(b.Ctx, "", b.Lot, "京A12345", "desk", "towed"); err != nil {
			t.Fatal(err)
		}
		if got := b.orderNo(t, "ORD-RE4"); got.State != park.ReservationDone || got.StayID != old.StayID {
			t.Fatalf("order after the removal %+v, want done with the removed stay %s", got, old.StayID)
		}
		if st := b.Stay(t, old.StayID); st.ReservationID != r.ID {
			t.Fatalf("removed stay's reservation %q, want %q", st.ReservationID, r.ID)
		}
		wantDecision(t, b.Event(t, park.EventEntry, "京A12345", at1030), park.DecisionOpen, park.ReasonVisitor, 0)
	})
}
