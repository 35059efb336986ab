package billing

import (
	"context"
	"fmt"
	"strings"
	"time"

	"parkd/internal/access"
	"parkd/internal/core"
	"parkd/internal/park"
)

// CreateQuote prices a stay now and keeps the offer for the lot's quote TTL.
// source names the partner asking ("" for the native API). It is priced
// and stored in one write transaction (see Pricing); Pay still re-checks
// that the stay is inside and that nobody has paid since
// (Quote.PaidBefore), as a quote outlives its transaction.
func (s *Service) CreateQuote(ctx context.Context, stayID, source string) (*park.Quote, error) {
	return s.CreateQuoteFor(ctx, stayID, source, 0)
}

// CreateQuoteFor is CreateQuote for a payer whose payment may come as
// late as atLeast after the quote is taken (a sensorless ask's answer):
// the quote is kept for the lot's quote TTL or atLeast, whichever is
// longer, so a payment made in that time is not refused as expired.
func (s *Service) CreateQuoteFor(ctx context.Context, stayID, source string, atLeast time.Duration) (*park.Quote, error) {
	if err := park.CheckText("stay_id", stayID); err != nil {
		return nil, err
	}
	now := s.base.Clock()
	var q *park.Quote
	var search *freeSearch
	// Priced and stored in one write transaction; a stay that owes nothing
	// is searched for its leave-by after it, off the writer (see Pricing).
	err := s.base.Write(ctx, func(tx park.Tx) error {
		st, err := tx.GetStay(ctx, stayID)
		if err != nil {
			return err
		}
		if st.State != park.StayIn {
			return park.Errorf(park.EStayClosed, "stay %s has left the lot; nothing can be paid", st.ID)
		}
		// The lot and the plate's records the price needs, in one read.
		l, tx, err := access.KnownLot(ctx, tx, st.LotCode, st.PlateKey)
		if err != nil {
			return err
		}
		if q, search, err = s.quote(ctx, tx, l, st, now, source); err != nil {
			return err
		}
		if until := now.Add(atLeast); q.ExpiresAt.Before(until) {
			q.ExpiresAt = until
		}
		return tx.InsertQuote(ctx, q)
	})
	if err != nil {
		return nil, err
	}
	if search != nil {
		if err := s.base.View(ctx, func(tx park.Tx) (err error) {
			q.LeaveBy, err = search.run(ctx, s, tx)
			return err
		}); err != nil {
			return nil, err
		}
	}
	return q, nil
}

// quote prices st at now into a quote, not yet stored. When nothing is
// due its LeaveBy is left to search, run in a read-only transaction.
func (s *Service) quote(ctx context.Context, tx park.Tx, l *park.Lot, st *park.Stay, now time.Time, source string) (*park.Quote, *freeSearch, error) {
	at := now
	if at.Before(st.EntryAt) {
		at = st.EntryAt
	}
	pr, err := s.PriceStay(ctx, tx, l, st, at)
	if err != nil {
		return nil, nil, err
	}
	q := newQuote(l, st, pr, now, source)
	switch {
	case pr.Due > 0:
		_, q.LeaveBy = owedLeaveBy(l, st, now)
	case pr.tariff != nil:
		return q, &freeSearch{l: l, st: st, at: at, pr: pr}, nil
	default: // a lot without a tariff: no read
		q.LeaveBy, err = s.freeUntil(ctx, tx, l, st, at, pr, nil)
	}
	return q, nil, err
}

// newQuote is the offer to pay a priced stay, valid for the lot's quote TTL.
func newQuote(l *park.Lot, st *park.Stay, pr Priced, now time.Time, source string) *park.Quote {
	return &park.Quote{
		ID: core.NewSecretID(), StayID: st.ID, LotCode: l.Code, AmountDue: pr.Due, Total: pr.Total,
		Discount: pr.Discount, PaidBefore: st.Paid, Currency: l.Currency, ComputedAt: now,
		ExpiresAt: now.Add(time.Duration(l.QuoteTTLSeconds) * time.Second),
		Lines:     pr.Lines(), Source: source,
	}
}

