package postgres

import (
	"context"
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
