// Package app wires a parkd process together: store, core, HTTP server.
// cmd/parkd only parses the command line and calls it.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"parkd/internal/config"
	"parkd/internal/deliveries"
	"parkd/internal/demo"
	"parkd/internal/device"
	"parkd/internal/devices"
	"parkd/internal/dialect/top"
	"parkd/internal/httpapi"
	"parkd/internal/jobs"
	"parkd/internal/metrics"
	"parkd/internal/ocpp"
	"parkd/internal/park"
	"parkd/internal/store/postgres"
	"parkd/internal/store/sqlite"
	"parkd/internal/system"
)

// OpenStore opens the database the configuration names and applies parkd's
// and the job queue's migrations; the store logs its own alarms to log.
func OpenStore(ctx context.Context, c *config.Config, log *slog.Logger) (park.Store, error) {
	if c.IsPostgres() {
		st, err := postgres.Open(ctx, c.DB, postgres.Options{MaxConns: c.PGMaxConns, Schema: c.PGSchema})
		if err != nil {
			return nil, err
		}
		// River's migrations take no lock of their own; nodes starting
		// together take turns.
		err = st.Exclusive(ctx, "jobs-migrate", func(ctx context.Context) error {
			return jobs.Migrate(ctx, riverpgxv5.New(st.Pool()))
		})
		if err != nil {
			st.Close()
			return nil, err
		}
		return st, nil
	}
	st, err := sqlite.Open(ctx, c.DB, sqlite.Options{Synchronous: c.SQLiteSync, Log: log})
	if err != nil {
		return nil, err
	}
	if err := jobs.Migrate(ctx, riversqlite.New(st.WriterDB())); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// Migrate applies the migrations to the database the configuration names
// and closes it (`parkd migrate`), holding its lock meanwhile; it says
// what it did to the schema.
func Migrate(ctx context.Context, c *config.Config, log *slog.Logger) (park.SchemaChange, error) {
	unlock, err := LockDatabase(c, "parkd migrate")
	if err != nil {
		return park.SchemaChange{}, err
	}
	defer unlock()
	s, err := OpenStore(ctx, c, log)
	if err != nil {
		return park.SchemaChange{}, err
	}
	var ch park.SchemaChange
	if m, ok := s.(interface{ Migrated() park.SchemaChange }); ok {
		ch = m.Migrated()
	}
	return ch, s.Close()
}

// Serve runs parkd until ctx is cancelled, then shuts down gracefully:
// in-flight requests finish, then the database closes. A start that fails
// before serving removes the files it created. What the operator is told
// outside the log (where a generated admin token is) goes to stdout.
func Serve(ctx context.Context, c *config.Config, log *slog.Logger, stdout io.Writer, ready func(addr string)) (err error) {
	TuneRuntime()
	// The log says nothing until the start is known good: a failed start
	// is its error alone. Deferred first, so the teardown's records are
	// dropped too; a no-op once released.
	log, held := holdStartLog(log)
	defer held.discard()
	serving := false
	// Bind first: a taken port, the likeliest failed start, then fails
	// before anything is written to disk or started.
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return listenError(c, "--addr", c.Addr, err)
	}
	defer ln.Close() // once serving, Shutdown has closed it already
	var mln net.Listener
	if c.MetricsAddr != "" {
		if mln, err = net.Listen("tcp", c.MetricsAddr); err != nil {
			return fmt.Errorf("metrics-addr: %w", listenError(c, "--metrics-addr", c.MetricsAddr, err))
		}
		defer mln.Close()
	}
	// Registered before the database's and the job queue's deferred stops,
	// so it runs after them.
	fresh := missingPaths(c)
	defer func() {
		if err != nil && !serving {
			if rerr := fresh.remove(); rerr != nil {
				err = fmt.Errorf("%w (removing what the failed start created: %v)", err, rerr)
			}
		}
	}()
	// Before anything is opened: a second parkd on this database stops here.
	unlock, err := LockDatabase(c, "parkd serve on "+ln.Addr().String())
	if err != nil {
		return err
	}
	defer unlock() // registered first, so it runs after the database closes
	fromEnv := c.AdminToken != ""
	created, err := c.EnsureAdminToken()
	if err != nil {
		return err
	}
	if b, err := os.ReadFile(c.TokenFile()); err == nil && fromEnv && strings.TrimSpace(string(b)) != c.AdminToken {
		// A token generated before the variable was set (to rotate it)
		// is no longer the admin token, though it still reads as one.
		// (The same token in both, as when moving to PostgreSQL, is fine.)
		log.Warn("the admin token is PARKD_ADMIN_TOKEN's; the token file left in the data folder is not used (delete it)", "file", c.TokenFile())
	}
	store, err := OpenStore(ctx, c, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := store.Close(); err != nil {
			log.Error("closing database", "err", err)
		}
	}()
	m := metrics.New()
	sc := systemConfig(store, log, m, nil)
	sc.Deliveries = deliveries.Options{AllowPrivate: c.AllowPrivateWebhooks, Lease: c.DeliveryLease, Retention: c.DeliveryRetention}
	svc := system.New(sc)
	// Reports reach partners from here; the worker stops before the
	// database closes, and what it sent is recorded first.
	wctx, stopWorker := context.WithCancel(ctx)
	workerDone := make(chan struct{})
	go func() {
		defer close(workerDone)
		if err := svc.Deliveries.Run(wctx); err != nil {
			log.Error("deliveries stopped", "err", err)
		}
	}()
	if c.MQTT != "" {
		// MQTT cameras take the pass and list changes (connectMQTT); said
		// before the first sweep, which would otherwise forget them.
		svc.Devices.TakeListChanges()
	}
	waitDevices := watchDevices(wctx, svc, log) // online and offline devices, stopped with the worker
	defer func() { stopWorker(); <-workerDone; waitDevices() }()
	// A lane held open stays so across restarts: tell its device again,
	// beside the start (an unreachable device must not delay it).
	go func() {
		n, err := svc.Gate.RestoreLaneHolds(ctx)
		switch {
		case err != nil && ctx.Err() != nil: // stopped meanwhile: the next start restores them
			log.Debug("restoring lanes held open cut short by the stop", "err", err)
		case err != nil:
			log.Error("restoring lanes held open", "err", err)
		case n > 0:
			log.Info("lanes held open sent hold_open again", "lanes", n)
		}
	}()
	if c.Demo {
		if err := demo.Load(ctx, svc, time.Now()); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		log.Info("demo data loaded", "lot", demo.LotCode)
	}
	// The broker is connected to in the background: lots on HTTP cameras
	// and partners are served meanwhile.
	var mqttRefused <-chan error
	var mqttStatus func() (bool, string)
	if c.MQTT != "" {
		closeMQTT, refused, status, err := connectMQTT(ctx, c, svc, sc.Barriers, log)
		if err != nil {
			return err
		}
		defer closeMQTT()
		mqttRefused, mqttStatus = refused, status
		m.WatchMQTT(status)
	}
	h := httpapi.New(httpapi.Config{Service: svc, Log: log, Metrics: m, AdminToken: c.AdminToken, TrustedProxies: c.TrustedProxies,
		MetricsToken: c.MetricsToken, MetricsElsewhere: mln != nil, MQTT: mqttStatus})
	for _, d := range dialects {
		d.mount(svc, log.With("dialect", d.name), h.Mount)
	}
	mountDevices(svc, sc.Barriers, log, h.Mount)
	console := mountConsole(h, svc, log)
	stopCharging := startCharging(wctx, svc, log, m, h.Mount) // chargers' connections end before the database closes
	defer stopCharging()
	srv := newHTTPServer(h, log)
	srv.RegisterOnShutdown(console.Shutdown) // live streams end, so shutdown need not wait for them
	var msrv *http.Server
	if mln != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", httpapi.MetricsHandler(m, c.MetricsToken))
		msrv = newHTTPServer(mux, log)
	}
	// The job queue starts last, once nothing else can fail: River stopped
	// just after its start logs errors that hide the real reason.
	runner, err := startJobs(ctx, store, svc, log)
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := runner.Stop(sctx); err != nil {
			log.Error("stopping jobs", "err", err)
		}
	}()
	serving = true // from here on, the data folder is the operator's
	held.release()
	if created {
		// Said only once the start has succeeded: a failed one removes the
		// file. The token itself is never printed: service managers keep
		// standard output in their logs.
		fmt.Fprintf(stdout, "parkd: generated an admin token into %s (mode 0600); read it from there, e.g. TOKEN=$(cat %s)\n",
			c.TokenFile(), c.TokenFile())
		log.Info("generated an admin token", "file", c.TokenFile())
	}
	log.Info("parkd listening", "addr", ln.Addr().String(), "db", describeDB(c))
	if mln != nil {
		log.Info("metrics listening", "addr", mln.Addr().String(), "path", "/metrics", "token", c.MetricsToken != "")
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	if c.Demo {
		demo.RunChargers(wctx, svc, "ws://"+ln.Addr().String(), log.With("component", "demo-chargers"))
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if msrv != nil {
		go func() { errc <- msrv.Serve(mln) }()
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = msrv.Shutdown(sctx)
		}()
	}
	var stopErr error
	select {
	case err := <-errc:
		return err
	case stopErr = <-mqttRefused: // a wrong password is the operator's to fix
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	h.Drain() // a readiness check still on an open connection says so
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return errors.Join(stopErr, fmt.Errorf("shutdown: %w", err))
	}
	return stopErr
}

