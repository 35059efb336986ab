package sqlite

import (
	"context"
	"os"
	"time"
)

// checkpointEvery is how often the WAL is copied back into the database
// file. SQLite's automatic checkpoint would run inside a writer's commit
// (and fsync there); running it here, on a reader connection, keeps that
// wait off the gate's path. PASSIVE never blocks the writer.
const checkpointEvery = 250 * time.Millisecond

// walBound is the WAL size past which a checkpoint also waits for the
// writer and the readers to step aside and starts the log over. Under
// constant writes a PASSIVE checkpoint never catches up with the last
// frame (some reader always holds an older snapshot), so without this
// the file grows without end (334 MB in 20 s of load). The pause it costs
// the writer is the copy of at most this much, about once a second under
// the heaviest load measured.
const walBound = 32 << 20 // Options.WALBound's default

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
		if fi, err := os.Stat(s.path + "-wal"); err == nil && fi.Size() > s.walBound {
			_, _ = s.r.ExecContext(ctx, "PRAGMA wal_checkpoint(RESTART)")
		}
		cancel()
	}
}
