//go:build unix

package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"parkd/internal/park"
	"parkd/internal/store/sqlite"
)

// TestFilesArePrivate: under the usual umask (022), the database and its
// -wal and -shm files are created 0600, not 0644; a database left
// world-readable by an older parkd is made private when opened.
func TestFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022) // process-wide: this test does not run in parallel
	defer syscall.Umask(old)
	ctx := context.Background()
	wantPrivate := func(t *testing.T, path string) {
		t.Helper()
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if mode := fi.Mode().Perm(); mode != 0o600 {
				t.Errorf("%s has mode %o, want 600", filepath.Base(p), mode)
			}
		}
	}
	write := func(t *testing.T, s *sqlite.Store, code string) {
		t.Helper()
		l := &park.Lot{Code: code, Name: "x", TimeZone: "UTC", Currency: "EUR", QuoteTTLSeconds: 60, MissedEntry: "open"}
		if err := s.Update(ctx, func(tx park.Tx) error { return tx.CreateLot(ctx, l) }); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("New", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "parkd.db")
		s, err := sqlite.Open(ctx, path, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		write(t, s, "L1")
		wantPrivate(t, path)
	})
	t.Run("Existing", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "parkd.db")
		s, err := sqlite.Open(ctx, path, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		write(t, s, "L1")
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		s.Close()
		s, err = sqlite.Open(ctx, path, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		write(t, s, "L2")
		wantPrivate(t, path)
	})
}
