// Package charging runs EV and e-bike charging: chargers (charge points
// and their connectors), price standards, and charge sessions from the
// order to the bill. It speaks no charger protocol and no partner's API:
// internal/ocpp calls its use cases for what chargers say, and reaches
// chargers through the Remote it is given; dialects call the same use
// cases partners ask for.
package charging

import (
	"context"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// Remote reaches a connected charger (the OCPP central system). Each call
// returns the charger's answer ("Accepted", "Rejected") once it answered,
// or an error when it is not connected (ErrOffline) or did not answer in
// time (ErrTimeout).
type Remote interface {
	// RemoteStart asks a charger to start charging connector for idTag.
	RemoteStart(ctx context.Context, chargerID string, connector int, idTag string) (string, error)
	// RemoteStop asks a charger to stop a transaction.
	RemoteStop(ctx context.Context, chargerID string, transactionID int64) (string, error)
}

// Config wires a Service.
type Config struct {
	Store park.Store
	Now   park.Clock
	Log   *slog.Logger
}

// Service holds the charging use cases.
type Service struct {
	base   core.Base
	remote atomic.Pointer[remoteBox]
	beats  heartbeats
	stops  stopCalls
}

type remoteBox struct{ r Remote }

// A FollowUp is what parkd does once a charger has the answer to its
// message.
type FollowUp func(context.Context)

// Do runs f, if there is one.
func (f FollowUp) Do(ctx context.Context) {
	if f != nil {
		f(ctx)
	}
}

// New returns the charging subsystem.
func New(c Config) *Service {
	return &Service{base: core.NewBase(c.Store, c.Now, c.Log), stops: newStopCalls()}
}

// SetRemote gives the service its way to chargers; until then sessions
// asked for stay pending until a charger starts them itself.
func (s *Service) SetRemote(r Remote) { s.remote.Store(&remoteBox{r}) }

func (s *Service) remoteOf() Remote {
	if b := s.remote.Load(); b != nil {
		return b.r
	}
	return nil
}

// Limits on what a caller may ask for.
const (
	MaxConnectors   = 64
	MaxListLimit    = 100
	MaxListOffset   = 100_000 // how far a list of sessions or standards may be paged
	maxTextLen      = 200
	remoteTimeout   = 30 * time.Second
	maxClockSkew    = 15 * time.Minute // a charger timestamp further from parkd's clock is not believed
	maxOfflineDelay = 7 * 24 * time.Hour
)

func text(field, v string, required bool) error {
	switch {
	case required && v == "":
		return park.Invalid(field, "is required").Because(park.ReasonRequired)
	case len(v) > maxTextLen:
		least := "0"
		if required {
			least = "1"
		}
		return park.Invalid(field, "must be at most %d bytes, not %d", maxTextLen, len(v)).Because(park.ReasonLength, least, strconv.Itoa(maxTextLen))
	}
	return park.CheckText(field, v)
}
