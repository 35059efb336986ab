package devices

import (
	"context"
	"time"

	"parkd/internal/park"
)

// Command is something a device is asked to do when it next asks
// (a heartbeat's reply carries it).
type Command struct {
	Name   string // park.GateOpen, ...
	Screen Screen // what the lane shows with it
	Reason string
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

// Heartbeat records that a device is alive and returns the commands
// waiting for it, oldest first (each is returned once). Errors: ENotFound
// when the serial is not registered for the protocol (refused and logged).
func (s *Service) Heartbeat(ctx context.Context, serial, protocol, source string) ([]Command, error) {
	d, err := s.deviceFor(ctx, serial, protocol, source)
	if err != nil {
		return nil, err
	}
	now := s.base.Clock()
	if err := s.base.Update(ctx, func(tx park.Tx) error { return tx.MarkDeviceSeen(ctx, d.Serial, now) }); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.commands[serial]
	delete(s.commands, serial)
	return q, nil
}

// Requeue puts back commands a device was given but not told (its reply
// carries one at a time), ahead of newer ones.
func (s *Service) Requeue(serial string, cs []Command) {
	if len(cs) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := append(append([]Command(nil), cs...), s.commands[serial]...)
	if len(q) > maxQueued {
		q = q[len(q)-maxQueued:]
	}
	s.commands[serial] = q
}
