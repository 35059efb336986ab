package charging

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"parkd/internal/park"
)

// Command is a command to a charger: an operator's, or a session's start
// or stop. It is what a node that does not hold the charger's connection
// queues for the node that does (see relay.go), so it is kept as JSON.
type Command struct {
	// Kind is "reset", "unlock", "availability" or "trigger" (an
	// operator's), or "start" or "stop" (a session's).
	Kind      string `json:"kind"`
	Connector int    `json:"connector,omitempty"`
	// Type is the reset's "soft" or "hard", the availability's "operative"
	// or "inoperative", or the message a trigger asks for
	// ("BootNotification", "Heartbeat", "MeterValues",
	// "StatusNotification", "DiagnosticsStatusNotification",
	// "FirmwareStatusNotification").
	Type string `json:"type,omitempty"`
	// IDTag is a start's id tag; TransactionID a stop's transaction.
	IDTag         string `json:"id_tag,omitempty"`
	TransactionID int64  `json:"transaction_id,omitempty"`
}

// Kinds of a session's commands.
const (
	CommandStart = "start"
	CommandStop  = "stop"
)

// Triggerable are the messages a trigger may ask for.
var Triggerable = []string{"BootNotification", "DiagnosticsStatusNotification", "FirmwareStatusNotification",
	"Heartbeat", "MeterValues", "StatusNotification"}

// Commander is the part of Remote that carries operator commands. It
// returns the charger's status answer; an error is a charger that is
// offline or did not answer (errors.Is ErrOffline, ErrTimeout).
type Commander interface {
	Command(ctx context.Context, chargerID string, cmd Command) (string, error)
}

// Errors a Remote returns for a charger that is not connected, or that
// did not answer in time.
var (
	ErrOffline = errors.New("charger not connected")
	ErrTimeout = errors.New("charger did not answer in time")
)

// SendCommand sends a command to a charger and records the result on it
// (EInvalid, ENotFound, EConflict for a retired charger). A charger that
// is offline or does not answer is a result, not an error.
func (s *Service) SendCommand(ctx context.Context, id string, cmd Command) (*park.CommandResult, error) {
	c, err := s.Charger(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Retired != nil {
		return nil, park.Errorf(park.EConflict, "charger %q is retired", id)
	}
	action := ""
	switch cmd.Kind {
	case "reset":
		action = "Reset"
		if cmd.Type != "soft" && cmd.Type != "hard" {
			return nil, park.Invalid("type", "a reset is soft or hard, not %q", cmd.Type).Because(park.ReasonUnknown)
		}
	case "unlock":
		action = "UnlockConnector"
		if cmd.Connector < 1 {
			return nil, park.Invalid("connector", "unlock needs a connector from 1 to %d", c.Connectors).Because(park.ReasonRange, "1", strconv.FormatInt(int64(c.Connectors), 10))
		}
	case "availability":
		action = "ChangeAvailability"
		if cmd.Type != park.ChargerOperative && cmd.Type != park.ChargerInoperative {
			return nil, park.Invalid("type", "availability is operative or inoperative, not %q", cmd.Type).Because(park.ReasonUnknown)
		}
	case "trigger":
		action = "TriggerMessage"
		if !slices.Contains(Triggerable, cmd.Type) {
			return nil, park.Invalid("type", "%q is not a message a charger can be asked for", cmd.Type).Because(park.ReasonUnknown)
		}
	default:
		return nil, park.Invalid("command", "must be reset, unlock, availability or trigger, not %q", cmd.Kind).Because(park.ReasonUnknown)
	}
	if cmd.Connector < 0 || cmd.Connector > c.Connectors {
		return nil, park.Invalid("connector", "charger %q has connectors 1 to %d (0: the whole charger), not %d", id, c.Connectors, cmd.Connector).
			Because(park.ReasonRange, "0", strconv.Itoa(c.Connectors))
	}
	status, err := "", ErrOffline
	if r, ok := s.remoteOf().(Commander); ok {
		status, err = r.Command(ctx, id, cmd)
	}
	res := s.record(ctx, id, action, cmd.Connector, status, err)
	if cmd.Kind == "availability" && cmd.Connector == 0 && (status == "Accepted" || status == "Scheduled") {
		a := cmd.Type
		if _, err := s.UpdateCharger(ctx, id, ChargerPatch{Availability: &a}); err != nil {
			return res, err
		}
	}
	return res, nil
}

// record keeps a command's result on the charger, the last MaxCommandLog
// of them. Failing to record is logged, never the command's failure.
func (s *Service) record(ctx context.Context, id, action string, connector int, status string, cerr error) *park.CommandResult {
	res := &park.CommandResult{Command: action, Connector: connector, At: s.base.Clock(), Status: status}
	switch {
	case errors.Is(cerr, ErrOffline):
		res.Status = "offline"
	case errors.Is(cerr, ErrTimeout):
		res.Status = "timeout"
	case cerr != nil:
		res.Status, res.Detail = "error", park.CleanText(cerr.Error())
	}
	err := s.base.Update(ctx, func(tx park.Tx) error {
		c, err := tx.GetCharger(ctx, id)
		if err != nil {
			return err
		}
		c.Commands = append(c.Commands, *res)
		if n := len(c.Commands); n > park.MaxCommandLog {
			c.Commands = slices.Clone(c.Commands[n-park.MaxCommandLog:])
		}
		return tx.UpdateCharger(ctx, c)
	})
	if err != nil {
		s.base.Log.Warn("recording a charger command", "charger", id, "command", action, "err", err)
	}
	return res
}
