package httpbench

import (
	"testing"
	"time"

	"parkd/internal/metrics"
)

// TestServerWithin: the share is read at a bucket bound, over every route.
func TestServerWithin(t *testing.T) {
	m := metrics.New()
	if _, err := ServerWithin(m.Registry, 10*time.Millisecond); err == nil {
		t.Error("no request timed: want an error")
	}
	// Three within 10 ms on two routes, one at 20 ms.
	for _, o := range []struct {
		route string
		s     float64
	}{{"a", .004}, {"a", .009}, {"b", .001}, {"b", .020}} {
		m.Latency.WithLabelValues(o.route).Observe(o.s)
	}
	if got, err := ServerWithin(m.Registry, 10*time.Millisecond); err != nil || got != 0.75 {
		t.Errorf("within 10 ms: %v %v, want 0.75", got, err)
	}
	if _, err := ServerWithin(m.Registry, 15*time.Millisecond); err == nil {
		t.Error("15 ms ends no bucket: want an error, not a guess")
	}
}
