package loadgen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"parkd/internal/app"
	"parkd/internal/config"
)

// SpawnOptions tune an in-process server.
type SpawnOptions struct {
	// Log receives the server's logs; nil discards them.
	Log *slog.Logger
	// Dir is the data folder; empty means a fresh temporary folder,
	// removed by Close.
	Dir string
	// SQLiteSync is NORMAL (the default, as `parkd serve`) or FULL.
	SQLiteSync string
	// AllowPrivateWebhooks lets subscriptions deliver to a receiver on
	// this machine (--allow-private-webhooks).
	AllowPrivateWebhooks bool
}

// Server is a parkd running inside this process, listening on a free
// loopback port, so a measurement needs no separate build or server.
type Server struct {
	URL   string
	Token string

	cancel  context.CancelFunc
	done    chan error
	tempDir string
}

// Spawn starts parkd exactly as `parkd serve --addr 127.0.0.1:0 --data
// <dir>` does, and returns once it accepts connections. ctx bounds the
// start only; the server runs until Close.
func Spawn(ctx context.Context, opt SpawnOptions) (*Server, error) {
	var raw [18]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, err
	}
	s := &Server{Token: "load_" + hex.EncodeToString(raw[:]), done: make(chan error, 1)}
	dir := opt.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "parkd-load-")
		if err != nil {
			return nil, err
		}
		dir, s.tempDir = d, d
	}
	env := map[string]string{"PARKD_ADMIN_TOKEN": s.Token, "PARKD_SQLITE_SYNC": opt.SQLiteSync}
	if opt.AllowPrivateWebhooks {
		env["PARKD_ALLOW_PRIVATE_WEBHOOKS"] = "1"
	}
	cfg, err := config.Parse("parkd serve", []string{"--addr", "127.0.0.1:0", "--data", dir},
		func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		s.removeTemp()
		return nil, err
	}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ready := make(chan string, 1)
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	go func() {
		s.done <- app.Serve(sctx, cfg, log, io.Discard, func(addr string) { ready <- addr })
		close(s.done)
	}()
	select {
	case addr := <-ready:
		s.URL = "http://" + addr
		return s, nil
	case err := <-s.done:
		cancel()
		s.removeTemp()
		if err == nil {
			err = errors.New("stopped before listening")
		}
		return nil, fmt.Errorf("spawn parkd: %w", err)
	case <-ctx.Done():
		cancel()
		<-s.done
		s.removeTemp()
		return nil, ctx.Err()
	case <-time.After(time.Minute):
		cancel()
		<-s.done
		s.removeTemp()
		return nil, errors.New("spawn parkd: not listening after a minute")
	}
}

// Close stops the server gracefully, waits for it, and removes the
// temporary data folder.
func (s *Server) Close() error {
	s.cancel()
	err := <-s.done
	if rerr := s.removeTemp(); err == nil {
		err = rerr
	}
	return err
}

func (s *Server) removeTemp() error {
	if s.tempDir == "" {
		return nil
	}
	return os.RemoveAll(s.tempDir)
}
