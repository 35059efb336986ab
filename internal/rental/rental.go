// Package rental is parkd's car-rental subsystem: the catalogue (stores in
// parkd's lots, vehicle models, each store's terms for a model, the
// fleet), the sales channels it is pushed to, and rentals. Every change
// to the catalogue is written, in its own transaction, as a report for
// each channel that sells the store (deliveries sends it, in order per
// store, retried). See docs/rental.md.
package rental

import (
	"context"
	"log/slog"

	"parkd/internal/core"
	"parkd/internal/park"
)

// Service is the rental subsystem.
type Service struct {
	base    core.Base
	dialect string
	urls    URLChecker
}

// URLChecker checks a receiver's URL the way deliveries do before they
// send to it (EInvalid, field url).
type URLChecker interface {
	CheckURL(ctx context.Context, raw string) error
}

// Config wires a Service.
type Config struct {
	Store park.Store
	Now   park.Clock
	Log   *slog.Logger
	// ChannelDialect is the dialect whose partners sales channels are
	// (app names it; the core knows no vendor).
	ChannelDialect string
	// URLs checks a channel's gateway as a subscription's URL is
	// checked, since its pushes are deliveries (nil: no check).
	URLs URLChecker
}

// New returns the rental subsystem.
func New(c Config) *Service {
	return &Service{base: core.NewBase(c.Store, c.Now, c.Log), dialect: c.ChannelDialect, urls: c.URLs}
}

// read runs fn on a read snapshot.
func read[T any](ctx context.Context, s *Service, fn func(park.Tx) (T, error)) (T, error) {
	var out T
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		out, err = fn(tx)
		return err
	})
	return out, err
}
