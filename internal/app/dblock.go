package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"parkd/internal/config"
)

// LockDatabase takes the SQLite database's lock (the file <db>.lock, kept
// beside it) for this process, as `what` ("parkd serve on ..."): a second
// parkd on the same database, which SQLite would let write beside the
// first, stops at once, naming the process that holds it. release gives
// the lock back; the operating system does too when the process ends,
// however it ends. PostgreSQL needs no lock: several nodes share it by
// design. The file itself stays, holding its last holder's description.
func LockDatabase(c *config.Config, what string) (release func(), err error) {
	if c.IsPostgres() {
		return func() {}, nil
	}
	path := lockPath(c)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		// Name the flag the user typed, and what to do about it.
		if c.DBDefaulted() {
			return nil, fmt.Errorf("create the data folder --data %s: %w: give --data a folder parkd can create and write", c.Data, err)
		}
		return nil, fmt.Errorf("create the folder of --db %s: %w: give --db a path in a folder parkd can create and write", c.DB, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if errors.Is(err, fs.ErrPermission) {
		// Typically files made by root (sudo parkd user add) before the
		// service ran as its own user.
		return nil, fmt.Errorf("lock %s: %w: the data folder and its files must be parkd's user's (uid %d); if another user made them (parkd run with sudo), give them to it: chown -R", path, err, os.Getuid())
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	holder, err := tryLock(f)
	if err != nil {
		f.Close()
		if holder != "" {
			return nil, fmt.Errorf("%s is %w (%s; lock %s): stop it first", c.DB, ErrInUse, holder, path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	desc := fmt.Sprintf("pid %d, %s, since %s", os.Getpid(), what, time.Now().UTC().Format(time.RFC3339))
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(desc+"\n"), 0)
	}
	return func() { unlock(f); f.Close() }, nil
}

// listenError words a failed listen on addr (given by flag). A taken
// port is most often a parkd already serving this database, started the
// same way: the port is bound before the lock is taken, so that parkd is
// named from the lock here, as LockDatabase would; otherwise the error
// says another program holds the port and which flag moves parkd.
func listenError(c *config.Config, flag, addr string, err error) error {
	if !errors.Is(err, syscall.EADDRINUSE) {
		return err
	}
	if holder := databaseHolder(c); holder != "" {
		return fmt.Errorf("%s is in use, and %s is %w (%s; lock %s): stop it first", addr, c.DB, ErrInUse, holder, lockPath(c))
	}
	return fmt.Errorf("%s is in use by another program (%w): stop it, or give parkd another %s", addr, err, flag)
}

// databaseHolder is what the process holding the SQLite database's lock
// wrote of itself, or "" when none holds it. It creates nothing: a start
// that fails here leaves no file behind.
func databaseHolder(c *config.Config) string {
	if c.IsPostgres() {
		return ""
	}
	f, err := os.Open(lockPath(c))
	if err != nil {
		return ""
	}
	defer f.Close()
	holder, err := tryLock(f)
	if err == nil {
		unlock(f)
	}
	return holder
}

// ErrInUse is another parkd holding the database's lock.
var ErrInUse = errors.New("in use by another parkd")

func lockPath(c *config.Config) string { return c.DB + ".lock" }
