// Package transfer copies an embedded SQLite database into PostgreSQL for
// an operator who outgrows one machine (`parkd migrate --to postgres://...`),
// and proves the copy: every table is counted and checksummed on both sides
// before anything is committed.
package transfer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrTargetNotEmpty is returned when the PostgreSQL database already holds
// parkd data: the copy never merges into, or overwrites, a live database.
var ErrTargetNotEmpty = errors.New("transfer: the PostgreSQL database already holds parkd data")

// Report is what was copied and verified, table by table in copy order.
type Report struct {
	Tables []TableReport
	// Jobs is how many of the job queue's jobs were read from SQLite;
	// JobsKept how many of them the target did not already hold (by
	// unique key) and took.
	Jobs, JobsKept int64
}

// TableReport is one table's row count and checksum (hex SHA-256 of the
// canonical rows), equal on both sides.
type TableReport struct {
	Table    string
	Rows     int64
	Checksum string
}

// Rows is the number of rows copied in all tables.
func (r Report) Rows() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Rows
	}
	return n
}

// Copy copies every parkd table from src, a SQLite database migrated to the
// latest schema, into dst, a freshly migrated PostgreSQL database (or
// schema, as dst's search_path names it), in one PostgreSQL transaction:
// it commits only once every table's row count and checksum match on both
// sides, so on any error the target is left as it was. It refuses, with
// ErrTargetNotEmpty, a target whose parkd tables already have rows.
//
// The SQLite side is read in one snapshot, but writes committed to it after
// Copy starts are not copied: stop parkd first.
func Copy(ctx context.Context, src *sql.DB, dst *pgxpool.Pool, log *slog.Logger) (Report, error) {
	return copyDB(ctx, src, dst, log, nil)
}

// copyDB is Copy; beforeVerify, set only by tests, runs in the target's
// transaction between the copy and its verification.
func copyDB(ctx context.Context, src *sql.DB, dst *pgxpool.Pool, log *slog.Logger,
	beforeVerify func(context.Context, pgx.Tx) error) (Report, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	stx, err := src.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Report{}, fmt.Errorf("transfer: read SQLite: %w", err)
	}
	defer stx.Rollback()
	if err := checkSQLite(ctx, stx); err != nil {
		return Report{}, err
	}

	tx, err := dst.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted, AccessMode: pgx.ReadWrite})
	if err != nil {
		return Report{}, fmt.Errorf("transfer: PostgreSQL: %w", err)
	}
	defer rollback(tx)
	if err := checkPostgres(ctx, tx); err != nil {
		return Report{}, err
	}
	// No one may write while the tables are filled and verified (a parkd
	// node started too early, or a second copy), and the emptiness check
	// below must stay true until commit. Readers are not blocked.
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = quote(t.name)
	}
	// The job queue's table, when the target has it (parkd migrate --to
	// makes it), is copied too and kept from the queue's writers likewise.
	var jobQueue bool
	if err := tx.QueryRow(ctx, "SELECT to_regclass('river_job') IS NOT NULL").Scan(&jobQueue); err != nil {
		return Report{}, fmt.Errorf("transfer: PostgreSQL: %w", err)
	}
	if jobQueue {
		names = append(names, "river_job")
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE "+strings.Join(names, ", ")+" IN EXCLUSIVE MODE"); err != nil {
		return Report{}, fmt.Errorf("transfer: lock PostgreSQL tables: %w", err)
	}
	if err := checkEmpty(ctx, tx); err != nil {
		return Report{}, err
	}

	sums := make([]*checksum, len(tables))
	for i, t := range tables {
		start := time.Now()
		if sums[i], err = copyTable(ctx, stx, tx, t); err != nil {
			return Report{}, err
		}
		if err := advanceIdentity(ctx, tx, t); err != nil {
			return Report{}, err
		}
		log.Info("copied table", "table", t.name, "rows", sums[i].rows, "took", time.Since(start).Round(time.Millisecond).String())
	}
	var rep Report
	if jobQueue {
		if rep.Jobs, rep.JobsKept, err = copyJobs(ctx, stx, tx); err != nil {
			return Report{}, err
		}
		log.Info("copied the job queue", "jobs", rep.Jobs, "kept", rep.JobsKept)
	}
	if beforeVerify != nil {
		if err := beforeVerify(ctx, tx); err != nil {
			return Report{}, err
		}
	}
	for i, t := range tables {
		tr, err := verify(ctx, stx, tx, t, sums[i])
		if err != nil {
			return Report{}, err
		}
		rep.Tables = append(rep.Tables, tr)
		log.Debug("verified table", "table", t.name, "rows", tr.Rows, "checksum", tr.Checksum)
	}
	if err := tx.Commit(ctx); err != nil {
		return Report{}, fmt.Errorf("transfer: commit: %w", err)
	}
	return rep, nil
}

