// Package sim drives parkd's lots through their lane devices with
// realistic traffic, for a lot to watch without hardware and as the load
// of the device benchmark. Cameras speak real device protocols (each lot
// one of Protocols, Cameras the caller builds); cars pay through a Payer
// (the native API, or a partner's API); Drivers add other equipment
// (chargers). The operator's side (lots, devices, passes) goes through
// the native API. It targets loopback only, and stops by itself after
// Duration or Events.
package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Camera is one lane's camera as the simulator plays it.
type Camera interface {
	// Push sends a read ("" for no plate, recordID the camera's own id)
	// and reports whether the barrier opened.
	Push(ctx context.Context, plate string, recordID int64) (open bool, err error)
}

// Protocol is a camera protocol the simulator plays.
type Protocol struct {
	Name string // the device protocol the cameras are registered with
	// NewCamera builds the camera with serial on a parkd at base; a
	// camera that is an io.Closer is closed at the end of the run, and one
	// with Registration adds its fields to the device's registration.
	NewCamera func(ctx context.Context, base, serial string, c *http.Client) (Camera, error)
}

// Registrar is a camera whose registration needs more than its serial
// (the address and credentials parkd calls it back with).
type Registrar interface {
	Registration() map[string]any
}

// Payer settles a held car's stay, as a pay station or a partner's app.
type Payer interface {
	Name() string
	// Setup prepares the payer once the lots exist (a partner for them).
	Setup(ctx context.Context, api *API, lots []string) error
	// Pay pays what the car with plate owes at lot; paid is false when
	// there was no stay to pay for; amount is what was paid (minor units).
	Pay(ctx context.Context, lot, plate string) (amount int64, paid bool, err error)
}

// Driver is other equipment the simulator runs beside the lanes (OCPP
// chargers): it runs until ctx ends and returns its counts.
type Driver interface {
	Name() string
	Run(ctx context.Context, api *API, lots []Lot) (map[string]int64, error)
}

// Lot is a simulated lot as drivers see it.
type Lot struct {
	Code   string
	Passes []string // plates holding passes
}

// Config is one run.
type Config struct {
	URL   string // parkd, loopback only
	Token string // admin token
	// Protocols are the camera protocols; lot i's cameras speak
	// Protocols[i mod len].
	Protocols []Protocol
	Payer     Payer         // nil: the native API
	Drivers   []Driver      // other equipment
	Lots      int           // at least len(Protocols)
	Lanes     int           // cars moving at once per lot (default 4)
	Duration  time.Duration // stop after (0: only Events)
	Events    int64         // stop after this many camera reads (0: only Duration)
	Seed      uint64
	Progress  io.Writer // the progress bar (nil: none)
	// SerialPrefix begins every camera's serial (prefix, lot, lane:
	// "sim-sim001-in-1" with "sim-"), so that runs sharing a parkd or a
	// broker do not take each other's cameras. "": one of this run's own
	// (NewSerialPrefix), whose cameras are unregistered when it ends.
	SerialPrefix string
}

// NewSerialPrefix is a prefix no other run is likely to draw:
// "sim-" and 6 random hex digits (16.7 million of them).
func NewSerialPrefix() string {
	return fmt.Sprintf("sim-%06x-", rand.Uint32()&0xffffff)
}

// Serial is the serial of lot's camera at lane in a run of prefix.
func Serial(prefix, lot, lane string) string {
	return prefix + strings.ToLower(lot) + "-" + lane
}

// lotCurrency is the currency of the lots a run creates, and so of its
// revenue (minor units: fen).
const lotCurrency = "CNY"

// closeLinger is how long cameras stay after the run's end.
const closeLinger = 1500 * time.Millisecond

// Limits that keep a run bounded whatever it is given.
const (
	MaxDuration = time.Hour
	MaxEvents   = 10_000_000
	MaxLots     = 50
	MaxLanes    = 64
)

