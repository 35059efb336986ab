package device

import (
	"context"
	"fmt"
	"sync"

	"parkd/internal/park"
)

// Memory is an in-memory set of barriers: it acknowledges every command at
// once, remembers each lane's barrier position and every command it
// received. `parkd serve` uses it until a real transport is configured;
// tests use it to see what reached a lane, and SetReachable to simulate a
// controller that is switched off.
type Memory struct {
	mu    sync.Mutex
	state map[laneKey]Barrier
	down  map[laneKey]bool
	sent  []Sent
}

type laneKey struct{ lot, lane string }

// Barrier is a lane's barrier as the in-memory device holds it.
type Barrier struct {
	Up       bool // raised (by Open, until Close, or held)
	HeldOpen bool // kept up until Release
}

// Sent is one command the device acknowledged.
type Sent struct {
	Lot, Lane, Command string
}

// NewMemory returns barriers that are all down and reachable.
func NewMemory() *Memory {
	return &Memory{state: map[laneKey]Barrier{}, down: map[laneKey]bool{}}
}

// Send acknowledges and applies the command, unless the lane is set
// unreachable or ctx has already ended.
func (m *Memory) Send(ctx context.Context, lot, lane, command string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: lane %s of lot %s: %v", ErrUnreachable, lane, lot, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := laneKey{lot, lane}
	if m.down[k] {
		return fmt.Errorf("%w: lane %s of lot %s does not answer", ErrUnreachable, lane, lot)
	}
	b := m.state[k]
	switch command {
	case park.GateOpen:
		b.Up = true
	case park.GateClose:
		b.Up, b.HeldOpen = false, false
	case park.GateHoldOpen:
		b.Up, b.HeldOpen = true, true
	case park.GateRelease:
		b.Up, b.HeldOpen = false, false
	default:
		return fmt.Errorf("device: unknown command %q", command)
	}
	m.state[k] = b
	m.sent = append(m.sent, Sent{Lot: lot, Lane: lane, Command: command})
	return nil
}

// Barrier returns a lane's barrier (down for a lane never commanded).
func (m *Memory) Barrier(lot, lane string) Barrier {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state[laneKey{lot, lane}]
}

// Sent returns the acknowledged commands, oldest first.
func (m *Memory) Sent() []Sent {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Sent(nil), m.sent...)
}

// SetReachable switches a lane's device on or off: while off, Send fails
// with ErrUnreachable and changes nothing.
func (m *Memory) SetReachable(lot, lane string, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.down[laneKey{lot, lane}] = !ok
}
