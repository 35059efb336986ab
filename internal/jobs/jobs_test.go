package jobs_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"
	_ "modernc.org/sqlite"

	"parkd/internal/jobs"
	"parkd/internal/store/postgres/pgtest"
)

type countingService struct{ calls atomic.Int32 }

func (s *countingService) PurgeExpiredQuotes(ctx context.Context, olderThan time.Duration) (int, error) {
	s.calls.Add(1)
	return 0, nil
}

// TestHousekeepingRunsOnSQLite: River's SQLite driver migrates, elects a
// leader and works the periodic job at start, on an embedded database.
func TestHousekeepingRunsOnSQLite(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "j.db")+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	defer db.Close()
	driver := riversqlite.New(db)
	if err := jobs.Migrate(ctx, driver); err != nil {
		t.Fatal(err)
	}
	if err := jobs.Migrate(ctx, driver); err != nil { // idempotent
		t.Fatal(err)
	}
	svc := &countingService{}
	client, err := jobs.Start(ctx, driver, jobs.Config{Service: svc, PollInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	done, cancel := client.Subscribe(river.EventKindJobCompleted)
	defer cancel()
	select {
	case ev := <-done:
		if ev.Job.Kind != "housekeeping" {
			t.Fatalf("completed %s", ev.Job.Kind)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("housekeeping did not run within 20 s of start")
	}
	if err := client.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if svc.calls.Load() != 1 {
		t.Fatalf("purge called %d times, want once", svc.calls.Load())
	}
}

type countingLots struct{ calls atomic.Int32 }

func (l *countingLots) ReportLots(ctx context.Context) (int, error) {
	l.calls.Add(1)
	return 1, nil
}

// TestLotReportOnceADay: the daily lot report does not wait a day from a
// leader's start (River keeps no schedule across leaders, so each new one
// would put it off again): it runs when a leader starts, once a UTC day
// however often leaders start, and again the next day.
func TestLotReportOnceADay(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "j.db")+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)")
		if err != nil {
			t.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		t.Cleanup(func() { db.Close() })
		testLotReportOnceADay(t, riversqlite.New(db))
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		t.Parallel()
		testLotReportOnceADay(t, riverpgxv5.New(pgtest.Open(t).Pool()))
	})
}

func testLotReportOnceADay[TTx any](t *testing.T, driver riverdriver.Driver[TTx]) {
	ctx := context.Background()
	if err := jobs.Migrate(ctx, driver); err != nil {
		t.Fatal(err)
	}
	lots := &countingLots{}
	// start runs a leader at a time, until its housekeeping (run at every
	// start, inserted with the lot report) and wantReport lot reports
	// are done; it returns how many lot reports River holds.
	start := func(at time.Time, wantReport bool) int {
		t.Helper()
		client, err := jobs.Start(ctx, driver, jobs.Config{Service: &countingService{}, Lots: lots,
			PollInterval: 200 * time.Millisecond, Now: func() time.Time { return at }})
		if err != nil {
			t.Fatal(err)
		}
		done, cancel := client.Subscribe(river.EventKindJobCompleted)
		defer cancel()
		housekept, reported := false, !wantReport
		for !housekept || !reported {
			select {
			case ev := <-done:
				housekept = housekept || ev.Job.Kind == "housekeeping"
				reported = reported || ev.Job.Kind == "lot_report"
			case <-time.After(20 * time.Second):
				t.Fatalf("at %s: housekeeping done %v, lot report done %v, after 20 s", at, housekept, reported)
			}
		}
		if err := client.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := client.JobList(ctx, river.NewJobListParams().Kinds("lot_report").States(rivertype.JobStateAvailable,
			rivertype.JobStateCompleted, rivertype.JobStateRunning, rivertype.JobStateScheduled))
		if err != nil {
			t.Fatal(err)
		}
		return len(res.Jobs)
	}

	// Days to come: River's cleaner deletes completed jobs by the
	// system's clock, and would take a past day's report away.
	day := time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	if n := start(day.Add(9*time.Hour), true); n != 1 || lots.calls.Load() != 1 {
		t.Fatalf("first leader: %d lot reports held, %d made, want 1", n, lots.calls.Load())
	}
	// Restarts, failovers the same day: not again.
	if n := start(day.Add(15*time.Hour), false); n != 1 {
		t.Fatalf("a new leader the same day: %d lot reports held, want 1", n)
	}
	if n := start(day.Add(23*time.Hour+59*time.Minute), false); n != 1 {
		t.Fatalf("a new leader late the same day: %d lot reports held, want 1", n)
	}
	// The next day, whenever the leader started: again.
	if n := start(day.Add(24*time.Hour+time.Minute), true); n != 2 || lots.calls.Load() != 2 {
		t.Fatalf("the next day: %d lot reports held, %d made, want 2", n, lots.calls.Load())
	}
}
