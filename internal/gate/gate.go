// Package gate holds what happens at a lot's lanes: lots and their
// settings, camera events and the decision to open or hold the barrier,
// stays, anomalies, barrier commands and held-open lanes, and locks. It
// asks access who may pass and billing what a stay owes.
package gate

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"parkd/internal/billing"
	"parkd/internal/core"
	"parkd/internal/park"
)

// Barriers is how the gate reaches the barrier of a lane, addressed by
// lot code and lane id (the id the lane's camera reports). app wires a
// transport (internal/device).
type Barriers interface {
	// Send delivers one command (park.GateOpen, GateClose, GateHoldOpen or
	// GateRelease) and waits for the device's acknowledgement until ctx
	// ends. It returns nil once the device acknowledged, and an error
	// wrapping park.ErrUnreachable when it did not.
	Send(ctx context.Context, lot, lane, command string) error
}

// BarrierTimeout is how long a command waits for the device's
// acknowledgement when the caller's context sets no earlier deadline. A
// driver at a closed barrier will not wait longer, and neither should a
// partner's request.
const BarrierTimeout = 3 * time.Second

// Sensorless pays a held car's fee through the partner it is enrolled
// with (无感支付); the deliveries subsystem implements it.
type Sensorless interface {
	// Settle asks the partner of enrolment e to pay what stay st owes in
	// lot l, and waits at most the partner's time limit; it reports
	// whether the stay is now paid. eventID is the exit event's.
	Settle(ctx context.Context, l *park.Lot, st *park.Stay, e *park.Enrolment, eventID string) (bool, error)
}

// Metrics counts the gate's decisions (app wires Prometheus).
type Metrics interface {
	GateDecision(eventType, decision, reason string)
}

// Service holds the gate's use cases. Every public method runs in one
// store transaction (a barrier command: one before and one after asking
// the device, which is never asked inside a transaction).
type Service struct {
	base       core.Base
	billing    *billing.Service
	barriers   Barriers
	metrics    Metrics
	sensorless Sensorless
	rentals    Rentals
	currencies []LotCurrencies
	lanes      sync.Map // laneKey -> struct{}: lanes known to exist (never deleted)
}

// Config wires a Service.
type Config struct {
	Store    park.Store
	Now      park.Clock
	Log      *slog.Logger
	Billing  *billing.Service
	Barriers Barriers
	Metrics  Metrics // nil: not counted
}

// SetSensorless wires sensorless payment (system does, once, before use:
// the deliveries subsystem that implements it is built after the gate).
func (s *Service) SetSensorless(x Sensorless) { s.sensorless = x }

// New returns the gate subsystem.
func New(c Config) *Service {
	s := &Service{base: core.NewBase(c.Store, c.Now, c.Log), billing: c.Billing, barriers: c.Barriers, metrics: c.Metrics}
	if s.metrics == nil {
		s.metrics = noMetrics{}
	}
	if s.barriers == nil {
		s.barriers = noBarriers{}
	}
	return s
}

// Now is the subsystem's clock (UTC, park.Precision), for callers that
// record an event "now" with the same clock as the core.
func (s *Service) Now() time.Time { return s.base.Clock() }

// Store returns the underlying store (for health checks).
func (s *Service) Store() park.Store { return s.base.Store }

// Barriers returns the lanes' barrier transport (tests read the in-memory one).
func (s *Service) Barriers() Barriers { return s.barriers }

type noMetrics struct{}

func (noMetrics) GateDecision(string, string, string) {}

// noBarriers answers every command as undelivered: no transport is wired.
type noBarriers struct{}

func (noBarriers) Send(context.Context, string, string, string) error {
	return fmt.Errorf("%w: no barrier transport is configured", park.ErrUnreachable)
}
