package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"parkd/internal/park"
	"parkd/internal/store/postgres"
	"parkd/internal/store/postgres/pgtest"
	"parkd/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	pgtest.URL(t) // skip once, not once per subtest
	storetest.Run(t, func(t *testing.T) park.Store { return pgtest.Open(t) })
}

var ctx = context.Background()

func lot(code string) *park.Lot {
	return &park.Lot{Code: code, Name: "Lot " + code, TimeZone: "UTC", Currency: "EUR", QuoteTTLSeconds: 60,
		MissedEntry: park.MissedEntryOpen, Capacity: 10}
}

func stay(lotCode, id, plateKey string) *park.Stay {
	return &park.Stay{ID: id, LotCode: lotCode, Plate: plateKey, PlateKey: plateKey, VehicleClass: park.ClassSmall,
		Locator: "loc-" + id, EntryAt: time.Now(), EntryLane: "in-1", State: park.StayIn, UpdatedAt: time.Now()}
}

func getLot(t *testing.T, s park.Store, code string) (*park.Lot, error) {
	t.Helper()
	var l *park.Lot
	err := s.View(ctx, func(tx park.Tx) (err error) { l, err = tx.GetLot(ctx, code); return })
	return l, err
}

func wantCode(t *testing.T, err error, code park.Code) {
	t.Helper()
	if !park.IsCode(err, code) {
		t.Fatalf("got error %v (code %q), want code %q", err, park.ErrorCode(err), code)
	}
}

// Two nodes starting at once on a fresh schema both come up, and each
// migration is applied (and recorded) exactly once.
func TestConcurrentMigrations(t *testing.T) {
	t.Parallel()
	dsn, schema := pgtest.Schema(t)
	const nodes = 3
	var wg sync.WaitGroup
	stores := make([]*postgres.Store, nodes)
	errs := make([]error, nodes)
	for i := range nodes {
		wg.Go(func() {
			stores[i], errs[i] = postgres.Open(ctx, dsn, postgres.Options{Schema: schema, MaxConns: 2})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
		t.Cleanup(func() { stores[i].Close() })
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, fmt.Sprintf(
		"SELECT version_id, count(*) FROM %s.goose_db_version WHERE version_id > 0 GROUP BY version_id ORDER BY version_id",
		pgx.Identifier{schema}.Sanitize()))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var v, n int64
		if err := rows.Scan(&v, &n); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d×%d", v, n))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no migration files: %v", err)
	}
	var want []string
	for _, f := range files { // 00001_core.sql ...: Glob sorts them
		v, err := strconv.Atoi(strings.SplitN(filepath.Base(f), "_", 2)[0])
		if err != nil {
			t.Fatalf("migration %s: %v", f, err)
		}
		want = append(want, fmt.Sprintf("%d×1", v))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("goose_db_version holds %v, want each migration recorded once: %v", got, want)
	}
	// Every node works on the same tables.
	if err := stores[0].Update(ctx, func(tx park.Tx) error { return tx.CreateLot(ctx, lot("L1")) }); err != nil {
		t.Fatal(err)
	}
	for i, s := range stores {
		if _, err := getLot(t, s, "L1"); err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
	}
	// Running them again is a no-op.
	if err := postgres.Migrate(ctx, dsn, schema); err != nil {
		t.Fatal(err)
	}
}

