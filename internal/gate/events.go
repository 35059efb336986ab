package gate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"parkd/internal/access"
	"parkd/internal/billing"
	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/plate"
)

// EventInput is a camera read as any API delivers it.
type EventInput struct {
	LotCode      string
	ID           string
	Type         string
	Plate        string
	Lane         string
	At           time.Time
	ImageURL     string
	PlateColor   string
	VehicleClass string
	Source       string // the partner that delivered the event, "" for lanes and the native API
	// Passed says the car already went through: the lane decided without
	// parkd (its camera was offline) and this is its stored record. A
	// decision to hold is then recorded as the passage it was. Its At is
	// when it passed; one out of range, or zero (the device gave none),
	// is recorded at the time it came, with an anomaly device_clock.
	Passed bool

	afterSensorless bool // the enrolled partner was asked already: decide without asking again
}

// eventTypeError refuses an event's type: missing, or neither entry nor
// exit.
func eventTypeError(typ string) *park.Error {
	if typ == "" {
		return park.Invalid("type", "is required: %q or %q", park.EventEntry, park.EventExit).Because(park.ReasonRequired)
	}
	return park.Invalid("type", "must be %q or %q", park.EventEntry, park.EventExit).Because(park.ReasonUnknown)
}

func (s *Service) validateEvent(in *EventInput, now time.Time) (plate.Plate, error) {
	switch {
	case in.ID == "":
		return plate.Plate{}, park.Invalid("id", "is required (1-128 characters)").Because(park.ReasonRequired)
	case len(in.ID) > 128:
		return plate.Plate{}, park.Invalid("id", "must be at most 128 characters").Because(park.ReasonLength, "1", "128")
	case in.Type != park.EventEntry && in.Type != park.EventExit:
		return plate.Plate{}, eventTypeError(in.Type)
	case in.Lane == "":
		return plate.Plate{}, park.Invalid("lane", "is required (1-64 characters)").Because(park.ReasonRequired)
	case len(in.Lane) > 64:
		return plate.Plate{}, park.Invalid("lane", "must be at most 64 characters").Because(park.ReasonLength, "1", "64")
	case park.CheckReportTime("at", in.At, now) != nil:
		return plate.Plate{}, park.CheckReportTime("at", in.At, now)
	case len(in.ImageURL) > 2048:
		return plate.Plate{}, park.Invalid("image_url", "must be at most 2048 characters").Because(park.ReasonLength, "0", "2048")
	case len(in.PlateColor) > 16:
		return plate.Plate{}, park.Invalid("plate_color", "must be at most 16 characters").Because(park.ReasonLength, "0", "16")
	case in.VehicleClass != "" && !park.ValidClass(in.VehicleClass):
		return plate.Plate{}, park.Invalid("vehicle_class", "must be one of small, large, new_energy, motorcycle").Because(park.ReasonUnknown)
	}
	if err := park.CheckTexts("id", in.ID, "lane", in.Lane, "image_url", in.ImageURL, "plate_color", in.PlateColor); err != nil {
		return plate.Plate{}, err
	}
	in.At = in.At.UTC().Truncate(park.Precision)
	if in.At.After(now) {
		// A car cannot pass in the future: a fast device clock would
		// otherwise price an exit late and eat a paid car's exit grace.
		in.At = now.UTC().Truncate(park.Precision)
	}
	if plate.IsNoPlate(in.Plate) {
		if in.Type == park.EventExit {
			return plate.Plate{}, park.Invalid("plate", "a plate-less car leaves with the temporary identity it got at entry").Because(park.ReasonNotApplicable)
		}
		return plate.Plate{}, nil // the identity is issued inside the transaction, once
	}
	p, err := plate.Normalize(in.Plate)
	if err != nil {
		return plate.Plate{}, core.PlateInvalid("plate", err)
	}
	return p, nil
}

// vehicleClass decides a stay's class: the camera's word, else what the
// plate implies (green plates are new energy, yellow plates large).
func vehicleClass(in *EventInput, p plate.Plate) string {
	switch {
	case in.VehicleClass != "":
		return in.VehicleClass
	case p.NewEnergy && p.Large:
		return park.ClassLarge
	case p.NewEnergy:
		return park.ClassNewEnergy
	case in.PlateColor == "yellow":
		return park.ClassLarge
	}
	return park.ClassSmall
}

