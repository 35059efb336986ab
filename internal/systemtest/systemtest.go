// Package systemtest gives the subsystems' tests a whole core over a real
// store (SQLite, or PostgreSQL with PARKD_TEST_STORE=postgres), a settable
// clock, one lot with a simple tariff, and helpers for the gate flow.
package systemtest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/device"
	"parkd/internal/gate"
	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
)

// Clock is a settable test clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// TestTariff: 15 free minutes; once exceeded, 2.00 per started 30 minutes
// from entry. Expected amounts in tests are Fee(d) = ceil(minutes/30) * 200.
const TestTariff = `{"grace_minutes":15,"every":{"minutes":30,"price":200}}`

// T0 is 2026-11-23 09:00 in Shanghai.
var T0 = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)

// Dialects are the dialect names partners of tests may speak: api-one
// does not sign requests (its integrators sign in), api-two signs them
// (SignModes), api-brl does not sign and writes amounts only in BRL
// (Currencies).
var Dialects = []string{"api-one", "api-two", "api-brl"}

// SignModes are the test dialects' sign modes, declared as app declares
// its dialects'.
var SignModes = map[string][]string{"api-one": nil, "api-two": {"md5", "static"}, "api-brl": nil}

// Currencies are the currencies test dialects' partners' lots must price
// in, declared as app declares its dialects'.
var Currencies = map[string]string{"api-brl": "BRL"}

// Secret is a partner secret long enough for a signing dialect.
const Secret = "test-secret-0123456789"

// Bundle is one test's core.
type Bundle struct {
	Sys      *system.System
	Store    park.Store
	Clock    *Clock
	Barriers *device.Memory
	Ctx      context.Context
	Lot      string // "140123001": 10 spaces, TestTariff, missed entries held
}

// New builds a core over a fresh store with the clock at T0 + 6 h and the
// lot Lot, and marks the test parallel.
func New(t *testing.T) *Bundle { return NewWith(t, Options{}) }

// Options are what a test may change of the core New builds.
type Options struct {
	Dialects []string                        // nil: Dialects
	Formats  map[string]deliveries.Formatter // the dialects' report formats
	// RentalDialect is the dialect of rental sales channels ("": none).
	RentalDialect string
	// DeviceProtocols are the device protocols devices may register with;
	// DeviceDeadline bounds a device read's answer (0: the default).
	DeviceProtocols []string
	DeviceDeadline  time.Duration
	// DeviceCalledBack are the protocols whose devices need an addr.
	DeviceCalledBack []string
	// DeviceSerials give each protocol's serials their one form.
	DeviceSerials map[string]func(string) string
	// WrapStore, when set, wraps the store the core uses (a slow one).
	WrapStore func(park.Store) park.Store
	// WrapTx, when set, wraps every transaction the core's store opens
	// (one counting or noting some statements), inside WrapStore's.
	WrapTx func(park.Tx) park.Tx
	// Barriers, when set, are the lanes' barriers over the store and the
	// in-memory ones (a registry's routes); nil: the in-memory ones.
	Barriers func(park.Store, *device.Memory) gate.Barriers
	// DeliveryRetention keeps finished deliveries so long (0: forever).
	DeliveryRetention time.Duration
	// RefusePrivateWebhooks: subscriptions and channel gateways may not
	// name loopback or private addresses, as in production (the default
	// here allows them, for test receivers on loopback).
	RefusePrivateWebhooks bool
	// Log is the core's log (nil: discarded).
	Log *slog.Logger
}

// NewWith is New with o.
func NewWith(t *testing.T, o Options) *Bundle {
	t.Helper()
	t.Parallel()
	if o.Dialects == nil {
		o.Dialects = Dialects
	}
	var st park.Store = teststore.Open(t)
	if o.WrapTx != nil {
		st = txWrapped{st, o.WrapTx}
	}
	if o.WrapStore != nil {
		st = o.WrapStore(st)
	}
	c := &Clock{t: T0.Add(6 * time.Hour)}
	mem := device.NewMemory()
	var bars gate.Barriers = mem
	if o.Barriers != nil {
		bars = o.Barriers(st, mem)
	}
	b := &Bundle{
		Sys: system.New(system.Config{Store: st, Now: c.Now, Barriers: bars, Dialects: o.Dialects, SignModes: SignModes, Currencies: Currencies, Formats: o.Formats,
			Deliveries: deliveries.Options{AllowPrivate: !o.RefusePrivateWebhooks, Poll: 10 * time.Millisecond, Retention: o.DeliveryRetention}, DeviceProtocols: o.DeviceProtocols, DeviceCalledBack: o.DeviceCalledBack, DeviceSerials: o.DeviceSerials,
			DeviceReplyDeadline: o.DeviceDeadline, RentalDialect: o.RentalDialect, Log: o.Log}),
		Store: st, Clock: c, Barriers: mem, Ctx: context.Background(), Lot: "140123001",
	}
	b.CreateLot(t, b.Lot, 10, park.MissedEntryHold)
	return b
}

