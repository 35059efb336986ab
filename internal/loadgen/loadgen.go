// Package loadgen drives parkd's whole gate flow over HTTP and measures it:
// a car enters, is held at the exit with an amount due, takes a quote, pays,
// and leaves. It backs cmd/parkd-load and the GateFlow benchmark.
//
// Every loop is bounded twice, by a count and by a deadline, and the
// harness dials loopback addresses only.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Tariff is the lot's price list: 15 free minutes, then 2.00 per started
// half hour, so a car held at the exit always owes something.
const Tariff = `{"grace_minutes":15,"every":{"minutes":30,"price":200}}`

// stayLength is how long each visit of the run has lasted when the car
// reaches the exit. The extra ten minutes keep the price away from a
// half-hour boundary, so the held exit and the quote agree.
const stayLength = 2*time.Hour + 10*time.Minute

// Config is one load run.
type Config struct {
	BaseURL     string        // e.g. http://127.0.0.1:8080; loopback only
	Token       string        // admin bearer token
	Lot         string        // lot code to create
	Concurrency int           // workers (and kept-alive connections)
	Prefill     int           // cars to park before the run
	Duration    time.Duration // run length
	MaxRequests int64         // run budget in requests
	// PrefillTimeout bounds the prefill (default 10 minutes).
	PrefillTimeout time.Duration
	// RequestTimeout bounds each request (default 30 s).
	RequestTimeout time.Duration
	// MaxErrors stops a phase early when this many requests have failed
	// (default 1000): a broken server should not be hammered for minutes.
	MaxErrors int64
	// Linger is how many cars each worker keeps inside before the oldest
	// leaves: 0 sends each car out as soon as it entered, so its exit
	// finds the pages its entry just wrote; more spreads a commit's
	// writes over the lot as real traffic does.
	Linger int
	// Scatter gives the cars plates in a scattered order instead of
	// 京A00000, 京A00001, ..., so neighbouring cars share no index page.
	Scatter bool
}

func (c *Config) setDefaults() {
	if c.PrefillTimeout <= 0 {
		c.PrefillTimeout = 10 * time.Minute
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 30 * time.Second
	}
	if c.MaxErrors <= 0 {
		c.MaxErrors = 1000
	}
}

// Validate checks the configuration before any request is sent.
func (c *Config) Validate() error {
	switch {
	case c.Token == "":
		return errors.New("token: required (the server's PARKD_ADMIN_TOKEN)")
	case c.Lot == "":
		return errors.New("lot: required")
	case c.Concurrency < 1 || c.Concurrency > 1024:
		return errors.New("concurrency: must be between 1 and 1024")
	case c.Prefill < 0 || c.Prefill > MaxCapacity-c.Concurrency:
		return fmt.Errorf("prefill: must be between 0 and %d", MaxCapacity-c.Concurrency)
	case c.Duration <= 0:
		return errors.New("duration: must be positive")
	case c.Linger < 0 || c.Linger > 10_000:
		return errors.New("linger: must be between 0 and 10000 cars a worker")
	case c.MaxRequests < visitRequests:
		return fmt.Errorf("max requests: must be at least %d (one visit)", numKinds)
	}
	return CheckLoopback(c.BaseURL)
}

// loadCurrency is what the load lot prices in.
const loadCurrency = "CNY"

// MaxCapacity is the largest capacity parkd accepts for a lot; the test lot
// gets it so that only the harness's own cars fill it.
const MaxCapacity = 1_000_000

// visitRequests is how many requests one car's visit takes.
const visitRequests = int64(numKinds)

// Harness runs the flow against one server.
type Harness struct {
	cfg    Config
	base   string
	client *http.Client

	nextVisit atomic.Uint64 // visits handed out in the run
	spent     atomic.Int64  // requests reserved from MaxRequests
	failed    atomic.Int64  // failed requests in the current phase

	mu      sync.Mutex
	samples []string

	subs []string // subscriptions Subscribe made
}

// New checks cfg and prepares a harness; nothing is sent yet.
func New(cfg Config) (*Harness, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Harness{
		cfg:    cfg,
		base:   strings.TrimSuffix(cfg.BaseURL, "/"),
		client: newClient(cfg.Concurrency, cfg.RequestTimeout),
	}, nil
}

// Close releases the harness's idle connections.
func (h *Harness) Close() { h.client.CloseIdleConnections() }

// Setup creates the lot with a large capacity and the load tariff. A lot
// that already exists is refused: its cars would collide with the
// harness's plates.
func (h *Harness) Setup(ctx context.Context) error {
	lot := map[string]any{
		"code": h.cfg.Lot, "name": "load test " + h.cfg.Lot, "timezone": "Asia/Shanghai",
		"currency": loadCurrency, "capacity": MaxCapacity,
	}
	err := h.call(ctx, "POST", "/v1/lots", lot, nil, 201, nil)
	if isConflict(err) {
		return fmt.Errorf("lot %q already exists; give a fresh lot code", h.cfg.Lot)
	}
	if err != nil {
		return fmt.Errorf("create lot: %w", err)
	}
	if err := h.call(ctx, "PUT", "/v1/lots/"+h.cfg.Lot+"/tariff", rawJSON(Tariff), nil, 200, nil); err != nil {
		return fmt.Errorf("set tariff: %w", err)
	}
	return nil
}

