package sqlite

import (
	"context"
	"fmt"

	"parkd/internal/park"
)

// CheckWrite queues a write that changes nothing with the others (one
// more savepoint in a group commit, or a commit of one page when idle):
// the database header's user_version rewritten with its own value, which
// SQLite writes out as a page of the log, so a read-only or full disk
// fails it. Unlike Update it stops waiting when ctx ends (the write may
// still commit; it changes nothing).
func (s *Store) CheckWrite(ctx context.Context) error {
	if err := s.checkFiles(); err != nil {
		return err
	}
	if err := s.failure(); err != nil {
		return err
	}
	req := &writeReq{ctx: ctx, done: make(chan writeResult, 1), fn: func(tx park.Tx) error {
		raw := tx.(*txn).raw
		var v int64
		if err := raw.QueryRowContext(stmtCtx, "PRAGMA user_version").Scan(&v); err != nil {
			return mapErr(err)
		}
		_, err := raw.ExecContext(stmtCtx, fmt.Sprintf("PRAGMA user_version = %d", v))
		return mapErr(err)
	}}
	select {
	case s.writes <- req:
	case <-ctx.Done():
		return mapErr(ctx.Err())
	case <-s.stop:
		return park.Errorf(park.EUnavailable, "database is closing")
	}
	select {
	case r := <-req.done:
		return s.noticeDamage(r.err)
	case <-ctx.Done():
		return mapErr(ctx.Err())
	}
}
