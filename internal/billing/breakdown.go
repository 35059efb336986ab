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
}

// StayBreakdown prices a stay now (or at its exit, once it left) without
// taking a quote, and lists its payments. Errors: ENotFound.
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
		out = &Breakdown{Stay: st, Lot: l, Priced: pr, Payments: pays}
		return nil
	})
	return out, err
}