// CreateLot creates a lot in Asia/Shanghai, priced in CNY with TestTariff.
func (b *Bundle) CreateLot(t *testing.T, code string, capacity int, missed string) *park.Lot {
	t.Helper()
	l, err := b.Sys.Gate.CreateLot(b.Ctx, &park.Lot{
		Code: code, Name: "Test " + code, TimeZone: "Asia/Shanghai", Currency: "CNY", Capacity: capacity,
		ExitGraceMinutes: 15, MissedEntry: missed, Tariff: json.RawMessage(TestTariff),
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

var eventSeq atomic.Int64 // tests run in parallel

// Event reports a camera read at lane in-1 (entry) or out-1 (exit) of Lot
// and fails the test on an error.
func (b *Bundle) Event(t *testing.T, typ, plateText string, at time.Time) park.Decision {
	t.Helper()
	d, err := b.EventID(fmt.Sprintf("ev-%s-%d", t.Name(), eventSeq.Add(1)), typ, plateText, at)
	if err != nil {
		t.Fatalf("%s %s at %s: %v", typ, plateText, at, err)
	}
	return d
}

// EventID is Event with the event's id, returning the error.
func (b *Bundle) EventID(id, typ, plateText string, at time.Time) (park.Decision, error) {
	lane := "in-1"
	if typ == park.EventExit {
		lane = "out-1"
	}
	return b.Sys.Gate.HandleEvent(b.Ctx, gate.EventInput{LotCode: b.Lot, ID: id, Type: typ, Plate: plateText, Lane: lane, At: at})
}

// Stay reads a stay.
func (b *Bundle) Stay(t *testing.T, id string) *park.Stay {
	t.Helper()
	st, err := b.Sys.Gate.GetStay(b.Ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Occupied is Lot's reported count of cars inside.
func (b *Bundle) Occupied(t *testing.T) int {
	t.Helper()
	o, err := b.Sys.Gate.Occupancy(b.Ctx, b.Lot)
	if err != nil {
		t.Fatal(err)
	}
	return o.Occupied
}

// WantDecision fails the test unless d is decision/reason with due.
func WantDecision(t *testing.T, d park.Decision, decision, reason string, due int64) {
	t.Helper()
	if d.Decision != decision || d.Reason != reason || d.AmountDue != due {
		t.Fatalf("decision %s/%s due %d, want %s/%s due %d", d.Decision, d.Reason, d.AmountDue, decision, reason, due)
	}
}

// WantCode fails the test unless err carries code.
func WantCode(t *testing.T, err error, code park.Code) {
	t.Helper()
	if !park.IsCode(err, code) {
		t.Fatalf("got %v (code %q), want code %q", err, park.ErrorCode(err), code)
	}
}

// Fee is TestTariff's rule for a stay of d: free within 15 minutes, else
// 200 per started 30 minutes from entry.
func Fee(d time.Duration) int64 {
	if d <= 15*time.Minute {
		return 0
	}
	blocks := (d + 30*time.Minute - 1) / (30 * time.Minute)
	return int64(blocks) * 200
}

// Subscribe has a partner of the first dialect, "ops", subscribe to the
// lot's reports of kind (at a URL nothing is delivered to in a test).
func (b *Bundle) Subscribe(t *testing.T, kind string) {
	t.Helper()
	if _, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: "ops", Name: "ops", Dialect: Dialects[0],
		Type: park.PartnerNormal, Lots: []string{b.Lot}}); err != nil && !park.IsCode(err, park.EConflict) {
		t.Fatal(err)
	}
	if _, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, "ops", deliveries.SubscriptionInput{Report: kind,
		URL: "https://ops.example/hook"}); err != nil {
		t.Fatal(err)
	}
}

// AuditLog reads every audit entry f selects, newest first, page after
// page through AuditPage (f.Limit a page, 0: the largest), so a test sees
// the whole log and never a silently shortened one.
func (b *Bundle) AuditLog(f park.AuditFilter) ([]*park.AuditEntry, error) {
	if f.Limit == 0 {
		f.Limit = operators.MaxAuditPage
	}
	var all []*park.AuditEntry
	for {
		es, more, err := b.Sys.Operators.AuditPage(b.Ctx, f)
		if err != nil {
			return nil, err
		}
		all = append(all, es...)
		if !more {
			return all, nil
		}
		f.BeforeSeq = es[len(es)-1].Seq
	}
}

// Node builds a second core over b's store, clock and barriers: another
// node of the same deployment, with caches of its own.
func (b *Bundle) Node() *system.System {
	return system.New(system.Config{Store: b.Store, Now: b.Clock.Now, Barriers: b.Barriers, Dialects: Dialects, SignModes: SignModes,
		Currencies: Currencies, Deliveries: deliveries.Options{AllowPrivate: true, Poll: 10 * time.Millisecond}})
}

// txWrapped is a store whose transactions are wrapped (Options.WrapTx).
type txWrapped struct {
	park.Store
	wrap func(park.Tx) park.Tx
}

func (s txWrapped) Update(ctx context.Context, fn func(park.Tx) error) error {
	return s.Store.Update(ctx, func(tx park.Tx) error { return fn(s.wrap(tx)) })
}

func (s txWrapped) View(ctx context.Context, fn func(park.Tx) error) error {
	return s.Store.View(ctx, func(tx park.Tx) error { return fn(s.wrap(tx)) })
}