// Validate checks a run's configuration.
func (c *Config) Validate() error {
	if c.Lots < 0 {
		return fmt.Errorf("sim: --lots must be between 1 and %d", MaxLots)
	}
	// Every protocol drives at least one lot.
	c.Lots = max(c.Lots, len(c.Protocols), 1)
	if c.Lanes == 0 {
		c.Lanes = 4
	}
	switch {
	case c.Duration < 0:
		return fmt.Errorf("sim: --duration %s: give a positive length, e.g. 10s", c.Duration)
	case c.Events < 0:
		return fmt.Errorf("sim: --events %d: give a positive count of camera reads", c.Events)
	case c.Duration == 0 && c.Events == 0:
		return errors.New("sim: give --duration or --events (or both): a run stops by itself")
	case c.Duration > MaxDuration:
		return fmt.Errorf("sim: --duration %s: at most %s", c.Duration, MaxDuration)
	case c.Events > MaxEvents:
		return fmt.Errorf("sim: --events %d: at most %d camera reads", c.Events, MaxEvents)
	case c.Lots < 1 || c.Lots > MaxLots:
		return fmt.Errorf("sim: --lots must be between 1 and %d", MaxLots)
	case c.Lanes < 1 || c.Lanes > MaxLanes:
		return fmt.Errorf("sim: --lanes must be between 1 and %d", MaxLanes)
	case len(c.Protocols) == 0:
		return errors.New("sim: no camera protocol")
	}
	if err := checkLoopback(c.URL); err != nil {
		return err
	}
	// Every path is appended to the URL: one root, however it was typed.
	c.URL = strings.TrimSuffix(c.URL, "/")
	if c.Token == "" {
		return errors.New("sim: no admin token: give --token or set PARKD_ADMIN_TOKEN")
	}
	// A serial is at most 64 characters; "sim001-out-1" takes 12.
	if len(c.SerialPrefix) > 48 || strings.ContainsFunc(c.SerialPrefix, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
	}) {
		return fmt.Errorf("sim: --serial-prefix %q: at most 48 letters, digits, '-', '_' or '.'", c.SerialPrefix)
	}
	return nil
}

func checkLoopback(base string) error {
	u, err := url.Parse(base)
	// Paths are appended to the URL as given: a path, query or fragment
	// in it would send every request somewhere else.
	if err != nil || u.Scheme != "http" || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") ||
		u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(base, "?#") {
		return fmt.Errorf("sim: --url %q must be http://host:port", base)
	}
	switch h := u.Hostname(); {
	case h == "localhost", strings.HasPrefix(h, "127."), h == "::1":
		return nil
	}
	return fmt.Errorf("sim: --url %q: only a parkd on this machine (loopback) may be driven", base)
}

// ErrInterrupted is a run stopped from outside (Ctrl-C) while it was
// still being set up: there is no summary to print.
var ErrInterrupted = errors.New("sim: interrupted before the run began")

// interrupted is err, or ErrInterrupted when ctx was cancelled: the
// error a cancelled request or migration returns says nothing of why.
func interrupted(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ErrInterrupted
	}
	return err
}

// Summary is what a run did.
type Summary struct {
	Elapsed   time.Duration
	Events    int64 // camera reads sent
	Opened    int64
	Held      int64
	Errors    int64
	Revenue   int64  // minor units of Currency paid through the API
	Currency  string // the lots' ISO 4217 currency
	Payments  int64
	Visits    int64
	Anomalies map[string]int64 // what the traffic did on purpose: misread, missed_read, duplicate, no_plate
	P50, P99  time.Duration    // camera read to reply
	ErrSample []string
	// ByProtocol counts reads, decisions and errors per camera protocol;
	// Drivers holds each driver's counts.
	ByProtocol map[string]*Counts
	Drivers    map[string]map[string]int64
	PaidBy     string // the payer's name
	// Interrupted is a run stopped from outside (Ctrl-C) before its bound.
	Interrupted bool
}

// Counts are one camera protocol's reads.
type Counts struct {
	Reads, Opened, Held, Errors int64
	P50, P99                    time.Duration
}