// PaymentResult is a payment, the stay it paid (as it is after the
// payment) and its lot, and whether it was a replay of an earlier one.
type PaymentResult struct {
	Payment *park.Payment
	Stay    *park.Stay
	Lot     *park.Lot
	Replay  bool
	// LeaveBy is until when the car may leave without paying more, as a
	// look-up (Status) made at the reply's instant says: the last instant
	// leaving still owes nothing, the later of the payment's PaidUntil and
	// the end of the time its amount paid for (docs/rules.md "Free
	// until"). A replay answers it as of the replay (the stay's exit once
	// it has left), so a reply never contradicts a look-up.
	LeaveBy time.Time
}

// Pay settles one quote exactly once, in one transaction. The method is
// stored as park.PaymentMethod spells it (a payment stored before in
// another case is still the same request's). A retry with
// the same idempotency key, or the same (payer, reference), returns the
// first payment. A partner (Payer set) pays only the quotes it took, and,
// when the request names a lot, only that lot's, and only while it is
// registered for that lot (core.PartnerLot: ENotFound, field lot): another's
// quote is not found, so a partner cannot pay or probe others' offers. A
// repeat of a payment made answers it still. A partner that
// gives no reference of its own is given the quote's id, so repeating the
// same payment of the same quote answers the first one.
// Errors: EInvalid, ENotFound (field quote_id; lot), EQuoteExpired, EQuotePaid,
// EAmountMismatch (Amount: the amount due), EStaySettled, EStayClosed,
// EIdempotencyKey.
func (s *Service) Pay(ctx context.Context, req park.PaymentRequest) (PaymentResult, error) {
	req.Method = park.PaymentMethod(req.Method)
	if err := req.Validate(); err != nil {
		return PaymentResult{}, err
	}
	if err := park.CheckNoCardNumbers("reference", req.Reference, "method", req.Method, "quote_id", req.QuoteID,
		"Idempotency-Key", req.IdempotencyKey); err != nil {
		return PaymentResult{}, err
	}
	if req.Payer != "" && req.Reference == "" {
		req.Reference = req.QuoteID
	}
	now := s.base.Clock()
	var res PaymentResult
	err := s.base.Update(ctx, func(tx park.Tx) error { return s.pay(ctx, tx, req, now, &res) })
	if err != nil {
		return PaymentResult{}, err
	}
	// What a look-up says once the payment is stored, read after it rather
	// than inside it: the search prices the stay several times, reads that
	// would otherwise hold SQLite's single writer, which every gate event
	// needs. The payment stands whatever this read meets.
	res.LeaveBy = res.Payment.PaidUntil
	if err := s.base.View(ctx, func(tx park.Tx) error {
		st, err := s.Status(ctx, tx, res.Lot, res.Stay, now, "", false)
		if err == nil {
			res.LeaveBy = st.ValidUntil
		}
		return err
	}); err != nil {
		s.base.Log.Warn("a payment's leave-by was not read; its paid_until is answered", "payment", res.Payment.ID, "err", err)
	}
	if !res.Replay {
		s.metrics.Payment(res.Payment.Currency, res.Payment.Method, res.Payment.Amount)
	}
	return res, nil
}

