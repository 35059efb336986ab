package billing

import (
	"context"
	"time"

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
// transaction (see Pricing). A stay that left is shown as it left.
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
	pr, err := s.priceStayWith(ctx, tx, l, st, at, extra)
	if err != nil {
		return nil, err
	}
	res.Gross, res.Total, res.Discount, res.Due, res.Lines = pr.Gross, pr.Total, pr.Discount, pr.Due, pr.Lines()
	res.CollectAmount = res.Due
	if res.ValidUntil, res.LeaveBy, err = s.leaveBy(ctx, tx, l, st, now, at, pr, extra); err != nil {
		return nil, err
	}
	res.State = StateOwes
	if res.Due == 0 && res.Paid > 0 {
		res.State = StatePaid
	}
	// A member benefit that makes the stay free is granted by paying 0
	// with this quote (Pay keeps it), so it is offered too.
	if (pr.Due > 0 || pr.FreedByBenefit) && takeQuote {
		res.Quote = newQuote(l, st, pr, now, source) // the offer CreateQuote makes, for this partner
		res.Quote.LeaveBy = res.LeaveBy
		if err := tx.InsertQuote(ctx, res.Quote); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// leaveBy is a look-up's ValidUntil and LeaveBy (see StayStatus) for st,
// inside, priced pr at at (now, or its entry when later): the one rule
// look-ups, quotes and payments answer. Nothing due: both are freeUntil.
// Something due: ValidUntil is now (a payment's paid_until while it is
// ahead), and LeaveBy now + the lot's exit grace, what paying now buys.
func (s *Service) leaveBy(ctx context.Context, tx park.Tx, l *park.Lot, st *park.Stay, now, at time.Time,
	pr Priced, extra []tariff.Coupon) (validUntil, leaveBy time.Time, err error) {
	if pr.Due == 0 {
		until, err := s.freeUntil(ctx, tx, l, st, at, pr, extra)
		return until, until, err
	}
	validUntil = now
	if st.PaidUntil != nil && st.PaidUntil.After(now) {
		validUntil = *st.PaidUntil
	}
	return validUntil, now.Add(time.Duration(l.ExitGraceMinutes) * time.Minute), nil
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
func (s *Service) freeUntil(ctx context.Context, tx park.Tx, l *park.Lot, st *park.Stay, at time.Time, pr Priced, extra []tariff.Coupon) (time.Time, error) {
	limit := at.Add(FreeHorizon)
	if pr.tariff == nil {
		return limit, nil // a lot without a tariff parks free
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

// Pricing runs fn in the transaction Status needs: a write one when it
// may take a quote, so the quote is priced and stored together, else a
// read-only one.
func (s *Service) Pricing(ctx context.Context, takeQuote bool, fn func(park.Tx) error) error {
	if takeQuote {
		return s.base.Write(ctx, fn)
	}
	return s.base.View(ctx, fn)
}
