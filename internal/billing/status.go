package billing

import (
	"context"
	"time"

	"parkd/internal/access"
	"parkd/internal/park"
	"parkd/internal/tariff"
)

// StayStatus is a stay priced for a partner at one instant.
type StayStatus struct {
	Stay *park.Stay
	Lot  *park.Lot
	At   time.Time // when it was priced
	// Gross is what the whole stay costs so far before deductions (paid
	// amounts included), Discount what coupons and benefits take off it,
	// Total = Gross - Discount, Paid what was paid, and Due what must be
	// paid now (Total - Paid, or the overtime after a payment's exit
	// grace).
	Gross, Total, Paid, Discount, Due int64
	// CollectAmount is what the partner collecting the payment charges
	// the driver: the amount due, as parkd adds no partner fee.
	CollectAmount int64
	// State is the stay's state as partners see it: StateOwes, StatePaid
	// or StateLeft.
	State string
	// Quote is the offer to pay Due, taken for the partner; nil when
	// nothing is due or the partner does not pay through parkd.
	Quote *park.Quote
	// ValidUntil is until when the car may leave without paying more.
	// When nothing is due at At it is the last instant at which leaving
	// still owes nothing (see freeUntil): the end of the tariff's free
	// minutes, of a pass, of a time coupon's minutes, of a free window,
	// of a payment's paid_until or of the time its blocks paid for,
	// whichever the tariff says, at most At + FreeHorizon. When
	// something is due it is At; a stay that left: its exit.
	ValidUntil time.Time
	// LeaveBy is until when the car may leave if it pays Due now: At +
	// the lot's exit grace when something is due (a payment's paid_until
	// is its time + the grace), else ValidUntil.
	LeaveBy time.Time
	// Lines is the price breakdown at At (deductions name their coupon).
	Lines []park.Line

	search *freeSearch // ValidUntil's search, left for after a write (Pricing)
}

// FreeHorizon bounds how far ahead a status says a car may leave free
// (StayStatus.ValidUntil): a car free for longer, or in a lot without a
// tariff, is told At + FreeHorizon, and a later look-up says more.
const FreeHorizon = 24 * time.Hour

// A stay's state as partners see it.
const (
	StateOwes = "owes" // inside, something is due or nothing was paid yet
	StatePaid = "paid" // inside, paid, nothing due now
	StateLeft = "left" // the car has left
)

// Status prices st at now for a partner (source) and, when takeQuote and
// something is due, takes its quote in tx, which must then be a write
// transaction: with takeQuote, call it inside Pricing, which answers
// ValidUntil and LeaveBy of a stay that owes nothing after the write
// (see StayStatus). A stay that left is shown as it left.
func (s *Service) Status(ctx context.Context, tx park.Tx, l *park.Lot, st *park.Stay, now time.Time, source string, takeQuote bool) (*StayStatus, error) {
	return s.statusWith(ctx, tx, l, st, now, source, takeQuote, nil)
}

