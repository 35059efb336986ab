// Package billing holds what a stay costs and how it is paid: the tariff
// of each lot, pricing a stay (with passes, lists and reservations from
// access, and coupons), quotes and payments, coupons, mall member
// benefits, invoicing data, and tariff previews.
package billing

import (
	"log/slog"
	"sync"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// Metrics counts accepted payments (app wires Prometheus).
type Metrics interface {
	Payment(currency, method string, amount int64)
}

// Service holds the billing use cases. Every public method runs in one
// store transaction; a quote is priced and stored in the same one (see
// Pricing).
type Service struct {
	base    core.Base
	metrics Metrics
	tariffs sync.Map // lot code -> *compiledTariff
}

// Config wires a Service.
type Config struct {
	Store   park.Store
	Now     park.Clock
	Log     *slog.Logger
	Metrics Metrics // nil: not counted
}

// New returns the billing subsystem.
func New(c Config) *Service {
	s := &Service{base: core.NewBase(c.Store, c.Now, c.Log), metrics: c.Metrics}
	if s.metrics == nil {
		s.metrics = noMetrics{}
	}
	return s
}

// Now is the subsystem's clock (UTC, park.Precision).
func (s *Service) Now() time.Time { return s.base.Clock() }

type noMetrics struct{}

func (noMetrics) Payment(string, string, int64) {}