// Prefill parks cfg.Prefill cars, as fast as cfg.Concurrency workers can,
// so the run measures a lot that is already busy.
func (h *Harness) Prefill(ctx context.Context) *PrefillResult {
	ctx, cancel := context.WithTimeout(ctx, h.cfg.PrefillTimeout)
	defer cancel()
	h.resetErrors()
	var next atomic.Int64
	recs := make([]*recorder, h.cfg.Concurrency)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range recs {
		rec := &recorder{}
		recs[w] = rec
		wg.Go(func() {
			for ctx.Err() == nil && h.failed.Load() < h.cfg.MaxErrors {
				i := next.Add(1) - 1
				if i >= int64(h.cfg.Prefill) {
					return
				}
				t0 := time.Now()
				_, err := h.event(ctx, "p"+strconv.FormatInt(i, 10), "entry", h.plate(uint64(i)), "in-1", t0, "open")
				rec.observe(KindEntry, time.Since(t0), h.fail(KindEntry, err))
			}
		})
	}
	wg.Wait()
	res := merge(recs, time.Since(start))
	return &PrefillResult{
		Cars: res.Kinds[KindEntry].Count, Errors: res.Errors, Elapsed: res.Elapsed,
		Latency: res.Kinds[KindEntry], ErrorSamples: h.errorSamples(),
	}
}

// Run drives whole visits with cfg.Concurrency workers until cfg.Duration
// has passed or cfg.MaxRequests are spent. A worker checks both before
// each visit and finishes the visit it started, so every held exit of a
// healthy server is paid and opened.
func (h *Harness) Run(ctx context.Context) *Result {
	deadline := time.Now().Add(h.cfg.Duration)
	// A visit in progress at the deadline gets some time to finish, no more.
	ctx, cancel := context.WithDeadline(ctx, deadline.Add(h.cfg.RequestTimeout))
	defer cancel()
	h.resetErrors()
	h.spent.Store(0)
	var visits, held, paid, opened atomic.Int64
	recs := make([]*recorder, h.cfg.Concurrency)
	before, serverErr := h.ReadAnswerTimes(ctx, httpHistogram, "route")
	start := time.Now()
	var wg sync.WaitGroup
	for w := range recs {
		rec := &recorder{}
		recs[w] = rec
		wg.Go(func() {
			var inside []car // this worker's cars that entered, oldest first
			for time.Now().Before(deadline) && ctx.Err() == nil && h.failed.Load() < h.cfg.MaxErrors {
				if h.spent.Add(visitRequests) > h.cfg.MaxRequests {
					return
				}
				n := h.nextVisit.Add(1) - 1
				c, ok := h.enter(ctx, rec, n)
				if !ok {
					visits.Add(1)
					continue
				}
				if inside = append(inside, c); len(inside) <= h.cfg.Linger {
					continue
				}
				c, inside = inside[0], inside[1:]
				visits.Add(1)
				st := h.leave(ctx, rec, c)
				if st > KindExitHold {
					held.Add(1)
				}
				if st > KindPayment {
					paid.Add(1)
				}
				if st > KindExitOpen {
					opened.Add(1)
				}
			}
		})
	}
	wg.Wait()
	res := merge(recs, time.Since(start))
	res.Lot, res.Concurrency = h.cfg.Lot, h.cfg.Concurrency
	res.Visits, res.Held, res.Paid, res.Opened = visits.Load(), held.Load(), paid.Load(), opened.Load()
	res.ErrorSamples = h.errorSamples()
	if serverErr == nil {
		var after AnswerTimes
		if after, serverErr = h.ReadAnswerTimes(ctx, httpHistogram, "route"); serverErr == nil {
			res.ServerEvents = after.Since(before)[eventsRoute]
		}
	}
	res.ServerErr = serverErr
	return res
}

// car is a visiting car inside the lot.
type car struct {
	id, plate string
	entry     decision
}

// plate is the i-th car's plate, the prefill's first.
func (h *Harness) plate(i uint64) string {
	if h.cfg.Scatter {
		i = Scatter(i)
	}
	return Plate(i)
}

// Scatter maps 0, 1, 2, ... one to one onto [0, 2^34), far apart:
// multiplying by an odd number is a bijection modulo a power of two.
func Scatter(i uint64) uint64 { return (i * 0x9E3779B97F4A7C15) & (1<<34 - 1) }

// step times one request of a visit and records its outcome.
func (h *Harness) step(rec *recorder, k Kind, f func() error) bool {
	t0 := time.Now()
	err := h.fail(k, f())
	rec.observe(k, time.Since(t0), err)
	return err == nil
}