// capacityMargin: a lot with fewer free spaces than this admits its
// visitors one at a time (Tx.Serialize), so no two entries take its last
// space; more concurrent entries than this into one lot, all uncommitted
// at once, is beyond any lot's lanes.
const capacityMargin = 64

// lotFull is the capacity rule for one more visitor: the cars inside,
// with this transaction's change (l.Occupied: a re-entry just closed),
// fill the lot's capacity. Near full, entries of the lot are admitted
// one at a time, each counting after the last committed: concurrent ones
// (other nodes, other lanes) would each count a free space.
func lotFull(ctx context.Context, tx park.Tx, l *park.Lot) (bool, error) {
	inside, err := tx.CountInside(ctx, l.Code)
	if err != nil {
		return false, err
	}
	if inside+l.Occupied+capacityMargin >= l.Capacity {
		if err := tx.Serialize(ctx, "lot-capacity:"+l.Code); err != nil {
			return false, err
		}
		if inside, err = tx.CountInside(ctx, l.Code); err != nil {
			return false, err
		}
	}
	return inside+l.Occupied >= l.Capacity, nil
}

// HandleEvent decides what a lane does with a camera read and records it.
// A repeated event (the same id, type, lane and plate) returns the first
// decision and changes nothing. A car that owes money at an exit and is
// enrolled for sensorless payment is paid for by its partner first, when
// the partner answers in time (Sensorless); otherwise it is held as any
// other. Errors: those of validation (EInvalid), ENotFound (lot),
// EConflict (id: the lot holds it for another event; see replayed).
func (s *Service) HandleEvent(ctx context.Context, in EventInput) (park.Decision, error) {
	dec, err := s.handleEvent(ctx, in, nil)
	var ask *askSensorless
	if !errors.As(err, &ask) {
		return dec, err
	}
	if _, err := s.sensorless.Settle(ctx, ask.lot, ask.stay, ask.enrolment, in.ID); err != nil {
		s.base.Log.Warn("sensorless payment", "lot", ask.lot.Code, "stay", ask.stay.ID, "partner", ask.enrolment.PartnerID, "err", err)
	}
	in.afterSensorless = true
	return s.handleEvent(ctx, in, nil)
}

// askSensorless stops an exit's transaction, recording nothing, so that
// the enrolled partner is asked to pay outside it.
type askSensorless struct {
	lot       *park.Lot
	stay      *park.Stay
	enrolment *park.Enrolment
}

func (a *askSensorless) Error() string { return "the car is enrolled for sensorless payment" }