// Killing the pool's connections mid-request fails that request with
// EUnavailable, loses nothing that was acknowledged, and the next request
// works on fresh connections.
func TestReconnect(t *testing.T) {
	t.Parallel()
	dsn, schema := pgtest.Schema(t)
	// A name of our own, so we end only this test's sessions and not those
	// of tests running beside it on the same database.
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", schema)
	u.RawQuery = q.Encode()
	s, err := postgres.Open(ctx, u.String(), postgres.Options{Schema: schema, MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	kill := func() int {
		t.Helper()
		var n int
		err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1`, schema).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Fill the pool: four idle connections, all about to die.
	warm := func() {
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				_ = s.View(ctx, func(tx park.Tx) error { _, err := tx.ListLots(ctx); time.Sleep(50 * time.Millisecond); return err })
			})
		}
		wg.Wait()
	}

	if err := s.Update(ctx, func(tx park.Tx) error {
		if err := tx.CreateLot(ctx, lot("L1")); err != nil {
			return err
		}
		return tx.InsertStay(ctx, stay("L1", "acked", "K1"))
	}); err != nil {
		t.Fatal(err)
	}

	t.Run("UpdateMidTransaction", func(t *testing.T) {
		warm()
		err := s.Update(ctx, func(tx park.Tx) error {
			if _, err := tx.GetLot(ctx, "L1"); err != nil {
				return err
			}
			if n := kill(); n == 0 {
				t.Error("no session was terminated")
			}
			return tx.InsertStay(ctx, stay("L1", "lost", "K2"))
		})
		t.Logf("the interrupted Update: %v", err)
		wantCode(t, err, park.EUnavailable)
		// The next request gets a working connection although every pooled
		// one is dead.
		if err := s.Update(ctx, func(tx park.Tx) error { return tx.InsertStay(ctx, stay("L1", "after", "K3")) }); err != nil {
			t.Fatalf("after reconnect: %v", err)
		}
	})

	t.Run("ViewMidTransaction", func(t *testing.T) {
		warm()
		err := s.View(ctx, func(tx park.Tx) error {
			if _, err := tx.GetLot(ctx, "L1"); err != nil {
				return err
			}
			kill()
			_, err := tx.GetStay(ctx, "acked")
			return err
		})
		t.Logf("the interrupted View: %v", err)
		wantCode(t, err, park.EUnavailable)
	})

	t.Run("Idle", func(t *testing.T) {
		warm()
		kill()
		if err := s.Ping(ctx); err != nil {
			t.Fatalf("ping after the sessions were ended: %v", err)
		}
		kill()
		if _, err := getLot(t, s, "L1"); err != nil {
			t.Fatalf("read after the sessions were ended: %v", err)
		}
	})

	t.Run("NothingAcknowledgedLost", func(t *testing.T) {
		err := s.View(ctx, func(tx park.Tx) error {
			for _, id := range []string{"acked", "after"} {
				if _, err := tx.GetStay(ctx, id); err != nil {
					return fmt.Errorf("acknowledged stay %s: %w", id, err)
				}
			}
			_, err := tx.GetStay(ctx, "lost")
			if !park.IsCode(err, park.ENotFound) {
				return fmt.Errorf("stay of the failed transaction: got %v, want ENotFound", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// PostgreSQL aborts a transaction at its first failed statement. The store
// refuses to go on with it and never commits it, even when fn swallows the
// error: the caller sees the failure (here EConflict) and retries.
func TestFailedStatementAbortsTransaction(t *testing.T) {
	t.Parallel()
	s := pgtest.Open(t)
	if err := s.Update(ctx, func(tx park.Tx) error { return tx.CreateLot(ctx, lot("L1")) }); err != nil {
		t.Fatal(err)
	}
	var later error
	err := s.Update(ctx, func(tx park.Tx) error {
		if err := tx.CreateLot(ctx, lot("L2")); err != nil {
			return err
		}
		wantCode(t, tx.CreateLot(ctx, lot("L1")), park.EConflict)
		_, later = tx.GetLot(ctx, "L2")
		return nil // swallowed
	})
	wantCode(t, err, park.EConflict)
	if later == nil || park.IsCode(later, park.EInternal) {
		t.Fatalf("statement after the failure: got %v, want the failure itself", later)
	}
	if _, err := getLot(t, s, "L2"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("lot L2 of the aborted transaction: got %v, want ENotFound", err)
	}
	// A missing row is no failure: lookups that find nothing leave the
	// transaction usable.
	if err := s.Update(ctx, func(tx park.Tx) error {
		if _, err := tx.GetLot(ctx, "nope"); !park.IsCode(err, park.ENotFound) {
			return fmt.Errorf("got %v, want ENotFound", err)
		}
		return tx.CreateLot(ctx, lot("L3"))
	}); err != nil {
		t.Fatal(err)
	}
}

// A write that waits to go with the next statement fails the transaction
// when it is sent: the statement that carried it is refused with the
// write's failure, the caller is told what failed (the stay, not the lot
// read after it), and nothing of the transaction is kept.
func TestQueuedWriteFailure(t *testing.T) {
	t.Parallel()
	s := pgtest.Open(t)
	if err := s.Update(ctx, func(tx park.Tx) error {
		if err := tx.CreateLot(ctx, lot("L1")); err != nil {
			return err
		}
		return tx.InsertStay(ctx, stay("L1", "s1", "K1"))
	}); err != nil {
		t.Fatal(err)
	}
	taken := stay("L1", "s2", "K2")
	taken.Locator = "loc-s1"
	t.Run("AtTheNextRead", func(t *testing.T) {
		var queued, read error
		err := s.Update(ctx, func(tx park.Tx) error {
			if err := tx.CreateLot(ctx, lot("L2")); err != nil {
				return err
			}
			queued = tx.InsertStay(ctx, taken)
			_, read = tx.GetLot(ctx, "L1")
			return nil // both swallowed
		})
		if queued != nil {
			t.Fatalf("the queued insert answered %v before it was sent", queued)
		}
		wantCode(t, read, park.EConflict)
		wantCode(t, err, park.EConflict)
		if !strings.Contains(err.Error(), "stay already exists") {
			t.Fatalf("got %q, want the stay named", err)
		}
		if _, err := getLot(t, s, "L2"); !park.IsCode(err, park.ENotFound) {
			t.Fatalf("lot L2 of the failed transaction: got %v, want ENotFound", err)
		}
	})
	t.Run("AtCommit", func(t *testing.T) {
		err := s.Update(ctx, func(tx park.Tx) error {
			if err := tx.InsertStay(ctx, stay("L1", "s3", "K3")); err != nil {
				return err
			}
			return tx.InsertStay(ctx, taken)
		})
		wantCode(t, err, park.EConflict)
		if !strings.Contains(err.Error(), "stay already exists") {
			t.Fatalf("got %q, want the stay named", err)
		}
		err = s.View(ctx, func(tx park.Tx) error { _, err := tx.GetStay(ctx, "s3"); return err })
		wantCode(t, err, park.ENotFound)
	})
	// More writes than wait at once go in batches, all or none kept.
	t.Run("Many", func(t *testing.T) {
		many := func(n int, bad int) error {
			return s.Update(ctx, func(tx park.Tx) error {
				for i := range n {
					st := stay("L1", fmt.Sprintf("m%d-%d", n, i), fmt.Sprintf("KM%d-%d", n, i))
					if i == bad {
						st.Locator = "loc-s1"
					}
					if err := tx.InsertStay(ctx, st); err != nil {
						return err
					}
				}
				return nil
			})
		}
		count := func(n int) (found int) {
			for i := range n {
				err := s.View(ctx, func(tx park.Tx) error { _, err := tx.GetStay(ctx, fmt.Sprintf("m%d-%d", n, i)); return err })
				if err == nil {
					found++
				}
			}
			return found
		}
		if err := many(150, -1); err != nil {
			t.Fatal(err)
		}
		if got := count(150); got != 150 {
			t.Fatalf("%d of 150 stays kept", got)
		}
		err := many(149, 100)
		wantCode(t, err, park.EConflict)
		if !strings.Contains(err.Error(), "stay already exists") {
			t.Fatalf("got %q, want the stay named", err)
		}
		if got := count(149); got != 0 {
			t.Fatalf("%d stays of the failed transaction kept", got)
		}
	})
	t.Run("ThenUsable", func(t *testing.T) {
		if err := s.Update(ctx, func(tx park.Tx) error { return tx.InsertStay(ctx, stay("L1", "s4", "K4")) }); err != nil {
			t.Fatal(err)
		}
		if err := s.View(ctx, func(tx park.Tx) error { _, err := tx.GetStay(ctx, "s4"); return err }); err != nil {
			t.Fatal(err)
		}
	})
}

// A deadlock aborts one of two transactions; Update runs its function again
// in a fresh transaction, and both succeed exactly once.
func TestDeadlockRetried(t *testing.T) {
	t.Parallel()
	s := pgtest.Open(t)
	if err := s.Update(ctx, func(tx park.Tx) error {
		if err := tx.CreateLot(ctx, lot("A")); err != nil {
			return err
		}
		return tx.CreateLot(ctx, lot("B"))
	}); err != nil {
		t.Fatal(err)
	}
	var attempts atomic.Int32
	var both sync.WaitGroup
	both.Add(2)
	// bump adds one space to a lot's capacity, holding its row lock.
	bump := func(tx park.Tx, code string) error {
		l, err := tx.GetLot(ctx, code)
		if err != nil {
			return err
		}
		l.Capacity++
		return tx.UpdateLot(ctx, l)
	}
	lockBoth := func(first, second string) error {
		try := 0
		attempt := func() error {
			return s.Update(ctx, func(tx park.Tx) error {
				try++
				attempts.Add(1)
				if err := bump(tx, first); err != nil {
					return err
				}
				if try == 1 {
					both.Done()
					both.Wait() // each holds one row and now wants the other's
				}
				err := bump(tx, second)
				t.Logf("%s then %s, attempt %d: %v", first, second, try, err)
				return err
			})
		}
		// A retried attempt may find the survivor's committed change and
		// fail its version check (EConflict); callers retry that, as the
		// service does.
		var err error
		for range 5 {
			if err = attempt(); !park.IsCode(err, park.EConflict) {
				break
			}
		}
		return err
	}
	errs := make(chan error, 2)
	go func() { errs <- lockBoth("A", "B") }()
	go func() { errs <- lockBoth("B", "A") }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	// Usually 3: the victim's second attempt can race the survivor to the
	// row the victim released and deadlock again, so more are fine.
	if n := attempts.Load(); n < 3 {
		t.Errorf("%d attempts, want at least 3: no deadlock victim was retried", n)
	}
	for _, code := range []string{"A", "B"} {
		l, err := getLot(t, s, code)
		if err != nil {
			t.Fatal(err)
		}
		if want := lot(code).Capacity + 2; l.Capacity != want {
			t.Errorf("lot %s capacity %d, want %d: a retried attempt was applied twice or lost", code, l.Capacity, want)
		}
	}
}

// Differences between the engines that the store hides.
func TestEngineDifferences(t *testing.T) {
	t.Parallel()
	s := pgtest.Open(t)
	t.Run("TimesTruncatedNotRounded", func(t *testing.T) {
		l := lot("T1")
		l.CreatedAt = time.Date(2026, 1, 1, 0, 0, 0, 999_999_999, time.UTC)
		if err := s.Update(ctx, func(tx park.Tx) error { return tx.CreateLot(ctx, l) }); err != nil {
			t.Fatal(err)
		}
		got, err := getLot(t, s, "T1")
		if err != nil {
			t.Fatal(err)
		}
		if want := l.CreatedAt.Truncate(park.Precision); !got.CreatedAt.Equal(want) || got.CreatedAt.Location() != time.UTC {
			t.Fatalf("got %v, want %v in UTC", got.CreatedAt, want)
		}
	})
	t.Run("BytewiseOrder", func(t *testing.T) {
		for _, code := range []string{"b", "B", "a", "A"} {
			if err := s.Update(ctx, func(tx park.Tx) error { return tx.CreateLot(ctx, lot("o"+code)) }); err != nil {
				t.Fatal(err)
			}
		}
		var codes []string
		err := s.View(ctx, func(tx park.Tx) error {
			ls, err := tx.ListLots(ctx)
			for _, l := range ls {
				if strings.HasPrefix(l.Code, "o") {
					codes = append(codes, l.Code)
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(codes) != "[oA oB oa ob]" {
			t.Fatalf("got %v, want bytewise order as in SQLite", codes)
		}
	})
	t.Run("CaseSensitiveKeys", func(t *testing.T) {
		if _, err := getLot(t, s, "OA"); !park.IsCode(err, park.ENotFound) {
			t.Fatalf("lot OA: got %v, want ENotFound (only oA exists)", err)
		}
	})
	t.Run("NULByteInvalid", func(t *testing.T) {
		l := lot("N1")
		l.Name = "a\x00b"
		wantCode(t, s.Update(ctx, func(tx park.Tx) error { return tx.CreateLot(ctx, l) }), park.EInvalid)
	})
}

// A database that cannot be reached is EUnavailable, not an internal error.
func TestUnreachable(t *testing.T) {
	t.Parallel()
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := postgres.Open(cctx, "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=5", postgres.Options{})
	wantCode(t, err, park.EUnavailable)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatal("connecting to a closed port should fail at once")
	}
}

func BenchmarkDueBehindKept(b *testing.B) {
	storetest.BenchmarkDueBehindKept(b, pgtest.Open(b))
}
