package gate

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"parkd/internal/billing"
	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/plate"
)

// GateCommandInput is a barrier command as any API delivers it.
type GateCommandInput struct {
	LotCode string
	Lane    string
	Command string // park.GateOpen, GateClose, GateHoldOpen, GateRelease
	By      string // who sends it: a partner id, "operator"
	Reason  string // optional, kept in the log
	// Partner is the partner that sends it ("" : an operator); it may
	// command only its lots' barriers (core.PartnerLot).
	Partner string
}

// GateResult is a delivered command and the lane's mode after it.
type GateResult struct {
	Command  *park.GateCommand
	HeldOpen bool           // the lane is held open after the command
	Hold     *park.LaneHold // the hold, when HeldOpen
}

// MaxGateReason bounds a command's reason (characters).
const MaxGateReason = 256

// Lifts says whether a command lifts the barrier by hand: an abnormal
// lift, which needs a reason.
func Lifts(command string) bool { return command == park.GateOpen || command == park.GateHoldOpen }

// CheckGateCommand refuses a command SendGateCommand would refuse for
// its input alone (not the lot's lanes or holds), so a caller that asks
// before lifting a barrier refuses first what cannot be sent.
// Errors: EInvalid (command, lane, by, reason).
func CheckGateCommand(in GateCommandInput) error {
	switch {
	case !park.ValidGateCommand(in.Command):
		return park.Invalid("command", "must be %q, %q, %q or %q", park.GateOpen, park.GateClose, park.GateHoldOpen, park.GateRelease).Because(park.ReasonUnknown)
	case in.Lane == "":
		return park.Invalid("lane", "is required (1-64 characters)").Because(park.ReasonRequired)
	case len(in.Lane) > 64:
		return park.Invalid("lane", "is required (1-64 characters)").Because(park.ReasonLength, "1", "64")
	case len(in.By) > 64:
		return park.Invalid("by", "must be at most 64 bytes").Because(park.ReasonLength, "0", "64")
	case !utf8.ValidString(in.Reason) || utf8.RuneCountInString(in.Reason) > MaxGateReason:
		return park.Invalid("reason", "must be valid text of at most %d characters", MaxGateReason).Because(park.ReasonLength, "0", strconv.Itoa(MaxGateReason))
	case Lifts(in.Command) && strings.TrimSpace(in.Reason) == "":
		return park.Invalid("reason", "is required: a barrier lifted by hand is an abnormal lift, reported with its reason").Because(park.ReasonRequired)
	}
	return park.CheckTexts("lane", in.Lane, "by", in.By, "reason", in.Reason)
}

