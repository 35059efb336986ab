package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"parkd/internal/app"
	"parkd/internal/config"
	"parkd/internal/operators"
	"parkd/internal/park"
)

const userUsage = `usage: parkd user add NAME --role ROLE [--lots A,B] [--language en|zh|pt] [--password-stdin] [database flags]

Creates a console operator. ROLE is admin (everything), lot_operator (the
lots given with --lots) or read_only. With --password-stdin the password
is the first line of standard input (12 characters or more); otherwise one
is generated and printed once. The database flags (--data, --db, ...)
are listed below. While parkd serves a SQLite database, create users
with POST /v1/users or the console instead.
`

// userCommand runs `parkd user ...`.
func userCommand(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	const cmd = "parkd user add"
	isHelp := func(a string) bool { return a == "-h" || a == "-help" || a == "--help" }
	if len(args) > 0 && (isHelp(args[0]) || args[0] == "add" && slices.ContainsFunc(args[1:], isHelp)) {
		// The database flags are those config.Parse prints for this name.
		fmt.Fprint(stdout, userUsage+"\n")
		config.Parse(cmd, []string{"--help"}, getenv, stdout)
		return 0
	}
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprint(stderr, userUsage)
		return 2
	}
	if len(args) < 2 || strings.HasPrefix(args[1], "-") {
		fmt.Fprintf(stderr, "parkd user add: the user's NAME comes first\n\n%s", userUsage)
		return 2
	}
	name := args[1]
	// The user's own flags, then the database's (config.Parse).
	fs := flag.NewFlagSet("parkd user add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	role := fs.String("role", "", "")
	lots := fs.String("lots", "", "")
	lang := fs.String("language", "en", "")
	fromStdin := fs.Bool("password-stdin", false, "")
	var rest []string
	for a := args[2:]; len(a) > 0; a = a[1:] {
		flagName, _, hasValue := strings.Cut(strings.TrimLeft(a[0], "-"), "=")
		if !strings.HasPrefix(a[0], "-") || fs.Lookup(flagName) == nil {
			rest = append(rest, a[0])
			continue
		}
		own := []string{a[0]}
		if !hasValue && flagName != "password-stdin" && len(a) > 1 {
			own, a = append(own, a[1]), a[1:]
		}
		if err := fs.Parse(own); err != nil {
			fmt.Fprintf(stderr, "parkd user add: %v\n", err)
			return 2
		}
	}
	cfg, err := config.Parse(cmd, rest, getenv, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "parkd user add: %v\n", err)
		return 2
	}
	in := operators.NewOperator{Name: name, Role: park.Role(*role), Language: *lang}
	if *lots != "" {
		in.Lots = strings.Split(*lots, ",")
	}
	generated := false
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			fmt.Fprintf(stderr, "parkd user add: reading the password: %v\n", err)
			return 1
		}
		in.Password = strings.TrimRight(line, "\r\n")
	} else {
		in.Password, generated = rand.Text(), true
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o, err := app.AddUser(ctx, cfg, log, in)
	if err != nil {
		fmt.Fprintln(stderr, "parkd user add:", err)
		return 1
	}
	fmt.Fprintf(stdout, "parkd: created %s (%s)\n", o.Name, o.Role)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n(shown once; sign in at /console/ and keep it somewhere safe)\n", in.Password)
	}
	return 0
}
