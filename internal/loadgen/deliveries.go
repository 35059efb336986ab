package loadgen

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"parkd/internal/app"
)

// Receiver is a partner's endpoint for a measurement of deliveries: it
// answers every report 204 at once and counts what came. It listens on
// loopback only.
type Receiver struct {
	URL string

	srv      *http.Server
	requests atomic.Int64
	mu       sync.Mutex
	ids      map[string]struct{}
}

// StartReceiver listens on a free loopback port.
func StartReceiver() (*Receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rc := &Receiver{URL: "http://" + ln.Addr().String() + "/reports", ids: map[string]struct{}{}}
	rc.srv = &http.Server{Handler: http.HandlerFunc(rc.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = rc.srv.Serve(ln) }()
	return rc, nil
}

func (rc *Receiver) serve(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	id := r.Header.Get("webhook-id")
	rc.mu.Lock()
	rc.ids[id] = struct{}{}
	rc.mu.Unlock()
	rc.requests.Add(1)
	w.WriteHeader(http.StatusNoContent)
}

// Counts returns the requests received and the distinct reports among
// them (a report sent twice, at least once as promised, counts once).
func (rc *Receiver) Counts() (requests, reports int64) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.requests.Load(), int64(len(rc.ids))
}

// Close stops the receiver.
func (rc *Receiver) Close() error { return rc.srv.Close() }

// subscribedReports are the reports a visit of the flow causes: its
// entry, its exit and its order (the settled stay).
var subscribedReports = []string{"entry", "exit", "order"}

// subscriptionRate and subscriptionConcurrency let one subscription take
// all the deliveries parkd can make: the measurement is of parkd, not of
// the per-partner limits.
const (
	subscriptionRate        = 10_000
	subscriptionConcurrency = 32
)

// receiverDialect is the first dialect parkd serves whose partners may
// hold a lot priced in currency, and whether its partners sign.
func receiverDialect(currency string) (name string, signs bool) {
	currencies, modes := app.DialectCurrencies(), app.DialectSignModes()
	for _, d := range app.DialectNames() {
		if c := currencies[d]; c == "" || c == currency {
			return d, len(modes[d]) > 0
		}
	}
	return "", false
}

// Subscribe creates a partner of the lot (of any dialect whose partners
// may hold a lot priced in the load lot's currency: the subscriptions are
// native; a secret, when the dialect signs, is random, as nothing signs
// with it) and one native subscription per report of the flow, sending
// to url. Disabled subscriptions keep what happens until
// EnableSubscriptions, so a backlog can be built first.
func (h *Harness) Subscribe(ctx context.Context, url string, enabled bool) error {
	dialect, signs := receiverDialect(loadCurrency)
	partner := map[string]any{"id": h.partnerID(), "name": "load receiver", "dialect": dialect, "lots": []string{h.cfg.Lot}}
	if signs {
		partner["secret"] = rand.Text()
	}
	if err := h.call(ctx, "POST", "/v1/partners", partner, nil, 201, nil); err != nil {
		return fmt.Errorf("create partner: %w", err)
	}
	h.subs = h.subs[:0]
	for _, r := range subscribedReports {
		var sub struct {
			ID string `json:"id"`
		}
		body := map[string]any{"report": r, "url": url, "format": "native", "enabled": enabled,
			"rate_limit": subscriptionRate, "concurrency": subscriptionConcurrency}
		if err := h.call(ctx, "POST", "/v1/partners/"+h.partnerID()+"/subscriptions", body, nil, 201, &sub); err != nil {
			if ae := (*apiError)(nil); errors.As(err, &ae) && ae.Status == http.StatusBadRequest {
				return fmt.Errorf("subscribe %s: %w (start parkd with --allow-private-webhooks)", r, err)
			}
			return fmt.Errorf("subscribe %s: %w", r, err)
		}
		h.subs = append(h.subs, sub.ID)
	}
	return nil
}

// EnableSubscriptions turns on the subscriptions Subscribe made.
func (h *Harness) EnableSubscriptions(ctx context.Context) error {
	for _, id := range h.subs {
		path := "/v1/partners/" + h.partnerID() + "/subscriptions/" + id
		if err := h.call(ctx, "PATCH", path, map[string]any{"enabled": true}, nil, 200, nil); err != nil {
			return fmt.Errorf("enable subscription %s: %w", id, err)
		}
	}
	return nil
}

// LimitSubscriptions caps the deliveries of the subscriptions Subscribe
// made at perSecond in all, split evenly (the flow's reports come in equal
// numbers: an entry, an exit and an order a visit), at least 1 each.
func (h *Harness) LimitSubscriptions(ctx context.Context, perSecond int) error {
	if len(h.subs) == 0 {
		return errors.New("no subscriptions to limit")
	}
	each := max(perSecond/len(h.subs), 1)
	for _, id := range h.subs {
		path := "/v1/partners/" + h.partnerID() + "/subscriptions/" + id
		if err := h.call(ctx, "PATCH", path, map[string]any{"rate_limit": each}, nil, 200, nil); err != nil {
			return fmt.Errorf("limit subscription %s: %w", id, err)
		}
	}
	return nil
}

func (h *Harness) partnerID() string { return h.cfg.Lot + "-recv" }

// DrainResult is how fast parkd delivered a backlog.
type DrainResult struct {
	Want, Reports, Requests int64
	Elapsed                 time.Duration
}

// ReportsPerSecond is the rate of distinct reports delivered.
func (d *DrainResult) ReportsPerSecond() float64 { return perSecond(d.Reports, d.Elapsed) }

// Print writes the drain summary.
func (d *DrainResult) Print(w io.Writer) {
	fmt.Fprintf(w, "deliveries   %9d of %d reports in %s (%.0f deliveries/s), %d requests\n",
		d.Reports, d.Want, d.Elapsed.Round(time.Millisecond), d.ReportsPerSecond(), d.Requests)
}

// Mark is what a receiver had received at one moment, and when: a drain
// counts from it.
type Mark struct {
	requests, reports int64
	at                time.Time
}

// Mark notes what rc has received so far. A drain's mark is taken before
// the subscriptions are enabled: parkd sends as soon as the first is on,
// and what arrives while the others are being enabled belongs to the
// backlog too.
func (rc *Receiver) Mark() Mark {
	req, got := rc.Counts()
	return Mark{requests: req, reports: got, at: time.Now()}
}

// Drain waits until rc has received want more distinct reports than it
// had at from, or within (counted from from) has passed. The elapsed time
// is counted from from too.
func Drain(ctx context.Context, rc *Receiver, from Mark, want int64, within time.Duration) *DrainResult {
	deadline := from.at.Add(within)
	res := &DrainResult{Want: want}
	for {
		req, got := rc.Counts()
		res.Reports, res.Requests, res.Elapsed = got-from.reports, req-from.requests, time.Since(from.at)
		if res.Reports >= want || time.Now().After(deadline) || ctx.Err() != nil {
			return res
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// Settle waits until rc has received nothing new for quiet (or within has
// passed) and returns how many reports came meanwhile: the deliveries
// still queued when a run ended.
func Settle(ctx context.Context, rc *Receiver, quiet, within time.Duration) int64 {
	_, base := rc.Counts()
	last, lastAt := base, time.Now()
	deadline := lastAt.Add(within)
	for ctx.Err() == nil && time.Now().Before(deadline) && time.Since(lastAt) < quiet {
		time.Sleep(10 * time.Millisecond)
		if _, n := rc.Counts(); n != last {
			last, lastAt = n, time.Now()
		}
	}
	return last - base
}
