package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"parkd/internal/config"
	"parkd/internal/dialect/ebopark"
	"parkd/internal/dialect/hikvision"
	"parkd/internal/dialect/vzenith"
	"parkd/internal/sim"
)

// SimOptions choose what a simulator run speaks.
type SimOptions struct {
	// Protocols are the device protocols to drive (SimProtocols; nil:
	// vzenith-http). "ocpp" adds charge points beside the lanes.
	Protocols []string
	// MQTT is the broker the MQTT cameras (and a parkd the simulator
	// starts) use; required with vzenith-mqtt.
	MQTT string
	// Pay is how held cars pay: "native" (default) or "ebopark" (a
	// partner's app through its API).
	Pay string
}

// SimProtocols are the names --protocols takes.
var SimProtocols = []string{vzenith.Protocol, vzenith.ProtocolMQTT, hikvision.Protocol, "ocpp"}

// SimPayers are the names --pay takes.
var SimPayers = []string{"native", ebopark.Name}

// simConfig fills c's protocols, drivers and payer from o.
func simConfig(ctx context.Context, c *sim.Config, o SimOptions) error {
	if len(o.Protocols) == 0 {
		o.Protocols = []string{vzenith.Protocol}
	}
	seen := map[string]bool{}
	for _, name := range o.Protocols {
		if name == "hikvision" {
			name = hikvision.Protocol // the maker's name alone is taken too
		}
		if seen[name] {
			return fmt.Errorf("sim: --protocols names %s twice: each protocol drives its own lots (--lots for more)", name)
		}
		seen[name] = true
		switch name {
		case vzenith.Protocol:
			c.Protocols = append(c.Protocols, sim.Protocol{Name: name, NewCamera: func(_ context.Context, base, serial string, hc *http.Client) (sim.Camera, error) {
				return &vzenith.Camera{Base: base, Serial: serial, Client: hc}, nil
			}})
		case vzenith.ProtocolMQTT:
			if o.MQTT == "" {
				return fmt.Errorf("sim: %s needs --mqtt, the broker parkd and the cameras share", name)
			}
			c.Protocols = append(c.Protocols, sim.Protocol{Name: name, NewCamera: func(ctx context.Context, _, serial string, _ *http.Client) (sim.Camera, error) {
				return vzenith.DialCamera(ctx, o.MQTT, serial)
			}})
		case hikvision.Protocol:
			c.Protocols = append(c.Protocols, sim.Protocol{Name: name, NewCamera: func(_ context.Context, base, serial string, hc *http.Client) (sim.Camera, error) {
				return hikvision.StartCamera(base, serial, hc)
			}})
		case "ocpp":
			c.Drivers = append(c.Drivers, sim.Chargers{})
		default:
			return fmt.Errorf("sim: unknown protocol %q (one of %s)", name, strings.Join(SimProtocols, ", "))
		}
	}
	if len(c.Protocols) == 0 {
		return fmt.Errorf("sim: at least one camera protocol (%s) drives the lanes", strings.Join(SimProtocols[:3], ", "))
	}
	switch o.Pay {
	case "", "native":
	case ebopark.Name:
		c.Payer = ebopark.NewPayer(c.URL, &http.Client{Timeout: 10 * time.Second})
	default:
		return fmt.Errorf("sim: --pay %q: one of %s", o.Pay, strings.Join(SimPayers, ", "))
	}
	return nil
}

// Sim runs the traffic simulator (`parkd sim`) against the parkd at
// c.URL, or, when it is empty, against a parkd of its own on a loopback
// port and a temporary database (connected to o.MQTT), removed afterwards.
func Sim(ctx context.Context, c sim.Config, o SimOptions, log *slog.Logger, out io.Writer) (*sim.Summary, error) {
	if c.URL != "" {
		if err := simConfig(ctx, &c, o); err != nil {
			return nil, err
		}
		return sim.Run(ctx, c)
	}
	if err := simConfig(ctx, &sim.Config{URL: "http://127.0.0.1:1"}, o); err != nil {
		return nil, err // checked before a parkd is started
	}
	if err := (&sim.Config{Protocols: []sim.Protocol{{}}, Duration: c.Duration, Events: c.Events, Lots: c.Lots, Lanes: c.Lanes,
		URL: "http://127.0.0.1:1", Token: "own"}).Validate(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "parkd-sim-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	args := []string{"--addr", "127.0.0.1:0", "--data", dir}
	if o.MQTT != "" && slices.Contains(o.Protocols, vzenith.ProtocolMQTT) {
		args = append(args, "--mqtt", o.MQTT)
	}
	cfg, err := config.Parse("parkd serve", args, func(string) string { return "" }, io.Discard)
	if err != nil {
		return nil, err
	}
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	cfg.AdminToken = "sim_" + hex.EncodeToString(raw[:])
	cfg.MQTTEphemeral = true
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	ready := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- Serve(sctx, cfg, log, out, func(addr string) { ready <- addr }) }()
	select {
	case addr := <-ready:
		c.URL, c.Token = "http://"+addr, cfg.AdminToken
		fmt.Fprintf(out, "sim: started parkd on %s (temporary database)\n", c.URL)
	case err := <-served:
		if ctx.Err() != nil {
			return nil, sim.ErrInterrupted
		}
		return nil, fmt.Errorf("sim: starting parkd: %w", err)
	}
	if cfg.MQTT != "" {
		// parkd serves before its broker answers; the MQTT cameras' reads
		// would go to nobody until it takes them.
		if err := mqttConnected(ctx, c.URL, served); err != nil {
			return nil, err
		}
	}
	if err := simConfig(ctx, &c, o); err != nil {
		return nil, err
	}
	s, err := sim.Run(ctx, c)
	stop()
	if serr := <-served; serr != nil && err == nil {
		err = serr
	}
	return s, err
}

// mqttConnected waits until the parkd at url says (GET /readyz) that its
// MQTT broker is connected, it stops, or ctx ends.
func mqttConnected(ctx context.Context, url string, served <-chan error) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		var ready struct{ MQTT string }
		if resp, err := http.Get(url + "/readyz"); err == nil {
			_ = json.NewDecoder(resp.Body).Decode(&ready)
			resp.Body.Close()
		}
		if ready.MQTT == "connected" {
			return nil
		}
		select {
		case err := <-served:
			if ctx.Err() != nil {
				return sim.ErrInterrupted
			}
			return fmt.Errorf("sim: starting parkd: %w", err)
		case <-ctx.Done():
			return sim.ErrInterrupted
		case <-tick.C:
		}
	}
}
