package service

import (
	"context"

	"parkd/internal/park"
)

// PayFor settles a quote the partner took (through LookupStay) with Pay's
// rules, the partner being the payer. A quote taken by someone else is
// not found, so a partner cannot pay (or probe) others' offers.
// Errors: those of Pay.
func (s *Service) PayFor(ctx context.Context, partnerID string, req park.PaymentRequest) (PaymentResult, error) {
	if err := req.Validate(); err != nil {
		return PaymentResult{}, err
	}
	if _, err := s.PartnerQuote(ctx, partnerID, req.QuoteID); err != nil {
		return PaymentResult{}, err
	}
	req.Payer = partnerID
	return s.Pay(ctx, req)
}

// PartnerQuote returns a quote the partner took (ENotFound otherwise), so
// its dialect can read the amount in the quote's currency.
func (s *Service) PartnerQuote(ctx context.Context, partnerID, quoteID string) (*park.Quote, error) {
	var q *park.Quote
	err := s.store.View(ctx, func(tx park.Tx) (err error) {
		q, err = tx.GetQuote(ctx, quoteID)
		if err == nil && q.Source != partnerID {
			err = park.Errorf(park.ENotFound, "quote %q not found", quoteID)
		}
		return err
	})
	if park.IsCode(err, park.ENotFound) {
		return nil, &park.Error{Code: park.ENotFound, Field: "quote_id",
			Message: "quote " + quoteID + " not found for this partner; look the stay up again"}
	}
	return q, err
}
