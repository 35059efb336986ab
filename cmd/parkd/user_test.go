package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"parkd/internal/app"
	"parkd/internal/config"
	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/store/sqlite"
)

func TestUserAdd(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	env := func(string) string { return "" }
	run := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := userCommand(args, env, strings.NewReader(stdin), &out, &errb)
		return code, out.String(), errb.String()
	}
	code, out, errs := run("a password long enough\n", "add", "root", "--role", "admin", "--password-stdin", "--data", data)
	if code != 0 || !strings.Contains(out, "created root (admin)") || strings.Contains(out, "password") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = run("", "add", "viewer", "--role=read_only", "--language", "zh", "--data", data)
	pwLine := regexp.MustCompile(`(?m)^password: (\S+)$`).FindStringSubmatch(out)
	if code != 0 || pwLine == nil {
		t.Fatalf("generated password not printed: exit %d\n%s\n%s", code, out, errs)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"add", "x", "--role", "boss", "--password-stdin", "--data", data}, 1, "role"},
		{[]string{"add", "root", "--role", "admin", "--password-stdin", "--data", data}, 1, "already exists"},
		{[]string{"add", "--role", "admin"}, 2, "NAME comes first"},
		{[]string{"remove", "root"}, 2, "usage"},
	} {
		code, _, errs := run("another long password\n", c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, errs, c.code, c.want)
		}
	}

	// Refused before anything is created: a mistyped role or a short
	// password leaves no database behind in the folder named.
	fresh := filepath.Join(t.TempDir(), "fresh")
	for _, c := range [][]string{{"add", "x", "--role", "boss", "--data", fresh}, {"add", "x", "--role", "admin", "--password-stdin", "--data", fresh}} {
		if code, _, errs := run("short\n", c...); code != 1 || errs == "" {
			t.Errorf("%v: exit %d, %q; want 1 and a reason", c, code, errs)
		}
		if _, err := os.Stat(fresh); !os.IsNotExist(err) {
			t.Fatalf("%v: a refused user add created %s (%v)", c, fresh, err)
		}
	}

	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(data, "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ops := operators.New(operators.Config{Store: st})
	if _, _, err := ops.SignIn(ctx, operators.SignIn{Name: "root", Password: "a password long enough"}); err != nil {
		t.Errorf("root cannot sign in with the password given on standard input: %v", err)
	}
	if _, _, err := ops.SignIn(ctx, operators.SignIn{Name: "viewer", Password: pwLine[1]}); err != nil {
		t.Errorf("viewer cannot sign in with the printed password: %v", err)
	}
	o, err := ops.Get(ctx, "viewer")
	if err != nil || o.Role != park.RoleReadOnly || o.Language != "zh" {
		t.Fatalf("viewer %+v, %v", o, err)
	}
}

// TestUsageUserAdd: parkd's own usage says how user add takes a password,
// as user add does: from standard input only with --password-stdin.
func TestUsageUserAdd(t *testing.T) {
	t.Parallel()
	_, out, _ := runParkd(nil, "--help")
	if !strings.Contains(out, "--password-stdin") {
		t.Errorf("usage does not name --password-stdin:\n%s", out)
	}
}

// TestUserHelp: parkd user --help is a request for help, not a mistake.
func TestUserHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"--help", "-h"} {
		code, out, errOut := runParkd(nil, "user", arg)
		if code != 0 || errOut != "" || !strings.Contains(out, "usage: parkd user add") {
			t.Errorf("parkd user %s: exit %d, stderr %q, stdout %q; want exit 0 and the usage on stdout", arg, code, errOut, out)
		}
	}
}

// TestUserAddWhileServed: refused because parkd serves the database, the
// error names the command like every other refusal of it.
func TestUserAddWhileServed(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	cfg, err := config.Parse("parkd serve", []string{"--data", data}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := app.LockDatabase(cfg, "parkd serve")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	var out, errb bytes.Buffer
	code := userCommand([]string{"add", "root", "--role", "admin", "--data", data}, func(string) string { return "" }, strings.NewReader(""), &out, &errb)
	if code != 1 || !strings.HasPrefix(errb.String(), "parkd user add: ") || !strings.Contains(errb.String(), "in use by another parkd") {
		t.Fatalf("exit %d, stderr %q; want exit 1 and \"parkd user add: ... in use by another parkd ...\"", code, errb.String())
	}
	// The way to add a user to a database being served is named, as the
	// help names it, not only "stop it first".
	if !strings.Contains(errb.String(), "POST /v1/users") || !strings.Contains(errb.String(), "console") {
		t.Errorf("stderr %q; want it to name POST /v1/users and the console, which add a user while parkd serves", errb.String())
	}
}

// TestUserAddHelpAndFlags: parkd user add's help, wherever --help stands,
// is its own with the database flags, never parkd migrate's; and migrate's
// PARKD_MIGRATE_TO, set for a copy, does not stop a user being added.
func TestUserAddHelpAndFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"user", "add", "--help"}, {"user", "add", "bob", "--help"}, {"user", "add", "bob", "--role", "admin", "-h"}} {
		code, out, errOut := runParkd(nil, args...)
		if code != 0 || errOut != "" || !strings.Contains(out, "usage: parkd user add NAME") || !strings.Contains(out, "-db") ||
			strings.Contains(out, "parkd migrate [flags]") || strings.Contains(out, "-to ") {
			t.Errorf("parkd %s: exit %d, stderr %q, stdout:\n%s\nwant user add's usage with the database flags, and no --to", strings.Join(args, " "), code, errOut, out)
		}
	}
	data := t.TempDir()
	env := func(k string) string {
		if k == "PARKD_MIGRATE_TO" {
			return "postgres://elsewhere/parkd"
		}
		return ""
	}
	var out, errb bytes.Buffer
	if code := userCommand([]string{"add", "root", "--role", "admin", "--data", data}, env, strings.NewReader(""), &out, &errb); code != 0 {
		t.Errorf("with PARKD_MIGRATE_TO set: exit %d, stderr %q; want the user added", code, errb.String())
	}
	errb.Reset()
	if code := userCommand([]string{"add", "x", "--role", "admin", "--to", "postgres://db/x", "--data", data}, env, strings.NewReader(""), &out, &errb); code != 2 || !strings.Contains(errb.String(), "-to") {
		t.Errorf("--to: exit %d, stderr %q; want exit 2 naming the flag", code, errb.String())
	}
}
