package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"parkd/internal/park"
	"parkd/internal/store/sqlite"
	"parkd/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) park.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parkd.db"), sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "parkd.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "FULL"})
	if err != nil {
		t.Fatal(err)
	}
	l := &park.Lot{Code: "L1", Name: "x", TimeZone: "UTC", Currency: "EUR", QuoteTTLSeconds: 60, MissedEntry: "open"}
	if err := s.Update(ctx, func(tx park.Tx) error { return tx.CreateLot(ctx, l) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = sqlite.Open(ctx, path, sqlite.Options{}) // migrations run again: a no-op
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.View(ctx, func(tx park.Tx) error { _, err := tx.GetLot(ctx, "L1"); return err }); err != nil {
		t.Fatalf("lot lost across reopen: %v", err)
	}
}

func TestOpenRejectsBadSynchronous(t *testing.T) {
	if _, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "x.db"), sqlite.Options{Synchronous: "OFF"}); err == nil {
		t.Fatal("synchronous OFF accepted; it would lose acknowledged writes")
	}
}

// TestGroupCommitIsolatesRequests: concurrent Updates share commits, yet a
// failing or panicking one leaves no trace and the others all land.
func TestGroupCommitIsolatesRequests(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 200
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					errs <- fmt.Errorf("panic: %v", p)
				}
			}()
			errs <- s.Update(ctx, func(tx park.Tx) error {
				l := &park.Lot{Code: fmt.Sprintf("L%03d", i), Name: "x", TimeZone: "UTC", Currency: "EUR", QuoteTTLSeconds: 60, MissedEntry: "open"}
				if err := tx.CreateLot(ctx, l); err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return errors.New("refused after writing")
				case 7:
					panic("bug after writing")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			failed++
		}
	}
	if failed != n/10*2 {
		t.Fatalf("%d requests failed, want %d", failed, n/10*2)
	}
	var lots []*park.Lot
	if err := s.View(ctx, func(tx park.Tx) (err error) { lots, err = tx.ListLots(ctx); return }); err != nil {
		t.Fatal(err)
	}
	if len(lots) != n-failed {
		t.Fatalf("%d lots stored, want %d: a failed request's writes leaked or a good one was lost", len(lots), n-failed)
	}
	for _, l := range lots {
		var i int
		fmt.Sscanf(l.Code, "L%03d", &i)
		if i%10 == 3 || i%10 == 7 {
			t.Fatalf("lot %s of a failed request was stored", l.Code)
		}
	}
	st := s.Stats()
	if st.Requests != n || st.Commits > st.Requests {
		t.Fatalf("stats %+v", st)
	}
	t.Logf("%d requests in %d commits", st.Requests, st.Commits)
}

// TestCloseFinishesQueuedWrites: a write acknowledged before Close is on disk.
func TestCloseFinishesQueuedWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "parkd.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var acked atomic.Int32
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Update(ctx, func(tx park.Tx) error {
				return tx.CreateLot(ctx, &park.Lot{Code: fmt.Sprintf("L%d", i), Name: "x", TimeZone: "UTC", Currency: "EUR", QuoteTTLSeconds: 60, MissedEntry: "open"})
			})
			if err == nil {
				acked.Add(1)
			}
		}()
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, func(tx park.Tx) error { return nil }); !park.IsCode(err, park.EUnavailable) {
		t.Fatalf("Update after Close: %v, want unavailable", err)
	}
	s, err = sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var lots []*park.Lot
	if err := s.View(ctx, func(tx park.Tx) (err error) { lots, err = tx.ListLots(ctx); return }); err != nil {
		t.Fatal(err)
	}
	if len(lots) != int(acked.Load()) {
		t.Fatalf("%d lots after reopen, %d acknowledged", len(lots), acked.Load())
	}
}

func BenchmarkDueBehindKept(b *testing.B) {
	s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchmarkDueBehindKept(b, s)
}
