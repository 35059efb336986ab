package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/service"
	"parkd/internal/store/teststore"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// testTariff: 15 free minutes; once exceeded, 2.00 per started 30 minutes
// from entry. Expected amounts in tests are ceil(minutes/30) * 200.
const testTariff = `{"grace_minutes":15,"every":{"minutes":30,"price":200}}`

// t0 is 2026-11-23 09:00 in Shanghai.
var t0 = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)

type bundle struct {
	svc   *service.Service
	store park.Store
	clock *clock
	ctx   context.Context
	lot   string
}

func setup(t *testing.T) *bundle {
	t.Helper()
	t.Parallel()
	st := teststore.Open(t)
	c := &clock{t: t0.Add(6 * time.Hour)}
	b := &bundle{svc: service.New(service.Config{Store: st, Now: c.Now}), store: st, clock: c, ctx: context.Background(), lot: "140123001"}
	b.createLot(t, b.lot, 10, park.MissedEntryHold)
	return b
}

func (b *bundle) createLot(t *testing.T, code string, capacity int, missed string) *park.Lot {
	t.Helper()
	l, err := b.svc.CreateLot(b.ctx, &park.Lot{
		Code: code, Name: "Test " + code, TimeZone: "Asia/Shanghai", Currency: "CNY", Capacity: capacity,
		ExitGraceMinutes: 15, MissedEntry: missed, Tariff: json.RawMessage(testTariff),
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

var eventSeq atomic.Int64 // tests run in parallel

func (b *bundle) event(t *testing.T, typ, plateText string, at time.Time) park.Decision {
	t.Helper()
	d, err := b.eventID(fmt.Sprintf("ev-%s-%d", t.Name(), eventSeq.Add(1)), typ, plateText, at)
	if err != nil {
		t.Fatalf("%s %s at %s: %v", typ, plateText, at, err)
	}
	return d
}

func (b *bundle) eventID(id, typ, plateText string, at time.Time) (park.Decision, error) {
	lane := "in-1"
	if typ == park.EventExit {
		lane = "out-1"
	}
	return b.svc.HandleEvent(b.ctx, service.EventInput{LotCode: b.lot, ID: id, Type: typ, Plate: plateText, Lane: lane, At: at})
}

func (b *bundle) stay(t *testing.T, id string) *park.Stay {
	t.Helper()
	st, err := b.svc.GetStay(b.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func (b *bundle) occupied(t *testing.T) int {
	t.Helper()
	o, err := b.svc.Occupancy(b.ctx, b.lot)
	if err != nil {
		t.Fatal(err)
	}
	return o.Occupied
}

func wantDecision(t *testing.T, d park.Decision, decision, reason string, due int64) {
	t.Helper()
	if d.Decision != decision || d.Reason != reason || d.AmountDue != due {
		t.Fatalf("decision %s/%s due %d, want %s/%s due %d", d.Decision, d.Reason, d.AmountDue, decision, reason, due)
	}
}

func wantCode(t *testing.T, err error, code park.Code) {
	t.Helper()
	if !park.IsCode(err, code) {
		t.Fatalf("got %v (code %q), want code %q", err, park.ErrorCode(err), code)
	}
}

// fee is the test tariff's rule for a stay of d: free within 15 minutes,
// else 200 per started 30 minutes from entry.
func fee(d time.Duration) int64 {
	if d <= 15*time.Minute {
		return 0
	}
	blocks := (d + 30*time.Minute - 1) / (30 * time.Minute)
	return int64(blocks) * 200
}
