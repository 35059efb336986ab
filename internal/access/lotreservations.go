package access

import (
	"context"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// MaxLotReservations bounds what LotReservations returns; more says
// there were more.
const MaxLotReservations = 100

// LotReservationQuery selects a lot's orders of every partner on one day
// of the lot: those whose window overlaps that day (a window from 22:00
// to 02:00 is on both days). Day is any instant of the day, read in the
// lot's zone. State ("" any) is a state as partners see it
// (Reservation.StateAt: expired included); Plate ("" any) a plate.
type LotReservationQuery struct {
	LotCode string
	Day     time.Time
	State   string
	Plate   string
}

// farFuture bounds a window's end when nothing else does.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// LotReservations returns a lot's orders on a day, latest window first,
// at most MaxLotReservations, each with its state as of now; more
// reports that there were more.
// Errors: EInvalid (state, plate), ENotFound (lot).
func (s *Service) LotReservations(ctx context.Context, q LotReservationQuery) (out []*park.Reservation, more bool, err error) {
	f := park.LotReservationFilter{LotCode: q.LotCode, ToBy: farFuture, Limit: MaxLotReservations + 1}
	if q.Plate != "" {
		_, keys, err := core.Plates("plate", []string{q.Plate})
		if err != nil {
			return nil, false, err
		}
		f.PlateKey = keys[0]
	}
	now := s.base.Clock()
	err = s.base.View(ctx, func(tx park.Tx) error {
		l, err := tx.GetLotSettings(ctx, q.LotCode)
		if err != nil {
			return err
		}
		d := q.Day.In(l.Location())
		start := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, d.Location())
		f.ToAfter, f.FromBefore = start, start.AddDate(0, 0, 1)
		// Expired is booked with its window over: the store keeps booked.
		switch q.State {
		case "", park.ReservationInside, park.ReservationDone, park.ReservationTerminated:
			f.State = q.State
		case park.ReservationBooked:
			f.State = park.ReservationBooked
			if now.After(f.ToAfter) {
				f.ToAfter = now
			}
		case park.ReservationExpired:
			f.State, f.ToBy = park.ReservationBooked, now
		default:
			return park.Invalid("state", "must be one of booked, inside, done, terminated, expired").Because(park.ReasonUnknown)
		}
		out, err = tx.LotReservations(ctx, f)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	if len(out) > MaxLotReservations {
		out, more = out[:MaxLotReservations], true
	}
	for _, r := range out {
		r.State = r.StateAt(now)
	}
	return out, more, nil
}