// statusWith is Status with ad hoc deductions (see priceStayWith).
func (s *Service) statusWith(ctx context.Context, tx park.Tx, l *park.Lot, st *park.Stay, now time.Time,
	source string, takeQuote bool, extra []tariff.Coupon) (*StayStatus, error) {
	res := &StayStatus{Stay: st, Lot: l, At: now, Paid: st.Paid}
	if st.State != park.StayIn {
		res.Total, res.Discount, res.State = st.Total, st.Discount, StateLeft
		res.Gross = st.Gross()
		res.ValidUntil = *st.ExitAt
		res.LeaveBy = res.ValidUntil
		return res, nil
	}
	at := now
	if at.Before(st.EntryAt) {
		at = st.EntryAt
	}
	// The price and the search for the last free instant price the stay
	// several times: the plate's records are read once for all of them.
	tx, err := access.KnownRecords(ctx, tx, l.Code, st.PlateKey)
	if err != nil {
		return nil, err
	}
	pr, err := s.priceStayWith(ctx, tx, l, st, at, extra)
	if err != nil {
		return nil, err
	}
	res.Gross, res.Total, res.Discount, res.Due, res.Lines = pr.Gross, pr.Total, pr.Discount, pr.Due, pr.Lines()
	res.CollectAmount = res.Due
	switch {
	case pr.Due > 0:
		res.ValidUntil, res.LeaveBy = owedLeaveBy(l, st, now)
	case takeQuote && pr.tariff != nil:
		// tx may hold SQLite's single writer: Pricing searches after it
		// (a lot without a tariff is answered without a read, below).
		res.search = &freeSearch{l: l, st: st, at: at, pr: pr, extra: extra}
	default:
		if res.ValidUntil, err = s.freeUntil(ctx, tx, l, st, at, pr, extra); err != nil {
			return nil, err
		}
		res.LeaveBy = res.ValidUntil
	}
	res.State = StateOwes
	if res.Due == 0 && res.Paid > 0 {
		res.State = StatePaid
	}
	// A member benefit that makes the stay free is granted by paying 0
	// with this quote (Pay keeps it), so it is offered too.
	if (pr.Due > 0 || pr.FreedByBenefit) && takeQuote {
		res.Quote = newQuote(l, st, pr, now, source) // the offer CreateQuote makes, for this partner
		res.Quote.LeaveBy = res.LeaveBy              // a free stay's is set with Pricing's search
		if err := tx.InsertQuote(ctx, res.Quote); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// The one rule look-ups, quotes and payments answer for a stay inside,
// priced pr at at (now, or its entry when later), is its ValidUntil and
// LeaveBy (see StayStatus). Nothing due: both are freeUntil. Something
// due: owedLeaveBy.

// owedLeaveBy is ValidUntil and LeaveBy of st when something is due at
// now: ValidUntil is now (a payment's paid_until while it is ahead), and
// LeaveBy now + the lot's exit grace, what paying now buys.
func owedLeaveBy(l *park.Lot, st *park.Stay, now time.Time) (validUntil, leaveBy time.Time) {
	validUntil = now
	if st.PaidUntil != nil && st.PaidUntil.After(now) {
		validUntil = *st.PaidUntil
	}
	return validUntil, now.Add(time.Duration(l.ExitGraceMinutes) * time.Minute)
}

// freeSearch is a freeUntil left for after a write transaction: the stay,
// the instant at and what pr priced there, owing nothing.
type freeSearch struct {
	l     *park.Lot
	st    *park.Stay
	at    time.Time
	pr    Priced
	extra []tariff.Coupon
}

// run is the search in tx, a read-only transaction.
func (f *freeSearch) run(ctx context.Context, s *Service, tx park.Tx) (time.Time, error) {
	return s.freeUntil(ctx, tx, f.l, f.st, f.at, f.pr, f.extra)
}

// freeUntil is the last instant, from at (when pr, priced at at, owes
// nothing) up to at + FreeHorizon, at which the car may leave still
// owing nothing: the tariff finds it from what pr priced (free minutes,
// passes and other free windows, coupons, payments). That input was
// gathered for a car leaving at at, so the answer is priced again as the
// gate would price a car leaving then (a time-slot pass's span, a
// coupon's validity, a reservation read for that instant); if it owes
// then, the last free second is searched pricing every probe so, by
// bisection (leaving later never owes less): about 17 prices a day.
// The tariff counts whole seconds, but a payment's paid_until is kept to
// the microsecond and leaving by it owes nothing: never less than it.
func (s *Service) freeUntil(ctx context.Context, tx park.Tx, l *park.Lot, st *park.Stay, at time.Time, pr Priced, extra []tariff.Coupon) (time.Time, error) {
	t, err := s.lastFreeSecond(ctx, tx, l, st, at, pr, extra)
	if p := st.PaidUntil; err == nil && p != nil && p.After(t) && !p.After(at.Add(FreeHorizon)) {
		t = *p
	}
	return t, err
}

// lastFreeSecond is freeUntil in the tariff's whole seconds.
func (s *Service) lastFreeSecond(ctx context.Context, tx park.Tx, l *park.Lot, st *park.Stay, at time.Time, pr Priced, extra []tariff.Coupon) (time.Time, error) {
	limit := at.Add(FreeHorizon)
	if pr.tariff == nil {
		return limit, nil // a lot without a tariff parks free
	}
	// Each probe prices the stay: the plate's records are read once.
	tx, err := access.KnownRecords(ctx, tx, l.Code, st.PlateKey)
	if err != nil {
		return time.Time{}, err
	}
	until := pr.tariff.FreeUntil(&pr.input, at, limit)
	owes := func(t time.Time) (bool, error) {
		p, err := s.priceStayWith(ctx, tx, l, st, t, extra)
		return p.Due > 0, err
	}
	bad, err := owes(until)
	if err != nil || !bad {
		return until, err
	}
	lo, hi := at.Unix(), until.Unix() // lo owes nothing, hi owes
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		o, err := owes(time.Unix(mid, 0).UTC())
		if err != nil {
			return time.Time{}, err
		}
		if o {
			hi = mid
		} else {
			lo = mid
		}
	}
	if r := time.Unix(lo, 0).UTC(); r.After(at) {
		return r, nil
	}
	return at, nil
}

// Pricing runs fn, which finds a stay and prices it with Status, in the
// transaction Status needs, and answers fn's status: a write one when it
// may take a quote, so the quote is priced and stored together, else a
// read-only one. A stay that owes nothing was priced in the write only
// to know it: the search for the last instant it may leave free (several
// prices, see freeUntil) runs after the write, in a read-only
// transaction, so it never holds SQLite's single writer, which every
// gate event needs.
func (s *Service) Pricing(ctx context.Context, takeQuote bool, fn func(park.Tx) (*StayStatus, error)) (*StayStatus, error) {
	var res *StayStatus
	run := func(tx park.Tx) (err error) {
		res, err = fn(tx)
		return err
	}
	if !takeQuote {
		if err := s.base.View(ctx, run); err != nil {
			return nil, err
		}
		return res, nil
	}
	if err := s.base.Write(ctx, run); err != nil {
		return nil, err
	}
	if res == nil || res.search == nil {
		return res, nil
	}
	err := s.base.View(ctx, func(tx park.Tx) error {
		until, err := res.search.run(ctx, s, tx)
		if err != nil {
			return err
		}
		res.ValidUntil, res.LeaveBy, res.search = until, until, nil
		if res.Quote != nil {
			res.Quote.LeaveBy = until
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