// handleEvent is HandleEvent; then, when given, runs in the same
// transaction with the decision (first or replayed).
func (s *Service) handleEvent(ctx context.Context, in EventInput, then func(park.Tx, park.Decision) error) (park.Decision, error) {
	now := s.base.Clock()
	clock := passedClock(&in, now)
	p, err := s.validateEvent(&in, now)
	if err != nil {
		return park.Decision{}, err
	}
	key := p.Key // "" when no plate was read; p may become a temporary identity below
	var dec park.Decision
	var noted []*park.Anomaly // logged only once committed
	// A new event is the rule and a repeated one the exception, so the
	// transaction does not look for the event first: it decides, and the
	// event's insert fails on a repeated id, which undoes everything else.
	// Any failure then asks whether the event was decided before (replayed).
	err = s.base.Update(ctx, func(tx park.Tx) error {
		// Each attempt decides from the event as sent (a live read may be
		// re-dated: liveAt), and records it as sent, so that the device's
		// retry of it is known for the same event. A live read dated long
		// ago is re-dated before anything reads its time (a rental, the
		// car's access, a missed entry); one dated before the car's open
		// stay once that stay is found.
		in := in
		sent := in.At
		clock := clock
		if clock == "" {
			clock = liveAt(&in, time.Time{}, now)
		}
		noted = noted[:0]
		// Occupied starts at 0 and tracks this event's change to the count
		// of cars inside; the count itself is read only for a visitor.
		// The lot and the plate's records are one read, but a car without
		// a plate has its temporary identity chosen in the lot first.
		raw := tx
		var l *park.Lot
		var err error
		if p.Kind != "" {
			if l, tx, err = access.KnownLot(ctx, raw, in.LotCode, p.Key); err != nil {
				return err
			}
		} else if l, err = tx.GetLotSettings(ctx, in.LotCode); err != nil {
			return err
		}
		if err := s.recordLane(ctx, tx, l.Code, &in, now); err != nil {
			return err
		}
		if p.Kind == "" {
			if p, err = freshTemporary(ctx, raw, l.Code); err != nil {
				return err
			}
			if tx, err = access.KnownRecords(ctx, raw, l.Code, p.Key); err != nil {
				return err
			}
		}
		occ := l.Occupied
		var re reentered
		if in.Type == park.EventEntry {
			dec, err = s.entry(ctx, tx, l, &in, p, now, &noted, &re)
		} else {
			dec, err = s.exit(ctx, tx, l, &in, p, now, &noted)
		}
		if err != nil {
			return err
		}
		if dec.Decision == park.DecisionHold {
			// A lane held open lets every car through (gates.go).
			if dec, err = s.throughHeldLane(ctx, tx, l, &in, p, now, dec, &noted); err != nil {
				return err
			}
		}
		if dec.Decision == park.DecisionHold && in.Passed {
			if dec, err = s.passedAnyway(ctx, tx, l, &in, p, now, dec, &noted, park.ReasonOffline, park.AnomalyOffline,
				fmt.Sprintf("lane %s while it was offline", in.Lane)); err != nil {
				return err
			}
		}
		if dec.Decision == park.DecisionHold {
			if err := re.held(ctx, tx, now); err != nil {
				return err
			}
		}
		dec.Currency = l.Currency
		if err := re.report(ctx, s, tx, l, dec); err != nil {
			return err
		}
		if clock != "" {
			if err := s.anomaly(ctx, tx, &noted, l.Code, park.AnomalyDeviceClock, p.Text, dec.StayID, in.ID, now, clock); err != nil {
				return err
			}
		}
		if err := s.reportEvent(ctx, tx, l, &in, p, dec, now); err != nil {
			return err
		}
		if in.Type == park.EventEntry && in.Passed && dec.StayID != "" {
			// After the entry's report, so that partners hear of the exit second.
			if err := s.closeAtRecordedExit(ctx, tx, l, &in, p, dec.StayID, now, &noted); err != nil {
				return err
			}
		}
		if err := tx.InsertEvent(ctx, &park.Event{
			ID: in.ID, LotCode: l.Code, Type: in.Type, Plate: p.Text, Lane: in.Lane, At: sent,
			ImageURL: in.ImageURL, PlateColor: in.PlateColor, VehicleClass: in.VehicleClass,
			Decision: dec, ReceivedAt: now,
		}); err != nil {
			return err
		}
		if then != nil {
			if err := then(raw, dec); err != nil {
				return err
			}
		}
		// Last, because on a shared database this write locks the lot's row
		// until commit: the shorter that is held, the more lanes run at once.
		if delta := l.Occupied - occ; delta != 0 {
			return tx.AddOccupied(ctx, l.Code, delta)
		}
		return nil
	})
	if err != nil {
		if prev, ok, err := s.replayed(ctx, in, key, then); ok {
			return prev, err
		}
		return park.Decision{}, err
	}
	s.metrics.GateDecision(in.Type, dec.Decision, dec.Reason)
	for _, a := range noted {
		s.base.Log.Warn("gate anomaly", "lot", a.LotCode, "kind", a.Kind, "plate", a.Plate, "stay", a.StayID, "event", a.EventID)
	}
	return dec, nil
}

// passedClock keeps a passage that happened whatever its device's clock
// said: a Passed event dated at a time no event may have (a camera clock
// reset to 1970, or days ahead), or not dated at all, is recorded at now
// instead, and the returned detail goes with an anomaly device_clock
// ("": dated well).
func passedClock(in *EventInput, now time.Time) string {
	if !in.Passed {
		return ""
	}
	if in.At.IsZero() {
		in.At = now
		return fmt.Sprintf("lane %s gave no time for the passage; recorded at the time it was received", in.Lane)
	}
	err := park.CheckReportTime("at", in.At, now)
	if err == nil {
		return ""
	}
	detail := fmt.Sprintf("lane %s dated the passage %s (%v); recorded at the time it was received", in.Lane,
		in.At.UTC().Format(time.RFC3339), err)
	in.At = now
	return detail
}

