package billing

import (
	"context"
	"time"

	"parkd/internal/park"
)

// Received is what a lot received in payments during its local day.
type Received struct {
	Day      string          `json:"day"` // the lot's local date, 2006-01-02
	Currency string          `json:"currency"`
	Sum      park.PaymentSum `json:"received"`
}

// ReceivedToday sums lot's payments since the start of its local day
// (the lot's time zone) up to now (ENotFound).
func (s *Service) ReceivedToday(ctx context.Context, lot string) (Received, error) {
	var out Received
	err := s.base.View(ctx, func(tx park.Tx) error {
		l, err := tx.GetLotSettings(ctx, lot)
		if err != nil {
			return err
		}
		now := s.base.Clock()
		local := now.In(l.Location())
		start := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, local.Location()).UTC()
		sum, err := tx.SumPayments(ctx, lot, start, now.Add(park.Precision))
		out = Received{Day: local.Format(time.DateOnly), Currency: l.Currency, Sum: sum}
		return err
	})
	return out, err
}
