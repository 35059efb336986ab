package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"parkd/internal/jobs"
	"parkd/internal/store/postgres/pgtest"
	"parkd/internal/store/sqlite"
)

// insertDailyReport inserts the daily lot report as the leader offers it
// (once a UTC day) and reports whether the queue took it as new.
func insertDailyReport[TTx any](ctx context.Context, t *testing.T, driver riverdriver.Driver[TTx]) bool {
	t.Helper()
	c, err := river.NewClient(driver, &river.Config{SkipUnknownJobCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Insert(ctx, jobs.LotReportArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: 24 * time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	return !res.UniqueSkippedAsDuplicate
}

// TestMigrateToCarriesJobs: an operator moves from SQLite to PostgreSQL on
// a day whose daily lot_info report the SQLite parkd has already queued;
// the first PostgreSQL leader offers it again at its start. The copy
// carries the job queue, so that offer is a duplicate of the day's and no
// partner gets a second daily report.
func TestMigrateToCarriesJobs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url, schema := pgtest.Schema(t)
	data := t.TempDir()
	path := filepath.Join(data, "parkd.db")
	st, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := jobs.Migrate(ctx, riversqlite.New(st.WriterDB())); err != nil {
		t.Fatal(err)
	}
	if !insertDailyReport[*sql.Tx](ctx, t, riversqlite.New(st.WriterDB())) {
		t.Fatal("the SQLite queue already held today's report")
	}
	st.Close()

	code, out, errOut := runParkd(nil, "migrate", "--data", data, "--to", url, "--pg-schema", schema, "--log-level", "warn")
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := jobs.Migrate(ctx, riverpgxv5.New(pool)); err != nil {
		t.Fatal(err)
	}
	if insertDailyReport(ctx, t, riverpgxv5.New(pool)) {
		t.Fatal("PostgreSQL's queue took today's daily report as new: partners get a second lot_info today")
	}
}
