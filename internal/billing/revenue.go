package billing

import (
	"context"
	"time"

	"parkd/internal/park"
)

// Received is what a lot received in payments during its local day, and
// what the stays that left it then cost.
type Received struct {
	Day      string          `json:"day"` // the lot's local date, 2006-01-02
	Currency string          `json:"currency"`
	Sum      park.PaymentSum `json:"received"`
	// Left is what the stays that left today cost (receivable), their
	// discounts and the coupons used.
	Left park.DaySums `json:"left"`
}

// ReceivedToday sums lot's payments and the stays that left since the
// start of its local day
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
		// The day's first instant, also when the clocks skip its midnight.
		start := park.WallTime(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, local.Location()).UTC()
		end := now.Add(park.Precision)
		sums, err := tx.SumPayments(ctx, []string{lot}, start, end)
		if err != nil {
			return err
		}
		left, err := tx.SumStaysLeft(ctx, []string{lot}, start, end)
		out = Received{Day: local.Format(time.DateOnly), Currency: l.Currency, Sum: sums[lot], Left: left[lot]}
		return err
	})
	return out, err
}
