//go:build !unix

package app

import "os"

// tryLock takes no lock where flock(2) does not exist: two parkd on one
// SQLite database are then not stopped (docs/security.md).
func tryLock(*os.File) (string, error) { return "", nil }

func unlock(*os.File) {}
