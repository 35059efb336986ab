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
