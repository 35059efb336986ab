package testutil

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// TestBuffer: writers on several goroutines lose no line (run with
// -race), and Records picks the JSON lines by message and level.
func TestBuffer(t *testing.T) {
	var b Buffer
	log := slog.New(slog.NewJSONHandler(&b, nil))
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 25 {
				log.Warn("w", "n", fmt.Sprint(i, j))
			}
		})
	}
	wg.Wait()
	log.Info("w")
	b.Write([]byte("not json\n"))
	// 4 goroutines × 25 warnings = 100 WARN lines, plus one INFO line.
	if n := len(b.Records("WARN", "w")); n != 100 {
		t.Errorf("%d WARN records, want 100", n)
	}
	if n := len(b.Records("", "w")); n != 101 {
		t.Errorf("%d records of any level, want 101", n)
	}
	if n := len(b.Records("", "other")); n != 0 {
		t.Errorf("%d records of another message, want 0", n)
	}
	if !strings.HasSuffix(b.String(), "not json\n") {
		t.Errorf("String does not end with the last write:\n%s", b.String())
	}
}
