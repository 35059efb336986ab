package gate

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"parkd/internal/billing"
	"parkd/internal/park"
)

// Lanes returns a lot's lanes by id, each with its hold (nil when the
// lane works as usual): those its cameras reported and those a device is
// registered to (a camera just installed, no car read yet), as
// reportedLane takes commands for. Errors: ENotFound (lot).
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
		ds, err := tx.ListDevices(ctx, lot)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, l := range lanes {
			seen[l.ID] = true
		}
		for _, d := range ds {
			if d.Lane != "" && !seen[d.Lane] {
				seen[d.Lane] = true
				lanes = append(lanes, &park.Lane{LotCode: lot, ID: d.Lane, Direction: d.Direction, CreatedAt: d.CreatedAt})
			}
		}
		slices.SortFunc(lanes, func(a, b *park.Lane) int { return strings.Compare(a.ID, b.ID) })
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
		return nil, park.Invalid("limit", "must be between 1 and %d", MaxRecentEvents).Because(park.ReasonRange, "1", strconv.Itoa(MaxRecentEvents))
	}
	var out []*park.Event
	err := s.base.View(ctx, func(tx park.Tx) (err error) { out, err = tx.ListRecentEvents(ctx, lot, after, limit); return })
	return out, err
}

// HourStat is one hour of a lot's traffic: the cars that entered and left
// through an open barrier, and the cars inside at the hour's end.
type HourStat struct {
	Hour            time.Time // start, UTC
	Entries, Exits  int
	InsideAtHourEnd int
}

// LastDay returns a lot's last 24 hours, oldest first, the current hour
// last: the passages through an open barrier, and the cars inside at each
// hour's end as the stays say (those that entered before it and had not
// left by then), worked back from the count now through the stays that
// entered and left since, however they closed (an exit, an operator's
// removal, a re-entry, an offline record). Errors: ENotFound (lot).
func (s *Service) LastDay(ctx context.Context, lot string) ([]HourStat, error) {
	var out []HourStat
	err := s.base.View(ctx, func(tx park.Tx) error {
		if _, err := tx.GetLotSettings(ctx, lot); err != nil {
			return err
		}
		inside, err := tx.CountInside(ctx, lot)
		if err != nil {
			return err
		}
		first := firstHour(s.base.Clock())
		counts, err := tx.CountPassagesByHour(ctx, []string{lot}, first)
		if err != nil {
			return err
		}
		moves, err := tx.CountStayMovesByHour(ctx, []string{lot}, first)
		if err != nil {
			return err
		}
		out = lastDay(first, inside, counts[lot], moves[lot])
		return nil
	})
	return out, err
}

// firstHour is the first of the 24 hours LastDay shows at instant now.
func firstHour(now time.Time) time.Time { return now.Truncate(time.Hour).Add(-23 * time.Hour) }

// lastDay is a lot's 24 hours from first, of its passages (counts), its
// stays' moves and the cars inside now.
func lastDay(first time.Time, inside int, counts, moves []park.HourCount) []HourStat {
	out := make([]HourStat, 24)
	for i := range out {
		out[i].Hour = first.Add(time.Duration(i) * time.Hour)
	}
	for _, c := range counts {
		i := int(c.Hour.Sub(first) / time.Hour)
		if i < 0 || i >= len(out) {
			continue
		}
		switch c.Type {
		case park.EventEntry:
			out[i].Entries += c.Count
		case park.EventExit:
			out[i].Exits += c.Count
		}
	}
	// Stays by their own times: an entry or exit dated after an hour's
	// end (a later hour, or a device clock ahead) was not yet then.
	entered, left := make([]int, len(out)+1), make([]int, len(out)+1)
	for _, m := range moves {
		i := min(int(m.Hour.Sub(first)/time.Hour), len(out))
		if i < 0 {
			continue
		}
		if m.Type == park.EventEntry {
			entered[i] += m.Count
		} else {
			left[i] += m.Count
		}
	}
	inside += left[len(out)] - entered[len(out)]
	for i := len(out) - 1; i >= 0; i-- {
		out[i].InsideAtHourEnd = max(inside, 0)
		inside += left[i] - entered[i]
	}
	return out
}

// LotToday is a lot as the console's overview shows it: the lot with its
// cars inside, what it received today (billing's ReceivedToday) and its
// last 24 hours (LastDay).
type LotToday struct {
	Lot      *park.Lot
	Received billing.Received
	Hours    []HourStat
}

// LotsToday reads every lot the caller may see (may), in code order,
// as LotToday, in one transaction of a few statements whatever the
// number of lots: the overview of an operator's 300 lots is one read, not
// 300 of each lot's own.
func (s *Service) LotsToday(ctx context.Context, may func(lot string) bool) ([]LotToday, error) {
	var out []LotToday
	err := s.base.View(ctx, func(tx park.Tx) error {
		all, err := tx.ListLots(ctx)
		if err != nil {
			return err
		}
		var lots []*park.Lot
		var codes []string
		for _, l := range all {
			if may(l.Code) {
				lots, codes = append(lots, l), append(codes, l.Code)
			}
		}
		if len(lots) == 0 {
			return nil
		}
		now := s.base.Clock()
		received, err := billing.ReceivedTodayOf(ctx, tx, lots, now)
		if err != nil {
			return err
		}
		first := firstHour(now)
		counts, err := tx.CountPassagesByHour(ctx, codes, first)
		if err != nil {
			return err
		}
		moves, err := tx.CountStayMovesByHour(ctx, codes, first)
		if err != nil {
			return err
		}
		for _, l := range lots {
			// The lot's cars inside, read in this transaction, as LastDay's.
			out = append(out, LotToday{Lot: l, Received: received[l.Code],
				Hours: lastDay(first, l.Occupied, counts[l.Code], moves[l.Code])})
		}
		return nil
	})
	return out, err
}
