// Package testutil holds what tests of several packages share and no one
// package owns. It imports only the standard library, so any package's
// internal tests may use it without an import cycle.
package testutil

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
)

// Buffer is a bytes.Buffer that goroutines may write (a log, a command's
// output) while the test reads it. The zero value is ready to use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String is what has been written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Records are the JSON log lines (slog's JSONHandler) written so far
// whose msg is msg and, unless level is "", whose level is level (DEBUG,
// INFO, WARN, ERROR); lines that are not JSON are passed over.
func (b *Buffer) Records(level, msg string) []map[string]any {
	var out []map[string]any
	for line := range strings.SplitSeq(b.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == msg && (level == "" || rec["level"] == level) {
			out = append(out, rec)
		}
	}
	return out
}
