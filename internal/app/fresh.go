package app

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"parkd/internal/config"
)

// newPaths are the paths a start may create (the data folder, the admin
// token, the SQLite database and its side files) that did not exist before
// it: a start that fails before serving removes them, and only them, so
// that it leaves the disk as it found it.
type newPaths []string

// missingPaths records, before a start, which of its paths do not exist.
func missingPaths(c *config.Config) newPaths {
	candidates := []string{c.TokenFile()}
	if !c.IsPostgres() {
		candidates = append(candidates, c.DB, c.DB+"-wal", c.DB+"-shm", c.DB+"-journal", lockPath(c))
	}
	var ps newPaths
	for _, p := range candidates {
		if top := outermostMissing(p); top != "" && !slices.Contains(ps, top) {
			ps = append(ps, top)
		}
	}
	return ps
}

// outermostMissing is the outermost of p and its parents that does not
// exist, which is what creating p with its folders (os.MkdirAll) creates,
// or "" if p exists or cannot be told missing.
func outermostMissing(p string) string {
	p = filepath.Clean(p)
	if !missing(p) {
		return ""
	}
	for {
		parent := filepath.Dir(p)
		if parent == p || !missing(parent) {
			return p
		}
		p = parent
	}
}

// missing is true only when p is known not to exist; Lstat, so that a
// dangling symbolic link counts as existing and is never removed.
func missing(p string) bool {
	_, err := os.Lstat(p)
	return errors.Is(err, fs.ErrNotExist)
}

func (ps newPaths) remove() error {
	var errs []error
	for _, p := range ps {
		if err := os.RemoveAll(p); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
