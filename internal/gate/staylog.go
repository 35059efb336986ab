package gate

import (
	"context"
	"slices"
	"time"

	"parkd/internal/park"
)

// What a stay's own history holds besides its events, payments and quotes.
const (
	// stayAnomalyWindow: a stay's anomalies are dated by the events they
	// are about, which an offline record can put before its entry.
	stayAnomalyWindow = 24 * time.Hour
	// stayBarrierWindow: a barrier command at the stay's lanes this close
	// to its entry or exit is shown with it (an operator's lift for it).
	stayBarrierWindow = 10 * time.Minute
	// maxStayLog bounds each kind read for one stay.
	maxStayLog = 500
	// stayPictureWindow: a camera's read of the car is received this
	// close to its entry or exit (a held exit's read, before it paid).
	stayPictureWindow = time.Hour
	// maxStayPictures bounds the pictures shown for one stay.
	maxStayPictures = 16
)

// StayPictures returns, oldest first, the events decided for st whose
// read came with a picture (image_url), received within
// stayPictureWindow of its entry or its exit.
func (s *Service) StayPictures(ctx context.Context, st *park.Stay) ([]*park.Event, error) {
	from2, to2 := st.EntryAt.Add(-stayPictureWindow), st.EntryAt.Add(stayPictureWindow)
	if st.ExitAt != nil {
		from2, to2 = st.ExitAt.Add(-stayPictureWindow), st.ExitAt.Add(stayPictureWindow)
	}
	var evs []*park.Event
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		evs, err = tx.ListStayPictureEvents(ctx, st.LotCode, st.ID, st.EntryAt.Add(-stayPictureWindow), st.EntryAt.Add(stayPictureWindow),
			from2, to2, maxStayPictures)
		return err
	})
	return evs, err
}

// StayLog returns, oldest first, the anomalies recorded against st and
// the barrier commands at its entry and exit lanes from stayBarrierWindow
// before its entry to stayBarrierWindow after its exit (or now, while it
// is inside), however old the stay is.
func (s *Service) StayLog(ctx context.Context, st *park.Stay) ([]*park.Anomaly, []*park.GateCommand, error) {
	end := s.base.Clock()
	if st.ExitAt != nil {
		end = *st.ExitAt
	}
	var as []*park.Anomaly
	var cmds []*park.GateCommand
	err := s.base.View(ctx, func(tx park.Tx) error {
		var err error
		as, err = tx.ListStayAnomalies(ctx, st.LotCode, st.ID, st.EntryAt.Add(-stayAnomalyWindow), end.Add(stayAnomalyWindow), maxStayLog)
		if err != nil {
			return err
		}
		cmds = nil
		lanes := []string{st.EntryLane}
		if st.ExitLane != "" && st.ExitLane != st.EntryLane {
			lanes = append(lanes, st.ExitLane)
		}
		for _, lane := range lanes {
			cs, err := tx.ListGateCommandsBetween(ctx, st.LotCode, lane, st.EntryAt.Add(-stayBarrierWindow), end.Add(stayBarrierWindow), maxStayLog)
			if err != nil {
				return err
			}
			cmds = append(cmds, cs...)
		}
		return nil
	})
	slices.SortStableFunc(cmds, func(a, b *park.GateCommand) int { return a.At.Compare(b.At) })
	return as, cmds, err
}
