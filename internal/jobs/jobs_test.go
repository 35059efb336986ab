package jobs_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	_ "modernc.org/sqlite"

	"parkd/internal/jobs"
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
