// Package access holds who may enter and leave a lot for free or on
// prior rights: monthly passes (whole-day and time-slot) and their plans
// and renewals, the lot's lists (whitelist, deny list, special vehicles,
// hotel guests) and reservations. The gate asks it at every entry and
// exit; billing asks it what a stay's free time is.
package access

import (
	"time"

	"log/slog"

	"parkd/internal/core"
	"parkd/internal/park"
)

// Service holds the access use cases. Every public method runs in one
// store transaction.
type Service struct {
	base core.Base
}

// Config wires a Service.
type Config struct {
	Store park.Store
	Now   park.Clock
	Log   *slog.Logger
}

// New returns the access subsystem over a store.
func New(c Config) *Service {
	base := core.NewBase(c.Store, c.Now, c.Log)
	base.Store = laneStore{c.Store, base.Clock}
	return &Service{base: base}
}

// Now is the subsystem's clock (UTC, park.Precision).
func (s *Service) Now() time.Time { return s.base.Clock() }
