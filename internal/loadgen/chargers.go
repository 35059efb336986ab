package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"parkd/internal/ocpp/ocppsim"
)

// FleetConfig is a fleet of simulated OCPP charge points connected to one
// parkd at once, beside the gate flow.
type FleetConfig struct {
	Points     int           // charge points connected at once
	MeterRate  int           // MeterValues a second, spread over the points
	Heartbeat  time.Duration // each point's heartbeat interval
	DialConc   int           // concurrent dials and setup requests (default 64)
	MaxPending int           // messages in flight before the pacer skips (default 4096)
	// MemPID, when set, is the parkd process whose resident memory is
	// read from /proc before and after the points connect.
	MemPID int
}

// Limits on a fleet: bounded so a typo cannot flood the machine.
const (
	MaxPoints    = 20_000
	MaxMeterRate = 20_000
)

// Validate checks a fleet before anything is sent.
func (c *FleetConfig) Validate() error {
	switch {
	case c.Points < 1 || c.Points > MaxPoints:
		return fmt.Errorf("chargers: must be between 1 and %d", MaxPoints)
	case c.MeterRate < 0 || c.MeterRate > MaxMeterRate:
		return fmt.Errorf("metervalues: must be between 0 and %d a second", MaxMeterRate)
	case c.Heartbeat < time.Second:
		return errors.New("heartbeat: must be at least 1s")
	}
	return nil
}

// fleetPassword is every simulated point's OCPP password.
const fleetPassword = "load-charger-password-0001"

// Fleet is the connected points, each with an open charging session on
// connector 1.
type Fleet struct {
	cfg    FleetConfig
	h      *Harness
	points []*ocppsim.Point
	txs    []int64

	Setup      time.Duration // registering, connecting and starting sessions
	RSSBefore  int64         // bytes; 0 when unknown
	RSSAfter   int64
	HeapBefore int64 // this process's own heap, for the in-process spawn
}

