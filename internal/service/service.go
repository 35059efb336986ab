// Package service holds parkd's use cases. It owns transaction boundaries:
// every public method runs in one store transaction, so the native API and
// every partner dialect get the same rules by calling the same methods.
package service

import (
	"crypto/rand"
	"encoding/binary"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"parkd/internal/device"
	"parkd/internal/metrics"
	"parkd/internal/park"
)

// Service is parkd's core.
type Service struct {
	store   park.Store
	now     park.Clock
	log     *slog.Logger
	metrics *metrics.Metrics
	gates   device.Gates
	tariffs sync.Map // lot code -> *compiledTariff
	lanes   sync.Map // laneKey -> struct{}: lanes known to exist (never deleted)
	auth    sync.Map // authKey -> *authEntry: recently checked partner tokens
	signers sync.Map // partner id -> *signerEntry: recently read signing partners
	inside  sync.Map // lot code -> *insideIndex: plates inside, for fuzzy search (fuzzy.go)
}

// Config wires a Service.
type Config struct {
	Store   park.Store
	Now     park.Clock // default time.Now
	Log     *slog.Logger
	Metrics *metrics.Metrics
	Gates   device.Gates // the lanes' barriers; default in memory (device.NewMemory)
}

// New returns a Service over a store.
func New(c Config) *Service {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Metrics == nil {
		c.Metrics = metrics.New()
	}
	if c.Gates == nil {
		c.Gates = device.NewMemory()
	}
	return &Service{store: c.Store, now: c.Now, log: c.Log, metrics: c.Metrics, gates: c.Gates}
}

// Store returns the underlying store (for health checks).
func (s *Service) Store() park.Store { return s.store }

// clock returns the current time at store precision, in UTC.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(park.Precision) }

// newID returns a time-ordered id (UUIDv7): index-friendly for rows that
// are inserted in time order.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// newSecretID returns an unguessable id (UUIDv4, 122 random bits) for
// things a caller may hold as a bearer reference, such as quotes.
func newSecretID() string { return uuid.Must(uuid.NewRandom()).String() }

// newLocator returns a random 10-digit ticket number without a leading zero.
func newLocator() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	n := 1_000_000_000 + binary.BigEndian.Uint64(b[:])%9_000_000_000
	return formatUint(n)
}

func formatUint(n uint64) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(buf[i:])
}