// SendGateCommand commands the barrier of a lane of a lot through the
// device interface and records the command (who, when, lane, result) in
// the lot's gate log, delivered or not. The lane must be one the lot's
// cameras reported. hold_open keeps the barrier up and marks the lane
// held open until release; close is refused while the lane is held open
// (release it first), so the barrier and the recorded mode never disagree.
// A device that does not acknowledge within BarrierTimeout yields
// EUnavailable ("not delivered") and changes no mode. A command that
// Lifts needs a reason. A delivered open of an exit lane where a car is
// held lets that car out: its stay closes (letHeldCarOut).
// Errors: EInvalid (command, lane, by, reason), ENotFound (lot, or one
// the partner is not registered for; lane, with field "lane"), EConflict (close of a held lane), EUnavailable.
func (s *Service) SendGateCommand(ctx context.Context, in GateCommandInput) (*GateResult, error) {
	if err := CheckGateCommand(in); err != nil {
		return nil, err
	}
	err := s.base.View(ctx, func(tx park.Tx) error {
		if err := core.PartnerLot(ctx, tx, in.Partner, in.LotCode); err != nil {
			return err
		}
		hold, err := s.laneHold(ctx, tx, in.LotCode, in.Lane)
		if err != nil {
			return err
		}
		if hold != nil && in.Command == park.GateClose {
			return &park.Error{Code: park.EConflict, Field: "command",
				Message: fmt.Sprintf("lane %s is held open since %s; release it before closing", in.Lane, hold.Since.Format(time.RFC3339))}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	// The device is asked outside any transaction: a slow controller must
	// not hold the database.
	c, sendErr := s.sendGate(ctx, in.LotCode, in.Lane, in.Command, in.By, in.Reason)
	out := &GateResult{Command: c}
	// Recorded even when the caller has gone: the device may have obeyed.
	rctx := context.WithoutCancel(ctx)
	var noted []*park.Anomaly // logged only once committed
	err = s.base.Update(rctx, func(tx park.Tx) error {
		noted = noted[:0]
		var let *letOut
		if sendErr == nil && in.Command == park.GateOpen {
			var err error
			if let, err = s.letHeldCarOut(rctx, tx, c, &noted); err != nil {
				return err
			}
		}
		if err := s.recordCommand(rctx, tx, c, let); err != nil {
			return err
		}
		// An operator's command is audited whether or not the device
		// obeyed: the gate log keeps both.
		err := s.base.Audit(rctx, tx, &park.AuditEntry{At: c.At, Action: "lane." + in.Command, Lot: in.LotCode, Target: in.Lane,
			Reason: in.Reason, After: core.Snapshot(c)})
		if err != nil {
			return err
		}
		hold, err := tx.GetLaneHold(rctx, in.LotCode, in.Lane)
		if err != nil {
			return err
		}
		switch {
		case sendErr != nil:
		case in.Command == park.GateHoldOpen && hold == nil:
			hold = &park.LaneHold{LotCode: in.LotCode, Lane: in.Lane, By: in.By, Since: c.At}
			if err := tx.HoldLane(rctx, hold); err != nil {
				return err
			}
		case in.Command == park.GateRelease && hold != nil:
			if err := tx.ReleaseLane(rctx, in.LotCode, in.Lane); err != nil {
				return err
			}
			hold = nil
		}
		out.HeldOpen, out.Hold = hold != nil, hold
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, a := range noted {
		s.base.Log.Warn("gate anomaly", "lot", a.LotCode, "kind", a.Kind, "plate", a.Plate, "stay", a.StayID, "event", a.EventID)
	}
	if sendErr != nil {
		return nil, &park.Error{Code: park.EUnavailable, Field: "lane",
			Message: fmt.Sprintf("the barrier of lane %s did not answer; the command was not delivered (recorded as %s)", in.Lane, c.ID)}
	}
	return out, nil
}

// laneHold checks the lane belongs to the lot and returns its hold.
func (s *Service) laneHold(ctx context.Context, tx park.Tx, lot, lane string) (*park.LaneHold, error) {
	if _, err := reportedLane(ctx, tx, lot, lane); err != nil {
		return nil, err
	}
	return tx.GetLaneHold(ctx, lot, lane)
}

// reportedLane returns a lane of a lot that its cameras reported, or
// that a device is registered to: a camera just installed names its lane
// before it reads its first car, and its barrier answers commands.
// Errors: ENotFound (the lot; the lane, with field "lane").
func reportedLane(ctx context.Context, tx park.Tx, lot, lane string) (*park.Lane, error) {
	if _, err := tx.GetLotSettings(ctx, lot); err != nil {
		return nil, err
	}
	ln, err := tx.GetLane(ctx, lot, lane)
	if !park.IsCode(err, park.ENotFound) {
		return ln, err
	}
	ds, err := tx.ListDevices(ctx, lot)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.Lane == lane {
			return &park.Lane{LotCode: lot, ID: lane, Direction: d.Direction, CreatedAt: d.CreatedAt}, nil
		}
	}
	return nil, &park.Error{Code: park.ENotFound, Field: "lane", Message: fmt.Sprintf(
		"lot %s has no lane %q (lanes are named by their cameras' reads and by the devices registered to them)", lot, lane)}
}

// LaneHold returns a lane's hold, or nil when the lane works as usual.
// Errors: ENotFound (lot; lane, with field "lane").
func (s *Service) LaneHold(ctx context.Context, lot, lane string) (*park.LaneHold, error) {
	var out *park.LaneHold
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		out, err = s.laneHold(ctx, tx, lot, lane)
		return err
	})
	return out, err
}

// RestoreLaneHolds sends hold_open again to every lane held open in the
// database, for a node whose devices may have restarted with their
// barriers down (the hold outlives them). Each resend is logged as a
// command by "parkd"; a device that does not answer is logged as not
// delivered and the hold stays. It returns how many holds it resent.
func (s *Service) RestoreLaneHolds(ctx context.Context) (int, error) {
	var holds []*park.LaneHold
	if err := s.base.View(ctx, func(tx park.Tx) (err error) { holds, err = tx.ListLaneHolds(ctx); return }); err != nil {
		return 0, err
	}
	for _, h := range holds {
		c, sendErr := s.sendGate(ctx, h.LotCode, h.Lane, park.GateHoldOpen, RestoreBy,
			"lane held open since "+h.Since.Format(time.RFC3339)+"; sent again at start")
		if sendErr != nil {
			s.base.Log.Warn("lane held open, but its barrier did not answer at start", "lot", h.LotCode, "lane", h.Lane, "err", sendErr)
		}
		if err := s.base.Update(ctx, func(tx park.Tx) error { return s.recordCommand(ctx, tx, c, nil) }); err != nil {
			return 0, err
		}
	}
	return len(holds), nil
}

// sendGate asks the lane's device, within BarrierTimeout, and returns the
// command's record (delivered or not, not yet stored) and the device's
// error.
func (s *Service) sendGate(ctx context.Context, lot, lane, command, by, reason string) (*park.GateCommand, error) {
	dctx, cancel := context.WithTimeout(ctx, BarrierTimeout)
	sendErr := s.barriers.Send(dctx, lot, lane, command)
	cancel()
	c := &park.GateCommand{ID: core.NewID(), LotCode: lot, Lane: lane, Command: command, By: by, Reason: reason,
		At: s.base.Clock(), Result: park.GateDelivered}
	if sendErr != nil {
		c.Result, c.Detail = park.GateUndelivered, sendErr.Error()
		if !errors.Is(sendErr, park.ErrUnreachable) {
			s.base.Log.Error("gate device failed", "lot", lot, "lane", lane, "command", command, "err", sendErr)
		}
	}
	return c, sendErr
}

// recordCommand logs a barrier command and tells partners what it says
// of the lane (reportCommand), with the car it let out, if any.
func (s *Service) recordCommand(ctx context.Context, tx park.Tx, c *park.GateCommand, let *letOut) error {
	var prev *park.GateCommand
	last, err := tx.ListGateCommands(ctx, c.LotCode, c.Lane, 1)
	if err != nil {
		return err
	}
	if len(last) > 0 {
		prev = last[0]
	}
	if err := tx.InsertGateCommand(ctx, c); err != nil {
		return err
	}
	return s.reportCommand(ctx, tx, c, prev, let)
}

// heldCarWaits is how long a held car is taken to be still at its lane:
// an open finds it among the lot's events received since, so the walk
// back through a busy lot's events stops there, however long the lane
// has been idle.
const heldCarWaits = time.Hour

// letOut is a car that an open command let out (letHeldCarOut): its
// closed stay, what it left unpaid, and its exit as reported.
type letOut struct {
	stayID string
	unpaid int64
	event  *park.Event
}

// letHeldCarOut lets out the car held at an exit lane whose barrier an
// open command lifted: the lane's latest event by the time its car passed
// (the car at it; an offline record replayed since goes at its own time)
// is an exit held with a stay still inside. That stay closes at the command's time
// through the lane, as a car that passed a barrier the rules kept down
// does (passedAnyway): priced, what it owed left unpaid, anomaly
// let_out; the lot counts it gone and partners hear of its exit and
// order, by whom and why. An entry lane, a lane whose latest event is not
// such a hold (a car passed since, a missed entry with no stay), or a
// stay no longer inside: nil, nothing changes. So is a hold older than
// heldCarWaits.
func (s *Service) letHeldCarOut(ctx context.Context, tx park.Tx, c *park.GateCommand, noted *[]*park.Anomaly) (*letOut, error) {
	ln, err := reportedLane(ctx, tx, c.LotCode, c.Lane)
	if err != nil || ln.Direction != park.DirectionOut {
		return nil, err
	}
	ev, err := tx.LatestLaneEvent(ctx, c.LotCode, c.Lane, s.base.Clock().Add(-heldCarWaits))
	if park.IsCode(err, park.ENotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if ev.Type != park.EventExit || ev.Decision.Decision != park.DecisionHold || ev.Decision.StayID == "" {
		return nil, nil
	}
	st, err := tx.GetStay(ctx, ev.Decision.StayID)
	if err != nil || st.State != park.StayIn {
		return nil, err
	}
	l, err := tx.GetLotSettings(ctx, c.LotCode)
	if err != nil {
		return nil, err
	}
	p, err := plate.Normalize(ev.Plate)
	if err != nil { // a stored plate is one; keep its text all the same
		p = plate.Plate{Text: ev.Plate}
	}
	now := s.base.Clock()
	in := &EventInput{LotCode: c.LotCode, ID: ev.ID, Type: park.EventExit, Plate: ev.Plate, Lane: c.Lane, At: c.At,
		ImageURL: ev.ImageURL, PlateColor: ev.PlateColor, VehicleClass: ev.VehicleClass}
	dec, err := s.passedAnyway(ctx, tx, l, in, p, now, ev.Decision, noted, park.ReasonLetOut, park.AnomalyLetOut,
		fmt.Sprintf("lane %s opened by %s", c.Lane, c.By))
	if err != nil {
		return nil, err
	}
	left := &park.Event{ID: ev.ID, LotCode: c.LotCode, Type: park.EventExit, Plate: ev.Plate, Lane: c.Lane, At: c.At,
		ImageURL: ev.ImageURL, PlateColor: ev.PlateColor, VehicleClass: ev.VehicleClass, Decision: dec, ReceivedAt: now}
	if err := s.reportLeft(ctx, tx, l, st.ID, left, c.By, c.Reason); err != nil {
		return nil, err
	}
	if l.Occupied != 0 {
		if err := tx.AddOccupied(ctx, l.Code, l.Occupied); err != nil {
			return nil, err
		}
	}
	return &letOut{stayID: st.ID, unpaid: dec.AmountDue, event: left}, nil
}

// RestoreBy is who a command resent by RestoreLaneHolds is logged as.
const RestoreBy = "parkd"

// Gate log page sizes.
const (
	DefaultGateLog = 50
	MaxGateLog     = 500
)

// GateLog returns a lot's barrier commands, newest first: of one lane, or
// of every lane when lane is "". limit 0 means DefaultGateLog.
// Errors: EInvalid (limit), ENotFound (lot; lane, with field "lane").
func (s *Service) GateLog(ctx context.Context, lot, lane string, limit int) ([]*park.GateCommand, error) {
	if limit == 0 {
		limit = DefaultGateLog
	}
	if limit < 1 || limit > MaxGateLog {
		return nil, core.LimitRange(MaxGateLog)
	}
	var out []*park.GateCommand
	err := s.base.View(ctx, func(tx park.Tx) error {
		if lane != "" {
			if _, err := s.laneHold(ctx, tx, lot, lane); err != nil {
				return err
			}
		} else if _, err := tx.GetLotSettings(ctx, lot); err != nil {
			return err
		}
		var err error
		out, err = tx.ListGateCommands(ctx, lot, lane, limit)
		return err
	})
	return out, err
}

// throughHeldLane applies a lane's hold to a decision that would keep the
// barrier down: the barrier is up, so the car passes (passedAnyway). A
// lane not held leaves the decision as it is.
func (s *Service) throughHeldLane(ctx context.Context, tx park.Tx, l *park.Lot, in *EventInput, p plate.Plate, now time.Time, dec park.Decision, noted *[]*park.Anomaly) (park.Decision, error) {
	hold, err := tx.GetLaneHold(ctx, l.Code, in.Lane)
	if err != nil || hold == nil {
		return dec, err
	}
	return s.passedAnyway(ctx, tx, l, in, p, now, dec, noted, park.ReasonHeldOpen, park.AnomalyHeldOpen,
		fmt.Sprintf("lane %s held open", in.Lane))
}

// passedAnyway records a car that passed a barrier the rules would have
// kept down (how: "lane in-1 held open", ...), rather than losing what
// happened. An entry gets its stay (counted inside); an exit closes the
// car's stay at the time it passed, what was due left unpaid; both leave
// an anomaly of kind for the operator, and the decision is open with
// reason.
func (s *Service) passedAnyway(ctx context.Context, tx park.Tx, l *park.Lot, in *EventInput, p plate.Plate, now time.Time, dec park.Decision, noted *[]*park.Anomaly, reason, kind, how string) (park.Decision, error) {
	var detail string
	switch {
	case in.Type == park.EventEntry:
		st, err := s.admit(ctx, tx, l, in, p, now, "", "")
		if err != nil {
			return dec, err
		}
		dec.StayID, dec.Locator = st.ID, st.Locator
		detail = fmt.Sprintf("entered through %s; the rules said %s", how, dec.Reason)
	case dec.StayID != "":
		st, err := tx.GetStay(ctx, dec.StayID)
		if err != nil {
			return dec, err
		}
		due, err := s.leaveUnpaid(ctx, tx, l, st, in.At, in.Lane, kind, now)
		if err != nil {
			return dec, err
		}
		dec.AmountDue = due // what it owed when it passed, which it left unpaid
		detail = fmt.Sprintf("left through %s; the rules said %s; %d left unpaid", how, dec.Reason, dec.AmountDue)
	}
	if detail != "" { // a missed entry's anomaly is already recorded
		if err := s.anomaly(ctx, tx, noted, l.Code, kind, p.Text, dec.StayID, in.ID, in.At, detail); err != nil {
			return dec, err
		}
	}
	dec.Decision, dec.Reason = park.DecisionOpen, reason
	return dec, nil
}

// leaveUnpaid closes a stay whose car passed the exit at at (never before
// its entry) without paying: priced, what was due left unpaid, marked
// anomaly, the coupons its price deducted used. It returns what was left
// unpaid.
func (s *Service) leaveUnpaid(ctx context.Context, tx park.Tx, l *park.Lot, st *park.Stay, at time.Time, lane, anomaly string, now time.Time) (int64, error) {
	if at.Before(st.EntryAt) {
		at = st.EntryAt
	}
	pr, err := s.billing.PriceStay(ctx, tx, l, st, at)
	if err != nil {
		return 0, err
	}
	st.Total, st.Discount = pr.Cost(), pr.Discount
	if err := s.closeStay(ctx, tx, l, st, at, lane, anomaly, &pr, now); err != nil {
		return 0, err
	}
	// The coupons that lowered what it left unpaid were used by this stay:
	// they are not offered again to the car's next one.
	return pr.Due, billing.UseCoupons(ctx, tx, st, pr.Lines(), "", now)
}
