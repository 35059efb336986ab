package sqlite_test

import (
	"context"
	"path/filepath"
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
