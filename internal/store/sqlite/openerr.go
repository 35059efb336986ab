package sqlite

import (
	"errors"
	"fmt"
	"path/filepath"
)

// SQLite's result codes that opening a database the user may not write
// gives (https://sqlite.org/rescode.html).
const (
	sqliteReadOnly          = 8
	sqliteReadOnlyDirectory = 8 | 6<<8 // the folder, where the -wal and -shm files go
)

// explainOpen says why a database could not be opened or migrated where
// SQLite's own words ("attempt to write a readonly database") leave an
// operator guessing: whose write access is missing, and where. Other
// errors are returned unchanged.
func explainOpen(err error, path string) error {
	var c interface{ Code() int }
	if !errors.As(err, &c) {
		return err
	}
	switch {
	case c.Code() == sqliteReadOnlyDirectory:
		return fmt.Errorf("sqlite: the folder %s is not writable by parkd's user, and SQLite writes %s-wal and %s-shm beside the database: give that user write access to the folder (%w)",
			filepath.Dir(path), filepath.Base(path), filepath.Base(path), err)
	case c.Code()&0xff == sqliteReadOnly:
		return fmt.Errorf("sqlite: %s is read-only for parkd's user: give that user write access to it, its -wal and -shm files and its folder (%w)", path, err)
	}
	return err
}
