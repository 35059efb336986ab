package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// codedError is an error of the SQLite driver, which carries SQLite's
// (extended) result code.
type codedError struct {
	msg  string
	code int
}

func (e *codedError) Error() string { return fmt.Sprintf("%s (%d)", e.msg, e.code) }
func (e *codedError) Code() int     { return e.code }

// TestReadOnlyFilesSaySo: a database SQLite cannot write, because its
// folder or the file itself is not the user's to write, says which and
// what to do; before, parkd said only "sqlite: migrate: attempt to write
// a readonly database (1544)". (Run as root, the test cannot make a
// folder read-only, so it gives explainOpen the driver's errors.)
func TestReadOnlyFilesSaySo(t *testing.T) {
	path := filepath.Join("/var/lib/parkd", "parkd.db")
	for _, tc := range []struct {
		err  error
		want []string
	}{
		{fmt.Errorf("sqlite: migrate: %w", &codedError{"attempt to write a readonly database", 1544}),
			[]string{"/var/lib/parkd", "folder", "not writable", "parkd.db-wal"}},
		{fmt.Errorf("sqlite: migrate: %w", &codedError{"attempt to write a readonly database", 8}),
			[]string{path, "read-only", "write"}},
	} {
		got := explainOpen(tc.err, path)
		for _, w := range tc.want {
			if !strings.Contains(got.Error(), w) {
				t.Errorf("explainOpen(%v) = %q; want it to say %q", tc.err, got, w)
			}
		}
		var c interface{ Code() int }
		if !errors.As(got, &c) {
			t.Errorf("explainOpen(%v) lost the driver's error", tc.err)
		}
	}
	other := errors.New("sqlite: migrate: disk I/O error")
	if got := explainOpen(other, path); got != other {
		t.Errorf("explainOpen(%v) = %v; want it unchanged", other, got)
	}
}

// TestFolderAsDatabase: --db naming a folder (the data folder, say) is
// refused saying so; before, SQLite answered "unable to open database
// file (14)".
func TestFolderAsDatabase(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(context.Background(), dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "is a folder") || !strings.Contains(err.Error(), filepath.Join(dir, "parkd.db")) {
		t.Fatalf("Open(a folder) = %v; want an error saying it is a folder and suggesting %s", err, filepath.Join(dir, "parkd.db"))
	}
}

// TestReadOnlyDatabaseRefusedAtOpen: a database file its user may only
// read is refused by Open, saying so, rather than opened read-only and
// failing at the first write (the job queue's, at start, in its own
// words). Root may write any file, so the test needs another user.
func TestReadOnlyDatabaseRefusedAtOpen(t *testing.T) {
	if os.Getuid() == 0 {
		t.Skip("root writes read-only files: run as another user")
	}
	path := filepath.Join(t.TempDir(), "parkd.db")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	s, err = Open(context.Background(), path, Options{})
	if err == nil {
		s.Close()
		t.Fatal("opened a read-only database")
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "parkd's user") || !strings.Contains(err.Error(), "write") {
		t.Fatalf("Open(a read-only file) = %v; want it to name the file and say parkd's user must write it", err)
	}
}

// TestAnotherUsersDatabaseRefusedAtOpen: a database file parkd's user may
// not open (a backup restored as root, mode 0600) says so and what to do;
// before, SQLite said "unable to open database file (14)". Root opens any
// file, so the test needs another user.
func TestAnotherUsersDatabaseRefusedAtOpen(t *testing.T) {
	if os.Getuid() == 0 {
		t.Skip("root opens any file: run as another user")
	}
	path := filepath.Join(t.TempDir(), "parkd.db")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.Chmod(path, 0o000); err != nil { // as another user's 0600 file is to this one
		t.Fatal(err)
	}
	_, err = Open(context.Background(), path, Options{})
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "permission denied") || !strings.Contains(err.Error(), "parkd's user") {
		t.Fatalf("Open(a file it may not open) = %v; want it to name the file, say permission denied and whose access is missing", err)
	}
}
