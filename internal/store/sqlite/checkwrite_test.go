package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"parkd/internal/park"
)

// TestCheckWriteOfAReadOnlyDatabase: a database that still answers reads
// but refuses writes (here the writer's connection made query-only, as a
// disk remounted read-only or full refuses them) passes Ping, so a health
// check built on Ping alone keeps the node in rotation; CheckWrite is
// refused with EUnavailable.
func TestCheckWriteOfAReadOnlyDatabase(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "parkd.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t.Run("OK", func(t *testing.T) {
		if err := s.CheckWrite(ctx); err != nil {
			t.Fatalf("CheckWrite of a writable database: %v", err)
		}
	})
	t.Run("ErrReadOnly", func(t *testing.T) {
		if _, err := s.w.ExecContext(ctx, "PRAGMA query_only = 1"); err != nil {
			t.Fatal(err)
		}
		if err := s.Ping(ctx); err != nil {
			t.Fatalf("Ping: %v; the database still answers reads", err)
		}
		if err := s.Update(ctx, func(tx park.Tx) error { return tx.CreateLot(ctx, &park.Lot{Code: "ro", Currency: "CNY"}) }); !park.IsCode(err, park.EUnavailable) {
			t.Fatalf("a write: %v, want it refused", err)
		}
		if err := s.CheckWrite(ctx); !park.IsCode(err, park.EUnavailable) {
			t.Fatalf("CheckWrite: %v (code %q), want code unavailable", err, park.ErrorCode(err))
		}
	})
}
