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
	"strings"
	"syscall"

	"parkd/internal/app"
	"parkd/internal/config"
	"parkd/internal/sim"
)

// runSim parses `parkd sim` and runs it.
func runSim(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	var c sim.Config
	fs := flag.NewFlagSet("parkd sim", flag.ContinueOnError)
	// Errors are said once below, with a hint; the usage goes to standard
	// output when asked for, as serve's does.
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.URL, "url", "", "drive the parkd at this loopback URL (default: start one with a temporary database)")
	// The environment's token and broker are read after parsing, not made
	// the flags' defaults: --help prints defaults, and must not print the
	// admin token or a broker's password.
	fs.StringVar(&c.Token, "token", "", "the admin token of the parkd at --url (default: PARKD_ADMIN_TOKEN, else the admin-token file in --data)")
	data := fs.String("data", "", "the data folder of the parkd at --url, whose admin-token file holds its token when neither --token nor PARKD_ADMIN_TOKEN is given (default: PARKD_DATA, else ./parkd-data, as serve's)")
	fs.DurationVar(&c.Duration, "duration", 0, "stop after this long, e.g. 10s")
	fs.Int64Var(&c.Events, "events", 0, "stop after this many camera reads")
	fs.IntVar(&c.Lots, "lots", 0, "lots to drive (default and at least: one per camera protocol)")
	var o app.SimOptions
	protocols := fs.String("protocols", app.SimProtocols[0], "device protocols to drive, comma-separated: "+strings.Join(app.SimProtocols, ", "))
	fs.StringVar(&o.MQTT, "mqtt", "", "MQTT broker of the MQTT cameras, e.g. mqtt://127.0.0.1:1883 (default: PARKD_MQTT)")
	fs.StringVar(&o.Pay, "pay", "native", "how held cars pay: "+strings.Join(app.SimPayers, ", "))
	fs.IntVar(&c.Lanes, "lanes", 4, "cars moving at once per lot")
	fs.Uint64Var(&c.Seed, "seed", 1, "random seed: the same seed, the same traffic")
	fs.StringVar(&c.SerialPrefix, "serial-prefix", "", "begin the cameras' serials with this, e.g. sim- for sim-sim001-in-1 (default: sim- and 6 random hex digits of the run's own, its cameras unregistered when it ends)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, "usage: parkd sim [flags]\n\nflags:\n")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return 0
		}
		fmt.Fprintf(stderr, "parkd sim: %v\nrun 'parkd sim --help' for its flags\n", err)
		return 2
	}
	if c.URL == "" && c.Token != "" {
		// Without --url the simulator starts its own parkd and its own
		// token: a token given would be silently dropped.
		fmt.Fprintln(stderr, "parkd sim: --token names the admin token of the parkd at --url; without --url the simulator starts a parkd of its own")
		return 2
	}
	if c.URL == "" && *data != "" {
		fmt.Fprintln(stderr, "parkd sim: --data names the data folder of the parkd at --url; without --url the simulator starts a parkd of its own")
		return 2
	}
	if c.URL != "" && c.Token == "" {
		tok, err := simToken(getenv, *data)
		if err != nil {
			fmt.Fprintln(stderr, "parkd sim:", err)
			return 1 // refused as the simulator refuses a missing token
		}
		c.Token = tok
	}
	if o.MQTT == "" {
		o.MQTT = getenv("PARKD_MQTT")
	}
	if o.MQTT != "" {
		broker, err := config.BrokerAddress(o.MQTT)
		if err != nil {
			fmt.Fprintf(stderr, "parkd sim: --mqtt: %v\n", err)
			return 1 // refused as the simulator refuses any setting out of range
		}
		o.MQTT = broker
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "parkd sim: unexpected argument %q: every setting is a flag (parkd sim --help)\n", fs.Arg(0))
		return 2
	}
	if c.Lanes == 0 {
		// The run's default lanes stand for an unset Lanes; a 0 given on
		// the command line is a mistake.
		fmt.Fprintf(stderr, "parkd sim: --lanes must be between 1 and %d\n", sim.MaxLanes)
		return 1 // refused as the simulator refuses any setting out of range
	}
	lotsGiven := false
	fs.Visit(func(f *flag.Flag) { lotsGiven = lotsGiven || f.Name == "lots" })
	if lotsGiven && c.Lots == 0 {
		// Likewise: 0 Lots is "one per protocol" only when unset.
		fmt.Fprintf(stderr, "parkd sim: --lots must be between 1 and %d\n", sim.MaxLots)
		return 1
	}
	for _, p := range strings.Split(*protocols, ",") {
		if p = strings.TrimSpace(p); p != "" {
			o.Protocols = append(o.Protocols, p)
		}
	}
	if len(o.Protocols) == 0 {
		fmt.Fprintf(stderr, "parkd sim: --protocols %q names none of %s\n", *protocols, strings.Join(app.SimProtocols, ", "))
		return 1
	}
	if !*quiet {
		c.Progress = stderr
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	s, err := app.Sim(ctx, c, o, log, stdout)
	if err != nil {
		// The simulator's errors begin with its own "sim: ".
		fmt.Fprintln(stderr, "parkd sim:", strings.TrimPrefix(err.Error(), "sim: "))
		return 1
	}
	s.Print(stdout)
	if s.Errors > 0 {
		// A run whose reads or payments failed is not a success to a
		// script that runs it.
		fmt.Fprintf(stderr, "parkd sim: %d errors (the first are in the summary)\n", s.Errors)
		return 1
	}
	return 0
}

// simToken finds the admin token of the parkd at --url when no --token is
// given: PARKD_ADMIN_TOKEN, else the admin-token file that serve wrote in
// its data folder (and told its user about). The error names the three
// ways and the file tried, never a token.
func simToken(getenv func(string) string, data string) (string, error) {
	if tok := getenv("PARKD_ADMIN_TOKEN"); tok != "" {
		return tok, nil
	}
	if data == "" {
		data = getenv("PARKD_DATA")
	}
	if data == "" {
		data = "./parkd-data" // serve's default
	}
	file := (&config.Config{Data: data}).TokenFile()
	b, err := os.ReadFile(file)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("no admin token for --url: give --token, set PARKD_ADMIN_TOKEN, or give --data the data folder of that parkd (no %s)", file)
	case err != nil:
		return "", fmt.Errorf("no admin token for --url: give --token, set PARKD_ADMIN_TOKEN, or make %s readable (%v)", file, errors.Unwrap(err))
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("no admin token for --url: give --token, set PARKD_ADMIN_TOKEN, or give --data the data folder of that parkd (%s is empty)", file)
	}
	return tok, nil
}
