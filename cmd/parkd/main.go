// Command parkd is the self-hostable cloud behind parking lots.
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
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"

	"parkd/internal/app"
	"parkd/internal/config"
	"parkd/internal/park"
)

// version is set at build time with -ldflags "-X main.version=..."; it
// falls back to the module's build information.
var version = ""

const usage = `usage: parkd <command> [flags]

commands:
  help COMMAND  print the command's help (as parkd COMMAND --help)
  serve     run the server (parkd serve --help for flags)
  migrate   apply database migrations and exit; with --to postgres://...,
            copy the SQLite database into PostgreSQL and verify the copy
  backup    --to FILE: write a consistent copy of the SQLite database
            while parkd serves it (PostgreSQL: use pg_dump)
  rental    rental resync --channel APP_KEY: queue a sales channel's whole
            catalogue (first connection, or after an outage)
  user add NAME --role admin|lot_operator|read_only [--lots A,B] [--language en|zh|pt] [--password-stdin]
            create a console operator; the password is generated and
            printed once, or read from standard input (one line) with
            --password-stdin (parkd user add --help)
  sim       drive lots through their lane devices with simulated traffic
  version   print the version (also parkd --version)
`

const versionUsage = `usage: parkd version

Prints the version of this parkd binary (also parkd --version).
`

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, getenv, stdout, stderr)
}

// runContext is run until ctx is done, as on SIGINT or SIGTERM: an
// in-process test stops a parkd serve it started by cancelling ctx.
func runContext(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "version", "--version", "-version":
		if len(args) == 2 && (args[1] == "--help" || args[1] == "-help" || args[1] == "-h") {
			fmt.Fprint(stdout, versionUsage)
			return 0
		}
		if len(args) > 1 {
			return noArguments(args, "usage: parkd version", stderr)
		}
		fmt.Fprintln(stdout, "parkd", versionString())
		return 0
	case "serve", "migrate", "backup":
	case "rental":
		return rentalCommand(args[1:], getenv, stdout, stderr)
	case "user":
		return userCommand(args[1:], getenv, os.Stdin, stdout, stderr)
	case "sim":
		return runSim(args[1:], getenv, stdout, stderr)
	case "help", "-h", "-help", "--help":
		if len(args) > 2 {
			fmt.Fprintf(stderr, "parkd help: unexpected argument %q: it takes one command\nusage: parkd help COMMAND\n", args[2])
			return 2
		}
		if len(args) == 2 {
			// parkd help serve is parkd serve --help, as git help is.
			switch args[1] {
			case "serve", "migrate", "backup", "rental", "user", "sim", "version":
				return run([]string{args[1], "--help"}, getenv, stdout, stderr)
			}
			fmt.Fprintf(stderr, "parkd help: unknown command %q\n\n%s", args[1], usage)
			return 2
		}
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "parkd: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	name := "parkd " + args[0]
	cfg, err := config.Parse(name, args[1:], getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0 // Parse has printed the usage
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\nrun '%s --help' for its flags and environment variables\n", name, err, name)
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "migrate":
		if cfg.To != "" {
			return copyToPostgres(ctx, cfg, log, stdout, stderr)
		}
		ch, err := app.Migrate(ctx, cfg, log)
		if err != nil {
			fmt.Fprintln(stderr, "parkd migrate:", err)
			return 1
		}
		fmt.Fprintln(stdout, "parkd:", migrated(ch))
		return 0
	case "backup":
		if err := app.Backup(ctx, cfg); err != nil {
			fmt.Fprintln(stderr, "parkd backup:", err)
			return 1
		}
		fmt.Fprintf(stdout, "parkd: backed up %s to %s\n", cfg.DB, cfg.BackupTo)
		return 0
	default:
		// A start that fails is told as one plain line, as a bad flag is:
		// the JSON log is the running server's, for its log collector.
		serving := false
		if err := app.Serve(ctx, cfg, log, stdout, func(string) { serving = true }); err != nil {
			if !serving {
				fmt.Fprintln(stderr, "parkd:", err)
				return 1
			}
			log.Error("parkd stopped", "err", err)
			return 1
		}
		return 0
	}
}

// noArguments refuses what follows a command that takes nothing, so that a
// typo is not silently ignored; hint tells what to run instead.
func noArguments(args []string, hint string, stderr io.Writer) int {
	fmt.Fprintf(stderr, "parkd %s: unexpected argument %q: it takes no arguments\n%s\n",
		strings.TrimLeft(args[0], "-"), args[1], hint)
	return 2
}

