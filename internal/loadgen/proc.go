package loadgen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// rss is a process's resident memory in bytes, read from /proc (Linux);
// 0 when pid is 0 or the figure cannot be read.
func rss(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}

// RaiseFileLimit raises this process's open-file limit to its hard limit
// and reports whether at least need descriptors are allowed: each
// simulated charge point holds one socket.
func RaiseFileLimit(need uint64) error {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return err
	}
	if l.Cur < l.Max {
		l.Cur = l.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
			return err
		}
	}
	if l.Cur < need {
		return fmt.Errorf("open-file limit is %d, the run needs about %d: raise the hard limit (ulimit -Hn, or LimitNOFILE)", l.Cur, need)
	}
	return nil
}

// Process is parkd started from its binary as a child process (`parkd
// serve` on a free loopback port and a temporary data folder), so its
// memory is its own and the harness's sockets do not count against its
// file limit.
type Process struct {
	URL   string
	Token string
	PID   int

	cmd     *exec.Cmd
	tempDir string
}

// StartProcess runs bin as `parkd serve` and returns once it answers.
// The child inherits the environment (GOMAXPROCS among it) and the
// file limit this process raised.
func StartProcess(ctx context.Context, bin, sqliteSync string, stderr *os.File) (*Process, error) {
	var raw [18]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "parkd-load-")
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	p := &Process{URL: "http://" + addr, Token: "load_" + hex.EncodeToString(raw[:]), tempDir: dir}
	p.cmd = exec.Command(bin, "serve", "--addr", addr, "--data", dir)
	p.cmd.Env = append(os.Environ(), "PARKD_ADMIN_TOKEN="+p.Token, "PARKD_SQLITE_SYNC="+sqliteSync, "PARKD_LOG_LEVEL=error")
	p.cmd.Stderr = stderr
	if err := p.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	p.PID = p.cmd.Process.Pid
	c := newClient(1, 2*time.Second)
	for i := 0; ; i++ {
		resp, err := c.Get(p.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		if i == 300 || ctx.Err() != nil {
			p.Close()
			return nil, errors.New("parkd did not answer /healthz within a minute")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Close stops parkd (SIGTERM, then SIGKILL after 30 s) and removes its
// data folder.
func (p *Process) Close() error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		err = <-done
	}
	if rerr := os.RemoveAll(p.tempDir); err == nil {
		err = rerr
	}
	return err
}
