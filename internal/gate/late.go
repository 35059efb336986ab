package gate

import (
	"context"
	"fmt"
	"time"

	"parkd/internal/park"
	"parkd/internal/plate"
)

// A lane's offline records (EventInput.Passed) arrive when its camera
// reaches parkd again: after passages other lanes reported live, so out
// of order. These rules put such a record with the visit it belongs to
// rather than with whatever stay is open now (docs/devices.md).

// earlierVisitExit records an offline exit dated before the plate's open
// stay entered. It is the exit of an earlier visit, replayed after the
// car came back, so it must neither close nor price the stay of the car
// now inside; the car passed, and the operator is told.
func (s *Service) earlierVisitExit(ctx context.Context, tx park.Tx, l *park.Lot, in *EventInput, p plate.Plate, open *park.Stay, noted *[]*park.Anomaly) (park.Decision, error) {
	dec := park.Decision{Plate: p.Text, Decision: park.DecisionOpen, Reason: park.ReasonOffline}
	return dec, s.anomaly(ctx, tx, noted, l.Code, park.AnomalyLateRecord, p.Text, "", in.ID, in.At,
		fmt.Sprintf("left at lane %s at %s, before stay %s entered (%s): an earlier visit's exit, replayed late; that stay stays open",
			in.Lane, in.At.Format(time.RFC3339), open.ID, open.EntryAt.Format(time.RFC3339)))
}

// earlierVisitEntry records an offline entry dated before the plate's
// open stay entered: an earlier visit's entry, replayed after the car came
// back. Its exit is unknown (it was before the open stay's entry), so it
// makes no stay and leaves the open one alone; the operator is told.
func (s *Service) earlierVisitEntry(ctx context.Context, tx park.Tx, l *park.Lot, in *EventInput, p plate.Plate, open *park.Stay, noted *[]*park.Anomaly) (park.Decision, error) {
	dec := park.Decision{Plate: p.Text, Decision: park.DecisionOpen, Reason: park.ReasonOffline}
	return dec, s.anomaly(ctx, tx, noted, l.Code, park.AnomalyLateRecord, p.Text, "", in.ID, in.At,
		fmt.Sprintf("entered at lane %s at %s, before stay %s entered (%s): an earlier visit's entry, replayed late; that stay stays open",
			in.Lane, in.At.Format(time.RFC3339), open.ID, open.EntryAt.Format(time.RFC3339)))
}

// liveAt decides the time of a live read (offline records keep theirs):
// entry is the entry of the car's open stay, zero when that is not known
// yet or there is none. Dated before that entry by seconds, two lanes'
// clocks disagree: the read is dated at that entry, so that no stay ends
// before it began or overlaps the next. Dated before it by more than
// MaxEventSkew, or more than MaxLiveEventAge before now, the lane's clock
// is wrong (reset, or a day behind) and the car is at the lane now: the
// read is dated now, else a car inside for hours would leave as if it had
// just come, and a car entering would open a stay priced from 2000. The
// returned detail then goes with an anomaly device_clock ("": dated well).
func liveAt(in *EventInput, entry, now time.Time) string {
	var why string
	switch {
	case in.Passed:
		return ""
	case in.At.Before(entry) && entry.Sub(in.At) <= park.MaxEventSkew:
		in.At = entry
		return ""
	case in.At.Before(entry):
		why = fmt.Sprintf("before the car's stay entered (%s)", entry.Format(time.RFC3339))
	case now.Sub(in.At) > park.MaxLiveEventAge:
		why = fmt.Sprintf("more than %d hours before it was received, as a live read", int(park.MaxLiveEventAge/time.Hour))
	default:
		return ""
	}
	detail := fmt.Sprintf("lane %s dated the %s %s, %s; recorded at the time it was received",
		in.Lane, in.Type, in.At.Format(time.RFC3339), why)
	in.At = now.UTC().Truncate(park.Precision)
	return detail
}

// closeAtRecordedExit closes the stay a replayed offline entry has just
// opened when the car's exit was recorded first: the plate's first exit
// after the entry that found no stay (its missed_entry anomaly). The stay
// closes at that exit's time and lane, priced, with what was due left
// unpaid (marked late_record, with an anomaly saying how much), so the car
// is not counted inside. An exit whose time another stay of the plate
// already covers is not this stay's: the stay is left open, as any entry.
func (s *Service) closeAtRecordedExit(ctx context.Context, tx park.Tx, l *park.Lot, in *EventInput, p plate.Plate, stayID string, now time.Time, noted *[]*park.Anomaly) error {
	ex, ok, err := s.missedExitAfter(ctx, tx, l.Code, p.Key, in.At)
	if err != nil || !ok {
		return err
	}
	st, err := tx.GetStay(ctx, stayID)
	if err != nil {
		return err
	}
	if taken, err := otherStayBetween(ctx, tx, st, ex.At); err != nil || taken {
		return err
	}
	due, err := s.leaveUnpaid(ctx, tx, l, st, ex.At, ex.Lane, park.AnomalyLateRecord, now)
	if err != nil {
		return err
	}
	if err := s.reportLeft(ctx, tx, l, st.ID, ex, "", ""); err != nil {
		return err
	}
	return s.anomaly(ctx, tx, noted, l.Code, park.AnomalyLateRecord, p.Text, st.ID, in.ID, in.At,
		fmt.Sprintf("entered at lane %s (offline record) before its exit at lane %s at %s, recorded first with no stay; closed at that exit, %d left unpaid",
			in.Lane, ex.Lane, ex.At.Format(time.RFC3339), due))
}

// missedExitAfter finds the first exit of a plate after at that found no
// stay inside: the event of its missed_entry anomaly. Anomalies keep the
// plate as read, so each text of the key (a Brazilian car read in either
// form) is looked up, each by its plate and kind: no other car's rows are
// read, however many the lot recorded since at.
func (s *Service) missedExitAfter(ctx context.Context, tx park.Tx, lot, key string, at time.Time) (*park.Event, bool, error) {
	var first *park.Anomaly
	for _, text := range plate.Texts(key) {
		as, err := tx.ListPlateAnomalies(ctx, park.PlateAnomalyFilter{LotCode: lot, Plate: text,
			Kind: park.AnomalyMissedEntry, After: at, Limit: 1})
		if err != nil {
			return nil, false, err
		}
		if len(as) > 0 && (first == nil || earlier(as[0], first)) {
			first = as[0]
		}
	}
	if first == nil {
		return nil, false, nil
	}
	ev, err := tx.GetEvent(ctx, lot, first.EventID)
	return ev, err == nil, err
}

// earlier says whether a comes before b in the anomalies' order: by time,
// ties by id.
func earlier(a, b *park.Anomaly) bool {
	return a.At.Before(b.At) || a.At.Equal(b.At) && a.ID < b.ID
}

// otherStayBetween says whether a stay of st's plate other than st was
// inside at some time between st's entry and until.
func otherStayBetween(ctx context.Context, tx park.Tx, st *park.Stay, until time.Time) (bool, error) {
	f := park.StayFilter{LotCode: st.LotCode, PlateKey: st.PlateKey, Limit: park.MaxListLimit}
	for {
		page, err := tx.ListStays(ctx, f)
		if err != nil {
			return false, err
		}
		for _, o := range page {
			if o.ID != st.ID && o.EntryAt.Before(until) && (o.ExitAt == nil || o.ExitAt.After(st.EntryAt)) {
				return true, nil
			}
		}
		if len(page) < f.Limit {
			return false, nil
		}
		f.AfterID = page[len(page)-1].ID
	}
}