// migrated says what parkd migrate did: the schema version, and the
// migrations applied to reach it, listed when they are few.
func migrated(ch park.SchemaChange) string {
	if len(ch.Applied) == 0 {
		return fmt.Sprintf("database is up to date at schema version %d", ch.To)
	}
	word := "migrations"
	if len(ch.Applied) == 1 {
		word = "migration"
	}
	s := fmt.Sprintf("migrated the database from schema version %d to %d (applied %d %s", ch.From, ch.To, len(ch.Applied), word)
	if len(ch.Applied) <= 10 {
		v := make([]string, len(ch.Applied))
		for i, a := range ch.Applied {
			v[i] = strconv.FormatInt(a, 10)
		}
		s += ": " + strings.Join(v, ", ")
	}
	return s + ")"
}

// rentalCommand runs `parkd rental resync --channel ID [flags]`, with a
// progress bar over the channel's stores and a summary.
func rentalCommand(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	const name = "parkd rental resync"
	isHelp := func(a string) bool { return a == "-h" || a == "-help" || a == "--help" }
	if len(args) > 0 && (isHelp(args[0]) || args[0] == "resync" && slices.ContainsFunc(args[1:], isHelp)) {
		// Help needs no --channel; the flags are those config.Parse prints.
		fmt.Fprintf(stdout, "%s --channel APP_KEY queues a sales channel's whole catalogue\n(first connection, or after an outage); the other flags name the database.\n\n", name)
		config.Parse(name, []string{"--help"}, getenv, stdout)
		return 0
	}
	if len(args) == 0 || args[0] != "resync" {
		fmt.Fprintf(stderr, "usage: %s --channel APP_KEY [database flags]\nrun '%s --help' for them\n", name, name)
		return 2
	}
	var channel string
	rest := []string{}
	for i := 1; i < len(args); i++ {
		// As the flag package reads serve's: -channel or --channel, a
		// value after = or as the next argument.
		name, value, hasValue := strings.Cut(args[i], "=")
		switch {
		case name != "-channel" && name != "--channel":
			rest = append(rest, args[i])
		case hasValue:
			channel = value
		case i+1 < len(args):
			channel, i = args[i+1], i+1
		}
	}
	if channel == "" {
		fmt.Fprintf(stderr, "%s: --channel APP_KEY is required\n", name)
		return 2
	}
	cfg, err := config.Parse(name, rest, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sum, err := app.RentalResync(ctx, cfg, log, channel, func(done, total int) {
		const width = 30
		n := done * width / max(total, 1)
		fmt.Fprintf(stdout, "\r[%s%s] %d/%d stores", strings.Repeat("#", n), strings.Repeat(" ", width-n), done, total)
	})
	if err != nil {
		fmt.Fprintf(stderr, "\n%s: %v\n", name, err)
		return 1
	}
	fmt.Fprintf(stdout, "\nparkd: queued %d calls for channel %s: %d stores, %d store rules, %d vehicle models, %d store terms, %d vehicles\n",
		sum.Calls(), channel, sum.Stores, sum.Rules, sum.Models, sum.Terms, sum.Vehicles)
	return 0
}

// copyToPostgres runs `parkd migrate --to` and prints what was copied.
func copyToPostgres(ctx context.Context, cfg *config.Config, log *slog.Logger, stdout, stderr io.Writer) int {
	rep, err := app.CopyToPostgres(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "parkd migrate:", err)
		return 1
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "table\trows\tchecksum (sha256)")
	for _, t := range rep.Tables {
		fmt.Fprintf(w, "%s\t%d\t%s\n", t.Table, t.Rows, t.Checksum)
	}
	w.Flush()
	fmt.Fprintf(stdout, "parkd: copied and verified %d rows in %d tables\n", rep.Rows(), len(rep.Tables))
	fmt.Fprintf(stdout, "parkd: carried %d jobs of the job queue (%d already there)\n", rep.JobsKept, rep.Jobs-rep.JobsKept)
	return 0
}

func versionString() string {
	if version != "" {
		return version
	}
	bi, _ := debug.ReadBuildInfo()
	return versionFrom(bi)
}

// versionFrom is the version a build says of itself: its commit, else its
// module version, else "dev". "(devel)" is what the module system says of
// a build from a source tree without version control information, not a
// version.
func versionFrom(bi *debug.BuildInfo) string {
	if bi == nil {
		return "dev"
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev-" + s.Value[:12]
		}
	}
	if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
