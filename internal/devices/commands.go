package devices

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"parkd/internal/core"
	"parkd/internal/gate"
	"parkd/internal/park"
)

// Command is something a device is asked to do when it next asks
// (a heartbeat's reply carries it).
type Command struct {
	Name   string // park.GateOpen, ...
	Screen Screen // what the lane shows with it
	Reason string
}

// A device reached only through its heartbeats' replies may send them to
// any node of a deployment, not the one asked for the command: commands
// wait in the database (park.DeviceCommand), a heartbeat on any node takes
// its device's oldest one (one node wins it), and the node that queued it
// looks until it is taken or its limit passes.

// Command queue timings and bounds.
const (
	// commandPoll is how often the queuing node looks whether a heartbeat
	// on another node took its command.
	commandPoll = 25 * time.Millisecond
	// withdrawTimeout bounds withdrawing a command whose limit passed.
	withdrawTimeout = time.Second
	// maxQueued bounds the commands a heartbeat reads for one device.
	maxQueued = 16
	// commandKeep is how long taken and withdrawn commands are kept for
	// a person to look at; commandDropEvery is how often a node drops
	// older ones.
	commandKeep      = 24 * time.Hour
	commandDropEvery = time.Hour
)

// commandPayload is what a queued command carries besides its name.
type commandPayload struct {
	Lines  []string `json:"lines,omitempty"`
	Voice  string   `json:"voice,omitempty"`
	Reason string   `json:"reason,omitempty"`
}

func (s *Service) noteSeen(serial string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]time.Time{}
	}
	s.seen[serial] = s.base.Clock()
}

// Heard records that a device is alive, for a message that is neither a
// read nor asks for commands (a camera's other events). Errors as
// Heartbeat's.
func (s *Service) Heard(ctx context.Context, serial, protocol, source string) error {
	dctx, cancel := context.WithTimeout(ctx, s.deadline)
	defer cancel()
	_, err := s.heard(dctx, serial, protocol, source)
	return err
}

// heard finds the device a message came from and notes it seen. Errors:
// ENotFound (not registered for the protocol), EUnavailable.
func (s *Service) heard(ctx context.Context, serial, protocol, source string) (*park.Device, error) {
	d, err := s.deviceFor(ctx, serial, protocol, source)
	if err != nil {
		if park.IsCode(err, park.ENotFound) {
			return nil, err
		}
		return nil, park.Errorf(park.EUnavailable, "the device registry did not answer in time: %v", err)
	}
	s.noteSeen(d.Serial)
	return d, nil
}

// Heartbeat records that a device is alive and returns the oldest command
// waiting for it, if any (a reply carries one; each is returned once,
// by one node). It answers within the reply deadline, as a read does: the
// device is noted seen in memory and the sweep writes it (Sweep); a
// command that cannot be taken in time is left for the next heartbeat.
// Errors: ENotFound when the serial is not registered for the protocol
// (refused and logged); EUnavailable when the registry did not answer in
// time.
func (s *Service) Heartbeat(ctx context.Context, serial, protocol, source string) ([]Command, error) {
	dctx, cancel := context.WithTimeout(ctx, s.deadline)
	defer cancel()
	d, err := s.heard(dctx, serial, protocol, source)
	if err != nil {
		return nil, err
	}
	c, err := s.take(dctx, d.Serial)
	if err != nil {
		// Answered as when nothing waits: the device asks again soon.
		s.base.Log.Warn("heartbeat answered without its commands", "serial", d.Serial, "err", err)
		return nil, nil
	}
	if c == nil {
		return nil, nil
	}
	return []Command{*c}, nil
}

// take claims the device's oldest command not yet taken nor expired.
// It reads first, so a heartbeat with nothing waiting writes nothing.
func (s *Service) take(ctx context.Context, serial string) (*Command, error) {
	var q []*park.DeviceCommand
	now := s.base.Clock()
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		q, err = tx.PendingDeviceCommands(ctx, serial, now, maxQueued)
		return
	})
	if err != nil {
		return nil, err
	}
	for _, row := range q {
		var took bool
		at := s.base.Clock().UTC().Truncate(park.Precision)
		err := s.base.Write(ctx, func(tx park.Tx) (err error) {
			took, err = tx.TakeDeviceCommand(ctx, row.ID, at)
			return
		})
		if err != nil {
			// The commit may have landed with its answer lost (a deadline
			// passed, a connection dropped): then the command is this
			// heartbeat's, and the node that queued it counts it carried.
			if took = s.tookAt(ctx, row.ID, at); !took {
				return nil, err
			}
		}
		if !took {
			continue // another node's heartbeat took it, or its limit passed
		}
		var p commandPayload
		if err := json.Unmarshal(row.Payload, &p); err != nil {
			// Carried out without its screen: the barrier matters more.
			s.base.Log.Error("device command payload", "serial", serial, "command", row.ID, "err", err)
		}
		s.wake(row.ID)
		return &Command{Name: row.Command, Screen: Screen{Lines: p.Lines, Voice: p.Voice}, Reason: p.Reason}, nil
	}
	return nil, nil
}