// Print writes the summary.
func (s *Summary) Print(w io.Writer) {
	stopped := ""
	if s.Interrupted {
		stopped = " (interrupted)"
	}
	fmt.Fprintf(w, "sim: %d camera reads in %s%s (%.0f/s), %d visits\n", s.Events, s.Elapsed.Round(time.Millisecond), stopped,
		float64(s.Events)/s.Elapsed.Seconds(), s.Visits)
	fmt.Fprintf(w, "  decisions: %d open, %d hold; errors %d\n", s.Opened, s.Held, s.Errors)
	fmt.Fprintf(w, "  revenue: %d.%02d %s in %d payments\n", s.Revenue/100, s.Revenue%100, s.Currency, s.Payments)
	keys := make([]string, 0, len(s.Anomalies))
	for k := range s.Anomalies {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, s.Anomalies[k])
	}
	if len(parts) == 0 {
		parts = []string{"none"}
	}
	fmt.Fprintf(w, "  anomalies sent: %s\n", strings.Join(parts, ", "))
	fmt.Fprintf(w, "  read to reply: p50 %s, p99 %s\n", s.P50, s.P99)
	for _, name := range sortedKeys(s.ByProtocol) {
		c := s.ByProtocol[name]
		fmt.Fprintf(w, "  %s: %d reads, %d open, %d hold, %d errors; p50 %s, p99 %s\n", name, c.Reads, c.Opened, c.Held, c.Errors,
			c.P50, c.P99)
	}
	fmt.Fprintf(w, "  payments through: %s\n", s.PaidBy)
	for _, name := range sortedKeys(s.Drivers) {
		counts := s.Drivers[name]
		parts := make([]string, 0, len(counts))
		for _, k := range sortedKeys(counts) {
			parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
		}
		fmt.Fprintf(w, "  %s: %s\n", name, strings.Join(parts, ", "))
	}
	for _, e := range s.ErrSample {
		fmt.Fprintf(w, "  error: %s\n", e)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

type lot struct {
	code     string
	protocol string
	in, out  Camera
	passes   []string
	recordID atomic.Int64
}

// protoStats are one protocol's counts during a run.
type protoStats struct {
	reads, opened, held, errs atomic.Int64
	mu                        sync.Mutex
	lat                       []time.Duration
}

type run struct {
	cfg      Config
	api      *API
	payer    Payer
	protos   map[string]*protoStats
	closers  []io.Closer
	serials  []string // the cameras this run registered
	client   *http.Client
	lots     []*lot
	events   atomic.Int64 // reads answered
	sent     atomic.Int64 // reads begun: what --events bounds
	spent    atomic.Bool  // every read --events allows has begun
	opened   atomic.Int64
	held     atomic.Int64
	errs     atomic.Int64
	revenue  atomic.Int64
	payments atomic.Int64
	visits   atomic.Int64
	mu       sync.Mutex
	lat      []time.Duration
	anomaly  map[string]int64
	sample   []string
	start    time.Time
}

// Run sets the lots up and drives them until Duration or Events.
func Run(ctx context.Context, cfg Config) (*Summary, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r := &run{cfg: cfg, client: &http.Client{Timeout: 10 * time.Second}, anomaly: map[string]int64{}, protos: map[string]*protoStats{}}
	r.api = &API{URL: cfg.URL, Token: cfg.Token, Client: r.client}
	r.payer = cfg.Payer
	if r.payer == nil {
		r.payer = &nativePayer{}
	}
	for _, p := range cfg.Protocols {
		r.protos[p.Name] = &protoStats{}
	}
	own := r.cfg.SerialPrefix == ""
	if own {
		r.cfg.SerialPrefix = NewSerialPrefix()
	}
	defer func() {
		if len(r.closers) > 0 && r.start != (time.Time{}) {
			// Cameras parkd calls back keep answering a moment, so the
			// commands for the run's last reads are not taken for a
			// barrier's silence.
			time.Sleep(closeLinger)
		}
		for _, c := range r.closers {
			c.Close()
		}
		if own {
			// The run's own cameras serve no later run: unregistered,
			// rather than left to be reported offline.
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			for _, serial := range r.serials {
				_ = r.api.Do(ctx, "DELETE", "/v1/devices/"+serial, nil, nil)
			}
		}
	}()
	if err := r.setup(ctx); err != nil {
		return nil, interrupted(ctx, err)
	}
	codes := make([]string, len(r.lots))
	lots := make([]Lot, len(r.lots))
	for i, l := range r.lots {
		codes[i], lots[i] = l.code, Lot{Code: l.code, Passes: l.passes}
	}
	if err := r.payer.Setup(ctx, r.api, codes); err != nil {
		return nil, interrupted(ctx, fmt.Errorf("sim: payments through %s: %w", r.payer.Name(), err))
	}
	outside := ctx
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	r.start = time.Now()
	var wg, lanes sync.WaitGroup
	for i, l := range r.lots {
		for j := range cfg.Lanes {
			lanes.Add(1)
			go func() {
				defer lanes.Done()
				rng := rand.New(rand.NewPCG(cfg.Seed, uint64(i*MaxLanes+j)))
				for ctx.Err() == nil && !r.spent.Load() {
					r.visit(ctx, l, rng)
				}
			}()
		}
	}
	// Once the lanes are done (the last reads answered), the rest of the
	// equipment stops too.
	wg.Add(1)
	go func() {
		defer wg.Done()
		lanes.Wait()
		stop()
	}()
	driven := make([]map[string]int64, len(cfg.Drivers))
	for i, d := range cfg.Drivers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts, err := d.Run(ctx, r.api, lots)
			if err != nil {
				r.fail(fmt.Errorf("%s: %w", d.Name(), err))
			}
			driven[i] = counts
		}()
	}
	done := make(chan struct{})
	go r.progress(ctx, done)
	wg.Wait()
	close(done)
	s := r.summary()
	s.Interrupted = outside.Err() != nil
	s.Drivers = map[string]map[string]int64{}
	for i, d := range cfg.Drivers {
		s.Drivers[d.Name()] = driven[i]
	}
	return s, nil
}