// replayed returns the decision of an event already recorded, with the
// error of then run with it; false when the event is new (or the store
// cannot say). A recorded event's first decision stands, and nothing else
// changes. An event that only shares the recorded one's id (another type,
// lane or plate: a device whose counter restarted) is refused with
// EConflict rather than answered with a decision that was not its own.
func (s *Service) replayed(ctx context.Context, in EventInput, key string, then func(park.Tx, park.Decision) error) (park.Decision, bool, error) {
	var prev *park.Event
	find := func(tx park.Tx) (err error) {
		prev, err = tx.GetEvent(ctx, in.LotCode, in.ID)
		if err == nil {
			err = sameEvent(prev, in, key)
		}
		return err
	}
	if then == nil {
		if err := s.base.View(ctx, find); err != nil {
			if prev != nil {
				return park.Decision{}, true, err
			}
			return park.Decision{}, false, nil
		}
		prev.Decision.Repeat = true
		return prev.Decision, true, nil
	}
	var other error
	err := s.base.Update(ctx, func(tx park.Tx) error {
		if err := find(tx); err != nil {
			if prev != nil {
				other = err
			}
			return err
		}
		return then(tx, prev.Decision)
	})
	switch {
	case other != nil:
		return park.Decision{}, true, other
	case prev == nil:
		return park.Decision{}, false, nil
	}
	prev.Decision.Repeat = true
	return prev.Decision, true, err
}

// ReusedID says err is HandleEvent's refusal of an event under an id the
// lot holds for another event.
func ReusedID(err error) bool {
	var pe *park.Error
	return errors.As(err, &pe) && pe.Code == park.EConflict && pe.Field == "id"
}

// RepeatWindow is how far apart in time an event and the recorded one
// of its id may be and still be the same passage sent again. A camera
// retries within seconds, and an offline record sent again carries the
// time it passed, which is the recorded one's give or take the camera's
// clock drift; an hour covers both. Further apart, the same id, plate
// and lane is a device whose counter restarted and the same car back
// (a regular, the next day), which must be seen as the new passage.
const RepeatWindow = time.Hour

// sameEvent says whether in repeats the recorded event prev: the same
// type, lane and plate (by key, so another spelling of it still repeats;
// a read without a plate repeats an entry that got a temporary identity),
// dated within RepeatWindow of it.
// Errors: EConflict (id), saying which event holds the id.
func sameEvent(prev *park.Event, in EventInput, key string) error {
	gap := in.At.Sub(prev.At).Abs()
	same := prev.Type == in.Type && prev.Lane == in.Lane && gap <= RepeatWindow
	if same {
		p, err := plate.Normalize(prev.Plate)
		if key == "" {
			same = err == nil && p.Kind == plate.KindNoPlate
		} else {
			same = err == nil && p.Key == key
		}
	}
	if same {
		return nil
	}
	return &park.Error{Code: park.EConflict, Field: "id", Message: fmt.Sprintf(
		"event id %q is already held by the %s of %s at lane %s at %s; a different event needs an id of its own",
		in.ID, prev.Type, prev.Plate, prev.Lane, prev.At.UTC().Format(time.RFC3339))}
}

// freshTemporary issues a plate-less car an identity no car inside holds.
func freshTemporary(ctx context.Context, tx park.Tx, lot string) (plate.Plate, error) {
	for range 8 {
		p := plate.NewTemporary()
		_, err := tx.FindInside(ctx, lot, p.Key)
		if park.IsCode(err, park.ENotFound) {
			return p, nil
		}
		if err != nil {
			return p, err
		}
	}
	return plate.Plate{}, park.Errorf(park.EInternal, "no free temporary identity after 8 tries")
}

type laneKey struct{ lot, lane string }

