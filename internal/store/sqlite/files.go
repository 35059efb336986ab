package sqlite

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"parkd/internal/park"
)

// The database's files must stay the ones parkd opened. SQLite keeps
// writing into its -wal file through the descriptor it holds, so if the
// file is deleted (or replaced) while parkd runs, commits still succeed
// but land in a file nobody can find: the next start, after a crash,
// does not see them. parkd remembers each file's identity (device and
// inode) when it opens the database and checks it before every commit,
// on every health check and every checkpointEvery: once a file has
// changed, writes answer EUnavailable (503) until parkd restarts, the
// health check fails, and the error is logged.

// watched are the files whose identity is checked.
func (s *Store) watched() []string {
	return []string{s.path, s.path + "-wal", s.path + "-shm"}
}

// rememberFiles records the identity of the database's files, as Open
// leaves them (a WAL database has all three while a connection is open).
func (s *Store) rememberFiles() error {
	s.files = s.files[:0]
	for _, p := range s.watched() {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		s.files = append(s.files, fi)
	}
	return nil
}

// checkFiles fails the store when one of its files is no longer the one
// it opened, and returns the store's failure, if any.
func (s *Store) checkFiles() error {
	if err := s.failure(); err != nil {
		return err
	}
	for i, p := range s.watched() {
		fi, err := os.Stat(p)
		db := i == 0 // the database file itself, not a side file
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return s.fail(filepath.Base(p)+" was deleted", db)
		case err != nil:
			return s.fail("cannot check "+filepath.Base(p)+": "+err.Error(), false)
		case !os.SameFile(fi, s.files[i]):
			return s.fail(filepath.Base(p)+" was replaced by another file", db)
		}
	}
	return nil
}

// failure is the store's failure, or nil while its files are its own.
func (s *Store) failure() error {
	if e := s.broken.Load(); e != nil {
		return e
	}
	return nil
}

// fail records that the database's files changed, once: it logs why,
// and starts the rescue of what the write-ahead log holds (rescue),
// unless the database file itself is gone (dbGone). It returns the
// failure. It may run inside the writer's transaction, so it leaves the
// database to the rescue, which waits for the writer's connection.
func (s *Store) fail(why string, dbGone bool) error {
	e := park.Errorf(park.EUnavailable, "the database's files changed while parkd ran (%s); writes are refused until parkd restarts", why)
	if !s.broken.CompareAndSwap(nil, e) {
		return s.broken.Load()
	}
	s.log.Error("database files changed under parkd: writes are refused and the health check fails until parkd restarts",
		"db", s.path, "why", why)
	if dbGone {
		s.log.Error("the database file itself is gone or replaced: the acknowledged writes since the last checkpoint "+
			"cannot be saved into it; restore the latest backup", "db", s.path)
		return e
	}
	s.rescuing.Add(1)
	go func() {
		defer s.rescuing.Done()
		s.rescue()
	}()
	return e
}

// rescue copies what the write-ahead log holds into the database file
// while parkd still holds the log open (a checkpoint on the writer's
// connection, which still sees the deleted log), so that the transactions
// already acknowledged survive the restart the operator must now make.
func (s *Store) rescue() {
	ctx, cancel := context.WithTimeout(context.Background(), rescueFor)
	defer cancel()
	var (
		busy, frames, done int
		err                error
	)
	// Another connection's checkpoint (the periodic one, started before
	// the change was noticed) makes this one answer busy at once, without
	// waiting: try again until it runs.
	for {
		err = s.w.QueryRowContext(ctx, "PRAGMA wal_checkpoint(FULL)").Scan(&busy, &frames, &done)
		if _, bad := damaged(err); (err == nil && busy == 0) || ctx.Err() != nil || bad ||
			(err != nil && !park.IsCode(mapErr(err), park.EUnavailable)) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	switch {
	case err != nil:
		s.log.Error("copying the write-ahead log into the database file failed; restore the latest backup", "db", s.path, "err", err)
	case busy != 0 || done < frames:
		s.log.Error("the write-ahead log was copied into the database file only in part; restore the latest backup",
			"db", s.path, "frames", frames, "copied", done)
	default:
		s.log.Warn("the write-ahead log was copied into the database file: every acknowledged write is in it; restart parkd",
			"db", s.path, "frames", frames)
	}
}

// rescueFor bounds the rescue's attempts.
const rescueFor = 30 * time.Second
