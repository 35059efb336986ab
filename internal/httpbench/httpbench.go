// Package httpbench drives an HTTP endpoint from many concurrent clients
// inside a Go benchmark and reports what the issues' targets are stated
// in: requests per second and the 50th and 99th latency percentiles.
package httpbench

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Clients is how many clients run at once: PARKD_BENCH_CLIENTS, default 32.
func Clients() int {
	if n, _ := strconv.Atoi(os.Getenv("PARKD_BENCH_CLIENTS")); n > 0 {
		return n
	}
	return 32
}

// Run sends b.N requests, the i-th made by newReq(i), from Clients()
// goroutines, and reports req/s, p50-ms and p99-ms. check(i, ...) sees
// every reply; a transport error or a check error fails the benchmark, so
// a fast wrong answer is never counted as a result.
func Run(b *testing.B, client *http.Client, newReq func(i int) *http.Request, check func(i int, resp *http.Response, body []byte) error) {
	clients := Clients()
	var (
		next     atomic.Int64
		mu       sync.Mutex
		firstErr error
		failed   atomic.Int64
		wg       sync.WaitGroup
	)
	lat := make([][]time.Duration, clients)
	stopProfile := profileTimed(b)
	b.ResetTimer()
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				req := newReq(int(i))
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					var body []byte
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
					lat[c] = append(lat[c], time.Since(t0))
					if err == nil {
						err = check(int(i), resp, body)
					}
				}
				if err != nil {
					failed.Add(1)
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	stopProfile()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d requests failed; the first: %v", n, b.N, firstErr)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) float64 { return float64(all[int(float64(len(all)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// profileTimed writes a CPU profile of the timed requests alone to the
// file PARKD_BENCH_CPUPROFILE names: -test.cpuprofile would also take in
// the set-up (100,000 cars inserted), which outweighs the run itself.
func profileTimed(b *testing.B) (stop func()) {
	path := os.Getenv("PARKD_BENCH_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatalf("cpu profile: %v", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		b.Fatalf("cpu profile: %v", err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			b.Errorf("cpu profile: %v", err)
		}
	}
}

// Client returns an HTTP client that keeps one connection per benchmark client.
func Client() *http.Client {
	n := Clients()
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}}
}

// Status200 is a check that accepts only HTTP 200.
func Status200(_ int, resp *http.Response, body []byte) error {
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, body)
	}
	return nil
}

// ReportServer reports as parkd-within-<bound>-% the share of the
// requests that parkd's own HTTP histogram (parkd_http_request_duration_seconds,
// all routes, gathered from g) timed within bound: the server's view,
// without the clients' share of the same cores. bound must be one of the
// histogram's bucket bounds, so the share is exact.
func ReportServer(b *testing.B, g prometheus.Gatherer, bound time.Duration) {
	share, err := ServerWithin(g, bound)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(100*share, fmt.Sprintf("parkd-within-%dms-%%", bound.Milliseconds()))
}

// ServerWithin is the share ReportServer reports.
func ServerWithin(g prometheus.Gatherer, bound time.Duration) (float64, error) {
	fams, err := g.Gather()
	if err != nil {
		return 0, err
	}
	var within, total uint64
	found := false
	for _, f := range fams {
		if f.GetName() != "parkd_http_request_duration_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			h := m.GetHistogram()
			total += h.GetSampleCount()
			for _, bk := range h.GetBucket() {
				if bk.GetUpperBound() == bound.Seconds() {
					within += bk.GetCumulativeCount()
					found = true
				}
			}
		}
	}
	switch {
	case total == 0:
		return 0, errors.New("httpbench: parkd timed no request")
	case !found:
		return 0, fmt.Errorf("httpbench: no bucket of parkd's histogram ends at %s", bound)
	}
	return float64(within) / float64(total), nil
}
