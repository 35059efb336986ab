// Package teststore gives the core's and the APIs' tests a real store:
// SQLite by default, PostgreSQL when PARKD_TEST_STORE=postgres (CI runs
// those packages both ways), so every rule is tested on both engines.
package teststore

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"parkd/internal/park"
	"parkd/internal/store/postgres/pgtest"
	"parkd/internal/store/sqlite"
)

// Env selects the engine: "sqlite" (default) or "postgres".
const Env = "PARKD_TEST_STORE"

// Open returns an empty, migrated store closed when the test ends.
func Open(t testing.TB) park.Store {
	t.Helper()
	switch kind := os.Getenv(Env); kind {
	case "", "sqlite":
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parkd.db"), sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	case "postgres":
		if os.Getenv(pgtest.Env) == "" {
			t.Fatalf("%s=postgres needs %s", Env, pgtest.Env)
		}
		return pgtest.Open(t)
	default:
		t.Fatalf("%s=%q: want sqlite or postgres", Env, kind)
		return nil
	}
}