// enter brings car n of the run in; ok is false when its entry failed.
func (h *Harness) enter(ctx context.Context, rec *recorder, n uint64) (c car, ok bool) {
	c = car{id: "v" + strconv.FormatUint(n, 10), plate: h.plate(uint64(h.cfg.Prefill) + n)}
	ok = h.step(rec, KindEntry, func() (err error) {
		c.entry, err = h.event(ctx, c.id+"-in", "entry", c.plate, "in-1", time.Now().Add(-stayLength), "open")
		return err
	})
	return c, ok
}

// leave drives car c from the held exit to the open one and returns the
// first step that failed, or numKinds when the car left.
func (h *Harness) leave(ctx context.Context, rec *recorder, c car) Kind {
	id, plate, entry := c.id, c.plate, c.entry
	step := func(k Kind, f func() error) bool { return h.step(rec, k, f) }
	var held decision
	if !step(KindExitHold, func() (err error) {
		held, err = h.event(ctx, id+"-out", "exit", plate, "out-1", time.Now(), "hold")
		switch {
		case err != nil:
		case held.AmountDue <= 0 || held.Reason != "payment_required":
			err = fmt.Errorf("held exit of %s: want payment_required with an amount due, got %+v", plate, held)
		case held.StayID != entry.StayID:
			err = fmt.Errorf("held exit of %s names stay %s, entry opened %s", plate, held.StayID, entry.StayID)
		}
		return err
	}) {
		return KindExitHold
	}
	var q quote
	if !step(KindQuote, func() error {
		if err := h.call(ctx, "POST", "/v1/stays/"+entry.StayID+"/quotes", nil, nil, 201, &q); err != nil {
			return err
		}
		if q.AmountDue != held.AmountDue {
			return fmt.Errorf("quote for stay %s asks %d, the exit held for %d", entry.StayID, q.AmountDue, held.AmountDue)
		}
		return nil
	}) {
		return KindQuote
	}
	if !step(KindPayment, func() error {
		var p payment
		key := h.cfg.Lot + "-" + id
		body := map[string]any{"quote_id": q.ID, "amount": q.AmountDue, "method": "cash", "reference": key}
		if err := h.call(ctx, "POST", "/v1/payments", body, map[string][]string{"Idempotency-Key": {key}}, 201, &p); err != nil {
			return err
		}
		if p.StayID != entry.StayID || p.PaidUntil == "" {
			return fmt.Errorf("payment of stay %s: unexpected reply %+v", entry.StayID, p)
		}
		return nil
	}) {
		return KindPayment
	}
	if !step(KindExitOpen, func() error {
		d, err := h.event(ctx, id+"-out2", "exit", plate, "out-1", time.Now(), "open")
		if err == nil && d.Reason != "paid" {
			err = fmt.Errorf("exit of paid stay %s: want reason paid, got %+v", entry.StayID, d)
		}
		return err
	}) {
		return KindExitOpen
	}
	return numKinds
}

type decision struct {
	Decision  string `json:"decision"`
	Reason    string `json:"reason"`
	StayID    string `json:"stay_id"`
	AmountDue int64  `json:"amount_due"`
}

type quote struct {
	ID        string `json:"id"`
	AmountDue int64  `json:"amount_due"`
}

type payment struct {
	ID        string `json:"id"`
	StayID    string `json:"stay_id"`
	PaidUntil string `json:"paid_until"`
}

type eventBody struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Plate string `json:"plate"`
	Lane  string `json:"lane"`
	At    string `json:"at"`
}

// event posts one camera read and checks the barrier does what the flow
// expects (want is "open" or "hold").
func (h *Harness) event(ctx context.Context, id, typ, plate, lane string, at time.Time, want string) (decision, error) {
	var d decision
	body := eventBody{ID: id, Type: typ, Plate: plate, Lane: lane, At: at.UTC().Format(time.RFC3339Nano)}
	if err := h.call(ctx, "POST", "/v1/lots/"+h.cfg.Lot+"/events", body, nil, 200, &d); err != nil {
		return d, err
	}
	if d.Decision != want {
		return d, fmt.Errorf("%s of %s: want %s, got %+v", typ, plate, want, d)
	}
	if d.StayID == "" {
		return d, fmt.Errorf("%s of %s: no stay_id in %+v", typ, plate, d)
	}
	return d, nil
}

// fail counts a failed request and keeps the first few for the report.
func (h *Harness) fail(k Kind, err error) error {
	if err == nil {
		return nil
	}
	h.failed.Add(1)
	h.mu.Lock()
	if len(h.samples) < 10 {
		h.samples = append(h.samples, k.String()+": "+err.Error())
	}
	h.mu.Unlock()
	return err
}

func (h *Harness) resetErrors() {
	h.failed.Store(0)
	h.mu.Lock()
	h.samples = nil
	h.mu.Unlock()
}

func (h *Harness) errorSamples() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.samples)
}

// rawJSON is a request body sent as is.
type rawJSON string

func (r rawJSON) MarshalJSON() ([]byte, error) { return []byte(r), nil }
