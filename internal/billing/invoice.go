package billing

import (
	"context"

	"parkd/internal/core"
	"parkd/internal/park"
)

// InvoiceNotIssued is the only invoice status parkd reports: it keeps the
// data a tax invoice is made from, but issues none itself (it has no link
// to a tax system); the operator or the payer's platform issues it.
const InvoiceNotIssued = "not_issued"

// InvoiceInfo is what an invoice for one payment is made from.
type InvoiceInfo struct {
	Payment *park.Payment
	Stay    *park.Stay
	Lot     *park.Lot
	Status  string
}

// PaymentInvoice returns the invoicing data of a payment a partner made in
// a lot, found by the quote it paid (quoteID) or, when quoteID is "", by
// the partner's own reference. Another payer's payment is not found, nor
// is a lot the partner may not use (core.PartnerLot: field lot, read in
// the same transaction). Errors: ENotFound, naming the input that found
// nothing (field lot, quote_id or reference).
func (s *Service) PaymentInvoice(ctx context.Context, partnerID, lot, quoteID, reference string) (*InvoiceInfo, error) {
	if err := park.CheckTexts("order", quoteID, "reference", reference); err != nil {
		return nil, err
	}
	if err := park.CheckNoCardNumbers("order", quoteID, "reference", reference); err != nil {
		return nil, err
	}
	var out *InvoiceInfo
	err := s.base.View(ctx, func(tx park.Tx) error {
		if err := core.PartnerLot(ctx, tx, partnerID, lot); err != nil {
			return err
		}
		var p *park.Payment
		var err error
		if quoteID != "" {
			p, err = tx.GetPaymentByQuote(ctx, quoteID)
		} else {
			p, err = tx.GetPaymentByReference(ctx, partnerID, reference)
		}
		if err == nil && (p.LotCode != lot || p.Payer != partnerID) {
			err = park.Errorf(park.ENotFound, "not this partner's payment")
		}
		if park.IsCode(err, park.ENotFound) {
			field := "quote_id"
			if quoteID == "" {
				field = "reference"
			}
			return &park.Error{Code: park.ENotFound, Field: field, Message: "no payment of this partner for this order in this lot"}
		}
		if err != nil {
			return err
		}
		st, err := tx.GetStay(ctx, p.StayID)
		if err != nil {
			return err
		}
		l, err := tx.GetLotSettings(ctx, lot)
		if err != nil {
			return err
		}
		out = &InvoiceInfo{Payment: p, Stay: st, Lot: l, Status: InvoiceNotIssued}
		return nil
	})
	return out, err
}
