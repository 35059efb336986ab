package sim

import (
	"strings"
	"testing"
	"time"
)

// TestSummaryNoAnomalies: a run too short to send any anomaly says so,
// rather than leaving the line blank.
func TestSummaryNoAnomalies(t *testing.T) {
	var b strings.Builder
	(&Summary{Elapsed: time.Millisecond, Currency: "CNY", Anomalies: map[string]int64{}}).Print(&b)
	if !strings.Contains(b.String(), "  anomalies sent: none\n") {
		t.Fatalf("summary:\n%s\nwant \"anomalies sent: none\"", b.String())
	}
}

// TestPercentiles: p50 and p99 are nearest-rank: of the reads 1 ms to
// 100 ms, half took at most 50 ms and 99 of them at most 99 ms; the
// slowest alone is not the p99.
func TestPercentiles(t *testing.T) {
	var lat []time.Duration
	for i := 100; i >= 1; i-- {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	if p50, p99 := percentiles(lat); p50 != 50*time.Millisecond || p99 != 99*time.Millisecond {
		t.Fatalf("p50 %s, p99 %s: want 50ms, 99ms", p50, p99)
	}
	if p50, p99 := percentiles([]time.Duration{3, 1, 2}); p50 != 2 || p99 != 3 {
		t.Fatalf("p50 %s, p99 %s of 1, 2, 3 ns: want 2ns, 3ns", p50, p99)
	}
	if p50, p99 := percentiles(nil); p50 != 0 || p99 != 0 {
		t.Fatalf("no reads: p50 %s, p99 %s", p50, p99)
	}
}

// TestSerialPrefix: two runs left to their own prefixes name their
// cameras apart (two draws of 16.7 million alike once in that many), a
// prefix given names the cameras a server has registered, and one that
// would make a serial the registry refuses is refused before the run.
func TestSerialPrefix(t *testing.T) {
	a, b := NewSerialPrefix(), NewSerialPrefix()
	if a == b || Serial(a, "SIM001", "in-1") == Serial(b, "SIM001", "in-1") {
		t.Fatalf("two runs drew the prefix %q and %q: their cameras collide", a, b)
	}
	if !strings.HasPrefix(a, "sim-") || len(a) != len("sim-123456-") {
		t.Fatalf("prefix %q, want sim- and 6 hex digits and -", a)
	}
	if s := Serial("sim-", "SIM001", "in-1"); s != "sim-sim001-in-1" {
		t.Fatalf("serial %q, want the registered sim-sim001-in-1", s)
	}
	for _, p := range []string{"has space ", "slash/", strings.Repeat("x", 49)} {
		c := Config{URL: "http://127.0.0.1:8080", Token: "t", Events: 1, Protocols: []Protocol{{Name: "x"}}, SerialPrefix: p}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "--serial-prefix") {
			t.Fatalf("prefix %q: %v, want refused naming --serial-prefix", p, err)
		}
	}
}
