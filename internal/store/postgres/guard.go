package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// guard is the transaction as the generated queries see it. PostgreSQL
// aborts a transaction at its first failed statement (a unique violation,
// say) and SQLite does not, so guard remembers that failure and refuses
// every later statement with it, instead of sending them to be answered
// "current transaction is aborted". The store then rolls back and returns
// the failure even if fn swallowed it: a transaction is never committed,
// or used, after a failed statement. A SELECT finding no row is not a
// failure: callers look things up and carry on when they are missing.
type guard struct {
	tx  pgx.Tx
	err error // the first failed statement's error, as the driver returned it
}

func (g *guard) fail(err error) {
	if err != nil && g.err == nil && !errors.Is(err, pgx.ErrNoRows) {
		g.err = err
	}
}

func (g *guard) refused() error {
	return fmt.Errorf("statement refused, an earlier one failed: %w", g.err)
}

func (g *guard) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if g.err != nil {
		return pgconn.CommandTag{}, g.refused()
	}
	tag, err := g.tx.Exec(ctx, sql, args...)
	g.fail(err)
	return tag, err
}

func (g *guard) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if g.err != nil {
		return nil, g.refused()
	}
	rows, err := g.tx.Query(ctx, sql, args...)
	if err != nil {
		g.fail(err)
		return nil, err
	}
	return guardedRows{Rows: rows, g: g}, nil
}

func (g *guard) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if g.err != nil {
		return errRow{g.refused()}
	}
	return guardedRow{row: g.tx.QueryRow(ctx, sql, args...), g: g}
}

type guardedRows struct {
	pgx.Rows
	g *guard
}

func (r guardedRows) Err() error {
	err := r.Rows.Err()
	r.g.fail(err)
	return err
}

type guardedRow struct {
	row pgx.Row
	g   *guard
}

func (r guardedRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	r.g.fail(err)
	return err
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
