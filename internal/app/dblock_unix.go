//go:build unix

package app

import (
	"errors"
	"io"
	"os"
	"strings"
	"syscall"
)

// tryLock takes f's exclusive lock without waiting. When another process
// holds it, holder is what that process wrote into the file.
func tryLock(f *os.File) (holder string, err error) {
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		b, _ := io.ReadAll(io.NewSectionReader(f, 0, 4096))
		holder = strings.TrimSpace(string(b))
		if holder == "" {
			holder = "a process that is starting"
		}
		return holder, err
	}
	return "", err
}

func unlock(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
