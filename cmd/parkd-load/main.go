// Command parkd-load measures parkd's gate flow over HTTP: cars enter, are
// held at the exit, take a quote, pay and leave, from many workers at once.
//
//	parkd-load -spawn -prefill 100000 -c 32 -duration 30s
//	parkd-load -url http://127.0.0.1:8080 -token "$PARKD_ADMIN_TOKEN" -lot load1
//
// -spawn runs parkd inside this process on a temporary data folder, so no
// separate server or build is needed; -cpuprofile and -blockprofile then
// profile client and server together during the run (not the prefill).
// By default each car leaves as soon as it entered and plates come in
// order, so a commit's writes share index pages; -linger N keeps N cars a
// worker inside before the oldest leaves, and -scatter scatters the
// plates, which spreads the writes over the lot as real traffic does.
// -deliveries subscribes a partner of the lot to the flow's reports
// (entry, exit, order), delivered to a receiver in this process; with a
// prefill, the subscriptions start disabled, so the prefill's reports are
// a backlog whose delivery is timed before the run, from just before the
// first subscription is enabled. parkd must allow private webhooks
// (-spawn does). Only loopback URLs are accepted. With -spawn, -log info
// writes the server's logs to stderr (errors only by default) and -data
// DIR keeps its database in DIR, to look at after the run.
// -delivery-rate R caps the deliveries of the timed run at R a second in
// all (split evenly over the subscriptions, after the backlog's drain),
// to measure the gate while reports go out at a given rate.
//
// -chargers N connects N simulated OCPP charge points (each with an open
// charging session) beside the gate flow; they send -metervalues R
// MeterValues a second in all and a Heartbeat each every -heartbeat.
// -exec runs parkd from its binary as a child process instead of -spawn,
// so the memory reported per connection is parkd's alone:
//
//	go build -o /tmp/parkd ./cmd/parkd
//	parkd-load -exec /tmp/parkd -chargers 10000 -metervalues 1000 -c 8 -duration 60s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"syscall"
	"time"

	"parkd/internal/loadgen"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("parkd-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := loadgen.Config{}
	fs.StringVar(&cfg.BaseURL, "url", "http://127.0.0.1:8080", "parkd base URL (loopback only)")
	fs.StringVar(&cfg.Token, "token", getenv("PARKD_ADMIN_TOKEN"), "admin bearer token (default $PARKD_ADMIN_TOKEN)")
	fs.StringVar(&cfg.Lot, "lot", "load-"+strconv.FormatInt(time.Now().Unix(), 10), "code of the lot to create (must not exist yet)")
	fs.IntVar(&cfg.Prefill, "prefill", 0, "cars to park before the run")
	fs.IntVar(&cfg.Concurrency, "c", 32, "concurrent workers (and connections)")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "run length")
	fs.Int64Var(&cfg.MaxRequests, "max-requests", 10_000_000, "run budget in requests")
	fs.DurationVar(&cfg.PrefillTimeout, "prefill-timeout", 10*time.Minute, "bound on the prefill")
	fs.IntVar(&cfg.Linger, "linger", 0, "cars each worker keeps inside before its oldest leaves (0: each leaves at once); keep the linger under ten minutes")
	fs.BoolVar(&cfg.Scatter, "scatter", false, "give the cars plates in a scattered order, not 京A00000, 京A00001, ...")
	spawn := fs.Bool("spawn", false, "run parkd in this process on a temporary data folder")
	sqliteSync := fs.String("sqlite-sync", "NORMAL", "with -spawn: SQLite synchronous mode, NORMAL or FULL")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run (after the prefill) to this file")
	deliveries := fs.Bool("deliveries", false, "subscribe to the flow's reports and measure their delivery")
	deliveryRate := fs.Int("delivery-rate", 0, "with -deliveries: cap the timed run's deliveries at this many a second in all (0: as fast as parkd sends)")
	chargers := fs.Int("chargers", 0, "simulated OCPP charge points to connect beside the gate flow")
	meterRate := fs.Int("metervalues", 1000, "with -chargers: MeterValues a second, spread over the points")
	heartbeat := fs.Duration("heartbeat", 60*time.Second, "with -chargers: each point's heartbeat interval")
	execBin := fs.String("exec", "", "run this parkd binary as a child process (parkd serve) instead of -spawn")
	memPID := fs.Int("pid", 0, "with -url: the parkd process whose memory to report")
	logLevel := fs.String("log", "error", "with -spawn: the least level of parkd's logs written to stderr (debug, info, warn, error)")
	dataDir := fs.String("data", "", "with -spawn: keep parkd's data in this folder (made if missing) rather than a temporary one, to look at afterwards")
	blockprofile := fs.String("blockprofile", "", "write a blocking profile of the run (where goroutines wait) to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "parkd-load: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if (*spawn || *execBin != "") && (set["url"] || set["token"] || set["pid"]) {
		fmt.Fprintln(stderr, "parkd-load: -spawn and -exec start their own server; leave out -url, -token and -pid")
		return 2
	}
	if *deliveryRate < 0 || (*deliveryRate > 0 && !*deliveries) {
		fmt.Fprintln(stderr, "parkd-load: -delivery-rate takes a positive rate, with -deliveries")
		return 2
	}
	if *spawn && *execBin != "" {
		fmt.Fprintln(stderr, "parkd-load: give -spawn or -exec, not both")
		return 2
	}
	fleet := loadgen.FleetConfig{Points: *chargers, MeterRate: *meterRate, Heartbeat: *heartbeat, MemPID: *memPID}
	if *chargers > 0 {
		if err := fleet.Validate(); err != nil {
			fmt.Fprintln(stderr, "parkd-load:", err)
			return 2
		}
		// One socket per point, here and (with -spawn) in parkd too.
		need := uint64(*chargers + cfg.Concurrency + 256)
		if *spawn {
			need += uint64(*chargers)
		}
		if err := loadgen.RaiseFileLimit(need); err != nil {
			fmt.Fprintln(stderr, "parkd-load:", err)
			return 2
		}
	}
	if err := loadgen.CheckLoopback(cfg.BaseURL); err != nil {
		fmt.Fprintln(stderr, "parkd-load:", err)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *spawn {
		var level slog.Level
		if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
			fmt.Fprintln(stderr, "parkd-load: -log:", err)
			return 2
		}
		srv, err := loadgen.Spawn(ctx, loadgen.SpawnOptions{
			Log:        slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
			SQLiteSync: *sqliteSync, AllowPrivateWebhooks: *deliveries, Dir: *dataDir,
		})
		if err != nil {
			fmt.Fprintln(stderr, "parkd-load:", err)
			return 1
		}
		defer func() {
			if err := srv.Close(); err != nil {
				fmt.Fprintln(stderr, "parkd-load: stopping parkd:", err)
			}
		}()
		cfg.BaseURL, cfg.Token = srv.URL, srv.Token
		fleet.MemPID = os.Getpid() // both ends of every connection: this process holds them all
		fmt.Fprintf(stdout, "spawned parkd at %s (SQLite synchronous=%s, temporary data folder)\n", srv.URL, *sqliteSync)
	}
	if *execBin != "" {
		p, err := loadgen.StartProcess(ctx, *execBin, *sqliteSync, os.Stderr)
		if err != nil {
			fmt.Fprintln(stderr, "parkd-load:", err)
			return 1
		}
		defer func() {
			if err := p.Close(); err != nil {
				fmt.Fprintln(stderr, "parkd-load: stopping parkd:", err)
			}
		}()
		cfg.BaseURL, cfg.Token, fleet.MemPID = p.URL, p.Token, p.PID
		fmt.Fprintf(stdout, "started %s (pid %d) at %s (SQLite synchronous=%s, temporary data folder)\n", *execBin, p.PID, p.URL, *sqliteSync)
	}
	h, err := loadgen.New(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "parkd-load:", err)
		return 2
	}
	defer h.Close()
	fmt.Fprintf(stdout, "%s %s/%s, GOMAXPROCS=%d, NumCPU=%d\n", runtime.Version(), runtime.GOOS, runtime.GOARCH,
		runtime.GOMAXPROCS(0), runtime.NumCPU())
	if err := h.Setup(ctx); err != nil {
		fmt.Fprintln(stderr, "parkd-load:", err)
		return 1
	}
	var rc *loadgen.Receiver
	if *deliveries {
		if rc, err = loadgen.StartReceiver(); err != nil {
			fmt.Fprintln(stderr, "parkd-load:", err)
			return 1
		}
		defer rc.Close()
		if err := h.Subscribe(ctx, rc.URL, cfg.Prefill == 0); err != nil {
			fmt.Fprintln(stderr, "parkd-load:", err)
			return 1
		}
	}
	if cfg.Prefill > 0 {
		p := h.Prefill(ctx)
		p.Print(stdout)
		if p.Errors > 0 || ctx.Err() != nil {
			fmt.Fprintln(stderr, "parkd-load: prefill failed; not running")
			return 1
		}
		if rc != nil {
			// Counted from before the first enable: parkd sends at once,
			// while the others are still being enabled.
			m := rc.Mark()
			if err := h.EnableSubscriptions(ctx); err != nil {
				fmt.Fprintln(stderr, "parkd-load:", err)
				return 1
			}
			d := loadgen.Drain(ctx, rc, m, p.Cars, cfg.PrefillTimeout)
			d.Print(stdout)
			if d.Reports < d.Want {
				fmt.Fprintln(stderr, "parkd-load: the backlog was not delivered in time; not running")
				return 1
			}
		}
	}
	if rc != nil && *deliveryRate > 0 {
		if err := h.LimitSubscriptions(ctx, *deliveryRate); err != nil {
			fmt.Fprintln(stderr, "parkd-load:", err)
			return 1
		}
	}
	var fl *loadgen.Fleet
	if *chargers > 0 {
		if fl, err = h.SetupFleet(ctx, fleet); err != nil {
			fmt.Fprintln(stderr, "parkd-load: charge points:", err)
			return 1
		}
		defer fl.Close()
	}
	var before int64
	if rc != nil {
		_, before = rc.Counts()
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(stderr, "parkd-load:", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, "parkd-load:", err)
			return 1
		}
	}
	if *blockprofile != "" {
		runtime.SetBlockProfileRate(int(10 * time.Microsecond))
	}
	var fres *loadgen.FleetResult
	fdone := make(chan struct{})
	if fl != nil {
		go func() { defer close(fdone); fres = fl.Run(ctx, cfg.Duration) }()
	} else {
		close(fdone)
	}
	res := h.Run(ctx)
	<-fdone
	if *cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	if *blockprofile != "" {
		if err := writeProfile("block", *blockprofile); err != nil {
			fmt.Fprintln(stderr, "parkd-load:", err)
		}
	}
	res.Print(stdout)
	if fres != nil {
		fmt.Fprintln(stdout)
		fl.Print(stdout, fres)
	}
	if rc != nil {
		_, after := rc.Counts()
		fmt.Fprintf(stdout, "\ndeliveries during the run %9d  %9.0f deliveries/s\n", after-before,
			float64(after-before)/res.Elapsed.Seconds())
		tail := loadgen.Settle(ctx, rc, time.Second, time.Minute)
		fmt.Fprintf(stdout, "delivered after the run  %9d  (the queue at the end)\n", tail)
	}
	if fres != nil && (fres.Meter.Errors > 0 || fres.Heartbeats.Errors > 0) {
		return 1
	}
	if res.Errors > 0 || errors.Is(ctx.Err(), context.Canceled) {
		return 1
	}
	return 0
}

func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
