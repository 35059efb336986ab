package gate

import (
	"context"
	"time"

	"parkd/internal/park"
)

// Lanes returns a lot's lanes by id, each with its hold (nil when the
// lane works as usual). Errors: ENotFound (lot).
func (s *Service) Lanes(ctx context.Context, lot string) ([]*park.Lane, map[string]*park.LaneHold, error) {
	var lanes []*park.Lane
	holds := map[string]*park.LaneHold{}
	err := s.base.View(ctx, func(tx park.Tx) error {
		if _, err := tx.GetLotSettings(ctx, lot); err != nil {
			return err
		}
		var err error
		if lanes, err = tx.ListLanes(ctx, lot); err != nil {
			return err
		}
		for _, l := range lanes {
			h, err := tx.GetLaneHold(ctx, lot, l.ID)
			if err != nil {
				return err
			}
			if h != nil {
				holds[l.ID] = h
			}
		}
		return nil
	})
	return lanes, holds, err
}

// MaxRecentEvents bounds one read of a lot's recent events.
const MaxRecentEvents = 200

// RecentEvents returns up to limit (1 to MaxRecentEvents) of a lot's
// camera events and their decisions received after the instant, newest
// first: what a lane screen follows. Errors: EInvalid (limit).
func (s *Service) RecentEvents(ctx context.Context, lot string, after time.Time, limit int) ([]*park.Event, error) {
	if limit < 1 || limit > MaxRecentEvents {
		return nil, park.Invalid("limit", "must be between 1 and %d", MaxRecentEvents)
	}
	var out []*park.Event
	err := s.base.View(ctx, func(tx park.Tx) (err error) { out, err = tx.ListRecentEvents(ctx, lot, after, limit); return })
	return out, err
}
