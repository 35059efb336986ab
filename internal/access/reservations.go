package access

import (
	"context"
	"fmt"
	"slices"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/tariff"
)

// EarlyArrival is how long before its window a reserved car may enter on
// its reservation. The minutes before the window are charged by the
// tariff; they are not part of the prepaid order.
const EarlyArrival = 30 * time.Minute

// MaxReservationResults bounds what FindReservations returns.
const MaxReservationResults = 20

// ReservationInput is a partner's order as any API delivers it.
type ReservationInput struct {
	PartnerID string
	LotCode   string
	OrderNo   string
	Kind      string // park.ReservationShared or park.ReservationBooking
	Plate     string
	Mobile    string
	UserName  string
	From, To  time.Time
	Prepaid   int64 // minor units of the lot's currency
	MayEnter  bool
	MayExit   bool
}

// SyncReservation creates a partner's order, or updates the one with the
// same order number in the lot (idempotent: the same order again changes
// nothing and answers changed false). An order keeps its kind: a sync of
// the other kind with its number is refused. An order whose car left or
// that was terminated no longer changes; while its car is inside, its plate cannot
// change. A new or changed window must not have ended, nor may a booked
// order whose window ended (expired) change otherwise.
// Errors: EInvalid (order_no, kind, plate, mobile, user_name, from, to,
// prepaid), ENotFound (lot, or one the partner is not registered for),
// EConflict (order_no: another kind, finished order; plate of a car inside).
func (s *Service) SyncReservation(ctx context.Context, in ReservationInput) (out *park.Reservation, changed bool, err error) {
	texts, keys, err := core.Plates("plate", []string{in.Plate})
	if err != nil {
		return nil, false, err
	}
	want := &park.Reservation{
		PartnerID: in.PartnerID, LotCode: in.LotCode, OrderNo: in.OrderNo, Kind: in.Kind,
		Plate: texts[0], PlateKey: keys[0], Mobile: in.Mobile, UserName: in.UserName,
		From: in.From.UTC().Truncate(park.Precision), To: in.To.UTC().Truncate(park.Precision),
		Prepaid: in.Prepaid, MayEnter: in.MayEnter, MayExit: in.MayExit,
	}
	if err := want.Validate(); err != nil {
		return nil, false, err
	}
	err = s.base.Update(ctx, func(tx park.Tx) error {
		changed = false
		now := s.base.Clock()
		if err := core.PartnerLot(ctx, tx, in.PartnerID, in.LotCode); err != nil {
			return err
		}
		if _, err := tx.GetLotSettings(ctx, in.LotCode); err != nil {
			return err
		}
		cur, err := tx.FindReservation(ctx, in.PartnerID, in.LotCode, in.OrderNo)
		switch {
		case park.IsCode(err, park.ENotFound):
			if !want.To.After(now) {
				return park.Invalid("to", "the window ended at %s", want.To.Format(time.RFC3339)).Because(park.ReasonPast)
			}
			r := *want
			r.ID, r.State, r.CreatedAt, r.UpdatedAt = core.NewID(), park.ReservationBooked, now, now
			out, changed = &r, true
			return tx.CreateReservation(ctx, &r)
		case err != nil:
			return err
		}
		out = cur
		if sameOrder(cur, want) {
			return nil
		}
		switch {
		case cur.Kind != want.Kind:
			// Another operation's order with the same number: replacing it
			// would lose an order its partner's other system was told is kept.
			return &park.Error{Code: park.EConflict, Field: "order_no", Message: fmt.Sprintf("order %s is a %s order, not a %s one", cur.OrderNo, cur.Kind, want.Kind)}
		case cur.State == park.ReservationDone || cur.State == park.ReservationTerminated:
			return &park.Error{Code: park.EConflict, Field: "order_no", Message: fmt.Sprintf("order %s is %s and can no longer change", cur.OrderNo, cur.State)}
		case cur.State == park.ReservationInside && cur.PlateKey != want.PlateKey:
			return &park.Error{Code: park.EConflict, Field: "plate", Message: fmt.Sprintf("the car %s of order %s is inside; its plate cannot change", cur.Plate, cur.OrderNo)}
		case (!cur.From.Equal(want.From) || !cur.To.Equal(want.To) || cur.State == park.ReservationBooked) && !want.To.After(now):
			// A booked order whose window is over (expired) changes only
			// by moving its window ahead: its plate changed now would free
			// another car's past hours, prepaid after the fact.
			return park.Invalid("to", "the window ended at %s", want.To.Format(time.RFC3339)).Because(park.ReasonPast)
		}
		cur.Plate, cur.PlateKey, cur.Mobile, cur.UserName = want.Plate, want.PlateKey, want.Mobile, want.UserName
		cur.From, cur.To, cur.Prepaid, cur.MayEnter, cur.MayExit = want.From, want.To, want.Prepaid, want.MayEnter, want.MayExit
		cur.UpdatedAt, changed = now, true
		return tx.UpdateReservation(ctx, cur)
	})
	if err != nil {
		return nil, false, err
	}
	out.State = out.StateAt(s.base.Clock())
	return out, changed, nil
}