// SetupFleet registers cfg.Points chargers in the harness's lot (one price
// standard billed by energy), connects each as a simulated charge point
// over /ocpp/{id} (BootNotification), and starts one session per point
// from the native API, which the point starts on parkd's
// RemoteStartTransaction. Call it after Setup.
func (h *Harness) SetupFleet(ctx context.Context, cfg FleetConfig) (*Fleet, error) {
	if cfg.DialConc <= 0 {
		cfg.DialConc = 64
	}
	if cfg.MaxPending <= 0 {
		cfg.MaxPending = 4096
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	f := &Fleet{cfg: cfg, h: h, points: make([]*ocppsim.Point, cfg.Points), txs: make([]int64, cfg.Points)}
	var st struct {
		ID int64 `json:"id"`
	}
	std := rawJSON(`{"name":"load energy","family":0,"rules":{"kind":"energy","payment":"balance","refund_to":"balance",` +
		`"segments":[{"from":"00:00","to":"24:00","price":100}]}}`)
	if err := h.call(ctx, "POST", "/v1/price-standards", std, nil, 201, &st); err != nil {
		return nil, fmt.Errorf("create price standard: %w", err)
	}
	f.RSSBefore = rss(cfg.MemPID)
	ws := "ws" + strings.TrimPrefix(h.base, "http")
	err := parallel(ctx, cfg.Points, cfg.DialConc, func(i int) error {
		id := f.id(i)
		c := map[string]any{"id": id, "lot_code": h.cfg.Lot, "family": 0, "type": "cabinet-10", "connectors": 10,
			"standard_id": st.ID, "password": fleetPassword}
		if err := h.call(ctx, "POST", "/v1/chargers", c, nil, 201, nil); err != nil {
			return fmt.Errorf("register %s: %w", id, err)
		}
		p, err := ocppsim.Dial(ctx, ws, id, fleetPassword)
		if err != nil {
			return err
		}
		f.points[i] = p
		p.SetAutoStart(true)
		if s, err := p.Boot(ctx); err != nil || s != "Accepted" {
			return fmt.Errorf("boot %s: %q %v", id, s, err)
		}
		if err := p.Status(ctx, 1, "Available"); err != nil {
			return fmt.Errorf("status %s: %w", id, err)
		}
		sess := map[string]any{"charger_id": id, "connector": 1}
		if err := h.call(ctx, "POST", "/v1/charging/sessions", sess, nil, 201, nil); err != nil {
			return fmt.Errorf("start session on %s: %w", id, err)
		}
		// The point starts the transaction on parkd's RemoteStart, from
		// its own goroutine: wait for it, boundedly.
		for j := 0; p.LastTransaction() == 0; j++ {
			if j == 1000 || ctx.Err() != nil {
				return fmt.Errorf("%s did not start its transaction", id)
			}
			time.Sleep(10 * time.Millisecond)
		}
		f.txs[i] = p.LastTransaction()
		return nil
	})
	f.Setup = time.Since(start)
	if err != nil {
		f.Close()
		return nil, err
	}
	f.RSSAfter = rss(cfg.MemPID)
	return f, nil
}

func (f *Fleet) id(i int) string { return "LD" + strconv.Itoa(i) }

// Close disconnects every point.
func (f *Fleet) Close() {
	for _, p := range f.points {
		if p != nil {
			p.Close()
		}
	}
}

// parallel runs fn(0..n-1) on conc workers and returns the first error;
// the others stop taking work once one failed.
func parallel(ctx context.Context, n, conc int, fn func(i int) error) error {
	var next atomic.Int64
	var once sync.Once
	var first error
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(conc, n) {
		wg.Go(func() {
			for !failed.Load() && ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// FleetResult is what the points measured during a run.
type FleetResult struct {
	Points       int
	Elapsed      time.Duration
	Meter        Latency // MeterValues answered
	Heartbeats   Latency
	Skipped      int64 // messages not sent because too many were in flight
	Online       int   // points still connected at the end
	ErrorSamples []string
	// Server is parkd's own answer times over the run, from its /metrics
	// (nil when they could not be read: ServerErr says why).
	Server    AnswerTimes
	ServerErr error
}

// Run sends MeterValues at cfg.MeterRate a second, round-robin over the
// points (each a few watt-hours more than the last), and a Heartbeat from
// every point once per cfg.Heartbeat (phases spread at random), until d
// has passed or ctx ends. Each message waits for its answer; a point
// sends one at a time, as OCPP requires.
func (f *Fleet) Run(ctx context.Context, d time.Duration) *FleetResult {
	ctx, cancel := context.WithTimeout(ctx, d+f.h.cfg.RequestTimeout)
	defer cancel()
	deadline := time.Now().Add(d)
	var mu sync.Mutex
	var meter, beats []time.Duration
	var meterErr, beatErr, skipped atomic.Int64
	var samples []string
	var inflight atomic.Int64
	var wg sync.WaitGroup
	send := func(kind string, fn func() error) {
		if inflight.Add(1) > int64(f.cfg.MaxPending) {
			inflight.Add(-1)
			skipped.Add(1)
			return
		}
		wg.Go(func() {
			defer inflight.Add(-1)
			t0 := time.Now()
			err := fn()
			el := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil && len(samples) < 10:
				samples = append(samples, kind+": "+err.Error())
				fallthrough
			case err != nil:
				if kind == "meter" {
					meterErr.Add(1)
				} else {
					beatErr.Add(1)
				}
			case kind == "meter":
				meter = append(meter, el)
			default:
				beats = append(beats, el)
			}
		})
	}
	// pace calls fire(i) for i = 0, 1, ... every period until the deadline.
	pace := func(period time.Duration, fire func(i int)) {
		t0 := time.Now()
		for i := 0; ; i++ {
			at := t0.Add(time.Duration(i) * period)
			if !at.Before(deadline) {
				return
			}
			if w := time.Until(at); w > 0 {
				select {
				case <-time.After(w):
				case <-ctx.Done():
					return
				}
			}
			fire(i)
		}
	}
	n := len(f.points)
	before, serverErr := f.h.ReadAnswerTimes(ctx, ocppHistogram, "action")
	start := time.Now()
	var pacers sync.WaitGroup
	if f.cfg.MeterRate > 0 {
		pacers.Go(func() {
			pace(time.Second/time.Duration(f.cfg.MeterRate), func(i int) {
				p, tx := f.points[i%n], f.txs[i%n]
				send("meter", func() error {
					wh := p.Register.Add(5)
					return p.Meter(ctx, 1, tx, ocppsim.Sample{At: time.Now(), EnergyWh: wh, PowerW: 300})
				})
			})
		})
	}
	// Each point's first heartbeat falls at a random point of the
	// interval: chargers that booted together drift apart.
	order := rand.Perm(n)
	pacers.Go(func() {
		pace(f.cfg.Heartbeat/time.Duration(n), func(i int) {
			p := f.points[order[i%n]]
			send("heartbeat", func() error { return p.Heartbeat(ctx) })
		})
	})
	pacers.Wait()
	wg.Wait()
	res := &FleetResult{Points: n, Elapsed: time.Since(start), Skipped: skipped.Load(), ErrorSamples: samples}
	if serverErr == nil {
		var after AnswerTimes
		if after, serverErr = f.h.ReadAnswerTimes(ctx, ocppHistogram, "action"); serverErr == nil {
			res.Server = after.Since(before)
		}
	}
	res.ServerErr = serverErr
	res.Meter = summarise(meter, meterErr.Load())
	res.Heartbeats = summarise(beats, beatErr.Load())
	for _, p := range f.points {
		if p.Err() == nil {
			res.Online++
		}
	}
	return res
}

// Print writes the fleet's figures beside the gate flow's.
func (f *Fleet) Print(w io.Writer, r *FleetResult) {
	fmt.Fprintf(w, "charge points %8d connected, %d still connected at the end (setup %s)\n", r.Points, r.Online,
		f.Setup.Round(time.Millisecond))
	if f.RSSAfter > 0 {
		fmt.Fprintf(w, "parkd RSS     %8.1f MiB before, %.1f MiB with the points: %.1f KiB per connection\n",
			mib(f.RSSBefore), mib(f.RSSAfter), float64(f.RSSAfter-f.RSSBefore)/float64(r.Points)/1024)
	}
	fmt.Fprintf(w, "metervalues   %8d  %9.0f /s  errors %d, skipped (too many in flight) %d\n", r.Meter.Count,
		perSecond(r.Meter.Count, r.Elapsed), r.Meter.Errors, r.Skipped)
	fmt.Fprintf(w, "heartbeats    %8d  %9.0f /s  errors %d\n", r.Heartbeats.Count, perSecond(r.Heartbeats.Count, r.Elapsed),
		r.Heartbeats.Errors)
	fmt.Fprintf(w, "\n%-12s %9s %7s %9s %9s %9s %9s\n", "ocpp", "count", "errors", "p50", "p90", "p99", "max")
	for _, row := range []struct {
		name string
		l    Latency
	}{{"metervalues", r.Meter}, {"heartbeat", r.Heartbeats}} {
		fmt.Fprintf(w, "%-12s %9d %7d %9s %9s %9s %9s\n", row.name, row.l.Count, row.l.Errors, ms(row.l.P50), ms(row.l.P90),
			ms(row.l.P99), ms(row.l.Max))
	}
	printAtParkd(w, r.ServerErr, answerBound, atParkd{"metervalues", r.Server["MeterValues"]},
		atParkd{"heartbeat", r.Server["Heartbeat"]})
	if len(r.ErrorSamples) > 0 {
		fmt.Fprintf(w, "\nfirst charger errors:\n  %s\n", strings.Join(r.ErrorSamples, "\n  "))
	}
}

// answerBound is the answer time the bar puts the 99th
// percentile under; parkd's histogram has a bucket ending there.
const answerBound = 20 * time.Millisecond

func mib(b int64) float64 { return float64(b) / (1 << 20) }
