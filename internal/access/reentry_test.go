package access_test

import (
	"testing"
	"time"

	"parkd/internal/gate"
	"parkd/internal/park"
)

// deny puts 京A12345 on the lot's deny list from 10:00 (t0 is 09:00).
func (b *bundle) deny(t *testing.T) {
	t.Helper()
	if _, err := b.Sys.Access.CreateWhitelist(b.Ctx, b.Lot, &park.WhitelistEntry{Plate: "京A12345", Kind: park.AccessDeny,
		ValidFrom: t0.Add(time.Hour), ValidTo: t0.Add(8 * time.Hour), Reason: "unpaid fees"}); err != nil {
		t.Fatal(err)
	}
}

// TestReentryOnTheOrderItEnteredOn: a car that entered on its booking
// (10:00-12:00) and whose exit was missed is read entering again during
// that window: a missed exit is not the driver leaving, so the car comes
// back in on the same booking, which the new stay holds; the old stay,
// closed unpriced, gives it up; so it does when the car is back before
// the window, early enough to enter on it. A window that ended by the
// re-entry stays the old stay's. t0 is 09:00 local.
func TestReentryOnTheOrderItEnteredOn(t *testing.T) {
	at0945, at1030 := t0.Add(45*time.Minute), t0.Add(90*time.Minute)
	// enter syncs order no at 07:00 with in's window and lets the car in
	// on it at 09:45.
	enter := func(t *testing.T, b *bundle, no string, from, to time.Duration) (*park.Reservation, park.Decision) {
		t.Helper()
		in := b.order(no, "京A12345")
		in.From, in.To = t0.Add(from), t0.Add(to)
		b.Clock.Set(t0.Add(-2 * time.Hour))
		r := b.sync(t, in)
		b.Clock.Set(at0945)
		d := b.Event(t, park.EventEntry, "京A12345", at0945)
		wantDecision(t, d, park.DecisionOpen, park.ReasonReservation, 0)
		b.wantOrder(t, no, park.ReservationInside, d.StayID)
		return r, d
	}

	t.Run("booked 10:00-12:00, back at 10:30", func(t *testing.T) {
		b := setup(t)
		r, old := enter(t, b, "ORD-IN1", time.Hour, 3*time.Hour)
		b.Clock.Set(at1030)
		d := b.Event(t, park.EventEntry, "京A12345", at1030)
		wantDecision(t, d, park.DecisionOpen, park.ReasonReservation, 0)
		b.wantReentered(t, old.StayID, at1030, "")
		b.wantOrder(t, "ORD-IN1", park.ReservationInside, d.StayID)
		if st := b.Stay(t, d.StayID); st.ReservationID != r.ID {
			t.Fatalf("new stay's reservation %q, want %q", st.ReservationID, r.ID)
		}
		if b.Occupied(t) != 1 {
			t.Fatalf("occupied %d, want 1", b.Occupied(t))
		}
		// Out at 12:20: 10:30-12:00 is prepaid, 12:00-12:20 one started
		// 30-minute block, 200; as a visitor, 10:30-12:20 would be four
		// blocks, 800.
		at1220 := t0.Add(3*time.Hour + 20*time.Minute)
		b.Clock.Set(at1220)
		wantDecision(t, b.Event(t, park.EventExit, "京A12345", at1220), park.DecisionHold, park.ReasonPaymentRequired, 200)
	})
	t.Run("booked 10:00-12:00, back at 09:55", func(t *testing.T) {
		// Still before the window, within the 30 minutes a car may come
		// early on it.
		b := setup(t)
		_, old := enter(t, b, "ORD-IN3", time.Hour, 3*time.Hour)
		at0955 := t0.Add(55 * time.Minute)
		b.Clock.Set(at0955)
		d := b.Event(t, park.EventEntry, "京A12345", at0955)
		wantDecision(t, d, park.DecisionOpen, park.ReasonReservation, 0)
		b.wantReentered(t, old.StayID, at0955, "")
		b.wantOrder(t, "ORD-IN3", park.ReservationInside, d.StayID)
	})
	t.Run("booked 09:30-10:00, back at 10:30", func(t *testing.T) {
		b := setup(t)
		r, old := enter(t, b, "ORD-IN2", 30*time.Minute, time.Hour)
		b.Clock.Set(at1030)
		wantDecision(t, b.Event(t, park.EventEntry, "京A12345", at1030), park.DecisionOpen, park.ReasonVisitor, 0)
		b.wantReentered(t, old.StayID, at1030, r.ID)
		b.wantOrder(t, "ORD-IN2", park.ReservationDone, old.StayID)
	})
}

