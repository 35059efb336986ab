package access

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// AddMonths is the one rule for extending a pass: t plus n calendar months
// in the lot's zone, keeping the local time of day; a day past the end of
// the target month is clamped to its last day (Jan 31 + 1 month = Feb 28,
// or Feb 29 in a leap year). A time of day the clocks skip on the target
// day falls just after the jump (park.WallTime): midnight becomes 01:00
// of that day, never 23:00 of the day before.
func AddMonths(t time.Time, loc *time.Location, n int) time.Time {
	return AddMonthsFrom(t, t, loc, n)
}

// AddMonthsFrom is AddMonths for a pass whose months count from anchor
// (monthAnchor): a t on its month's last day, where the clamp put the
// anchor's later day, counts from the anchor's day again. So a pass that
// started on Jan 31 ends on Feb 28, then Mar 31, not Mar 28: the clamp
// does not accumulate over renewals.
func AddMonthsFrom(t, anchor time.Time, loc *time.Location, n int) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	lt := t.In(loc)
	y, m, d := lt.Date()
	if ad := anchor.In(loc).Day(); ad > d && d == lastDay(y, m) {
		d = ad
	}
	d = min(d, lastDay(y, m+time.Month(n)))
	hh, mm, ss := lt.Clock()
	return park.WallTime(y, m+time.Month(n), d, hh, mm, ss, lt.Nanosecond(), loc).UTC()
}

