package postgres

import (
	"os"
	"strings"
	"testing"
)

// The memo is dropped by a statement that writes a table its answers come
// from, and kept by one that only reads them: a report fanned out to the
// subscriptions must not make the exit's order report read the lot again.
func TestForgets(t *testing.T) {
	src, err := os.ReadFile("queries/reports.sql")
	if err != nil {
		t.Fatal(err)
	}
	_, enqueue, _ := strings.Cut(string(src), "-- name: EnqueueReport :one")
	enqueue, _, _ = strings.Cut(enqueue, "-- name:")
	if !strings.Contains(enqueue, "FROM subscriptions") {
		t.Fatalf("EnqueueReport not found in queries/reports.sql:\n%s", enqueue)
	}
	for _, c := range []struct {
		sql  string
		want bool
	}{
		{enqueue, false},
		{"SELECT * FROM lots WHERE code = $1", false},
		{"INSERT INTO deliveries (id) SELECT s.id FROM subscriptions s", false},
		{"UPDATE subscriptions SET enabled = false WHERE id = $1", true},
		{"update  lot_counts set occupied = occupied + $2", true},
		{"INSERT INTO partner_lots (partner_id, lot_code) VALUES ($1, $2)", true},
		{"DELETE FROM partners WHERE id = $1", true},
		{"insert into lots (code) values ($1)", true},
		{"WITH s AS (UPDATE subscriptions SET paused_until = NULL RETURNING 1) SELECT count(*) FROM s", true},
		{"TRUNCATE TABLE partner_lots", true},
		{"UPDATE lots_archive SET x = 1", false},
	} {
		if got := forgets(c.sql); got != c.want {
			t.Errorf("forgets(%.60q) = %v, want %v", c.sql, got, c.want)
		}
	}
}
