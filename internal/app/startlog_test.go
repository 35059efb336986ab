package app

import (
	"log/slog"
	"strings"
	"sync"
	"testing"

	"parkd/internal/testutil"
)

// TestStartLogHeld: what a start logs, through the start's logger or one
// derived from it, is written only once the start is released, in the
// order logged and with the derived logger's attributes; then records
// pass. A discarded start's records, before and after, are never written.
func TestStartLogHeld(t *testing.T) {
	t.Run("Released", func(t *testing.T) {
		var out testutil.Buffer
		log, held := holdStartLog(slog.New(slog.NewJSONHandler(&out, nil)))
		log.Info("first")
		log.With("component", "mqtt").Warn("second")
		if out.String() != "" {
			t.Fatalf("written before the release:\n%s", out.String())
		}
		// Records logged while the release writes come after what was held.
		var wg sync.WaitGroup
		wg.Go(func() { log.Info("during") })
		held.release()
		wg.Wait()
		log.Info("after")
		recs := out.Records("", "first")
		if len(recs) != 1 || len(out.Records("WARN", "second")) != 1 || out.Records("WARN", "second")[0]["component"] != "mqtt" ||
			len(out.Records("", "during")) != 1 || len(out.Records("", "after")) != 1 {
			t.Fatalf("want first, second (component mqtt), during and after once each:\n%s", out.String())
		}
		s := out.String()
		if i, j := strings.Index(s, `"first"`), strings.Index(s, `"second"`); i < 0 || j < i || strings.Index(s, `"during"`) < j || strings.Index(s, `"after"`) < strings.Index(s, `"during"`) {
			t.Errorf("records out of order:\n%s", s)
		}
	})
	t.Run("Discarded", func(t *testing.T) {
		var out testutil.Buffer
		log, held := holdStartLog(slog.New(slog.NewJSONHandler(&out, nil)))
		log.Warn("before")
		held.discard()
		log.Error("during the teardown")
		held.release() // too late: a discarded start stays silent
		log.Info("after")
		if out.String() != "" {
			t.Fatalf("a discarded start wrote:\n%s", out.String())
		}
	})
}