// recordLane remembers a lane the first time a camera names it. Lanes are
// never deleted, so one seen in the database is cached for good.
func (s *Service) recordLane(ctx context.Context, tx park.Tx, lot string, in *EventInput, now time.Time) error {
	key := laneKey{lot, in.Lane}
	if _, ok := s.lanes.Load(key); ok {
		return nil
	}
	_, err := tx.GetLane(ctx, lot, in.Lane)
	if park.IsCode(err, park.ENotFound) {
		dir := park.DirectionIn
		if in.Type == park.EventExit {
			dir = park.DirectionOut
		}
		// Cached only once committed: a rolled-back creation must be retried.
		return tx.CreateLane(ctx, &park.Lane{LotCode: lot, ID: in.Lane, Direction: dir, CreatedAt: now})
	}
	if err == nil {
		s.lanes.Store(key, struct{}{})
	}
	return err
}

// reentered is what an entry read of a plate already inside did: closed
// that stay and left to the new entry the orders it arrives on.
type reentered struct {
	stay *park.Stay
	left []*park.Reservation

	event     *park.Event     // the entry read, for the old stay's exit report
	occupancy *park.Occupancy // the lot's after the close (nil: no exit report)
}

// report tells of the stay the re-entry closed (exit and order) once the
// entry read is decided, so that the reported event carries dec, and
// before the new stay's entry report. Nothing when there was no re-entry.
func (re *reentered) report(ctx context.Context, s *Service, tx park.Tx, l *park.Lot, dec park.Decision) error {
	if re.stay == nil {
		return nil
	}
	re.event.Decision = dec
	return s.reportLeftWith(ctx, tx, l, re.stay.ID, re.event, "", park.AnomalyReentry, re.occupancy)
}

// held is a re-entry whose car was held after all: it stays out, on none
// of the orders left to it, so the stay it closed takes them, as any
// close does (access.ReentryHeld).
func (re *reentered) held(ctx context.Context, tx park.Tx, now time.Time) error {
	if len(re.left) == 0 {
		return nil
	}
	if err := access.ReentryHeld(ctx, tx, re.left, re.stay, now); err != nil {
		return err
	}
	return tx.UpdateStay(ctx, re.stay)
}

// entry decides an entry read; a re-entry's closed stay goes in re.
func (s *Service) entry(ctx context.Context, tx park.Tx, l *park.Lot, in *EventInput, p plate.Plate, now time.Time, noted *[]*park.Anomaly, re *reentered) (park.Decision, error) {
	dec := park.Decision{Plate: p.Text}
	if err := s.rentalEntry(ctx, tx, l, in, p); err != nil { // rentals.go
		return dec, err
	}
	// A plate already inside means its exit was missed: close that stay.
	old, err := tx.FindInside(ctx, l.Code, p.Key)
	switch {
	case err == nil && in.Passed && in.At.Before(old.EntryAt):
		return s.earlierVisitEntry(ctx, tx, l, in, p, old, noted)
	case err == nil:
		if clock := liveAt(in, old.EntryAt, now); clock != "" {
			if err := s.anomaly(ctx, tx, noted, l.Code, park.AnomalyDeviceClock, p.Text, old.ID, in.ID, now, clock); err != nil {
				return dec, err
			}
		}
		at := in.At
		left, err := s.closeReentered(ctx, tx, l, old, at, now)
		if err != nil {
			return dec, err
		}
		if err := s.anomaly(ctx, tx, noted, l.Code, park.AnomalyReentry, p.Text, old.ID, in.ID, in.At,
			fmt.Sprintf("entered again at lane %s while stay %s was open; the old stay was closed", in.Lane, old.ID)); err != nil {
			return dec, err
		}
		// Partners that count the cars inside from reports hear that the
		// old stay is gone, as of the entry read that closed it: its
		// exit is reported once that read is decided (reentered.report),
		// with the occupancy counted now, before the new stay.
		// The event is that entry read, without its picture (not one of an exit).
		*re = reentered{stay: old, left: left, event: &park.Event{ID: in.ID, LotCode: l.Code, Type: in.Type, Plate: p.Text,
			Lane: in.Lane, At: at, PlateColor: in.PlateColor, VehicleClass: in.VehicleClass, ReceivedAt: now}}
		if re.occupancy, err = s.occupancyIfReported(ctx, tx, l, park.ReportExit); err != nil {
			return dec, err
		}
	case !park.IsCode(err, park.ENotFound):
		return dec, err
	}

	acc, err := access.At(ctx, tx, l, p.Key, in.At)
	if err != nil {
		return dec, err
	}
	var res *park.Reservation
	switch {
	case acc.Denied:
		dec.Decision, dec.Reason = park.DecisionHold, park.ReasonRefused
		return dec, nil
	case acc.Allowed:
		dec.Reason = park.ReasonWhitelist
	case acc.PassAdmits: // a slot pass outside its slots waits like a visitor
		dec.Reason = park.ReasonPass
	default:
		// A booked reservation enters even when the lot is full (reservations.go).
		if res, err = access.ReservationFor(ctx, tx, l.Code, p.Key, in.At); err != nil {
			return dec, err
		} else if res != nil {
			dec.Reason = park.ReasonReservation
			break
		}
		if full, err := lotFull(ctx, tx, l); err != nil {
			return dec, err
		} else if full {
			dec.Decision, dec.Reason = park.DecisionHold, park.ReasonLotFull
			return dec, nil
		}
		dec.Reason = park.ReasonVisitor
	}

	var passID, resID string
	if acc.Pass != nil {
		passID = acc.Pass.ID
	}
	if res != nil {
		resID = res.ID
	}
	st, err := s.admit(ctx, tx, l, in, p, now, passID, resID)
	if err != nil {
		return dec, err
	}
	if res != nil {
		if err := access.ReservationEntered(ctx, tx, res, st, now); err != nil {
			return dec, err
		}
	}
	dec.Decision, dec.StayID, dec.Locator = park.DecisionOpen, st.ID, st.Locator
	return dec, nil
}

