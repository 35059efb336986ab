// Package spaces holds a lot's numbered spaces and parking guidance:
// spaces and their sensor or camera reports, remaining spaces per zone,
// floor and garage, where a car is parked, and finding a car inside by a
// misread plate.
package spaces

import (
	"log/slog"
	"sync"

	"parkd/internal/core"
	"parkd/internal/park"
)

// Service holds the spaces use cases.
type Service struct {
	base   core.Base
	inside sync.Map // lot code -> *insideIndex: plates inside, for fuzzy search (fuzzy.go)
}

// Config wires a Service.
type Config struct {
	Store park.Store
	Now   park.Clock
	Log   *slog.Logger
}

// New returns the spaces subsystem.
func New(c Config) *Service {
	return &Service{base: core.NewBase(c.Store, c.Now, c.Log)}
}
