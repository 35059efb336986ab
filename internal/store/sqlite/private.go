package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// private makes the database file and its side files readable by parkd's
// user only (0600): they hold partner secrets, payments and plates, and
// SQLite would create them 0644, world-readable wherever the folder is
// not parkd's own. A new database file is created empty with mode 0600
// before SQLite opens it: SQLite gives the -wal and -shm files it creates
// the database file's mode. Existing files are tightened, never loosened.
func private(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		if err := f.Close(); err != nil {
			return fmt.Errorf("sqlite: create %s: %w", path, err)
		}
	case !errors.Is(err, fs.ErrExist):
		return fmt.Errorf("sqlite: create %s: %w", path, err)
	default:
		// An existing file parkd's user may not open for writing (a backup
		// restored as root) is said so here: SQLite would say only "unable
		// to open database file", or open it read-only.
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("sqlite: %w: parkd's user (uid %d) must be able to read and write the database; give it the file (chown) or write access to it", err, os.Getuid())
		}
		f.Close()
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		if mode := fi.Mode().Perm(); mode&0o077 != 0 {
			if err := os.Chmod(p, mode&^0o077); err != nil {
				return fmt.Errorf("sqlite: make %s private: %w", p, err)
			}
		}
	}
	return nil
}