// pay is Pay's transaction but the leave-by: the payment settled, or the
// one the request repeats, into res.
func (s *Service) pay(ctx context.Context, tx park.Tx, req park.PaymentRequest, now time.Time, res *PaymentResult) error {
	*res = PaymentResult{}
	if req.AmountText != "" { // read in the quote's currency
		q, err := tx.GetQuote(ctx, req.QuoteID)
		if err == nil {
			req.Amount, err = park.ParseDecimal("amount", req.AmountText, q.Currency)
		}
		if err != nil && !park.IsCode(err, park.ENotFound) {
			return err
		}
	}
	if prev, err := s.previousPayment(ctx, tx, &req); err != nil {
		return err
	} else if prev != nil {
		return replay(ctx, tx, prev, res)
	}
	if req.Lot != "" {
		// The lot a partner names is one it is registered for.
		if err := core.PartnerLot(ctx, tx, req.Payer, req.Lot); err != nil {
			return err
		}
	}
	q, err := tx.GetQuote(ctx, req.QuoteID)
	if err == nil && ((req.Payer != "" && q.Source != req.Payer) || (req.Lot != "" && q.LotCode != req.Lot)) {
		err = park.Errorf(park.ENotFound, "not this payer's quote")
	}
	if park.IsCode(err, park.ENotFound) {
		return &park.Error{Code: park.ENotFound, Field: "quote_id",
			Message: "quote " + req.QuoteID + " not found; take a new quote"}
	}
	if err != nil {
		return err
	}
	// The stay is read before the quote's payment is looked for: under
	// READ COMMITTED each statement sees what was committed before it
	// started, so a payment another node committed since the lookups
	// above is found here, not only seen as a stay paid since the quote.
	st, err := tx.GetStay(ctx, q.StayID)
	if err != nil {
		return err
	}
	if p, err := tx.GetPaymentByQuote(ctx, q.ID); err == nil {
		if repeats(p, &req) { // the same request, answered on another node meanwhile
			return replay(ctx, tx, p, res)
		}
		return park.Errorf(park.EQuotePaid, "quote %s has already been paid", q.ID)
	} else if !park.IsCode(err, park.ENotFound) {
		return err
	}
	nothingDue := q.AmountDue == 0
	if nothingDue {
		// A quote of 0 is paid only to grant the member benefit that
		// frees the stay (MemberQuote), once.
		if grants, err := grantsBenefit(ctx, tx, st, q); err != nil {
			return err
		} else if grants {
			nothingDue = false
		}
	}
	switch {
	case st.State != park.StayIn:
		return park.Errorf(park.EStayClosed, "stay %s has left the lot; the quote can no longer be paid", st.ID)
	case !now.Before(q.ExpiresAt):
		return &park.Error{Code: park.EQuoteExpired, At: s.inLotZone(ctx, tx, q.LotCode, q.ExpiresAt),
			Message: "quote " + q.ID + " expired at " + q.ExpiresAt.Format(time.RFC3339) + "; take a new quote"}
	case nothingDue || st.Paid != q.PaidBefore:
		return park.Errorf(park.EStaySettled, "stay %s owes nothing under this quote (paid since it was taken, or nothing was due)", st.ID)
	case req.Amount != q.AmountDue:
		return &park.Error{Code: park.EAmountMismatch, Field: "amount", Amount: q.AmountDue, Currency: q.Currency,
			Message: fmt.Sprintf("does not match the quote's amount due %d", q.AmountDue)}
	}
	l, err := tx.GetLotSettings(ctx, st.LotCode)
	if err != nil {
		return err
	}
	p := &park.Payment{
		ID: core.NewID(), QuoteID: q.ID, StayID: st.ID, LotCode: st.LotCode, Amount: req.Amount,
		Currency: q.Currency, Method: req.Method, Payer: req.Payer, Reference: req.Reference,
		IdempotencyKey: req.IdempotencyKey, PaidAt: now,
		PaidUntil: now.Add(time.Duration(l.ExitGraceMinutes) * time.Minute),
	}
	if err := tx.InsertPayment(ctx, p); err != nil {
		return err
	}
	if err := UseCoupons(ctx, tx, st, q.Lines, p.ID, now); err != nil {
		return err
	}
	if err := keepBenefit(ctx, tx, st, q, p.ID, now); err != nil {
		return err
	}
	st.Paid += p.Amount
	st.Total, st.Discount = q.Total, q.Discount
	st.PaidUntil, st.UpdatedAt = &p.PaidUntil, now
	if err := tx.UpdateStay(ctx, st); err != nil {
		return err
	}
	*res = PaymentResult{Payment: p, Stay: st, Lot: l}
	return nil
}