// sameOrder reports whether a sync would change nothing.
func sameOrder(a, b *park.Reservation) bool {
	return a.Kind == b.Kind && a.PlateKey == b.PlateKey && a.Plate == b.Plate && a.Mobile == b.Mobile &&
		a.UserName == b.UserName && a.From.Equal(b.From) && a.To.Equal(b.To) && a.Prepaid == b.Prepaid &&
		a.MayEnter == b.MayEnter && a.MayExit == b.MayExit
}

// TerminateReservation ends a partner's order now. A booked order no
// longer admits its car; a car inside pays the tariff from now on and its
// exit is no longer withheld by the order. Terminating a terminated order
// answers it unchanged.
// Errors: EInvalid (order_no), ENotFound (lot, or one the partner is not
// registered for; order_no), EConflict (the car already left: the order
// is done).
func (s *Service) TerminateReservation(ctx context.Context, partner, lot, orderNo string) (*park.Reservation, error) {
	if orderNo == "" || len(orderNo) > 64 {
		return nil, park.Invalid("order_no", "is required (1-64 characters)").Because(park.ReasonRequired)
	}
	if err := park.CheckText("order_no", orderNo); err != nil {
		return nil, err
	}
	var out *park.Reservation
	err := s.base.Update(ctx, func(tx park.Tx) error {
		r, err := findOrder(ctx, tx, partner, lot, orderNo)
		if err != nil {
			return err
		}
		out = r
		switch r.State {
		case park.ReservationTerminated:
			return nil
		case park.ReservationDone:
			return &park.Error{Code: park.EConflict, Field: "order_no", Message: fmt.Sprintf("the car of order %s has left; the order is done", orderNo)}
		}
		now := s.base.Clock()
		r.State, r.TerminatedAt, r.UpdatedAt = park.ReservationTerminated, &now, now
		return tx.UpdateReservation(ctx, r)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// findOrder finds a partner's order in a lot, naming what is missing (a
// lot the partner is not registered for first: core.PartnerLot).
func findOrder(ctx context.Context, tx park.Tx, partner, lot, orderNo string) (*park.Reservation, error) {
	if err := core.PartnerLot(ctx, tx, partner, lot); err != nil {
		return nil, err
	}
	if _, err := tx.GetLotSettings(ctx, lot); err != nil {
		return nil, err
	}
	r, err := tx.FindReservation(ctx, partner, lot, orderNo)
	if park.IsCode(err, park.ENotFound) {
		return nil, &park.Error{Code: park.ENotFound, Field: "order_no", Message: fmt.Sprintf("no order %q in lot %s", orderNo, lot)}
	}
	return r, err
}

// ReservationQuery selects a partner's orders in a lot: by order number,
// else by plate and/or mobile (both must match when both are given).
type ReservationQuery struct {
	PartnerID string
	LotCode   string
	OrderNo   string
	Plate     string
	Mobile    string
}

// FindReservations returns a partner's orders in a lot, latest window
// first, at most MaxReservationResults, each with its state as of now
// (a booked order whose window passed reads as expired).
// Errors: EInvalid (nothing to search by; plate, mobile), ENotFound (lot,
// or one the partner is not registered for; order_no when an order number
// names no order).
func (s *Service) FindReservations(ctx context.Context, q ReservationQuery) ([]*park.Reservation, error) {
	f := park.ReservationFilter{PartnerID: q.PartnerID, LotCode: q.LotCode, Mobile: q.Mobile, Limit: MaxReservationResults}
	switch {
	case q.OrderNo == "" && q.Plate == "" && q.Mobile == "":
		return nil, park.Invalid("order_no", "an order number, a plate or a mobile is required").Because(park.ReasonRequired)
	case q.Mobile != "" && !park.ValidMobile(q.Mobile):
		return nil, park.Invalid("mobile", "must be 5-20 digits, optionally starting with +").Because(park.ReasonFormat)
	case !park.ValidText(q.OrderNo):
		return nil, park.CheckText("order_no", q.OrderNo)
	case q.Plate != "":
		_, keys, err := core.Plates("plate", []string{q.Plate})
		if err != nil {
			return nil, err
		}
		f.PlateKey = keys[0]
	}
	var out []*park.Reservation
	err := s.base.View(ctx, func(tx park.Tx) error {
		if q.OrderNo != "" {
			r, err := findOrder(ctx, tx, q.PartnerID, q.LotCode, q.OrderNo)
			if err != nil {
				return err
			}
			out = []*park.Reservation{r}
			return nil
		}
		if err := core.PartnerLot(ctx, tx, q.PartnerID, q.LotCode); err != nil {
			return err
		}
		if _, err := tx.GetLotSettings(ctx, q.LotCode); err != nil {
			return err
		}
		var err error
		out, err = tx.ListReservations(ctx, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	now := s.base.Clock()
	for _, r := range out {
		r.State = r.StateAt(now)
	}
	return out, nil
}

// ReservationFor returns the booked reservation that lets a plate enter a
// lot at an instant: one that grants entry and whose window covers it,
// EarlyArrival before its start included. nil when there is none.
func ReservationFor(ctx context.Context, tx park.Tx, lot, key string, at time.Time) (*park.Reservation, error) {
	rs, err := tx.BookedReservations(ctx, lot, key, at)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if admits(r, at) {
			return r, nil
		}
	}
	return nil, nil
}

// admits reports whether a car arriving at at enters on r: r grants
// entry, and at lies in its window or up to EarlyArrival before it.
func admits(r *park.Reservation, at time.Time) bool {
	return r.MayEnter && !at.Before(r.From.Add(-EarlyArrival)) && at.Before(r.To)
}

// ReservationEntered links the stay of a car that entered on r.
func ReservationEntered(ctx context.Context, tx park.Tx, r *park.Reservation, st *park.Stay, now time.Time) error {
	r.State, r.StayID, r.UpdatedAt = park.ReservationInside, st.ID, now
	return tx.UpdateReservation(ctx, r)
}

// ReservationLeft marks done the reservations of a stay that closed.
func ReservationLeft(ctx context.Context, tx park.Tx, st *park.Stay, now time.Time) error {
	if st.ReservationID == "" {
		return nil // nearly every stay: nothing to look up
	}
	rs, err := tx.StayReservations(ctx, st.ID)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.State != park.ReservationInside {
			continue // terminated: it stays so
		}
		r.State, r.UpdatedAt = park.ReservationDone, now
		if err := tx.UpdateReservation(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// ReservationWindows adds to the stay's free time the prepaid window of
// every reservation of its plate it was inside during (each to its
// termination, if earlier), and names them when together they cover the
// whole stay up to at. Those are the ones it took (entered on, or took
// when it left) and, while it is inside, the booked ones whose window
// began before at and ends after its entry (windowsInside): a prepaid
// window is never billed again. It returns them, nil when there are none.
func ReservationWindows(ctx context.Context, tx park.Tx, st *park.Stay, at time.Time, in *tariff.Input, coveredBy *string) ([]*park.Reservation, error) {
	var rs []*park.Reservation
	if st.ReservationID != "" {
		var err error
		if rs, err = tx.StayReservations(ctx, st.ID); err != nil {
			return nil, err
		}
	}
	more, err := windowsInside(ctx, tx, st, at)
	if err != nil {
		return nil, err
	}
	rs = append(rs, more...)
	ws := make([]tariff.Window, 0, len(rs))
	for _, r := range rs {
		ws = append(ws, tariff.Window{From: r.From, To: r.CoveredUntil()})
	}
	in.FreeWindows = append(in.FreeWindows, ws...)
	if coveredTogether(ws, st.EntryAt, at) {
		*coveredBy = park.ReasonReservation
	}
	return rs, nil
}

// coveredTogether reports whether windows, end to end or overlapping,
// cover a to b without a gap.
func coveredTogether(ws []tariff.Window, a, b time.Time) bool {
	ws = slices.Clone(ws)
	slices.SortFunc(ws, func(x, y tariff.Window) int { return x.From.Compare(y.From) })
	reached, touched := a, false
	for _, w := range ws {
		if w.From.After(reached) {
			break // a gap
		}
		if !w.To.Before(reached) {
			reached, touched = w.To, true
		}
	}
	return touched && !reached.Before(b)
}

// ExitWithheld reports whether a reservation a stay entered on withholds
// its exit right (ReservationSyncV2): only those are inside while the
// car is. A terminated order withholds nothing.
func ExitWithheld(rs []*park.Reservation) bool {
	for _, r := range rs {
		if r.State == park.ReservationInside && !r.MayExit {
			return true
		}
	}
	return false
}

// windowsInside returns the booked reservations of an open stay's plate
// whose window began by at and ends after the car entered, earliest
// first: the car was inside during them (it came too early for one, or
// without its entry right, or stayed on from another), and their windows,
// prepaid, are not billed again. The stay takes them when it leaves
// (ReservationJoined), all but those a re-entry arrives on
// (ReservationsUsedByReentry). A booked order whose window ended before
// the entry expired unused and frees nothing.
func windowsInside(ctx context.Context, tx park.Tx, st *park.Stay, at time.Time) ([]*park.Reservation, error) {
	if st.State != park.StayIn {
		return nil, nil // a stay that left took its reservations then
	}
	rs, err := tx.BookedReservations(ctx, st.LotCode, st.PlateKey, st.EntryAt)
	if err != nil {
		return nil, err
	}
	var out []*park.Reservation
	for _, r := range rs { // in window order
		if r.From.Before(at) {
			out = append(out, r)
		}
	}
	return out, nil
}

// ReservationsUsed links a stay closing at at without being priced (a
// removal, a rental pickup; a re-entry: ReservationsUsedByReentry) to the
// booked reservations it was inside during: those its pricing would have
// freed (windowsInside), which a priced close joins from
// Priced.Reservations. Each prepaid window is used by one stay however the
// stay ends. Call it while st is inside.
func ReservationsUsed(ctx context.Context, tx park.Tx, st *park.Stay, at, now time.Time) error {
	_, err := reservationsUsed(ctx, tx, st, at, now, func(*park.Reservation) bool { return false })
	return err
}

// ReservationsUsedByReentry is ReservationsUsed for a stay closed at at
// because its car was read entering again then (its exit was missed),
// but for the orders the car enters on then (admits): a missed exit is
// not the driver leaving. Those stay or turn booked, the one the old stay
// entered on included, and the new entry enters on them (ReservationFor)
// or, let in otherwise, takes them when it leaves. The old stay takes the
// others, whose window ended by the re-entry or that withhold the entry
// right. It returns the orders left: if the car is held after all, they
// are the old stay's (ReentryHeld).
func ReservationsUsedByReentry(ctx context.Context, tx park.Tx, st *park.Stay, at, now time.Time) ([]*park.Reservation, error) {
	arrivesOn := func(r *park.Reservation) bool { return admits(r, at) }
	left, err := reservationsUsed(ctx, tx, st, at, now, arrivesOn)
	if err != nil || st.ReservationID == "" {
		return left, err
	}
	own, err := tx.StayReservations(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	// The order the old stay entered on is booked again when the car
	// arrives on it; the stay keeps the rest, the first named on it.
	st.ReservationID = ""
	for _, r := range own {
		if r.State != park.ReservationInside || !arrivesOn(r) {
			if st.ReservationID == "" {
				st.ReservationID = r.ID
			}
			continue
		}
		r.State, r.StayID, r.UpdatedAt = park.ReservationBooked, "", now
		if err := tx.UpdateReservation(ctx, r); err != nil {
			return nil, err
		}
		left = append(left, r)
	}
	return left, nil
}

// ReentryHeld gives back to the stay a re-entry closed the orders it left
// to the new entry (ReservationsUsedByReentry) when the car was held: it
// arrived on none of them, so they are the old stay's, done with it, as
// after any close. The caller writes st.
func ReentryHeld(ctx context.Context, tx park.Tx, left []*park.Reservation, st *park.Stay, now time.Time) error {
	if err := ReservationJoined(ctx, tx, left, st, now); err != nil {
		return err
	}
	return ReservationLeft(ctx, tx, st, now)
}

// reservationsUsed links st to the reservations it was inside during up
// to at (windowsInside) but those leave keeps booked, which it returns.
func reservationsUsed(ctx context.Context, tx park.Tx, st *park.Stay, at, now time.Time, leave func(*park.Reservation) bool) ([]*park.Reservation, error) {
	rs, err := windowsInside(ctx, tx, st, at)
	if err != nil {
		return nil, err
	}
	var left []*park.Reservation
	rs = slices.DeleteFunc(rs, func(r *park.Reservation) bool {
		if leave(r) {
			left = append(left, r)
			return true
		}
		return false
	})
	return left, ReservationJoined(ctx, tx, rs, st, now)
}

// ReservationJoined links a stay leaving now to the booked reservations
// among rs, those whose window it was inside during (ReservationWindows),
// before the stay closes: closing it marks them done, so a window it was
// not billed for admits and frees no other stay.
func ReservationJoined(ctx context.Context, tx park.Tx, rs []*park.Reservation, st *park.Stay, now time.Time) error {
	for _, r := range rs {
		if r.State != park.ReservationBooked {
			continue // already the stay's
		}
		if st.ReservationID == "" {
			st.ReservationID = r.ID
		}
		if err := ReservationEntered(ctx, tx, r, st, now); err != nil {
			return err
		}
	}
	return nil
}