// setup creates the lots (priced by the minute, so that a simulated stay
// of seconds owes something), their cameras and pass holders; what exists
// already (a second run against the same parkd) is kept.
func (r *run) setup(ctx context.Context) error {
	for i := range r.cfg.Lots {
		proto := r.cfg.Protocols[i%len(r.cfg.Protocols)]
		l := &lot{code: fmt.Sprintf("SIM%03d", i+1), protocol: proto.Name}
		err := r.api.Do(ctx, "POST", "/v1/lots", map[string]any{"code": l.code, "name": "Simulated lot " + l.code,
			"timezone": "Asia/Shanghai", "currency": lotCurrency, "capacity": 500,
			"tariff": map[string]any{"grace_minutes": 0, "every": map[string]any{"minutes": 1, "price": 100}}}, nil)
		if isConflict(err) {
			// Kept from an earlier run, or the operator's: its takings
			// are summed as the run's revenue, in CNY.
			var have struct {
				Currency string `json:"currency"`
			}
			if err := r.api.Do(ctx, "GET", "/v1/lots/"+l.code, nil, &have); err != nil {
				return err
			}
			if have.Currency != lotCurrency {
				return fmt.Errorf("sim: lot %s prices in %s; the simulator's lots price in %s: drive a parkd without that lot",
					l.code, have.Currency, lotCurrency)
			}
		} else if err != nil {
			return err
		}
		for _, lane := range []string{"in-1", "out-1"} {
			serial := Serial(r.cfg.SerialPrefix, l.code, lane)
			cam, err := proto.NewCamera(ctx, r.cfg.URL, serial, r.client)
			if err != nil {
				return fmt.Errorf("sim: %s camera %s: %w", proto.Name, serial, err)
			}
			if c, ok := cam.(io.Closer); ok {
				r.closers = append(r.closers, c)
			}
			reg := map[string]any{"serial": serial, "lot": l.code, "lane": lane, "protocol": proto.Name}
			if rc, ok := cam.(Registrar); ok {
				for k, v := range rc.Registration() {
					reg[k] = v
				}
			}
			// A camera registered by an earlier run is registered again,
			// with this run's protocol and address.
			if err := r.api.Do(ctx, "DELETE", "/v1/devices/"+serial, nil, nil); err != nil && !isNotFound(err) {
				return err
			}
			if err := r.api.Do(ctx, "POST", "/v1/devices", reg, nil); err != nil {
				return err
			}
			r.serials = append(r.serials, serial)
			if lane == "in-1" {
				l.in = cam
			} else {
				l.out = cam
			}
		}
		for k := range 20 {
			p := fmt.Sprintf("京P%c%04d", plateLetters[i%len(plateLetters)], k)
			err := r.api.Do(ctx, "POST", "/v1/lots/"+l.code+"/passes", map[string]any{"holder_name": "Holder", "plates": []string{p},
				"valid_from": time.Now().Add(-24 * time.Hour).UTC().Format(time.RFC3339),
				"valid_to":   time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)}, nil)
			if err != nil && !isConflict(err) {
				return err
			}
			l.passes = append(l.passes, p)
		}
		// Record ids carry on from the last run's: the camera's counter.
		l.recordID.Store(time.Now().UnixMilli() % 1_000_000_000 * 1000)
		r.lots = append(r.lots, l)
	}
	return nil
}

