package sqlite

import (
	"context"
	"fmt"
	"time"
)

// checkpointEvery is how often the WAL is copied back into the database
// file. SQLite's automatic checkpoint would run inside a writer's commit
// (and fsync there); running it here, on a reader connection, keeps that
// wait off the gate's path. PASSIVE never blocks the writer. Each tick
// also looks at the log's size, and a full gate flow writes about 150 MB
// of log a second: a short tick keeps the log near its bound.
const checkpointEvery = 100 * time.Millisecond

// walBound is the WAL size past which the log is started over. Under constant
// writes and reads the log is never free of readers when a write begins,
// so SQLite never starts it over by itself and it grows without end
// (334 MB in 20 s of load). Emptying it takes the write lock, which the
// writer holds almost always under load (a checkpoint waiting for it from
// another connection let the log reach 87 MB), and copying what is left
// of it and waiting for readers stalls the lanes for that long (the
// writer doing all of it doubled the fee query's p99). So the
// checkpointer copies in the background as before, and once a copy has
// caught up with the whole log past the bound, the writer starts it over
// between two batches: little is left to copy then, and it waits for
// readers at most restartWait. A log twice past the bound (readers that
// never let the copy catch up) is started over the slow way, by the
// checkpointer waiting for the lock and the readers. At 32 MiB that slow
// way let a 10-minute soak reach 59 MB, against a 64 MB target; at
// 24 MiB it starts at 48 MiB. The size is the log's (the frames since it
// was last started over), not the file's, which keeps its size: measured
// on the file, a log was started over at every tick once the file had
// once passed the bound, each time holding the lanes 3 to 12 ms.
const walBound = 24 << 20 // Options.WALBound's default

// walFrameHeader is the bytes a WAL frame adds to its page.
const walFrameHeader = 24

// restartPasses bounds the checkpointer's extra passes before it asks the
// writer to start the log over; a pass shorter than shortPass let in
// too little to be worth another.
const (
	restartPasses = 3
	shortPass     = time.Millisecond
)

// restartWait bounds the writer's wait for readers when it starts the log over.
const restartWait = 10 * time.Millisecond

func (s *Store) checkpointer() {
	defer close(s.checkDone)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	var pageSize int64
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
		if pageSize == 0 && s.r.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize) != nil {
			cancel()
			continue // the log's size is not known without it: asked again next tick
		}
		// Once a checkpoint has copied every frame, the next write starts the
		// WAL over from its beginning if no reader is on it.
		var busy, frames, done int64
		passive := func() error {
			return s.r.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &done)
		}
		err := passive()
		if size := frames * (pageSize + walFrameHeader); err == nil && size > s.walBound {
			switch {
			case frames == done:
				// A pass copies the log as it was when the pass began; what
				// the writer added meanwhile is left for the writer's
				// restart, which holds every lane while it copies. Further
				// passes, each copying what came in during the one before,
				// shrink that remainder to what a short pass lets in.
				for range restartPasses {
					t0 := time.Now()
					if passive() != nil || frames != done || time.Since(t0) < shortPass {
						break
					}
				}
				s.walFull.Store(true) // the writer starts it over (restartWAL)
			case size > 2*s.walBound:
				_, _ = s.r.ExecContext(ctx, "PRAGMA wal_checkpoint(RESTART)")
			}
		}
		cancel()
	}
}

// restartWAL starts the log over from its beginning, copying what little
// the checkpointer has not, if the readers of the log finish within
// restartWait; the writer calls it between two batches when the
// checkpointer asks. The file keeps its size (at most the bound and what
// came after it) and is written over, which costs the next writes less
// than growing it again after a truncation.
func (s *Store) restartWAL() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	c, err := s.w.Conn(ctx)
	if err != nil {
		return
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", restartWait.Milliseconds())); err != nil {
		return
	}
	_, _ = c.ExecContext(ctx, "PRAGMA wal_checkpoint(RESTART)")
	if _, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeout.Milliseconds())); err != nil {
		s.log.Error("the writer's busy timeout could not be set back", "db", s.path, "err", err)
	}
}
