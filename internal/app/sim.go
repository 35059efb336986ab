package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"

	"parkd/internal/config"
	"parkd/internal/dialect/vzenith"
	"parkd/internal/sim"
)

// Sim runs the traffic simulator (`parkd sim`) against the parkd at
// c.URL, or, when it is empty, against a parkd of its own on a loopback
// port and a temporary database, removed afterwards.
func Sim(ctx context.Context, c sim.Config, log *slog.Logger, out io.Writer) (*sim.Summary, error) {
	c.Protocol = vzenith.Protocol
	c.NewCamera = func(base, serial string, hc *http.Client) sim.Camera {
		return &vzenith.Camera{Base: base, Serial: serial, Client: hc}
	}
	if c.URL != "" {
		return sim.Run(ctx, c)
	}
	dir, err := os.MkdirTemp("", "parkd-sim-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cfg, err := config.Parse("parkd serve", []string{"--addr", "127.0.0.1:0", "--data", dir}, func(string) string { return "" }, io.Discard)
	if err != nil {
		return nil, err
	}
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	cfg.AdminToken = "sim_" + hex.EncodeToString(raw[:])
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	ready := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- Serve(sctx, cfg, log, func(addr string) { ready <- addr }) }()
	select {
	case addr := <-ready:
		c.URL, c.Token = "http://"+addr, cfg.AdminToken
		fmt.Fprintf(out, "sim: started parkd on %s (temporary database)\n", c.URL)
	case err := <-served:
		return nil, fmt.Errorf("sim: starting parkd: %w", err)
	}
	s, err := sim.Run(ctx, c)
	stop()
	if serr := <-served; serr != nil && err == nil {
		err = serr
	}
	return s, err
}
