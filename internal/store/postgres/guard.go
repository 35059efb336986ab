package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// guard is the transaction as the generated queries see it. It does two
// things.
//
// It saves round trips, which bound the store on a busy database: BEGIN
// is not sent on its own but ahead of the transaction's first statement,
// and a write whose answer nobody reads (see txn.later) waits to go with
// the next statement that needs an answer, or with COMMIT. A transaction
// that sends nothing costs nothing.
//
// And it keeps a failed transaction from going on. PostgreSQL aborts a
// transaction at its first failed statement (a unique violation, say) and
// SQLite does not, so guard remembers that failure and refuses every later
// statement with it, instead of sending them to be answered "current
// transaction is aborted". The store then rolls back and returns the
// failure even if fn swallowed it: a transaction is never committed, or
// used, after a failed statement. A SELECT finding no row is not a
// failure: callers look things up and carry on when they are missing.
type guard struct {
	pool     *pgxpool.Pool
	maxConns int32
	c        *pgxpool.Conn
	begin    string // the BEGIN statement, until it is sent
	open     bool   // BEGIN has gone to the server on c

	queued []queued          // writes not sent yet, in order
	naming func(error) error // set while txn.later queues a write

	err   error // the first failed statement's error, as the driver returned it
	named error // the same, named by the write that failed, when it was queued

	memo memo
}

// sending is told of every statement before it is queued or sent.
func (g *guard) sending(sql string) {
	if g.memo.lots != nil && forgets(sql) {
		clear(g.memo.lots)
	}
}

// maxQueued bounds the writes a transaction queues: a bulk write (an
// import) goes in batches of that many, not all at its commit.
const maxQueued = 64

// queued is a write waiting for the next round trip.
type queued struct {
	sql  string
	args []any
	name func(error) error
}

func (g *guard) fail(err error) {
	if err != nil && g.err == nil && !errors.Is(err, pgx.ErrNoRows) {
		g.err = err
	}
}

func (g *guard) refused() error {
	if g.named != nil {
		return fmt.Errorf("statement refused, an earlier one failed: %w", g.named)
	}
	return fmt.Errorf("statement refused, an earlier one failed: %w", g.err)
}

// failure is what the transaction's caller is told when a statement
// failed: a queued write's own name for its failure, since the statement
// that carried it to the server is not the one that failed.
func (g *guard) failure() error {
	if g.named != nil {
		return g.named
	}
	return mapErr(g.err)
}

// exchange sends what is queued, then sql when given, in one round trip,
// and reads the answers to what was queued. The caller reads the answer
// to sql from the results and closes them; on an error they are closed.
func (g *guard) exchange(ctx context.Context, sql string, args []any) (pgx.BatchResults, error) {
	fresh := !g.open
	for i := int32(0); ; i++ {
		// A batch is built anew for each connection: sending one binds it
		// to that connection's prepared statements.
		b := &pgx.Batch{}
		if fresh {
			b.Queue(g.begin)
		}
		for _, q := range g.queued {
			b.Queue(q.sql, q.args...)
		}
		if sql != "" {
			b.Queue(sql, args...)
		}
		g.open = true
		br := g.c.SendBatch(ctx, b)
		err := g.answers(br, fresh)
		if err == nil {
			g.queued = g.queued[:0]
			return br, nil
		}
		_ = br.Close()
		// A pooled connection that died while idle is found here, at the
		// transaction's first round trip. Nothing of the transaction took
		// effect on it, so it can go again on another connection.
		if !fresh || i >= g.maxConns || !resendable(err) || ctx.Err() != nil {
			g.fail(err)
			if g.named != nil {
				return nil, g.refused()
			}
			return nil, err
		}
		g.c.Release()
		g.c = nil
		c, aerr := g.pool.Acquire(ctx)
		if aerr != nil {
			g.fail(aerr)
			return nil, aerr
		}
		g.c = c
	}
}

