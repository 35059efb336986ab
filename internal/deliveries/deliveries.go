// Package deliveries tells partners what happened: it keeps their
// subscriptions to reports, and its workers deliver each report the core
// wrote (in the transaction of the change that caused it) to every
// subscriber, at least once, in order per stay and per lot, with retries,
// signed and shaped by the subscription's format (parkd's own Standard
// Webhooks, or a partner dialect's). A slow or dead partner never delays
// another, nor the gate. See docs/deliveries.md.
package deliveries

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"sort"
	"sync"
	"time"

	"parkd/internal/billing"
	"parkd/internal/core"
	"parkd/internal/park"
)

// Formatter shapes and signs one attempt of a delivery for a partner, and
// tells whether the partner's answer acknowledges it. Each dialect that
// pushes reports registers one under its name (app wires them);
// FormatNative is this package's.
type Formatter interface {
	// Request builds the HTTP request of attempt a to url.
	Request(ctx context.Context, a *Attempt, url string) (*http.Request, error)
	// Judge reports whether a reply with this status and body means the
	// partner took the report and, when it does not, why, naming the
	// reply the format wants ("" when the status says it all). The reason
	// is kept before the partner's reply (last_reply), for the operator
	// to tell the partner what to answer.
	Judge(status int, body []byte) (ok bool, why string)
}

// Payer is a Formatter whose answer to a sensorless ask must say, beyond
// taking the report, that the partner paid: where receipt is any 2xx, a
// receiver that takes every report would open barriers unpaid. Without
// it, a format's acknowledgement is its payment (a vendor's success reply).
type Payer interface {
	// Paid reports whether the reply says the partner paid and, when it
	// does not, why, as Judge does.
	Paid(status int, body []byte) (ok bool, why string)
}

// ErrUnshapeable marks a Formatter's Request error that is about the
// report itself: its data (kept as it was written) can never be shaped
// in the format, so no attempt can succeed and the delivery is dead at
// once, saying why, rather than retried while the key's later reports
// (the operator's fix among them) wait behind it. Wrap it with %w.
var ErrUnshapeable = errors.New("the report cannot be shaped in this format")

// Refuser is a Formatter that can also tell, of an answer that does not
// acknowledge, that the partner refused the report for good (the data is
// wrong, not the moment): sent again unchanged it would fail again, so
// the delivery is dead at once, with the partner's answer kept for the
// operator, who fixes the data or redelivers.
type Refuser interface {
	Refused(status int, body []byte) bool
}

// Carrier is a Formatter that shapes only some kinds of report. A
// Formatter that is not a Carrier shapes every kind.
type Carrier interface {
	Carries(kind string) bool
}

// carries reports whether f can shape a report of this kind.
func carries(f Formatter, kind string) bool {
	c, ok := f.(Carrier)
	return !ok || c.Carries(kind)
}

// Attempt is one try at delivering a report.
type Attempt struct {
	Report       *park.Report
	Data         *park.ReportData
	Subscription *park.Subscription
	Partner      *park.Partner
	Delivery     *park.Delivery
	At           time.Time // when this attempt is made
}

// Metrics counts deliveries (app wires Prometheus).
type Metrics interface {
	// DeliveryAttempt counts one attempt and whether it was acknowledged.
	DeliveryAttempt(partner, report string, ok bool)
	// DeliveryQueue sets the deliveries not yet delivered, per state, and
	// the age of the oldest one due.
	DeliveryQueue(counts []park.DeliveryCount, now time.Time)
	// DeliveriesPruned counts the deliveries and reports the retention
	// deleted.
	DeliveriesPruned(deliveries, reports int)
}

// Billing is what sensorless payment needs of billing.
type Billing interface {
	CreateQuoteFor(ctx context.Context, stayID, source string, atLeast time.Duration) (*park.Quote, error)
	Pay(ctx context.Context, req park.PaymentRequest) (billing.PaymentResult, error)
}

// Anomalies records what an operator must look at (the gate does).
type Anomalies interface {
	RecordAnomaly(ctx context.Context, lot, kind, plateText, stayID, detail string) error
}

