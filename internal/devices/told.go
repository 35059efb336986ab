package devices

import (
	"context"
	"log/slog"
	"sync"
)

// told remembers, per camera, a trouble already logged. A camera repeats
// what it sends (a record not kept comes again every few seconds; one set
// up to send text sends it with every read), so a trouble is logged at
// the camera's first, only counted after that, and its end is logged
// once with the count: one line per camera and run of trouble rather
// than one per retry, while another camera's first is logged all the
// same. Each trouble has its own told: one ending says nothing of
// another (a camera's live reads kept while one of its records is stuck).
type told struct {
	log   *slog.Logger
	level slog.Level // the first line's
	ended string     // the message logged when a run ends
	mu    sync.Mutex
	n     map[string]int // serial -> troubles in its run, the first logged
}

func newTold(log *slog.Logger, level slog.Level, ended string) *told {
	return &told{log: log, level: level, ended: ended, n: map[string]int{}}
}

// failed notes a trouble of serial's: the run's first is logged at the
// told's level as msg, with args after the serial; the rest at debug.
func (t *told) failed(serial, msg string, args ...any) {
	t.mu.Lock()
	t.n[serial]++
	n := t.n[serial]
	t.mu.Unlock()
	args = append([]any{"serial", serial}, args...)
	if n == 1 {
		t.log.Log(context.Background(), t.level, msg, args...)
		return
	}
	t.log.Debug(msg, append(args, "again", n-1)...)
}

// ok ends serial's run, if any: one info line with how many failed in it.
func (t *told) ok(serial string) {
	t.mu.Lock()
	n := t.n[serial]
	delete(t.n, serial)
	t.mu.Unlock()
	if n > 0 {
		t.log.Info(t.ended, "serial", serial, "failed", n)
	}
}
