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
		all, err := ReceivedTodayOf(ctx, tx, []*park.Lot{l}, s.base.Clock())
		out = all[lot]
		return err
	})
	return out, err
}

// ReceivedTodayOf is ReceivedToday of each of lots at instant now, by
// code, read in the caller's transaction tx: the lots whose local days
// start at the same instant (those of one time zone) are summed together,
// so an operator's 300 lots take a few statements, not 300 times as many.
func ReceivedTodayOf(ctx context.Context, tx park.Tx, lots []*park.Lot, now time.Time) (map[string]Received, error) {
	out := make(map[string]Received, len(lots))
	byStart := map[int64][]string{} // a local day's first instant (Unix µs): its lots
	for _, l := range lots {
		local := now.In(l.Location())
		// The day's first instant, also when the clocks skip its midnight.
		start := park.WallTime(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, local.Location()).UTC()
		byStart[start.UnixMicro()] = append(byStart[start.UnixMicro()], l.Code)
		out[l.Code] = Received{Day: local.Format(time.DateOnly), Currency: l.Currency}
	}
	end := now.Add(park.Precision)
	for us, codes := range byStart {
		start := time.UnixMicro(us).UTC()
		sums, err := tx.SumPayments(ctx, codes, start, end)
		if err != nil {
			return nil, err
		}
		left, err := tx.SumStaysLeft(ctx, codes, start, end)
		if err != nil {
			return nil, err
		}
		for _, c := range codes {
			r := out[c]
			r.Sum, r.Left = sums[c], left[c]
			out[c] = r
		}
	}
	return out, nil
}
