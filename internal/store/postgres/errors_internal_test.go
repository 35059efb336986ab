package postgres

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"parkd/internal/park"
)

// TestUnreachableIsUnavailable: a database that cannot be reached is
// EUnavailable; the driver's words (host, port, user) stay in Error, for
// the log, and out of Public, which replies show.
func TestUnreachableIsUnavailable(t *testing.T) {
	_, err := pgx.Connect(context.Background(), "postgres://parkd@127.0.0.1:1/parkd?connect_timeout=2")
	if err == nil {
		t.Skip("something listens on port 1")
	}
	pe, ok := mapErr(err).(*park.Error)
	if !ok || pe.Code != park.EUnavailable {
		t.Fatalf("mapErr(%v) = %v, want EUnavailable", err, mapErr(err))
	}
	if pe.Public() != "database unavailable" {
		t.Errorf("Public() = %q, want only \"database unavailable\"", pe.Public())
	}
	if !strings.Contains(pe.Error(), "127.0.0.1:1") {
		t.Errorf("Error() = %q lost the cause", pe.Error())
	}
}

// TestReadOnlyIsUnavailable: a write refused because the database is
// read-only (a primary demoted to standby during a failover, or a
// database set read-only for maintenance) is EUnavailable, answered 503
// so clients retry and the node's callers see the database as away, not
// an internal error (500).
func TestReadOnlyIsUnavailable(t *testing.T) {
	url := os.Getenv("PARKD_TEST_POSTGRES")
	if url == "" {
		t.Skip("PARKD_TEST_POSTGRES not set")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, "CREATE TABLE parkd_never_created (a int)")
	if err == nil {
		t.Fatal("a read-only transaction created a table")
	}
	pe, ok := mapErr(err).(*park.Error)
	if !ok || pe.Code != park.EUnavailable {
		t.Fatalf("mapErr(%v) = %v, want EUnavailable", err, mapErr(err))
	}
	if !strings.Contains(pe.Public(), "read-only") {
		t.Errorf("Public() = %q, want it to say the database is read-only", pe.Public())
	}
}
