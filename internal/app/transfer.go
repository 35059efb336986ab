package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"parkd/internal/config"
	"parkd/internal/jobs"
	"parkd/internal/store/postgres"
	"parkd/internal/store/sqlite"
	"parkd/internal/store/transfer"
)

// CopyToPostgres copies the SQLite database the configuration names into
// the empty PostgreSQL database c.To (schema c.PGSchema), migrating both to
// the latest schema first, and verifies the copy (`parkd migrate --to`).
func CopyToPostgres(ctx context.Context, c *config.Config, log *slog.Logger) (transfer.Report, error) {
	// Opening a missing file would create an empty database and copy nothing.
	if _, err := os.Stat(c.DB); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return transfer.Report{}, fmt.Errorf("no SQLite database at %s (set --db or --data)", c.DB)
		}
		return transfer.Report{}, err
	}
	// A parkd still serving the file would write what the copy misses.
	unlock, err := LockDatabase(c, "parkd migrate --to")
	if err != nil {
		return transfer.Report{}, err
	}
	defer unlock()
	src, err := sqlite.Open(ctx, c.DB, sqlite.Options{Synchronous: c.SQLiteSync, Log: log})
	if err != nil {
		return transfer.Report{}, err
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, c.To, postgres.Options{MaxConns: 2, Schema: c.PGSchema})
	if err != nil {
		return transfer.Report{}, err
	}
	defer dst.Close()
	// The job queue is carried too (its unique keys keep the day's daily
	// report from being sent again): both sides get its tables first.
	if err := jobs.Migrate(ctx, riversqlite.New(src.WriterDB())); err != nil {
		return transfer.Report{}, err
	}
	err = dst.Exclusive(ctx, "jobs-migrate", func(ctx context.Context) error {
		return jobs.Migrate(ctx, riverpgxv5.New(dst.Pool()))
	})
	if err != nil {
		return transfer.Report{}, err
	}
	return transfer.Copy(ctx, src.ReadDB(), dst.Pool(), log)
}
