package jobs

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestStopQuiet: an error River logs on a cancelled context (the stop's
// doing) is no ERROR; one on a live context, or on a deadline that ran
// out, stays an error, with its attributes.
func TestStopQuiet(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(stopQuiet{slog.NewJSONHandler(&buf, nil)}).With("component", "jobs")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithTimeout(context.Background(), -time.Second)
	defer cancel2()
	log.ErrorContext(cancelled, "stopped mid-transaction", "error", "context canceled")
	log.ErrorContext(expired, "slow database", "error", "context deadline exceeded")
	log.ErrorContext(context.Background(), "broken", "error", "disk full")
	out := buf.String()
	if strings.Contains(out, "stopped mid-transaction") {
		t.Errorf("the stop's error was logged at info level or above:\n%s", out)
	}
	for _, want := range []string{`"level":"ERROR","msg":"slow database","component":"jobs","error":"context deadline exceeded"`,
		`"level":"ERROR","msg":"broken","component":"jobs","error":"disk full"`} {
		if !strings.Contains(out, want) {
			t.Errorf("want %s in:\n%s", want, out)
		}
	}
	buf.Reset()
	debug := slog.New(stopQuiet{slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})})
	debug.ErrorContext(cancelled, "stopped mid-transaction", "error", "context canceled")
	if !strings.Contains(buf.String(), `"level":"DEBUG","msg":"stopped mid-transaction","error":"context canceled"`) {
		t.Errorf("at debug level the stop's error is kept as debug, with its attributes:\n%s", buf.String())
	}
}