// plateLetters are the letters of Chinese plates: no I or O, which parkd
// refuses on a pass.
const plateLetters = "ABCDEFGHJKLMNPQRSTUVWXYZ"

// hourFactor is how busy the lot is at the simulated hour: the run is one
// compressed day, quiet at night, peaks at 8-9 and 17-19.
func (r *run) hourFactor() float64 {
	span := r.cfg.Duration
	if span <= 0 {
		span = time.Minute
	}
	h := int(24 * float64(time.Since(r.start)) / float64(span))
	profile := [24]float64{.1, .05, .05, .05, .05, .1, .3, .7, 1, .9, .6, .6, .7, .6, .6, .6, .7, 1, .9, .6, .4, .3, .2, .1}
	return profile[h%24]
}

// visit is one car: an entry, a stay, an exit, paying when held. It is
// counted once a read of it was sent, and each anomaly with the read that
// carries it: the summary says what parkd was sent.
func (r *run) visit(ctx context.Context, l *lot, rng *rand.Rand) {
	arrived := false
	send := func(cam Camera, plate string, id int64, anomalies ...string) bool {
		open, sent := r.pushID(ctx, cam, l, plate, id)
		if sent {
			if !arrived {
				arrived = true
				r.visits.Add(1)
			}
			for _, a := range anomalies {
				r.note(a)
			}
		}
		return open
	}
	// Arrivals follow the hour of the day: a quiet hour waits longer.
	if !sleep(ctx, time.Duration(float64(20*time.Millisecond)*(1/r.hourFactor())*rng.Float64())) {
		return
	}
	plate := fmt.Sprintf("京%c%05d", plateLetters[rng.IntN(20)], rng.IntN(100000))
	if rng.Float64() < 0.15 {
		plate = l.passes[rng.IntN(len(l.passes))]
	}
	roll := rng.Float64()
	var exitAnomalies []string
	switch {
	case roll < 0.02: // a plate-less car: held at the entry, it leaves
		send(l.in, "", l.recordID.Add(1), "no_plate")
		return
	case roll < 0.05: // the entry camera missed it: seen at the exit
		exitAnomalies = append(exitAnomalies, "missed_read")
	default:
		id := l.recordID.Add(1)
		send(l.in, plate, id)
		if rng.Float64() < 0.05 { // the camera resends the same record
			send(l.in, plate, id, "duplicate")
		}
	}
	// Stays last moments of the run's time: minutes of a compressed day.
	if !sleep(ctx, time.Duration(rng.IntN(300))*time.Millisecond) {
		return
	}
	exitPlate := plate
	if rng.Float64() < 0.02 { // misread at the exit: one character off
		exitPlate = plate[:len(plate)-1] + string(rune('0'+rng.IntN(10)))
		exitAnomalies = append(exitAnomalies, "misread")
	}
	if send(l.out, exitPlate, l.recordID.Add(1), exitAnomalies...) || r.spent.Load() {
		return // out, or the run's reads are spent: nobody pays
	}
	if exitPlate != plate {
		return // no stay under the misread plate: the attendant sorts it out
	}
	amount, paid, err := r.payer.Pay(ctx, l.code, plate)
	if err != nil {
		r.failUnlessStopped(ctx, err)
		return
	}
	if paid {
		if amount > 0 {
			r.revenue.Add(amount)
			r.payments.Add(1)
		}
		send(l.out, plate, l.recordID.Add(1))
	}
}

func (r *run) note(kind string) {
	r.mu.Lock()
	r.anomaly[kind]++
	r.mu.Unlock()
}

// pushID sends a read; sent is false when the run had ended or its
// reads were spent, so nothing went out.
func (r *run) pushID(ctx context.Context, cam Camera, l *lot, plate string, id int64) (open, sent bool) {
	if ctx.Err() != nil {
		return false, false
	}
	// Every lane takes its read from one budget, so that --events N sends
	// N reads, not N and what the other lanes had begun; the reads begun
	// are answered before the run ends.
	if n := r.sent.Add(1); r.cfg.Events > 0 && n > r.cfg.Events {
		r.spent.Store(true)
		return false, false
	}
	ps := r.protos[l.protocol]
	t := time.Now()
	open, err := cam.Push(ctx, plate, id)
	d := time.Since(t)
	if err != nil {
		if ctx.Err() == nil {
			r.fail(err)
			ps.errs.Add(1)
		}
		return false, true
	}
	r.events.Add(1)
	ps.reads.Add(1)
	r.mu.Lock()
	r.lat = append(r.lat, d)
	r.mu.Unlock()
	ps.mu.Lock()
	ps.lat = append(ps.lat, d)
	ps.mu.Unlock()
	if open {
		r.opened.Add(1)
		ps.opened.Add(1)
	} else {
		r.held.Add(1)
		ps.held.Add(1)
	}
	return open, true
}

