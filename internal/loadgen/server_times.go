package loadgen

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// The histograms of parkd's own answer times the harness reads
// (internal/metrics): chargers' CALLs by action, HTTP requests by route.
const (
	ocppHistogram = "parkd_ocpp_call_duration_seconds"
	httpHistogram = "parkd_http_request_duration_seconds"
)

// eventsRoute is the gate flow's entries and exits in httpHistogram.
const eventsRoute = "POST /v1/lots/{code}/events"

// AnswerTimes are parkd's own answer times read from its /metrics: per
// action or route, the cumulative count at each bucket's upper bound.
// The harness's times include its own scheduling and the network; these
// are parkd's alone.
type AnswerTimes map[string]Buckets

// Buckets is one action's or route's histogram: cumulative counts by upper bound
// (seconds, ascending, the last +Inf) and the total.
type Buckets struct {
	Bounds []float64
	Counts []uint64
	Total  uint64
}

// ReadAnswerTimes reads one of parkd's histograms, keyed by the value of
// its label named by.
func (h *Harness) ReadAnswerTimes(ctx context.Context, family, by string) (AnswerTimes, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", h.base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+h.cfg.Token)
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return nil, &apiError{Status: resp.StatusCode, Body: strings.TrimSpace(string(b))}
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("reading /metrics: %w", err)
	}
	out := AnswerTimes{}
	fam := fams[family]
	if fam == nil {
		return out, nil // nothing answered yet
	}
	for _, m := range fam.GetMetric() {
		out[label(m, by)] = bucketsOf(m.GetHistogram())
	}
	return out, nil
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

func bucketsOf(hg *dto.Histogram) Buckets {
	var b Buckets
	for _, bk := range hg.GetBucket() {
		b.Bounds = append(b.Bounds, bk.GetUpperBound())
		b.Counts = append(b.Counts, bk.GetCumulativeCount())
	}
	b.Total = hg.GetSampleCount()
	if n := len(b.Bounds); n == 0 || !math.IsInf(b.Bounds[n-1], 1) { // the text format has it, a registry not
		b.Bounds = append(b.Bounds, math.Inf(1))
		b.Counts = append(b.Counts, b.Total)
	}
	return b
}

// Since is what was answered between before and now (same buckets).
func (a AnswerTimes) Since(before AnswerTimes) AnswerTimes {
	out := AnswerTimes{}
	for action, b := range a {
		p, ok := before[action]
		d := Buckets{Bounds: b.Bounds, Counts: make([]uint64, len(b.Counts)), Total: b.Total}
		for i := range b.Counts {
			d.Counts[i] = b.Counts[i]
			if ok && i < len(p.Counts) {
				d.Counts[i] -= p.Counts[i]
			}
		}
		if ok {
			d.Total -= p.Total
		}
		out[action] = d
	}
	return out
}

// Within is the share of answers within bound (a bucket's upper bound,
// so exact), and whether bound is one of the buckets'.
func (b Buckets) Within(bound time.Duration) (float64, bool) {
	for i, ub := range b.Bounds {
		if ub == bound.Seconds() {
			if b.Total == 0 {
				return 0, true
			}
			return float64(b.Counts[i]) / float64(b.Total), true
		}
	}
	return 0, false
}

// Quantile is the least bucket bound at or under which at least q of the
// answers fall: the quantile lies in the bucket ending there.
func (b Buckets) Quantile(q float64) float64 {
	for i, c := range b.Counts {
		if b.Total > 0 && float64(c) >= q*float64(b.Total) {
			return b.Bounds[i]
		}
	}
	return math.Inf(1)
}

// atParkd is one row of parkd's own times.
type atParkd struct {
	name string
	b    Buckets
}

// printAtParkd writes parkd's own times beside the harness's: per row, the
// share answered within bound (exact, a bucket's bound) and the bucket the
// 99th percentile falls in; or why they could not be read.
func printAtParkd(w io.Writer, err error, bound time.Duration, rows ...atParkd) {
	if err != nil {
		fmt.Fprintf(w, "\nparkd's own answer times not read: %v\n", err)
		return
	}
	fmt.Fprintf(w, "\n%-12s %9s %14s %15s   (parkd's own times, from its /metrics)\n", "at parkd", "count",
		"within "+ms(bound), "p99 at most")
	for _, r := range rows {
		share, _ := r.b.Within(bound)
		fmt.Fprintf(w, "%-12s %9d %13.2f%% %15s\n", r.name, r.b.Total, 100*share, upTo(r.b.Quantile(0.99)))
	}
}

// upTo is a bucket bound in seconds as the harness prints times.
func upTo(s float64) string {
	if math.IsInf(s, 1) {
		return "+Inf"
	}
	return ms(time.Duration(math.Round(s * float64(time.Second))))
}