// TestHeldReentry: a re-entry the rules refuse (here the deny list, from
// 10:00) still closes the old stay, since the car was read outside, but
// the car arrives on no booking: the old stay takes the order it was
// inside during, done with it, as any close does, whether it entered on
// it or came before its window; nothing is left booked for an entry that
// did not happen. A car let through anyway (its lane offline) was let in,
// and the order waits for it as for any car let in otherwise: its stay
// takes it when it leaves. The order is for 10:00-12:00; t0 is 09:00.
func TestHeldReentry(t *testing.T) {
	at1030 := t0.Add(90 * time.Minute)
	for _, first := range []struct {
		name   string
		at     time.Time
		reason string
	}{
		{"a visitor from 08:00", t0.Add(-time.Hour), park.ReasonVisitor},
		{"entered on it at 09:45", t0.Add(45 * time.Minute), park.ReasonReservation},
	} {
		// enter syncs order no at 07:00, lets the car in first, and puts
		// it on the deny list.
		enter := func(t *testing.T, b *bundle, no string) (*park.Reservation, park.Decision) {
			t.Helper()
			b.Clock.Set(t0.Add(-2 * time.Hour))
			r := b.sync(t, b.order(no, "京A12345"))
			b.Clock.Set(first.at)
			d := b.Event(t, park.EventEntry, "京A12345", first.at)
			wantDecision(t, d, park.DecisionOpen, first.reason, 0)
			b.deny(t)
			return r, d
		}
		t.Run(first.name+", refused at 10:30", func(t *testing.T) {
			b := setup(t)
			r, old := enter(t, b, "ORD-H1")
			b.Clock.Set(at1030)
			wantDecision(t, b.Event(t, park.EventEntry, "京A12345", at1030), park.DecisionHold, park.ReasonRefused, 0)
			b.wantReentered(t, old.StayID, at1030, r.ID)
			b.wantOrder(t, "ORD-H1", park.ReservationDone, old.StayID)
			if b.Occupied(t) != 0 {
				t.Fatalf("occupied %d, want 0", b.Occupied(t))
			}
		})
		t.Run(first.name+", let through offline at 10:30", func(t *testing.T) {
			b := setup(t)
			_, old := enter(t, b, "ORD-H2")
			b.Clock.Set(at1030)
			d, err := b.Sys.Gate.HandleEvent(b.Ctx, gate.EventInput{LotCode: b.Lot, ID: "ev-h2-again", Type: park.EventEntry,
				Plate: "京A12345", Lane: "in-1", At: at1030, Passed: true})
			if err != nil {
				t.Fatal(err)
			}
			wantDecision(t, d, park.DecisionOpen, park.ReasonOffline, 0)
			b.wantReentered(t, old.StayID, at1030, "")
			b.wantOrder(t, "ORD-H2", park.ReservationBooked, "")
			// Out at 11:30: 10:30-11:30 lies in the prepaid window, nothing
			// is due (a visitor pays two blocks, 400), and the order is the
			// new stay's.
			at1130 := t0.Add(150 * time.Minute)
			b.Clock.Set(at1130)
			wantDecision(t, b.Event(t, park.EventExit, "京A12345", at1130), park.DecisionOpen, park.ReasonReservation, 0)
			b.wantOrder(t, "ORD-H2", park.ReservationDone, d.StayID)
		})
	}
}