// checkEmpty refuses a target that already has parkd rows, naming them.
func checkEmpty(ctx context.Context, tx pgx.Tx) error {
	var full []string
	for _, t := range tables {
		var has bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+quote(t.name)+")").Scan(&has); err != nil {
			return fmt.Errorf("transfer: PostgreSQL table %s: %w", t.name, err)
		}
		if has {
			full = append(full, t.name)
		}
	}
	if len(full) > 0 {
		return fmt.Errorf("%w (rows in %s); copy into a new database or an empty schema (--pg-schema)",
			ErrTargetNotEmpty, strings.Join(full, ", "))
	}
	return nil
}

// copyTable streams one table from SQLite into PostgreSQL with COPY,
// checksumming the rows as they pass.
func copyTable(ctx context.Context, stx *sql.Tx, tx pgx.Tx, t table) (*checksum, error) {
	rows, err := stx.QueryContext(ctx, t.selectSQL("BINARY"))
	if err != nil {
		return nil, fmt.Errorf("transfer: read SQLite table %s: %w", t.name, err)
	}
	defer rows.Close()
	s := &sqliteSource{t: t, rows: rows, dest: sqliteDest(t), sum: newChecksum()}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.columnNames(), s)
	if err != nil {
		return nil, fmt.Errorf("transfer: copy table %s: %w", t.name, err)
	}
	if n != s.sum.rows {
		return nil, fmt.Errorf("transfer: copy table %s: PostgreSQL took %d rows of %d", t.name, n, s.sum.rows)
	}
	return s.sum, nil
}

// advanceIdentity makes the next number PostgreSQL gives t's identity
// column one past the largest copied, so the first row parkd adds after
// the copy does not collide with a copied one.
func advanceIdentity(ctx context.Context, tx pgx.Tx, t table) error {
	if t.identity == "" {
		return nil
	}
	_, err := tx.Exec(ctx, "SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max("+quote(t.identity)+"), 0) + 1, false) FROM "+
		quote(t.name), quote(t.name), t.identity)
	if err != nil {
		return fmt.Errorf("transfer: advance the numbering of %s.%s: %w", t.name, t.identity, err)
	}
	return nil
}

// sqliteSource feeds pgx's COPY from a SQLite query.
type sqliteSource struct {
	t    table
	rows *sql.Rows
	dest []any
	vals []any
	sum  *checksum
	err  error
}

func (s *sqliteSource) Next() bool {
	if s.err != nil || !s.rows.Next() {
		return false
	}
	if s.err = s.rows.Scan(s.dest...); s.err != nil {
		return false
	}
	s.vals, s.err = s.sum.sqliteRow(s.t, s.dest)
	return s.err == nil
}

func (s *sqliteSource) Values() ([]any, error) { return s.vals, nil }

func (s *sqliteSource) Err() error {
	if s.err != nil {
		return s.err
	}
	return s.rows.Err()
}

// verify counts the table on both sides, checksums what PostgreSQL now
// holds, and compares both with what was read from SQLite.
func verify(ctx context.Context, stx *sql.Tx, tx pgx.Tx, t table, src *checksum) (TableReport, error) {
	var srcCount, dstCount int64
	if err := stx.QueryRowContext(ctx, "SELECT count(*) FROM "+quote(t.name)).Scan(&srcCount); err != nil {
		return TableReport{}, fmt.Errorf("transfer: count SQLite table %s: %w", t.name, err)
	}
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+quote(t.name)).Scan(&dstCount); err != nil {
		return TableReport{}, fmt.Errorf("transfer: count PostgreSQL table %s: %w", t.name, err)
	}
	dst, err := postgresSum(ctx, tx, t)
	if err != nil {
		return TableReport{}, err
	}
	want, got := src.sum(), dst.sum()
	if srcCount != src.rows || dstCount != dst.rows || srcCount != dstCount || want != got {
		return TableReport{}, fmt.Errorf("transfer: verification failed for table %s: SQLite has %d rows (checksum %s), "+
			"PostgreSQL %d (checksum %s); nothing was committed", t.name, srcCount, want, dstCount, got)
	}
	return TableReport{Table: t.name, Rows: dstCount, Checksum: got}, nil
}

// postgresSum checksums a PostgreSQL table as it is now.
func postgresSum(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, t table) (*checksum, error) {
	rows, err := q.Query(ctx, t.selectSQL(`"C"`))
	if err != nil {
		return nil, fmt.Errorf("transfer: read PostgreSQL table %s: %w", t.name, err)
	}
	defer rows.Close()
	sum, dest := newChecksum(), postgresDest(t)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("transfer: read PostgreSQL table %s: %w", t.name, err)
		}
		if err := sum.postgresRow(t, dest); err != nil {
			return nil, fmt.Errorf("transfer: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("transfer: read PostgreSQL table %s: %w", t.name, err)
	}
	return sum, nil
}

// rollback ends a transaction that did not commit, even when ctx is done.
func rollback(tx pgx.Tx) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = tx.Rollback(ctx)
}
