package billing

import (
	"context"

	"parkd/internal/access"
	"parkd/internal/park"
	"parkd/internal/tariff"
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
// taking a quote, and lists its payments and its newest quotes. A stay
// that left and that the data of now (its pass or list entry deleted
// since) prices otherwise than its exit did shows what its exit
// recorded, without lines: that is what it cost, what its reports and
// the native API say, and what it left unpaid. Errors: ENotFound.
func (s *Service) StayBreakdown(ctx context.Context, stayID string) (*Breakdown, error) {
	var out *Breakdown
	err := s.base.View(ctx, func(tx park.Tx) error {
		st, err := tx.GetStay(ctx, stayID)
		if err != nil {
			return err
		}
		l, tx, err := access.KnownLot(ctx, tx, st.LotCode, st.PlateKey)
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
		if st.State != park.StayIn && (pr.Cost() != st.Total || pr.Discount != st.Discount) {
			pr = recorded(st)
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

// recorded is the price a closed stay's exit recorded: its total and
// deductions, and what it left unpaid as due.
func recorded(st *park.Stay) Priced {
	return Priced{Result: tariff.Result{Gross: st.Gross(), Discount: st.Discount, Total: st.Total,
		Due: max(0, st.Total-st.Paid)}}
}
