package app

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parkd/internal/config"
)

// TestLockOfAnotherUser: a data folder whose files another user made (the
// first user added with sudo parkd user add, before the service ran as
// its own user) stops the start saying whose files they must be and what
// to do; before, it said only "lock …: permission denied". Root opens
// any file, so the test needs another user.
func TestLockOfAnotherUser(t *testing.T) {
	if os.Getuid() == 0 {
		t.Skip("root opens any file: run as another user")
	}
	data := t.TempDir()
	lock := filepath.Join(data, "parkd.db.lock")
	if err := os.WriteFile(lock, nil, 0o000); err != nil { // as another user's 0600 file is to this one
		t.Fatal(err)
	}
	c, err := config.Parse("parkd serve", []string{"--data", data}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	_, err = LockDatabase(c, "parkd serve")
	if err == nil || !strings.Contains(err.Error(), lock) || !strings.Contains(err.Error(), "permission denied") || !strings.Contains(err.Error(), "chown") {
		t.Fatalf("LockDatabase = %v; want it to name %s, say permission denied and how to give the files to parkd's user", err, lock)
	}
}
