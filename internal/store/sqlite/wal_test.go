package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/sqlite"
)

// TestWALStaysBounded: with a reader always holding a snapshot older than
// the last write (a long report, a slow export), a passive checkpoint
// never reaches the end of the log, so the log would grow with every
// write. Past its bound the store waits for the readers and starts it
// over: 16 MiB written in paced writes leave the file at a few times the
// bound (the writes between two checkpoints), not at their total.
func TestWALStaysBounded(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "parkd.db")
	const bound = 1 << 20
	s, err := sqlite.Open(ctx, path, sqlite.Options{WALBound: bound})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	// Two readers in turn, each holding its snapshot 300 ms, so one is
	// always open across a checkpoint.
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for i := range 2 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			time.Sleep(time.Duration(i) * 150 * time.Millisecond)
			for {
				select {
				case <-stop:
					return
				default:
				}
				_ = s.View(ctx, func(tx park.Tx) error {
					_, err := tx.GetLot(ctx, "W0")
					time.Sleep(300 * time.Millisecond)
					if park.IsCode(err, park.ENotFound) {
						return nil
					}
					return err
				})
			}
		}()
	}
	defer func() { close(stop); readers.Wait() }()

	name := strings.Repeat("x", 100<<10)
	var largest int64
	for i := range 160 { // 160 × 100 KiB, about 6 checkpoints apart at 10 ms a write
		l := &park.Lot{Code: fmt.Sprint("W", i), Name: name, TimeZone: "UTC", Currency: "EUR", QuoteTTLSeconds: 60, MissedEntry: "open"}
		if err := s.Update(ctx, func(tx park.Tx) error { return tx.CreateLot(ctx, l) }); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > largest {
			largest = fi.Size()
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Between two checkpoints (250 ms) at most 25 writes of 100 KiB land:
	// 2.5 MiB over the bound, with pages of indexes. Without the bound the
	// log holds all 16 MiB.
	if largest > 8<<20 {
		t.Fatalf("the WAL grew to %.1f MiB with a bound of %.1f MiB", float64(largest)/(1<<20), float64(bound)/(1<<20))
	}
	t.Logf("largest WAL: %.1f MiB", float64(largest)/(1<<20))
}

// TestWALBoundedUnderConstantWrites: writers that never stop for long and
// readers that are short but always there (the gate at rush hour). The
// log is then never free of readers when a write begins, so SQLite never
// starts it over by itself; once the checkpointer's copy has caught up
// with a log past its bound, the writer starts it over between two
// batches.
func TestWALBoundedUnderConstantWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "parkd.db")
	const bound = 1 << 20
	s, err := sqlite.Open(ctx, path, sqlite.Options{WALBound: bound})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				_ = s.View(ctx, func(tx park.Tx) error {
					_, err := tx.GetLot(ctx, "C0-0")
					time.Sleep(time.Millisecond)
					if park.IsCode(err, park.ENotFound) {
						return nil
					}
					return err
				})
			}
		}()
	}
	name := strings.Repeat("y", 20<<10)
	var largest int64
	var mu sync.Mutex
	var writes sync.WaitGroup
	for w := range 4 {
		writes.Add(1)
		go func() {
			defer writes.Done()
			for i := range 150 { // 4 × 150 × 20 KiB: 12 MiB in about 1.5 s
				l := &park.Lot{Code: fmt.Sprint("C", w, "-", i), Name: name, TimeZone: "UTC", Currency: "EUR", QuoteTTLSeconds: 60, MissedEntry: "open"}
				if err := s.Update(ctx, func(tx park.Tx) error { return tx.CreateLot(ctx, l) }); err != nil {
					t.Error(err)
					return
				}
				if fi, err := os.Stat(path + "-wal"); err == nil {
					mu.Lock()
					largest = max(largest, fi.Size())
					mu.Unlock()
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	writes.Wait()
	close(stop)
	wg.Wait()
	// The bound, plus what is written in the ticks until a copy catches up.
	if largest > 8<<20 {
		t.Fatalf("the WAL grew to %.1f MiB with a bound of %.1f MiB", float64(largest)/(1<<20), float64(bound)/(1<<20))
	}
	t.Logf("largest WAL: %.1f MiB", float64(largest)/(1<<20))
}