// systemConfig is how Serve builds the core (tests build it the same way):
// barriers answer in memory until a device transport is configured
// (docs/devices.md), and partners speak the dialects registered here.
func systemConfig(store park.Store, log *slog.Logger, m *metrics.Metrics, now park.Clock) system.Config {
	c := system.Config{Store: store, Log: log, Barriers: devices.NewBarriers(store, device.NewMemory()), Dialects: DialectNames(),
		SignModes: DialectSignModes(), DemoSignModes: DialectDemoSignModes(), Currencies: DialectCurrencies(), Formats: formats(), Now: now,
		RentalDialect: top.Name, DeviceProtocols: DeviceProtocolNames(), DeviceCalledBack: DeviceCalledBackNames(),
		DeviceSerials: DeviceSerials()}
	if m != nil {
		c.Metrics = m
	}
	return c
}

// writeTimeout outlasts the longest wait a request may make: a partner's
// answer to a sensorless exit (a subscription's timeout, up to
// park.MaxDeliveryTimeout) and a charger's answer to a command
// (ocpp.DefaultCallTimeout). Shorter, the server would cut the reply off
// and the caller would never learn the outcome.
const writeTimeout = max(park.MaxDeliveryTimeout, ocpp.DefaultCallTimeout) + 30*time.Second

// newHTTPServer is an HTTP server with parkd's timeouts.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// startJobs starts the durable job queue on the store's own database
// (OpenStore has migrated it).
func startJobs(ctx context.Context, store park.Store, svc *system.System, log *slog.Logger) (jobs.Runner, error) {
	cfg := jobs.Config{Service: svc.Billing, Lots: svc.Gate, Seen: svc.Partners, Sessions: svc.Operators, Deliveries: svc.Deliveries,
		Log: log.With("component", "jobs")}
	switch st := store.(type) {
	case *sqlite.Store:
		return jobs.Start(ctx, riversqlite.New(st.WriterDB()), cfg)
	case *postgres.Store:
		return jobs.Start(ctx, riverpgxv5.New(st.Pool()), cfg)
	}
	return nil, fmt.Errorf("jobs: no queue driver for %T", store)
}

func describeDB(c *config.Config) string {
	if c.IsPostgres() {
		return "postgres"
	}
	return c.DB
}
