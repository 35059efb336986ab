package devices

import (
	"context"
	"fmt"
	"time"

	"parkd/internal/park"
)

// Command is something a device is asked to do when it next asks
// (a heartbeat's reply carries it).
type Command struct {
	Name   string // park.GateOpen, ...
	Screen Screen // what the lane shows with it
	Reason string
	taken  chan struct{} // closed when a heartbeat takes it (nil: nobody waits)
}

// maxQueued bounds the commands waiting for one device.
const maxQueued = 16

func (s *Service) queue(serial string, c Command) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.commands[serial]
	if len(q) >= maxQueued {
		q = q[1:]
	}
	s.commands[serial] = append(q, c)
}

func (s *Service) noteSeen(serial string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]time.Time{}
	}
	s.seen[serial] = s.base.Clock()
}

// Heartbeat records that a device is alive and returns the oldest command
// waiting for it, if any (a reply carries one; each is returned once).
// It answers within the reply deadline, as a read does: the device is
// noted seen in memory and the sweep writes it (Sweep).
// Errors: ENotFound when the serial is not registered for the protocol
// (refused and logged); EUnavailable when the registry did not answer in
// time.
func (s *Service) Heartbeat(ctx context.Context, serial, protocol, source string) ([]Command, error) {
	dctx, cancel := context.WithTimeout(ctx, s.deadline)
	defer cancel()
	d, err := s.deviceFor(dctx, serial, protocol, source)
	if err != nil {
		if park.IsCode(err, park.ENotFound) {
			return nil, err
		}
		return nil, park.Errorf(park.EUnavailable, "the device registry did not answer in time: %v", err)
	}
	s.noteSeen(d.Serial)
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.commands[serial]
	if len(q) == 0 {
		return nil, nil
	}
	c := q[0]
	if len(q) == 1 {
		delete(s.commands, serial)
	} else {
		s.commands[serial] = q[1:]
	}
	if c.taken != nil {
		close(c.taken)
	}
	return []Command{c}, nil
}

// Comet is the barrier transport of devices reached only through the
// replies to their heartbeats: a command waits in the device's queue and
// is delivered when a heartbeat takes it. Such a reply can only open.
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
	taken := make(chan struct{})
	sc, _ := ctx.Value(screenKey{}).(Screen)
	c.s.queue(d.Serial, Command{Name: command, Screen: sc, Reason: "barrier command", taken: taken})
	select {
	case <-taken:
		return nil
	case <-ctx.Done():
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	select {
	case <-taken: // taken just as time ran out
		return nil
	default:
	}
	q := c.s.commands[d.Serial]
	for i, x := range q {
		if x.taken == taken {
			c.s.commands[d.Serial] = append(q[:i:i], q[i+1:]...)
			break
		}
	}
	return fmt.Errorf("%w: device %s did not ask for its commands in time (it asks with each heartbeat)", park.ErrUnreachable, d.Serial)
}
