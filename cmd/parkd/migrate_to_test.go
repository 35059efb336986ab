package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"parkd/internal/device"
	"parkd/internal/park"
	"parkd/internal/store/postgres/pgtest"
	"parkd/internal/store/sqlite"
	"parkd/internal/store/transfer"
	"parkd/internal/system"
	"parkd/internal/systemtest"
)

// runParkd runs the command in-process with only the given environment.
func runParkd(env map[string]string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, func(k string) string { return env[k] }, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestMigrateTo(t *testing.T) {
	t.Parallel()
	url, schema := pgtest.Schema(t)
	data := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(data, "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = system.New(system.Config{Dialects: systemtest.Dialects, Barriers: device.NewMemory(), Store: st}).Gate.CreateLot(context.Background(), &park.Lot{
		Code: "140123001", Name: "Test", TimeZone: "Asia/Shanghai", Currency: "CNY", Capacity: 10,
		MissedEntry: park.MissedEntryHold})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		code, out, errOut := runParkd(nil, "migrate", "--data", data, "--to", url, "--pg-schema", schema, "--log-level", "warn")
		// The lot, and the key of the tickets' cipher the store made.
		want := fmt.Sprintf("copied and verified 2 rows in %d tables", len(transfer.Tables()))
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
		}
		if !strings.Contains(out, "\nlots ") || !strings.Contains(out, "pass_plates ") {
			t.Errorf("no per-table report:\n%s", out)
		}
	})
	t.Run("ErrTargetNotEmpty", func(t *testing.T) {
		env := map[string]string{"PARKD_DATA": data, "PARKD_MIGRATE_TO": url, "PARKD_PG_SCHEMA": schema}
		code, out, errOut := runParkd(env, "migrate")
		if code != 1 || !strings.Contains(errOut, "already holds parkd data") || strings.Contains(out, "copied") {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
		}
	})
}

func TestMigrateToFlags(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		args []string
		code int
		want string
	}{
		"ErrServe":       {[]string{"serve", "--to", "postgres://x/y"}, 2, "flag provided but not defined: -to"},
		"ErrNotPostgres": {[]string{"migrate", "--to", "mysql://x/y"}, 2, "to: must be a postgres://"},
		"ErrFromPostgres": {[]string{"migrate", "--db", "postgres://a/b", "--to", "postgres://x/y"}, 2,
			"to: the database to copy from (--db) must be a SQLite file"},
		"ErrNoSQLite": {[]string{"migrate", "--data", "/nonexistent/parkd", "--to", "postgres://x/y"}, 1,
			"no SQLite database at /nonexistent/parkd/parkd.db"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			code, _, errOut := runParkd(nil, c.args...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d and %q", code, errOut, c.code, c.want)
			}
		})
	}
}
