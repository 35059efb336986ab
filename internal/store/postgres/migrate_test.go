package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"parkd/internal/park"
	"parkd/internal/store/storetest"
)

// Migration 8 moves the list an entry belongs to out of its reason: an
// entry stored as "special:police" or "hotel:808" by an older parkd reads
// back as that category with the type or room as its reason. (The pgtest
// helper cannot be used here: it imports this package.)
func TestListCategoryMigration(t *testing.T) {
	ctx := context.Background()
	url, _, schema, _ := migratedTo(t, 7,
		`INSERT INTO lots (code, name, timezone, currency, capacity, exit_grace_minutes, quote_ttl_seconds, missed_entry, created_at, updated_at)
		 VALUES ('L1', 'Lot', 'Asia/Shanghai', 'CNY', 10, 15, 300, 'hold', now(), now())`,
		`INSERT INTO whitelist (id, lot_code, plate, plate_key, kind, valid_from, valid_to, reason, created_at, updated_at) VALUES
		 ('w1', 'L1', '京A11111', '京A11111', 'allow', now(), now() + interval '1 day', 'special:police', now(), now()),
		 ('w2', 'L1', '京A22222', '京A22222', 'allow', now(), now() + interval '1 day', 'hotel:808', now(), now()),
		 ('w3', 'L1', '京A33333', '京A33333', 'allow', now(), now() + interval '1 day', 'staff', now(), now())`)

	st, err := Open(ctx, url, Options{Schema: schema, MaxConns: 2})
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

// Migration 94 moves a charging session's readings out of its row's data
// into rows of their own: a session stored by an older parkd reads back
// with the same readings, in time order, to the microsecond.
func TestChargeReadingsMigration(t *testing.T) {
	ctx := context.Background()
	url, conn, schema, p := migratedTo(t, 93,
		`INSERT INTO lots (code, name, timezone, currency, capacity, exit_grace_minutes, quote_ttl_seconds, missed_entry, created_at, updated_at)
		 VALUES ('L1', 'Lot', 'Asia/Shanghai', 'CNY', 10, 15, 300, 'hold', now(), now())`,
		`INSERT INTO chargers (id, lot_code, password_hash, data) VALUES ('CP', 'L1', '', '{}')`,
		`INSERT INTO charge_sessions (id, charger_id, connector, transaction_id, status, updated_at, data) VALUES
		 ('S1', 'CP', 1, 7, 'charging', now(), '`+storetest.OldSessionData+`'),
		 ('S2', 'CP', 2, 0, 'pending', now(), '{"id":"S2","charger_id":"CP","connector":2,"status":"pending"}'),
		 ('S3', 'CP', 1, 9, 'ended', now(), '`+storetest.OldLongSessionData+`')`)
	st, err := Open(ctx, url, Options{Schema: schema, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CheckMigratedReadings(t, st)
	var data string
	if err := conn.QueryRowContext(ctx, `SELECT data FROM charge_sessions WHERE id = 'S1'`).Scan(&data); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(data, "readings") {
		t.Errorf("S1's data still holds its readings: %s", data)
	}
	// Down and up again: the readings go back into the data and out.
	if _, err := p.DownTo(ctx, 93); err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 94); err != nil {
		t.Fatal(err)
	}
	storetest.CheckMigratedReadings(t, st)
}

// migratedTo is the test database's URL and a connection to a new schema
// of its own, dropped when the test ends, migrated up to version, with
// stmts run on it then, as an older parkd left it; and its migrations'
// provider. It skips the test without PARKD_TEST_POSTGRES.
func migratedTo(t *testing.T, version int64, stmts ...string) (string, *sql.DB, string, *goose.Provider) {
	t.Helper()
	url := os.Getenv("PARKD_TEST_POSTGRES")
	if url == "" {
		t.Skip("PARKD_TEST_POSTGRES not set: PostgreSQL store tests skipped")
	}
	b := make([]byte, 8)
	rand.Read(b)
	schema := "parkd_test_" + hex.EncodeToString(b)
	cfg, err := config(url, schema)
	if err != nil {
		t.Fatal(err)
	}
	conn := stdlib.OpenDB(*cfg.ConnConfig)
	t.Cleanup(func() {
		conn.ExecContext(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		conn.Close()
	})
	ctx := context.Background()
	if err := createSchema(ctx, conn, schema); err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, conn, mustSub(migrations, "migrations"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		t.Fatal(err)
	}
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return url, conn, schema, p
}

// TestChargerSeenOnlineMigration: chargers online before seen_online
// existed are found when silent.
func TestChargerSeenOnlineMigration(t *testing.T) {
	url, conn, schema, _ := migratedTo(t, 94,
		`INSERT INTO lots (code, name, timezone, currency, capacity, exit_grace_minutes, quote_ttl_seconds, missed_entry, created_at, updated_at)
		 VALUES ('L1', 'Lot', 'Asia/Shanghai', 'CNY', 10, 15, 300, 'hold', now(), now())`,
		storetest.OldChargers)
	conn.Close()
	st, err := Open(context.Background(), url, Options{Schema: schema, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CheckMigratedSilent(t, st)
}

// TestNewerDatabaseRefused: a database a newer parkd migrated (a
// migration this one does not know) is refused, not served without what
// the newer one added.
func TestNewerDatabaseRefused(t *testing.T) {
	url, _, schema, _ := migratedTo(t, 99999, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (100000, true)`)
	st, err := Open(context.Background(), url, Options{Schema: schema, MaxConns: 2})
	if err == nil {
		st.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "migration 100000, newer than") {
		t.Fatalf("open: %v, want a refusal naming migration 100000", err)
	}
}

// TestMergedMigrationsApplied: main held migrations up to 51 without 21
// and 41 (numbered on branches merged later); a database it left is
// brought up to date with them, not refused as out of order.
func TestMergedMigrationsApplied(t *testing.T) {
	ctx := context.Background()
	url, conn, schema, p := migratedTo(t, 13)
	for _, v := range []int64{20, 30, 31, 40, 50, 51} {
		if _, err := p.ApplyVersion(ctx, v, true); err != nil {
			t.Fatal(err)
		}
	}
	st, err := Open(ctx, url, Options{Schema: schema, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM goose_db_version WHERE version_id IN (21, 41)").Scan(&n); err != nil || n != 2 {
		t.Fatalf("migrations 21 and 41 applied: %d, %v", n, err)
	}
}

// TestMigrated: a store tells what opening it did to the schema, for
// parkd migrate to say.
func TestMigrated(t *testing.T) {
	ctx := context.Background()
	all := storetest.MigrationVersions(t, "migrations")
	from := all[len(all)-3]
	url, _, schema, _ := migratedTo(t, from)
	st, err := Open(ctx, url, Options{Schema: schema, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := st.Migrated()
	st.Close()
	want := park.SchemaChange{From: from, To: all[len(all)-1], Applied: all[len(all)-2:]}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("from an older database: %+v, want %+v", got, want)
	}
	if st, err = Open(ctx, url, Options{Schema: schema, MaxConns: 2}); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got, want := st.Migrated(), (park.SchemaChange{From: want.To, To: want.To}); !reflect.DeepEqual(got, want) {
		t.Errorf("up to date: %+v, want %+v", got, want)
	}
}

// Migration 114 gives Hikvision serials stored before they had one form
// that form: a camera registered by the upper-case MAC on its label is
// found by the form its pushes are looked up by, with its queued
// commands; a form already taken is left to its row.
func TestMACSerialsMigration(t *testing.T) {
	ctx := context.Background()
	stmts := []string{`INSERT INTO lots (code, name, timezone, currency, capacity, exit_grace_minutes, quote_ttl_seconds, missed_entry, created_at, updated_at)
		 VALUES ('L1', 'Lot', 'Asia/Shanghai', 'CNY', 10, 15, 300, 'hold', now(), now())`,
		`INSERT INTO device_commands (id, serial, command, payload, status, expires_at, created_at, updated_at)
		 VALUES ('c1', 'AA:BB:CC:DD:EE:01', 'open', '{}', 'queued', now(), now(), now())`}
	for i, d := range storetest.OldMACDevices {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO devices (serial, lot_code, lane, kind, protocol, direction, since, created_at)
			VALUES ('%s', 'L1', '%s', 'camera', '%s', 'in', now(), to_timestamp(%d))`, d[0], d[1], d[2], i))
	}
	url, conn, schema, _ := migratedTo(t, 110, stmts...)
	st, err := Open(ctx, url, Options{Schema: schema, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CheckMigratedSerials(t, st)
	var serial string
	if err := conn.QueryRowContext(ctx, `SELECT serial FROM device_commands WHERE id = 'c1'`).Scan(&serial); err != nil || serial != "aa:bb:cc:dd:ee:01" {
		t.Errorf("queued command's serial %q (%v), want its camera's, aa:bb:cc:dd:ee:01", serial, err)
	}
}

// Migration 115 dates the plate a space held (plate_at) by its last
// report, the best an older database tells.
func TestSpacePlateAtMigration(t *testing.T) {
	ctx := context.Background()
	at := storetest.PlateAtReported.Format(time.RFC3339)
	url, _, schema, _ := migratedTo(t, 114,
		`INSERT INTO lots (code, name, timezone, currency, capacity, exit_grace_minutes, quote_ttl_seconds, missed_entry, created_at, updated_at)
		 VALUES ('L1', 'Lot', 'Asia/Shanghai', 'CNY', 10, 15, 300, 'hold', now(), now())`,
		fmt.Sprintf(`INSERT INTO spaces (lot_code, code, floor, occupied, plate, plate_key, since, reported_at, source)
		 VALUES ('L1', 'A1', 'B1', TRUE, '粤B12345', '粤B12345', '%s', '%s', 'sensor'),
		        ('L1', 'A2', 'B1', TRUE, '', '', '%s', '%s', 'sensor'),
		        ('L1', 'A3', 'B1', FALSE, '', '', NULL, NULL, '')`, at, at, at, at))
	st, err := Open(ctx, url, Options{Schema: schema, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CheckMigratedPlateAt(t, st)
}

// Migration 128 adds the partial indexes of the unused coupons and of a
// stay's used ones; down drops them and leaves coupons_plate as 125 made
// it, and up again brings them back.
func TestCouponsUnusedMigration(t *testing.T) {
	ctx := context.Background()
	_, conn, schema, p := migratedTo(t, 128)
	indexes := func() string {
		t.Helper()
		rows, err := conn.QueryContext(ctx, `SELECT indexname || ': ' || indexdef FROM pg_indexes
			WHERE schemaname = $1 AND tablename = 'coupons' ORDER BY indexname`, schema)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return strings.Join(out, "\n")
	}
	up := indexes()
	for _, w := range []*regexp.Regexp{
		regexp.MustCompile(`coupons_unused: CREATE INDEX coupons_unused ON \S+ USING btree \(lot_code, plate_key, created_at, id\) WHERE \(state = 'issued'::text\)`),
		regexp.MustCompile(`coupons_stay: CREATE INDEX coupons_stay ON \S+ USING btree \(lot_code, stay_id, created_at, id\) WHERE \(stay_id <> ''::text\)`),
		regexp.MustCompile(`coupons_plate: CREATE INDEX coupons_plate ON \S+ USING btree \(lot_code, plate_key, created_at, id\)(\n|$)`),
	} {
		if !w.MatchString(up) {
			t.Errorf("after 128:\n%s\nwant %s", up, w)
		}
	}
	if _, err := p.DownTo(ctx, 127); err != nil {
		t.Fatal(err)
	}
	down := indexes()
	if strings.Contains(down, "coupons_unused") || strings.Contains(down, "coupons_stay") ||
		!regexp.MustCompile(`coupons_plate: CREATE INDEX coupons_plate ON \S+ USING btree \(lot_code, plate_key, created_at, id\)(\n|$)`).MatchString(down) {
		t.Errorf("after 128 down:\n%s\nwant coupons_plate and neither partial index", down)
	}
	if _, err := p.UpTo(ctx, 128); err != nil {
		t.Fatal(err)
	}
	if again := indexes(); again != up {
		t.Errorf("up again:\n%s\nwant\n%s", again, up)
	}
}