// Service holds the subscriptions and delivers reports.
type Service struct {
	base      core.Base
	billing   Billing
	anomalies Anomalies
	formats   map[string]Formatter
	client    *http.Client
	metrics   Metrics
	opts      Options

	mu   sync.Mutex
	subs map[string]*lane // subscription id -> its sender (worker.go)
	// rested are the subscriptions whose rates had no slot free when a
	// claim last read them, with when the next is: claims skip them.
	rested map[string]time.Time
	// answered holds, by subscription, the claims' leases of this node's
	// attempts that have ended and whose outcomes the finisher has not
	// yet begun to record: the store still shows them in flight while
	// their leases run (limits.go, settled).
	answered map[string][]time.Time
	// wake tells an idle worker that attempts have ended: lanes that were
	// full have room again, so it claims at once rather than after Poll.
	wake chan struct{}
}

// Options tune the workers; zero values take the defaults.
type Options struct {
	// AllowPrivate lets subscriptions name loopback and private addresses
	// (an operator's own receivers; the test suite).
	AllowPrivate bool
	// Lookup resolves a subscription's host when it is checked (nil: the
	// system's resolver).
	Lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	// Poll is how long an idle worker waits before looking for due
	// deliveries again (default 200 ms).
	Poll time.Duration
	// Batch bounds the deliveries claimed at once (default 256).
	Batch int
	// MaxInFlight bounds the deliveries one node holds claimed (default 2048).
	MaxInFlight int
	// Lease is how long a claim lasts before another worker may take the
	// delivery again (default 2 min, above the longest attempt timeout).
	// An attempt ends within its claim: a lease shorter than a
	// subscription's timeout and 2 s cuts the timeout to the lease less
	// 2 s (so Lease must be over 2 s).
	Lease time.Duration
	// Retention is how long a finished delivery (delivered or dead) is
	// kept after its last change, and a report once none of its
	// deliveries is left (Prune). Unlike the others, 0 is not a default:
	// it keeps them forever.
	Retention time.Duration
	// PruneBatch bounds the rows one of Prune's transactions deletes
	// (default 500), so it never holds SQLite's writer long.
	PruneBatch int
}

// Config wires a Service.
type Config struct {
	Store   park.Store
	Now     park.Clock
	Log     *slog.Logger
	Metrics Metrics // nil: not counted
	// Formats are the dialects' formatters by name; FormatNative is added.
	Formats map[string]Formatter
	// Client sends the deliveries (default: one that refuses private
	// addresses unless Options.AllowPrivate).
	Client  *http.Client
	Options Options
	// Billing and Anomalies serve sensorless payment (nil: none).
	Billing   Billing
	Anomalies Anomalies
}

// New returns the deliveries subsystem; Run starts its worker.
func New(c Config) *Service {
	s := &Service{base: core.NewBase(c.Store, c.Now, c.Log), metrics: c.Metrics, opts: c.Options, billing: c.Billing,
		anomalies: c.Anomalies,
		formats:   map[string]Formatter{park.FormatNative: Native{}}, subs: map[string]*lane{}, rested: map[string]time.Time{}, answered: map[string][]time.Time{}, wake: make(chan struct{}, 1)}
	for k, f := range c.Formats {
		s.formats[k] = f
	}
	if s.metrics == nil {
		s.metrics = noMetrics{}
	}
	if s.opts.Poll <= 0 {
		s.opts.Poll = 200 * time.Millisecond
	}
	if s.opts.Batch <= 0 {
		s.opts.Batch = 256
	}
	if s.opts.MaxInFlight <= 0 {
		s.opts.MaxInFlight = 2048
	}
	if s.opts.PruneBatch <= 0 {
		s.opts.PruneBatch = 500
	}
	if s.opts.Lease <= 0 {
		s.opts.Lease = 2 * time.Minute
	}
	s.client = c.Client
	if s.client == nil {
		s.client = newClient(s.opts.AllowPrivate)
	}
	return s
}

// Formats lists the delivery formats this node can send, sorted.
func (s *Service) Formats() []string {
	out := make([]string, 0, len(s.formats))
	for k := range s.formats {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

type noMetrics struct{}

func (noMetrics) DeliveryAttempt(string, string, bool)          {}
func (noMetrics) DeliveryQueue([]park.DeliveryCount, time.Time) {}
func (noMetrics) DeliveriesPruned(int, int)                     {}
