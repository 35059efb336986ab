// Package pgtest gives tests a PostgreSQL store of their own: a fresh
// schema in the database named by PARKD_TEST_POSTGRES, dropped when the test
// ends, so tests run in parallel. Without the variable, tests are skipped.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"parkd/internal/store/postgres"
)

// Env names the variable holding the test database's connection string,
// e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const Env = "PARKD_TEST_POSTGRES"

// URL returns the test database's connection string, or skips the test.
func URL(t testing.TB) string {
	t.Helper()
	url := os.Getenv(Env)
	if url == "" {
		t.Skip(Env + " not set: PostgreSQL store tests skipped")
	}
	return url
}

// Schema returns the connection string and the name of a schema that does
// not exist yet and is dropped (with everything in it) when the test ends.
func Schema(t testing.TB) (url, schema string) {
	t.Helper()
	url = URL(t)
	b := make([]byte, 8)
	rand.Read(b)
	schema = "parkd_test_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	return url, schema
}

// Open returns a migrated store in a fresh schema, closed and dropped when
// the test ends.
func Open(t testing.TB) *postgres.Store {
	t.Helper()
	url, schema := Schema(t)
	s, err := postgres.Open(context.Background(), url, postgres.Options{Schema: schema, MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