// answers reads the results of BEGIN (when sent) and the queued writes.
func (g *guard) answers(br pgx.BatchResults, withBegin bool) error {
	if withBegin {
		if _, err := br.Exec(); err != nil {
			return err
		}
	}
	for _, q := range g.queued {
		if _, err := br.Exec(); err != nil {
			if g.named == nil && !deadConn(err) {
				g.named = q.name(err)
			}
			return err
		}
	}
	return nil
}

// resendable reports whether a transaction's first round trip failed
// before the server acted on it: the session was gone before it arrived.
func resendable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "57P01" || pg.Code == "57P02" // the session was ended first
	}
	return pgconn.SafeToRetry(err) // nothing was sent
}

// direct reports whether a statement can go on its own, nothing being
// queued before it.
func (g *guard) direct() bool { return g.open && len(g.queued) == 0 }

func (g *guard) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if g.err != nil {
		return pgconn.CommandTag{}, g.refused()
	}
	g.sending(sql)
	if g.naming != nil {
		g.queued = append(g.queued, queued{sql: sql, args: args, name: g.naming})
		if len(g.queued) < maxQueued {
			return pgconn.CommandTag{}, nil
		}
		br, err := g.exchange(ctx, "", nil)
		if err != nil {
			return pgconn.CommandTag{}, err
		}
		g.fail(br.Close())
		return pgconn.CommandTag{}, nil
	}
	if g.direct() {
		tag, err := g.c.Exec(ctx, sql, args...)
		g.fail(err)
		return tag, err
	}
	br, err := g.exchange(ctx, sql, args)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	g.fail(err)
	return tag, err
}

func (g *guard) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if g.err != nil {
		return nil, g.refused()
	}
	g.sending(sql)
	if g.direct() {
		rows, err := g.c.Query(ctx, sql, args...)
		if err != nil {
			g.fail(err)
			return nil, err
		}
		return guardedRows{Rows: rows, g: g}, nil
	}
	br, err := g.exchange(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		_ = br.Close()
		g.fail(err)
		return nil, err
	}
	return guardedRows{Rows: rows, g: g, br: br}, nil
}

func (g *guard) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if g.err != nil {
		return errRow{g.refused()}
	}
	g.sending(sql)
	if g.direct() {
		return guardedRow{row: g.c.QueryRow(ctx, sql, args...), g: g}
	}
	br, err := g.exchange(ctx, sql, args)
	if err != nil {
		return errRow{err}
	}
	return guardedRow{row: br.QueryRow(), g: g, br: br}
}

// commit sends what is queued and COMMIT in one round trip.
func (g *guard) commit(ctx context.Context) error {
	if !g.open && len(g.queued) == 0 {
		return nil // nothing was asked of the server
	}
	br, err := g.exchange(ctx, "commit", nil)
	if err != nil {
		return err
	}
	_, err = br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// release ends a transaction that did not commit and gives the connection
// back. The rollback must run even when the request's context is done, so
// the connection goes back to the pool clean; should it fail, the pool
// drops the connection, which is not idle.
func (g *guard) release(rollback bool) {
	if g.c == nil {
		return
	}
	if rollback && g.open {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, _ = g.c.Exec(ctx, "rollback")
		cancel()
	}
	g.c.Release()
	g.c = nil
}

type guardedRows struct {
	pgx.Rows
	g  *guard
	br pgx.BatchResults // the round trip the rows came in, when batched
}

func (r guardedRows) Err() error {
	err := r.Rows.Err()
	r.g.fail(err)
	return err
}

func (r guardedRows) Close() {
	r.Rows.Close()
	r.g.fail(r.Rows.Err())
	if r.br != nil {
		r.g.fail(r.br.Close())
	}
}

type guardedRow struct {
	row pgx.Row
	g   *guard
	br  pgx.BatchResults
}

func (r guardedRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if r.br != nil {
		if cerr := r.br.Close(); err == nil {
			err = cerr
		}
	}
	r.g.fail(err)
	return err
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
