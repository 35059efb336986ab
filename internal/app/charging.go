package app

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"parkd/internal/metrics"
	"parkd/internal/ocpp"
	"parkd/internal/system"
)

// chargingSweepEvery is how often a node looks for charging sessions that
// no charger message moves on (see charging.Service.Sweep).
const chargingSweepEvery = 10 * time.Second

// startCharging mounts the OCPP central system at /ocpp/{id}, gives the
// charging subsystem its way to chargers, and sweeps sessions until ctx
// ends; stop closes every charger connection, waits for the sweep, and
// closes the charging service (its stops waiting for an answer end).
func startCharging(ctx context.Context, sys *system.System, log *slog.Logger, m *metrics.Metrics, mount func(string, http.Handler)) (stop func()) {
	// Its own end, so stop never waits on a context only the caller ends.
	ctx, cancel := context.WithCancel(ctx)
	cs := ocpp.New(ocpp.Config{Charging: sys.Charging, Log: log.With("component", "ocpp"), Metrics: m})
	sys.Charging.SetRemote(cs)
	mount("GET /ocpp/{id}", cs)
	done := make(chan struct{})
	relayed := make(chan struct{})
	go func() {
		defer close(relayed)
		cs.RunRelay(ctx) // commands other nodes queued for chargers connected here
	}()
	go func() {
		defer close(done)
		t := time.NewTicker(chargingSweepEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := sys.Charging.Sweep(ctx); err != nil && ctx.Err() == nil {
					log.Warn("charging sweep", "err", err)
				}
			}
		}
	}()
	return func() {
		cancel()
		cs.Close()
		<-done
		<-relayed
		// parkd's own stops still waiting for a charger's answer end
		// before the database closes: what they record is written first,
		// and one cut short is asked again after the restart.
		sctx, scancel := context.WithTimeout(context.Background(), chargingCloseWait)
		defer scancel()
		if err := sys.Charging.Close(sctx); err != nil {
			log.Warn("charging: stops waiting for chargers' answers did not end in time", "err", err)
		}
	}
}

// chargingCloseWait bounds how long the shutdown waits for the charging
// service's stops cut short to end (their store writes, mostly).
const chargingCloseWait = 5 * time.Second
