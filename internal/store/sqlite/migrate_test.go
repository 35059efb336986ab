package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"parkd/internal/park"
)

// Migration 8 moves the list an entry belongs to out of its reason: an
// entry stored as "special:police" or "hotel:808" by an older parkd reads
// back as that category with the type or room as its reason.
func TestListCategoryMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "parkd.db")
	conn, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, conn, mustSub(migrations, "migrations"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO lots (code, name, timezone, currency, capacity, exit_grace_minutes, quote_ttl_seconds, missed_entry, created_at, updated_at)
		 VALUES ('L1', 'Lot', 'Asia/Shanghai', 'CNY', 10, 15, 300, 'hold', 0, 0)`,
		`INSERT INTO whitelist (id, lot_code, plate, plate_key, kind, valid_from, valid_to, reason, created_at, updated_at) VALUES
		 ('w1', 'L1', '京A11111', '京A11111', 'allow', 0, 1, 'special:police', 0, 0),
		 ('w2', 'L1', '京A22222', '京A22222', 'allow', 0, 1, 'hotel:808', 0, 0),
		 ('w3', 'L1', '京A33333', '京A33333', 'allow', 0, 1, 'staff', 0, 0)`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close()

	st, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var got []*park.WhitelistEntry
	if err := st.View(ctx, func(tx park.Tx) (err error) { got, err = tx.ListWhitelist(ctx, "L1"); return }); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{"w1": {park.ListSpecial, "police"}, "w2": {park.ListHotel, "808"}, "w3": {park.ListWhite, "staff"}}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for _, w := range got {
		if c := want[w.ID]; w.Category != c[0] || w.Reason != c[1] {
			t.Errorf("%s: category %q reason %q, want %q %q", w.ID, w.Category, w.Reason, c[0], c[1])
		}
	}
}
