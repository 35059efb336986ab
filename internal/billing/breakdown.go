package billing

import (
	"context"

	"parkd/internal/park"
)

// Breakdown is a stay's price as it stands, line by line, and what was
// paid for it: what an operator reads to answer a driver.
type Breakdown struct {
	Stay     *park.Stay
	Lot      *park.Lot
	Priced   Priced
	Payments []*park.Payment
	// Quotes are the stay's newest quotes (at most MaxBreakdownQuotes),
	// newest first: what a payer was offered, and until when.
	Quotes []*park.Quote
}

// MaxBreakdownQuotes bounds the quotes a breakdown lists: a payer polling
// its price takes one each time.
const MaxBreakdownQuotes = 50

// StayBreakdown prices a stay now (or at its exit, once it left) without
// taking a quote, and lists its payments and its newest quotes. Errors:
// ENotFound.
func (s *Service) StayBreakdown(ctx context.Context, stayID string) (*Breakdown, error) {
	var out *Breakdown
	err := s.base.View(ctx, func(tx park.Tx) error {
		st, err := tx.GetStay(ctx, stayID)
		if err != nil {
			return err
		}
		l, err := tx.GetLotSettings(ctx, st.LotCode)
		if err != nil {
			return err
		}
		at := s.base.Clock()
		if st.ExitAt != nil {
			at = *st.ExitAt
		}
		pr, err := s.PriceStay(ctx, tx, l, st, at)
		if err != nil {
			return err
		}
		pays, err := tx.ListStayPayments(ctx, st.ID)
		if err != nil {
			return err
		}
		qs, err := tx.ListStayQuotes(ctx, st.ID, MaxBreakdownQuotes)
		if err != nil {
			return err
		}
		out = &Breakdown{Stay: st, Lot: l, Priced: pr, Payments: pays, Quotes: qs}
		return nil
	})
	return out, err
}