type apiError struct {
	status int
	body   string
}

func (e *apiError) Error() string { return fmt.Sprintf("HTTP %d: %.200s", e.status, e.body) }

func isConflict(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.status == http.StatusConflict
}

func isNotFound(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.status == http.StatusNotFound
}

// API is parkd's native API as the simulator's operator uses it.
type API struct {
	URL, Token string
	Client     *http.Client
}

// Do sends in as JSON and decodes the reply into out; a status other
// than 2xx is an error naming it.
func (r *API) Do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.URL+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+r.Token)
	res, err := r.Client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode == http.StatusUnauthorized {
		return fmt.Errorf("sim: the parkd at %s refused the admin token (--token, PARKD_ADMIN_TOKEN)", r.URL)
	}
	if res.StatusCode/100 != 2 {
		return &apiError{res.StatusCode, string(b)}
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// failUnlessStopped counts err unless the run was stopping (a request
// cut short by the end of the run is not an error).
func (r *run) failUnlessStopped(ctx context.Context, err error) {
	if ctx.Err() == nil {
		r.fail(err)
	}
}

func (r *run) fail(err error) {
	r.errs.Add(1)
	r.mu.Lock()
	if len(r.sample) < 5 {
		r.sample = append(r.sample, err.Error())
	}
	r.mu.Unlock()
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// progress draws a bar until done.
func (r *run) progress(ctx context.Context, done chan struct{}) {
	if r.cfg.Progress == nil {
		return
	}
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-done:
			fmt.Fprintln(r.cfg.Progress)
			return
		case <-t.C:
		}
		frac := 0.0
		if r.cfg.Duration > 0 {
			frac = float64(time.Since(r.start)) / float64(r.cfg.Duration)
		}
		if r.cfg.Events > 0 {
			frac = max(frac, float64(r.events.Load())/float64(r.cfg.Events))
		}
		frac = min(frac, 1)
		n := int(frac * 30)
		fmt.Fprintf(r.cfg.Progress, "\r[%s%s] %3.0f%%  reads %d  open %d  hold %d  revenue %d.%02d  errors %d",
			strings.Repeat("#", n), strings.Repeat(".", 30-n), frac*100, r.events.Load(), r.opened.Load(), r.held.Load(),
			r.revenue.Load()/100, r.revenue.Load()%100, r.errs.Load())
	}
}

func (r *run) summary() *Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := &Summary{Elapsed: time.Since(r.start), Events: r.events.Load(), Opened: r.opened.Load(), Held: r.held.Load(),
		Errors: r.errs.Load(), Revenue: r.revenue.Load(), Payments: r.payments.Load(), Visits: r.visits.Load(),
		Anomalies: r.anomaly, ErrSample: r.sample, Currency: lotCurrency}
	s.P50, s.P99 = percentiles(r.lat)
	s.PaidBy = r.payer.Name()
	s.ByProtocol = map[string]*Counts{}
	for name, ps := range r.protos {
		c := &Counts{Reads: ps.reads.Load(), Opened: ps.opened.Load(), Held: ps.held.Load(), Errors: ps.errs.Load()}
		ps.mu.Lock()
		c.P50, c.P99 = percentiles(ps.lat)
		ps.mu.Unlock()
		s.ByProtocol[name] = c
	}
	return s
}

func percentiles(lat []time.Duration) (p50, p99 time.Duration) {
	lat = slices.Clone(lat)
	slices.Sort(lat)
	// Nearest rank: the smallest read that at least p% of reads took no
	// longer than.
	rank := func(p int) time.Duration { return lat[(len(lat)*p+99)/100-1] }
	if len(lat) > 0 {
		return rank(50), rank(99)
	}
	return 0, 0
}