// inLotZone is t in the lot's time zone (UTC when the lot cannot be read),
// so a transport can word an error's time as its partners read times.
func (s *Service) inLotZone(ctx context.Context, tx park.Tx, lot string, t time.Time) time.Time {
	l, err := tx.GetLotSettings(ctx, lot)
	if err != nil {
		return t
	}
	return t.In(l.Location())
}

// replay answers a repeated payment request with the first payment, its
// stay and its lot, as they are now.
func replay(ctx context.Context, tx park.Tx, p *park.Payment, res *PaymentResult) error {
	st, err := tx.GetStay(ctx, p.StayID)
	if err != nil {
		return err
	}
	l, err := tx.GetLotSettings(ctx, p.LotCode)
	if err != nil {
		return err
	}
	*res = PaymentResult{Payment: p, Stay: st, Lot: l, Replay: true}
	return nil
}

// repeats reports whether p, a payment of the requested quote, was made by
// this same request (same Idempotency-Key, method and reference, or same
// payer and reference; and same amount).
func repeats(p *park.Payment, req *park.PaymentRequest) bool {
	same := (req.IdempotencyKey != "" && p.IdempotencyKey == req.IdempotencyKey &&
		strings.EqualFold(p.Method, req.Method) && p.Reference == req.Reference) ||
		(req.Reference != "" && p.Payer == req.Payer && p.Reference == req.Reference)
	return same && p.Amount == req.Amount
}

// previousPayment finds an earlier payment the request repeats, and refuses
// an idempotency key or reference reused for a different quote or amount.
// A key names one request whole: reused with another method or reference
// it is refused too. A reference names the payer's transaction, which is
// the same payment whatever method it is labelled with.
func (s *Service) previousPayment(ctx context.Context, tx park.Tx, req *park.PaymentRequest) (*park.Payment, error) {
	check := func(p *park.Payment, what string, whole bool) (*park.Payment, error) {
		if p == nil {
			return nil, nil
		}
		if p.QuoteID != req.QuoteID || p.Amount != req.Amount {
			return nil, park.Errorf(park.EIdempotencyKey, "%s was already used for a different payment (quote %s)", what, p.QuoteID)
		}
		if whole && (!strings.EqualFold(p.Method, req.Method) || p.Reference != req.Reference) {
			return nil, park.Errorf(park.EIdempotencyKey, "%s was already used for this quote's payment by %s (reference %q); a retry sends the same request, another payment a key of its own",
				what, p.Method, p.Reference)
		}
		return p, nil
	}
	if req.IdempotencyKey == "" && req.Reference == "" {
		return nil, nil
	}
	// Both look-ups in one read (one round trip on PostgreSQL); the key
	// is still judged first.
	byKey, byRef, err := tx.GetPaymentsByKeyOrReference(ctx, req.IdempotencyKey, req.Payer, req.Reference)
	if err != nil {
		return nil, err
	}
	if p, err := check(byKey, "Idempotency-Key", true); p != nil || err != nil {
		return p, err
	}
	return check(byRef, "reference "+req.Reference, false)
}

// PurgeExpiredQuotes deletes unpaid quotes that expired more than olderThan
// ago, in small batches so the gate never waits long behind it.
func (s *Service) PurgeExpiredQuotes(ctx context.Context, olderThan time.Duration) (int, error) {
	const batch = 500
	before := s.base.Clock().Add(-olderThan)
	total := 0
	for {
		var n int
		err := s.base.Write(ctx, func(tx park.Tx) (err error) {
			n, err = tx.DeleteExpiredQuotes(ctx, before, batch)
			return err
		})
		total += n
		if err != nil || n < batch {
			return total, err
		}
	}
}