// lastDay is the number of days of month m of year y (m may overflow).
func lastDay(y int, m time.Month) int {
	// Day 0 of the next month is this one's last day.
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// monthAnchor is where the months of pass p renewed from start count
// from: the start of its last valid period (its valid_from, or the start
// of a renewal after a lapse), or start itself when p has lapsed by then.
func monthAnchor(p *park.Pass, lapses []park.Period, start time.Time) time.Time {
	periods := validPeriods(p, lapses)
	if start.After(p.ValidTo) || len(periods) == 0 {
		return start
	}
	return periods[len(periods)-1].From
}

// renewalStart is where a renewal of pass p bought at now starts: at its
// end, or at now when it has lapsed by then. Only time paid for is the
// pass's: a quote shows it as of the quote, and the payment sets it again
// as of the payment when the pass has lapsed by then (PayRenewal).
func renewalStart(p *park.Pass, now time.Time) time.Time {
	return park.MaxTime(p.ValidTo, now)
}

// RenewalInput asks for a renewal quote of the pass Pass names.
type RenewalInput struct {
	Lot    string
	Pass   PassRef // every part given must name the pass (findPassAll)
	Months int     // 1..36
	Plan   string  // optional: the pass's own plan when empty
	Source string  // the partner asking, in its lots only; only it may report the order paid ("" for an operator)
}

// QuoteRenewal prices Months months of a plan for a pass and keeps the
// offer, as a renewal order, for the lot's quote TTL. The fee is the plan's
// monthly price × Months (whole months, no proration); the renewed months
// start at the pass's end, or now when it has lapsed. A reference whose
// parts name different passes names none: the money would otherwise go to
// the pass of whichever part came first. Errors: EInvalid (months, plate,
// plan), ENotFound (lot, or one in.Source may not use: core.PartnerLot;
// pass, user_code, plate, plan).
func (s *Service) QuoteRenewal(ctx context.Context, in RenewalInput) (*park.Renewal, *park.Pass, error) {
	if in.Months < park.MinRenewalMonths || in.Months > park.MaxRenewalMonths {
		return nil, nil, park.Invalid("months", "must be %d to %d", park.MinRenewalMonths, park.MaxRenewalMonths).Because(park.ReasonRange, strconv.Itoa(park.MinRenewalMonths), strconv.Itoa(park.MaxRenewalMonths))
	}
	if err := park.CheckText("plan", in.Plan); err != nil {
		return nil, nil, err
	}
	var (
		r  *park.Renewal
		ps *park.Pass
	)
	err := s.base.Write(ctx, func(tx park.Tx) error {
		l, err := lotFor(ctx, tx, in.Source, in.Lot)
		if err != nil {
			return err
		}
		if ps, err = findPassAll(ctx, tx, in.Lot, in.Pass); err != nil {
			return err
		}
		code := in.Plan
		if code == "" {
			code = ps.Plan
		}
		if code == "" {
			return park.Invalid("plan", "the pass has no plan: name one").Because(park.ReasonRequired)
		}
		pl, err := tx.GetPlan(ctx, in.Lot, code)
		if park.IsCode(err, park.ENotFound) {
			return &park.Error{Code: park.ENotFound, Field: "plan", Message: "the lot has no plan " + code}
		}
		if err != nil {
			return err
		}
		lapses, err := tx.PassLapses(ctx, ps.ID)
		if err != nil {
			return err
		}
		now := s.base.Clock()
		start := renewalStart(ps, now)
		r = &park.Renewal{ID: core.NewSecretID(), LotCode: in.Lot, PassID: ps.ID, PlanCode: pl.Code, Months: in.Months,
			Amount: pl.Price * int64(in.Months), PassValidTo: ps.ValidTo, StartsAt: start,
			ValidTo: AddMonthsFrom(start, monthAnchor(ps, lapses, start), l.Location(), in.Months), CreatedAt: now,
			ExpiresAt: now.Add(time.Duration(l.QuoteTTLSeconds) * time.Second), Source: in.Source}
		return tx.InsertRenewal(ctx, r)
	})
	if err != nil {
		return nil, nil, err
	}
	return r, ps, nil
}

// RenewalPayment reports a renewal order paid: Payer's Reference (its
// transaction number) makes the report idempotent. Payer is the partner
// reporting ("" : an operator), in its lots only.
type RenewalPayment struct {
	Lot, ID          string
	Amount           int64
	Payer, Reference string
	Method           string
}

// RenewalResult is a paid renewal and the pass it extended.
type RenewalResult struct {
	Renewal *park.Renewal
	Pass    *park.Pass // nil when the pass was deleted after a replayed payment
	Replay  bool       // the reference had already paid this order: the first result
}

// PayRenewal records a renewal order paid and extends its pass, once, in
// one transaction. The checks, in order (as for stay payments): the same
// payer reference for the same order and amount returns the first result;
// for another order or amount EIdempotencyKey; unknown order ENotFound;
// already paid EQuotePaid; expired EQuoteExpired; another amount
// EAmountMismatch; the pass deleted since ENotFound. A lot the payer may
// not use is not found before all of these (core.PartnerLot). The pass's end
// becomes the quoted one; if the pass changed meanwhile (another renewal
// paid, an edit), the months are added to its current end (or to now,
// when it has lapsed); so are they from the payment whenever the pass
// has lapsed by then, quoted before its end or after it. A renewal of a
// lapsed pass leaves the lapse, to its payment, uncovered.
func (s *Service) PayRenewal(ctx context.Context, in RenewalPayment) (RenewalResult, error) {
	in.Method = park.PaymentMethod(in.Method) // one spelling, as a stay's payments
	if in.Reference == "" {
		return RenewalResult{}, park.Invalid("reference", "is required (at most 64 characters)").Because(park.ReasonRequired)
	}
	if len(in.Reference) > 64 {
		return RenewalResult{}, park.Invalid("reference", "is required (at most 64 characters)").Because(park.ReasonLength, "1", "64")
	}
	if in.Amount < 0 || in.Amount > park.MaxAmount*park.MaxRenewalMonths {
		return RenewalResult{}, park.Invalid("amount", "must be between 0 and %d minor units", park.MaxAmount*park.MaxRenewalMonths).
			Because(park.ReasonRange, "0", strconv.FormatInt(park.MaxAmount*park.MaxRenewalMonths, 10))
	}
	if len(in.Method) > 32 {
		return RenewalResult{}, park.Invalid("method", "must be at most 32 characters").Because(park.ReasonLength, "0", "32")
	}
	if err := park.CheckTexts("id", in.ID, "reference", in.Reference, "method", in.Method); err != nil {
		return RenewalResult{}, err
	}
	if err := park.CheckNoCardNumbers("reference", in.Reference, "method", in.Method, "id", in.ID); err != nil {
		return RenewalResult{}, err
	}
	var res RenewalResult
	err := s.base.Update(ctx, func(tx park.Tx) error {
		res = RenewalResult{}
		if err := core.PartnerLot(ctx, tx, in.Payer, in.Lot); err != nil {
			return err
		}
		prev, err := tx.GetRenewalByReference(ctx, in.Payer, in.Reference)
		switch {
		case err == nil && prev.ID == in.ID && prev.Amount == in.Amount:
			res.Renewal, res.Replay = prev, true
			res.Pass, err = tx.GetPass(ctx, prev.PassID)
			if park.IsCode(err, park.ENotFound) {
				return nil
			}
			return err
		case err == nil:
			return park.Errorf(park.EIdempotencyKey, "reference %q already paid another order or amount", in.Reference)
		case !park.IsCode(err, park.ENotFound):
			return err
		}
		r, err := tx.GetRenewal(ctx, in.ID)
		// Another partner's order is not found, as for stay quotes.
		if park.IsCode(err, park.ENotFound) || (err == nil && (r.LotCode != in.Lot || (r.Source != "" && r.Source != in.Payer))) {
			return &park.Error{Code: park.ENotFound, Field: "id", Message: "renewal order " + in.ID + " not found"}
		}
		if err != nil {
			return err
		}
		now := s.base.Clock()
		switch {
		case r.PaidAt != nil:
			return park.Errorf(park.EQuotePaid, "renewal order already paid")
		case !now.Before(r.ExpiresAt):
			return &park.Error{Code: park.EQuoteExpired, At: r.ExpiresAt, Message: "renewal order expired; ask for a new fee"}
		case in.Amount != r.Amount:
			return &park.Error{Code: park.EAmountMismatch, Field: "amount", Amount: r.Amount, Message: fmt.Sprintf("does not match the renewal order's amount %d", r.Amount)}
		}
		ps, err := tx.GetPass(ctx, r.PassID)
		if park.IsCode(err, park.ENotFound) {
			return &park.Error{Code: park.ENotFound, Field: "pass", Message: "the pass of this renewal order was deleted"}
		}
		if err != nil {
			return err
		}
		// ps read before the lock is stale if its plan's slots changed
		// meanwhile: its write below then conflicts and is retried.
		if err := lockPlans(ctx, tx, r.LotCode, ps.Plan, r.PlanCode); err != nil {
			return err
		}
		l, err := tx.GetLotSettings(ctx, r.LotCode)
		if err != nil {
			return err
		}
		// Changed since the quote, or lapsed at the payment: an order paid
		// after the pass's end renews a lapsed pass, whose months start
		// now (renewalStart) and whose lapse is not covered, whether it
		// was quoted from the old end or from a time after it.
		if !ps.ValidTo.Equal(r.PassValidTo) || ps.ValidTo.Before(now) {
			lapses, err := tx.PassLapses(ctx, ps.ID)
			if err != nil {
				return err
			}
			r.StartsAt = renewalStart(ps, now)
			r.ValidTo = AddMonthsFrom(r.StartsAt, monthAnchor(ps, lapses, r.StartsAt), l.Location(), r.Months)
		}
		r.PassValidTo, r.PaidAt, r.Payer, r.Reference, r.Method = ps.ValidTo, &now, in.Payer, in.Reference, in.Method
		if err := tx.UpdateRenewal(ctx, r); err != nil {
			return err
		}
		// A lapse (r.StartsAt after ps.ValidTo) stays unpaid: the renewal
		// records it, and pricing takes it out of the pass's window.
		ps.ValidTo, ps.UpdatedAt = r.ValidTo, now
		if ps.Plan != r.PlanCode {
			// The time already paid keeps its plan: the new one starts
			// with the renewed months.
			if r.StartsAt.After(now) {
				if err := tx.InsertPassTerm(ctx, ps.ID, park.PassTerm{Until: r.StartsAt, Plan: ps.Plan, Slots: ps.Slots}); err != nil {
					return err
				}
			}
			ps.Plan = r.PlanCode
			if err := applyPlan(ctx, tx, ps); err != nil {
				return err
			}
		}
		if err := tx.UpdatePass(ctx, ps); err != nil {
			return err
		}
		res.Renewal, res.Pass = r, ps
		return nil
	})
	return res, err
}

// GetRenewal returns a lot's renewal order (ENotFound).
func (s *Service) GetRenewal(ctx context.Context, lot, id string) (*park.Renewal, error) {
	var r *park.Renewal
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		r, err = tx.GetRenewal(ctx, id)
		if err == nil && r.LotCode != lot {
			return park.Errorf(park.ENotFound, "renewal order %q not found", id)
		}
		return err
	})
	return r, err
}
