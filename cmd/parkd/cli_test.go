package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// readmeSettings returns the flags and environment variables of the
// README's Configuration table, for serve and for migrate only, so that
// the help cannot drift from the documentation.
func readmeSettings(t *testing.T) (serve, migrateOnly []string) {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "## Configuration\n")
	if !ok {
		t.Fatal("README has no Configuration section")
	}
	table, _, _ = strings.Cut(strings.TrimLeft(table, "\n"), "\n\n")
	name := regexp.MustCompile("`(--[a-z-]+|PARKD_[A-Z_]+)`")
	for _, row := range strings.Split(table, "\n")[2:] {
		for _, m := range name.FindAllStringSubmatch(row, -1) {
			// The help lists flags the flag package's way, with one dash.
			s := strings.TrimPrefix(m[1], "-")
			if strings.Contains(row, "migrate only") {
				migrateOnly = append(migrateOnly, s)
			} else {
				serve = append(serve, s)
			}
		}
	}
	if len(serve) < 10 || len(migrateOnly) != 2 {
		t.Fatalf("README table not read: serve %q, migrate only %q", serve, migrateOnly)
	}
	return serve, migrateOnly
}

func TestHelp(t *testing.T) {
	t.Parallel()
	serve, migrateOnly := readmeSettings(t)
	for _, args := range [][]string{{"serve", "--help"}, {"serve", "-h"}, {"migrate", "--help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runParkd(nil, args...)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q; want exit 0 and the usage on stdout", code, errOut)
			}
			want := serve
			if args[0] == "migrate" {
				// The admin token is the server's; migrate has no use for it.
				want = append(slices.DeleteFunc(slices.Clone(serve), func(s string) bool { return s == "PARKD_ADMIN_TOKEN" }), migrateOnly...)
			}
			for _, s := range want {
				if !strings.Contains(out, s) {
					t.Errorf("help does not mention %s:\n%s", s, out)
				}
			}
			if !strings.Contains(out, `"127.0.0.1:8080"`) {
				t.Errorf("help does not show the default address:\n%s", out)
			}
		})
	}
	t.Run("BuiltInDefaults", func(t *testing.T) {
		t.Parallel()
		// A help pasted into a bug report must not carry the database
		// password, and must work while a variable is malformed.
		env := map[string]string{"PARKD_DB": "postgres://parkd:hunter2@db/parkd", "PARKD_PG_MAX_CONNS": "many"}
		code, out, errOut := runParkd(env, "serve", "--help")
		if code != 0 || strings.Contains(out, "hunter2") || !strings.Contains(out, "(default 16)") {
			t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
		}
	})
}

func TestVersion(t *testing.T) {
	t.Parallel()
	_, want, _ := runParkd(nil, "version")
	if !strings.HasPrefix(want, "parkd ") {
		t.Fatalf("parkd version printed %q", want)
	}
	for _, arg := range []string{"--version", "-version"} {
		code, out, errOut := runParkd(nil, arg)
		if code != 0 || out != want || errOut != "" {
			t.Errorf("parkd %s: exit %d, stdout %q, stderr %q; want exit 0 and %q", arg, code, out, errOut, want)
		}
	}
}

func TestBadFlag(t *testing.T) {
	t.Parallel()
	code, out, errOut := runParkd(nil, "serve", "--bogus")
	if code != 2 || out != "" {
		t.Fatalf("exit %d, stdout %q; want exit 2 and nothing on stdout", code, out)
	}
	if n := strings.Count(errOut, "flag provided but not defined: -bogus"); n != 1 {
		t.Errorf("the error is printed %d times, want once:\n%s", n, errOut)
	}
	if !strings.Contains(errOut, "parkd serve --help") || strings.Contains(errOut, "-sqlite-sync") {
		t.Errorf("want a hint to run --help instead of the whole usage:\n%s", errOut)
	}
}