// tookAt says whether command id is marked taken at at, by this take.
func (s *Service) tookAt(ctx context.Context, id string, at time.Time) bool {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), withdrawTimeout)
	defer cancel()
	var c *park.DeviceCommand
	err := s.base.View(rctx, func(tx park.Tx) (err error) { c, err = tx.GetDeviceCommand(rctx, id); return })
	return err == nil && c.Status == park.DeviceCommandTaken && c.UpdatedAt.Equal(at)
}

// wake tells a Send on this node that its command was taken, so it
// returns without waiting for its next look.
func (s *Service) wake(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, ok := s.waiting[id]; ok {
		close(ch)
		delete(s.waiting, id)
	}
}

// queue writes c for the device and waits until a heartbeat, on any node,
// takes it: nil. Not taken within its limit (ctx's deadline, at most
// gate.BarrierTimeout), it is withdrawn and never carried out: an error
// wrapping park.ErrUnreachable.
func (s *Service) queue(ctx context.Context, serial string, c Command) error {
	limit := gate.BarrierTimeout
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < limit {
		limit = time.Until(dl)
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	payload, err := json.Marshal(commandPayload{Lines: c.Screen.Lines, Voice: c.Screen.Voice, Reason: c.Reason})
	if err != nil {
		return err
	}
	now := s.base.Clock()
	row := &park.DeviceCommand{ID: core.NewID(), Serial: serial, Command: c.Name, Payload: payload,
		Status: park.DeviceCommandQueued, ExpiresAt: now.Add(limit), CreatedAt: now, UpdatedAt: now}
	taken := make(chan struct{})
	s.mu.Lock()
	s.waiting[row.ID] = taken
	s.mu.Unlock()
	defer s.wake(row.ID) // forgets it
	if err := s.base.Write(ctx, func(tx park.Tx) error { return tx.InsertDeviceCommand(ctx, row) }); err != nil {
		// It may have been written all the same: withdraw it.
		if s.withdraw(ctx, row.ID) {
			return nil
		}
		return fmt.Errorf("%w: device %s: the command could not be queued: %v", park.ErrUnreachable, serial, err)
	}
	t := time.NewTicker(commandPoll)
	defer t.Stop()
	for ctx.Err() == nil {
		select {
		case <-taken:
			return nil
		case <-ctx.Done():
			continue
		case <-t.C:
		}
		var got *park.DeviceCommand
		err := s.base.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetDeviceCommand(ctx, row.ID); return })
		if err == nil && got.Status == park.DeviceCommandTaken {
			return nil
		} // a failed look is tried again at the next tick, within the limit
	}
	if s.withdraw(ctx, row.ID) {
		return nil
	}
	return fmt.Errorf("%w: device %s did not ask for its commands in time (it asks with each heartbeat)", park.ErrUnreachable, serial)
}

// withdraw marks a command whose limit passed (ctx ended) withdrawn, and
// reports whether a heartbeat took it first. A withdrawal that fails
// leaves the command to its expiry, which no heartbeat takes it after.
func (s *Service) withdraw(ctx context.Context, id string) (taken bool) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), withdrawTimeout)
	defer cancel()
	var got *park.DeviceCommand
	err := s.base.Write(wctx, func(tx park.Tx) error {
		withdrawn, err := tx.WithdrawDeviceCommand(wctx, id, s.base.Clock())
		if err != nil || withdrawn {
			return err
		}
		got, err = tx.GetDeviceCommand(wctx, id)
		return err
	})
	if err != nil && !park.IsCode(err, park.ENotFound) {
		s.base.Log.Warn("withdrawing a device command", "command", id, "err", err)
	}
	return got != nil && got.Status == park.DeviceCommandTaken
}

// dropCommands removes commands taken or withdrawn more than commandKeep
// ago, at most once every commandDropEvery on this node.
func (s *Service) dropCommands(ctx context.Context) error {
	now := s.base.Clock()
	s.mu.Lock()
	due := now.Sub(s.commandsDropped) >= commandDropEvery
	if due {
		s.commandsDropped = now
	}
	s.mu.Unlock()
	if !due {
		return nil
	}
	return s.base.Write(ctx, func(tx park.Tx) error {
		_, err := tx.DeleteDeviceCommands(ctx, now.Add(-commandKeep))
		return err
	})
}

// Comet is the barrier transport of devices reached only through the
// replies to their heartbeats: a command waits in the shared queue and is
// delivered when a heartbeat, on any node, takes it. Such a reply can
// only open.
func (s *Service) Comet() Transport { return comet{s} }

type comet struct{ s *Service }

type screenKey struct{}

// withScreen gives a command sent through the lane's barriers the screen
// of the decision it carries out: a heartbeat reply shows it with the
// lift (other transports move only the barrier).
func withScreen(ctx context.Context, sc Screen) context.Context {
	return context.WithValue(ctx, screenKey{}, sc)
}

func (c comet) Send(ctx context.Context, d *park.Device, command string) error {
	if command != park.GateOpen {
		return fmt.Errorf("%w: device %s can only be told to open, not %s", park.ErrUnreachable, d.Serial, command)
	}
	sc, _ := ctx.Value(screenKey{}).(Screen)
	return c.s.queue(ctx, d.Serial, Command{Name: command, Screen: sc, Reason: "barrier command"})
}
