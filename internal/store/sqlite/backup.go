package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database at path into the new
// file to, while parkd may be serving it: one read transaction (VACUUM
// INTO) sees every commit up to its start, those still in the -wal file
// included, and never blocks the writer. It refuses a to that exists and
// removes what it wrote when it fails. The copy is a whole database on
// its own (no -wal), checked before Backup returns.
//
// alone says no parkd has the database open (the caller holds its lock):
// the copy then reads it as a writer would, so that closing removes the
// -wal and -shm files SQLite makes to read it, which, made by another
// user (root), would stop parkd's next start. Beside a running parkd it
// reads read-only, through parkd's own -wal and -shm.
func Backup(ctx context.Context, path, to string, alone bool) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, derr := os.Stat(filepath.Dir(path)); errors.Is(derr, fs.ErrNotExist) {
			return fmt.Errorf("the data folder %s does not exist (is --data right?)", filepath.Dir(path))
		}
		return fmt.Errorf("there is no database at %s (is --data or --db right?)", path)
	case err != nil:
		return fmt.Errorf("read %s: %w", path, err)
	case fi.IsDir():
		return fmt.Errorf("%s is a folder, not a database file", path)
	}
	// Created here, empty and 0600 (the copy holds secrets): O_EXCL
	// refuses an existing file, and an unwritable folder is said now.
	f, err := os.OpenFile(to, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s already exists; a backup never overwrites a file (remove it or choose another name)", to)
	case err != nil:
		return fmt.Errorf("cannot create the backup file: %w", err)
	}
	f.Close()
	if err := vacuumInto(ctx, path, to, alone); err != nil {
		os.Remove(to)
		return err
	}
	return nil
}

func vacuumInto(ctx context.Context, path, to string, alone bool) error {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Set("mode", "ro") // never writes the live database
	if alone {
		q.Set("mode", "rw") // no create: the file was checked above
	}
	src, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer src.Close()
	// SQLite takes an empty file as the target of VACUUM INTO.
	if _, err := src.ExecContext(ctx, "VACUUM INTO ?", to); err != nil {
		return fmt.Errorf("copy %s to %s: %w", path, to, err)
	}
	// VACUUM INTO does not sync what it wrote.
	f, err := os.OpenFile(to, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("sync %s: %w", to, err)
	}
	serr := f.Sync()
	if cerr := f.Close(); serr == nil {
		serr = cerr
	}
	if serr != nil {
		return fmt.Errorf("sync %s: %w", to, serr)
	}
	dst, err := sql.Open("sqlite", "file:"+to+"?mode=ro")
	if err != nil {
		return fmt.Errorf("open the backup %s: %w", to, err)
	}
	defer dst.Close()
	var check string
	if err := dst.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil {
		return fmt.Errorf("check the backup %s: %w", to, err)
	}
	if check != "ok" {
		return fmt.Errorf("check the backup %s: %s", to, check)
	}
	return nil
}
