package sqlite

import (
	"context"
	"fmt"
	"os"
	"time"
)

// checkpointEvery is how often the WAL is copied back into the database
// file. SQLite's automatic checkpoint would run inside a writer's commit
// (and fsync there); running it here, on a reader connection, keeps that
// wait off the gate's path. PASSIVE never blocks the writer.
const checkpointEvery = 250 * time.Millisecond

// walBound is the WAL size past which the writer, between two batches,
// waits for the readers to step aside and empties the log. Under constant
// writes and reads the log is never free of readers when a write begins,
// so SQLite never starts it over by itself and it grows without end
// (334 MB in 20 s of load). A checkpoint on another connection must first
// take the write lock, which the writer holds almost always: tried that
// way, the log still reached 87 MB. The writer holds it already.
const walBound = 32 << 20 // Options.WALBound's default

// walCheckEvery is how often the writer looks at the log's size.
const walCheckEvery = 50 * time.Millisecond

// The writer waits for readers at most restartWaitLeast when it empties
// the log; each time readers outlast the wait, it waits twice as long
// the next time, up to restartWaitMost, so that a long reader (an export)
// costs the lanes a short pause now and then, not one long one.
const (
	restartWaitLeast = 25 * time.Millisecond
	restartWaitMost  = time.Second
)

func (s *Store) checkpointer() {
	defer close(s.checkDone)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		// A changed file is noticed here too when nothing is written.
		if s.checkFiles() != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		// Once a checkpoint has copied every frame, the next write starts the
		// WAL over from its beginning, so the file stays small without a
		// TRUNCATE (which would take the write lock and wait for readers).
		_, _ = s.r.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
		cancel()
	}
}

// boundWAL empties the log once it is past its bound. Only the writer
// calls it, between two batches, and only it touches walNext and walWait.
func (s *Store) boundWAL() {
	now := time.Now()
	if now.Before(s.walNext) {
		return
	}
	s.walNext = now.Add(walCheckEvery)
	if fi, err := os.Stat(s.path + "-wal"); err != nil || fi.Size() <= s.walBound {
		return
	}
	if s.truncateWAL(s.walWait) {
		s.walWait = restartWaitLeast
	} else {
		s.walWait = min(2*s.walWait, restartWaitMost)
	}
}

// truncateWAL copies the rest of the log into the database file and
// empties it, waiting at most wait for readers of the log to finish. It
// reports whether it did.
func (s *Store) truncateWAL(wait time.Duration) bool {
	ctx, cancel := context.WithTimeout(context.Background(), wait+time.Second)
	defer cancel()
	c, err := s.w.Conn(ctx)
	if err != nil {
		return false
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", wait.Milliseconds())); err != nil {
		return false
	}
	var busy, frames, done int
	err = c.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &done)
	if _, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeout.Milliseconds())); err != nil {
		s.log.Error("the writer's busy timeout could not be set back", "db", s.path, "err", err)
	}
	return err == nil && busy == 0
}