// admit records a car inside: a new stay (holding a space of passID, and
// entered on reservation resID, when given), one more car in l's count.
func (s *Service) admit(ctx context.Context, tx park.Tx, l *park.Lot, in *EventInput, p plate.Plate, now time.Time, passID, resID string) (*park.Stay, error) {
	st := &park.Stay{
		ID: core.NewID(), LotCode: l.Code, Plate: p.Text, PlateKey: p.Key, VehicleClass: vehicleClass(in, p),
		EntryAt: in.At, EntryLane: in.Lane, State: park.StayIn, PassID: passID, ReservationID: resID,
		Source: in.Source, UpdatedAt: now,
	}
	// The store gives the stay its ticket (park.Tx.InsertStay).
	if err := tx.InsertStay(ctx, st); err != nil {
		return nil, err
	}
	l.Occupied++
	return st, nil
}

func (s *Service) exit(ctx context.Context, tx park.Tx, l *park.Lot, in *EventInput, p plate.Plate, now time.Time, noted *[]*park.Anomaly) (park.Decision, error) {
	if dec, ok, err := s.rentalExit(ctx, tx, l, in, p, now); err != nil || ok { // rentals.go
		return dec, err
	}
	dec := park.Decision{Plate: p.Text}
	st, err := tx.FindInside(ctx, l.Code, p.Key)
	if park.IsCode(err, park.ENotFound) {
		dec.Reason = park.ReasonMissedEntry
		dec.Decision = park.DecisionHold
		if l.MissedEntry == park.MissedEntryOpen {
			dec.Decision = park.DecisionOpen
		}
		return dec, s.anomaly(ctx, tx, noted, l.Code, park.AnomalyMissedEntry, p.Text, "", in.ID, in.At,
			fmt.Sprintf("left at lane %s with no stay inside; lot policy %q", in.Lane, l.MissedEntry))
	}
	if err != nil {
		return dec, err
	}
	if in.Passed && in.At.Before(st.EntryAt) {
		return s.earlierVisitExit(ctx, tx, l, in, p, st, noted)
	}
	if clock := liveAt(in, st.EntryAt, now); clock != "" {
		if err := s.anomaly(ctx, tx, noted, l.Code, park.AnomalyDeviceClock, p.Text, st.ID, in.ID, now, clock); err != nil {
			return dec, err
		}
	}
	dec.StayID, dec.Locator = st.ID, st.Locator
	// A locked car may not leave, paid or not.
	if lk, err := tx.IsLocked(ctx, l.Code, p.Key); err != nil {
		return dec, err
	} else if lk != nil {
		dec.Decision, dec.Reason = park.DecisionHold, park.ReasonLocked
		return dec, nil
	}
	at := in.At
	pr, err := s.billing.PriceStay(ctx, tx, l, st, at)
	if err != nil {
		return dec, err
	}
	if access.ExitWithheld(pr.Reservations) {
		dec.Decision, dec.Reason, dec.AmountDue = park.DecisionHold, park.ReasonNoExitRight, pr.Due
		return dec, nil
	}
	if pr.Due > 0 {
		if s.sensorless != nil && !in.afterSensorless {
			// A car enrolled for sensorless payment: ask its partner before
			// deciding (HandleEvent), with nothing recorded yet. Only a
			// partner subscribed to sensorless exits at the lot can answer,
			// which the lot's read told the transaction already: without
			// one, the car's enrolments are not looked up.
			var e *park.Enrolment
			sub, err := tx.Subscribed(ctx, l.Code, park.ReportSensorlessExit)
			if err == nil && sub {
				e, err = tx.FindEnrolment(ctx, l.Code, st.PlateKey)
			}
			if err != nil {
				return dec, err
			}
			if e != nil {
				lc := *l
				return dec, &askSensorless{lot: &lc, stay: st, enrolment: e}
			}
		}
		dec.Decision, dec.Reason, dec.AmountDue = park.DecisionHold, park.ReasonPaymentRequired, pr.Due
		return dec, nil
	}
	st.Total, st.Discount = pr.Cost(), pr.Discount
	st.ExitLane = in.Lane
	if err := s.closeStay(ctx, tx, l, st, at, in.Lane, "", &pr, now); err != nil {
		return dec, err
	}
	if pr.FreedByCoupons {
		if err := billing.UseCoupons(ctx, tx, st, pr.Lines(), "", now); err != nil {
			return dec, err
		}
	}
	dec.Decision, dec.Reason = park.DecisionOpen, pr.FreeReason
	return dec, nil
}

