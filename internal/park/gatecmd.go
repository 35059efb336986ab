package park

import (
	"context"
	"errors"
	"time"
)

// Barrier commands an operator or partner sends to a lane's device.
const (
	GateOpen     = "open"      // lift once; the barrier falls behind the next car
	GateClose    = "close"     // lower now
	GateHoldOpen = "hold_open" // keep it up until released (道闸常开)
	GateRelease  = "release"   // end a hold: the lane works as usual again
)

// ValidGateCommand reports whether c is one of the commands above.
func ValidGateCommand(c string) bool {
	switch c {
	case GateOpen, GateClose, GateHoldOpen, GateRelease:
		return true
	}
	return false
}

// ErrUnreachable means a lane device did not acknowledge a command: it
// may not have been carried out, so the command is reported undelivered.
var ErrUnreachable = errors.New("device unreachable")

// Results of a gate command.
const (
	GateDelivered   = "delivered"   // the device acknowledged it
	GateUndelivered = "undelivered" // the device did not answer in time
)

// ReasonHeldOpen is the decision reason of a car that passed a lane held
// open although the rules would have held it; AnomalyHeldOpen records it.
const (
	ReasonHeldOpen  = "held_open"
	AnomalyHeldOpen = "held_open"
)

// ReasonOffline is the decision reason of a car whose lane decided
// without parkd (its camera could not reach it) and let it pass although
// the rules would have held it: the camera's stored record reconciles the
// stay, and AnomalyOffline records it.
const (
	ReasonOffline  = "offline"
	AnomalyOffline = "offline_pass"
)

// ReasonLetOut is the decision reason of a car held at an exit lane that
// an operator's or partner's open command let out: its stay closes at the
// open, what it owed left unpaid, and AnomalyLetOut records it.
const (
	ReasonLetOut  = "let_out"
	AnomalyLetOut = "let_out"
)

// GateCommand is one command sent to a lane's barrier, kept so an operator
// can see who opened a barrier, when, and whether the device obeyed.
type GateCommand struct {
	ID      string    `json:"id"`
	LotCode string    `json:"lot_code"`
	Lane    string    `json:"lane"`
	Command string    `json:"command"`
	By      string    `json:"by"` // a partner id, "operator" for the native API
	Reason  string    `json:"reason,omitempty"`
	At      time.Time `json:"at"`
	Result  string    `json:"result"`
	Detail  string    `json:"detail,omitempty"` // why it was not delivered
}

// LaneHold says a lane is held open (since when, by whom); a lane without
// one works as usual.
type LaneHold struct {
	LotCode string
	Lane    string
	By      string
	Since   time.Time
}

// GateTx is the part of Tx for barrier commands and lane holds.
type GateTx interface {
	// InsertGateCommand records a command (ENotFound when the lot does not
	// exist, EConflict when the id exists).
	InsertGateCommand(ctx context.Context, c *GateCommand) error
	// ListGateCommands returns the lot's commands, newest first, of one
	// lane or of all lanes when lane is "", at most limit.
	ListGateCommands(ctx context.Context, lot, lane string, limit int) ([]*GateCommand, error)
	// ListGateCommandsBetween returns one lane's commands dated from from
	// to to, oldest first, at most limit.
	ListGateCommandsBetween(ctx context.Context, lot, lane string, from, to time.Time, limit int) ([]*GateCommand, error)
	// HoldLane marks a lane held open: EConflict when it already is,
	// ENotFound when the lane does not exist.
	HoldLane(ctx context.Context, h *LaneHold) error
	// ReleaseLane ends a hold (ENotFound when the lane is not held).
	ReleaseLane(ctx context.Context, lot, lane string) error
	// GetLaneHold returns the lane's hold, or nil when it is not held.
	GetLaneHold(ctx context.Context, lot, lane string) (*LaneHold, error)
	// ListLaneHolds returns every lane held open, of every lot, by lot
	// and lane.
	ListLaneHolds(ctx context.Context) ([]*LaneHold, error)
}