// closeStay marks a stay as left and frees its space in l's count (which
// HandleEvent writes back at the end of the transaction). Every close
// passes here, priced at at (pr) or not (nil), so the stay takes the
// prepaid reservations it was inside during either way, and they turn
// done with it; closed by a re-entry (closeReentered), it leaves the
// orders the car is arriving on to the new entry.
func (s *Service) closeStay(ctx context.Context, tx park.Tx, l *park.Lot, st *park.Stay, at time.Time, lane, anomaly string, pr *billing.Priced, now time.Time) error {
	var err error
	if pr != nil {
		err = access.ReservationJoined(ctx, tx, pr.Reservations, st, now)
	} else {
		err = access.ReservationsUsed(ctx, tx, st, at, now)
	}
	if err != nil {
		return err
	}
	return s.stayLeft(ctx, tx, l, st, at, lane, anomaly, now)
}

// closeReentered is closeStay for a stay whose car was read entering
// again at at: unpriced, marked reentry, leaving the orders the car
// arrives on, which it returns (access.ReservationsUsedByReentry).
func (s *Service) closeReentered(ctx context.Context, tx park.Tx, l *park.Lot, st *park.Stay, at, now time.Time) ([]*park.Reservation, error) {
	left, err := access.ReservationsUsedByReentry(ctx, tx, st, at, now)
	if err != nil {
		return nil, err
	}
	return left, s.stayLeft(ctx, tx, l, st, at, "", park.AnomalyReentry, now)
}

// stayLeft writes st as left at at, its reservations taken, and marks
// them done.
func (s *Service) stayLeft(ctx context.Context, tx park.Tx, l *park.Lot, st *park.Stay, at time.Time, lane, anomaly string, now time.Time) error {
	st.State, st.ExitAt, st.ExitLane, st.UpdatedAt = park.StayOut, &at, lane, now
	if anomaly != "" {
		st.Anomaly = anomaly
	}
	l.Occupied--
	if err := tx.UpdateStay(ctx, st); err != nil {
		return err
	}
	return access.ReservationLeft(ctx, tx, st, now)
}

// anomaly records an anomaly in tx and notes it for the log after commit.
func (s *Service) anomaly(ctx context.Context, tx park.Tx, noted *[]*park.Anomaly, lot, kind, plateText, stayID, eventID string, at time.Time, detail string) error {
	a := &park.Anomaly{
		ID: core.NewID(), LotCode: lot, Kind: kind, Plate: plateText, StayID: stayID, EventID: eventID, At: at, Detail: detail,
	}
	*noted = append(*noted, a)
	return tx.InsertAnomaly(ctx, a)
}
