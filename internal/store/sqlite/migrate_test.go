package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"parkd/internal/park"
	"parkd/internal/store/storetest"
)

// Migration 8 moves the list an entry belongs to out of its reason: an
// entry stored as "special:police" or "hotel:808" by an older parkd reads
// back as that category with the type or room as its reason.
func TestListCategoryMigration(t *testing.T) {
	ctx := context.Background()
	path := migratedTo(t, 7,
		`INSERT INTO lots (code, name, timezone, currency, capacity, exit_grace_minutes, quote_ttl_seconds, missed_entry, created_at, updated_at)
		 VALUES ('L1', 'Lot', 'Asia/Shanghai', 'CNY', 10, 15, 300, 'hold', 0, 0)`,
		`INSERT INTO whitelist (id, lot_code, plate, plate_key, kind, valid_from, valid_to, reason, created_at, updated_at) VALUES
		 ('w1', 'L1', '京A11111', '京A11111', 'allow', 0, 1, 'special:police', 0, 0),
		 ('w2', 'L1', '京A22222', '京A22222', 'allow', 0, 1, 'hotel:808', 0, 0),
		 ('w3', 'L1', '京A33333', '京A33333', 'allow', 0, 1, 'staff', 0, 0)`)
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

// Migration 94 moves a charging session's readings out of its row's data
// into rows of their own: a session stored by an older parkd reads back
// with the same readings, in time order, to the microsecond.
func TestChargeReadingsMigration(t *testing.T) {
	ctx := context.Background()
	path := migratedTo(t, 92,
		`INSERT INTO lots (code, name, timezone, currency, capacity, exit_grace_minutes, quote_ttl_seconds, missed_entry, created_at, updated_at)
		 VALUES ('L1', 'Lot', 'Asia/Shanghai', 'CNY', 10, 15, 300, 'hold', 0, 0)`,
		`INSERT INTO chargers (id, lot_code, password_hash, data) VALUES ('CP', 'L1', '', '{}')`,
		`INSERT INTO charge_sessions (id, charger_id, connector, transaction_id, status, updated_at, data) VALUES
		 ('S1', 'CP', 1, 7, 'charging', 0, '`+storetest.OldSessionData+`'),
		 ('S2', 'CP', 2, 0, 'pending', 0, '{"id":"S2","charger_id":"CP","connector":2,"status":"pending"}'),
		 ('S3', 'CP', 1, 9, 'ended', 0, '`+storetest.OldLongSessionData+`')`)
	st, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	storetest.CheckMigratedReadings(t, st)
	var data string
	if err := st.r.QueryRowContext(ctx, `SELECT data FROM charge_sessions WHERE id = 'S1'`).Scan(&data); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(data, "readings") {
		t.Errorf("S1's data still holds its readings: %s", data)
	}
	var chunks, most int
	if err := st.r.QueryRowContext(ctx, `SELECT count(*), max(n) FROM charge_readings WHERE session_id = 'S3'`).Scan(&chunks, &most); err != nil {
		t.Fatal(err)
	}
	if chunks != 3 || most != 60 {
		t.Errorf("S3's 130 readings in %d chunks of at most %d, want 3 of at most 60", chunks, most)
	}
	st.Close()

	// Down and up again: the readings go back into the data and out.
	conn, p := openMigrations(t, path)
	if _, err := p.DownTo(ctx, 92); err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 94); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if st, err = Open(ctx, path, Options{}); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CheckMigratedReadings(t, st)
}

// migrations_ opens the database at path with its migrations' provider.
func openMigrations(t *testing.T, path string) (*sql.DB, *goose.Provider) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, conn, mustSub(migrations, "migrations"))
	if err != nil {
		t.Fatal(err)
	}
	return conn, p
}

// migratedTo is the path of a new database migrated up to version, with
// stmts run on it then, as an older parkd left it.
func migratedTo(t *testing.T, version int64, stmts ...string) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "parkd.db")
	conn, p := openMigrations(t, path)
	defer conn.Close()
	if _, err := p.UpTo(ctx, version); err != nil {
		t.Fatal(err)
	}
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// TestChargerSeenOnlineMigration: chargers online before seen_online
// existed are found when silent.
func TestChargerSeenOnlineMigration(t *testing.T) {
	path := migratedTo(t, 94,
		`INSERT INTO lots (code, name, timezone, currency, capacity, exit_grace_minutes, quote_ttl_seconds, missed_entry, created_at, updated_at)
		 VALUES ('L1', 'Lot', 'Asia/Shanghai', 'CNY', 10, 15, 300, 'hold', 0, 0)`,
		storetest.OldChargers)
	st, err := Open(context.Background(), path, Options{})
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
	path := migratedTo(t, 99999, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (100000, 1)`)
	_, err := Open(context.Background(), path, Options{})
	if err == nil || !strings.Contains(err.Error(), "migration 100000, newer than") {
		t.Fatalf("open: %v, want a refusal naming migration 100000", err)
	}
}

// TestMergedMigrationsApplied: main held migrations up to 51 without 21
// and 41 (numbered on branches merged later); a database it left is
// brought up to date with them, not refused as out of order.
func TestMergedMigrationsApplied(t *testing.T) {
	ctx := context.Background()
	path := migratedTo(t, 13)
	conn, p := openMigrations(t, path)
	for _, v := range []int64{20, 30, 31, 40, 50, 51} {
		if _, err := p.ApplyVersion(ctx, v, true); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close()
	st, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	conn, p = openMigrations(t, path)
	defer conn.Close()
	if pending, err := p.HasPending(ctx); err != nil || pending {
		t.Fatalf("pending migrations after open: %v, %v", pending, err)
	}
}

// Migration 109 builds subscriptions again without their foreign key to
// partners: a database from before keeps every subscription and delivery
// (dropping the old table must not cascade), foreign keys are enforced
// again after it, and deleting a partner then leaves its deliveries to
// the prune.
func TestSubscriptionsOutlivePartnerMigration(t *testing.T) {
	ctx := context.Background()
	path := migratedTo(t, 108,
		`INSERT INTO lots (code, name, timezone, currency, capacity, exit_grace_minutes, quote_ttl_seconds, missed_entry, created_at, updated_at)
		 VALUES ('L1', 'Lot', 'Asia/Shanghai', 'CNY', 10, 15, 300, 'hold', 0, 0)`,
		`INSERT INTO partners (id, name, dialect, type, secret, sign_mode, created_at, updated_at) VALUES ('P1', 'P', 'native', 'normal', '', '', 0, 0)`,
		`INSERT INTO partner_lots (partner_id, lot_code) VALUES ('P1', 'L1')`,
		`INSERT INTO subscriptions (id, partner_id, report, url, format, enabled, created_at, updated_at)
		 VALUES ('s1', 'P1', 'entry', 'https://p.example/hook', 'native', 1, 0, 0)`,
		`INSERT INTO reports (id, kind, lot_code, key, at, data) VALUES ('r1', 'entry', 'L1', 'k1', 0, '{}'), ('r2', 'entry', 'L1', 'k2', 0, '{}')`,
		`INSERT INTO deliveries (id, subscription_id, report_id, partner_id, report, lot_code, key, state, next_at, created_at)
		 VALUES ('r1:s1', 's1', 'r1', 'P1', 'entry', 'L1', 'k1', 'pending', 0, 0), ('r2:s1', 's1', 'r2', 'P1', 'entry', 'L1', 'k2', 'pending', 0, 0)`)
	st, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var ds []*park.Delivery
	if err := st.View(ctx, func(tx park.Tx) (err error) {
		ds, err = tx.ListDeliveries(ctx, park.DeliveryFilter{SubscriptionID: "s1", Limit: 10})
		return
	}); err != nil || len(ds) != 2 {
		t.Fatalf("%d deliveries of s1 after the migration (%v), want 2", len(ds), err)
	}
	var on int
	if err := st.w.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on); err != nil || on != 1 {
		t.Fatalf("foreign_keys %d (%v) after the migration, want 1", on, err)
	}
	// The key from deliveries to subscriptions holds for the new table.
	if _, err := st.w.ExecContext(ctx, `INSERT INTO deliveries (id, subscription_id, report_id, partner_id, report, lot_code, key,
		state, next_at, created_at) VALUES ('r1:nope', 'nope', 'r1', 'P1', 'entry', 'L1', 'k1', 'pending', 0, 0)`); err == nil {
		t.Fatal("a delivery of no subscription was stored")
	}
	if err := st.Update(ctx, func(tx park.Tx) error { return tx.DeletePartner(ctx, "P1") }); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := st.Update(ctx, func(tx park.Tx) (err error) { n, err = tx.PruneDeletedSubscriptions(ctx, 10); return }); err != nil || n != 2 {
		t.Fatalf("the prune deleted %d deliveries (%v), want the deleted partner's 2", n, err)
	}
}

// TestMigrated: a store tells what opening it did to the schema, for
// parkd migrate to say.
func TestMigrated(t *testing.T) {
	ctx := context.Background()
	all := storetest.MigrationVersions(t, "migrations")
	from := all[len(all)-3]
	path := migratedTo(t, from)
	st, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := st.Migrated()
	st.Close()
	want := park.SchemaChange{From: from, To: all[len(all)-1], Applied: all[len(all)-2:]}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("from an older database: %+v, want %+v", got, want)
	}
	if st, err = Open(ctx, path, Options{}); err != nil {
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
		 VALUES ('L1', 'Lot', 'Asia/Shanghai', 'CNY', 10, 15, 300, 'hold', 0, 0)`,
		`INSERT INTO device_commands (id, serial, command, payload, status, expires_at, created_at, updated_at)
		 VALUES ('c1', 'AA:BB:CC:DD:EE:01', 'open', '{}', 'queued', 0, 0, 0)`}
	for i, d := range storetest.OldMACDevices {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO devices (serial, lot_code, lane, kind, protocol, direction, since, created_at)
			VALUES ('%s', 'L1', '%s', 'camera', '%s', 'in', 0, %d)`, d[0], d[1], d[2], i))
	}
	path := migratedTo(t, 110, stmts...)
	st, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CheckMigratedSerials(t, st)
	var serial string
	if err := st.r.QueryRowContext(ctx, `SELECT serial FROM device_commands WHERE id = 'c1'`).Scan(&serial); err != nil || serial != "aa:bb:cc:dd:ee:01" {
		t.Errorf("queued command's serial %q (%v), want its camera's, aa:bb:cc:dd:ee:01", serial, err)
	}
}

// Migration 115 dates the plate a space held (plate_at) by its last
// report, the best an older database tells.
func TestSpacePlateAtMigration(t *testing.T) {
	ctx := context.Background()
	at := storetest.PlateAtReported.UnixMicro()
	path := migratedTo(t, 114,
		`INSERT INTO lots (code, name, timezone, currency, capacity, exit_grace_minutes, quote_ttl_seconds, missed_entry, created_at, updated_at)
		 VALUES ('L1', 'Lot', 'Asia/Shanghai', 'CNY', 10, 15, 300, 'hold', 0, 0)`,
		fmt.Sprintf(`INSERT INTO spaces (lot_code, code, floor, occupied, plate, plate_key, since, reported_at, source)
		 VALUES ('L1', 'A1', 'B1', 1, '粤B12345', '粤B12345', %d, %d, 'sensor'),
		        ('L1', 'A2', 'B1', 1, '', '', %d, %d, 'sensor'),
		        ('L1', 'A3', 'B1', 0, '', '', NULL, NULL, '')`, at, at, at, at))
	st, err := Open(ctx, path, Options{})
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
	path := migratedTo(t, 128)
	conn, p := openMigrations(t, path)
	defer conn.Close()
	indexes := func() string {
		t.Helper()
		rows, err := conn.QueryContext(ctx, `SELECT name || ': ' || sql FROM sqlite_master
			WHERE type = 'index' AND tbl_name = 'coupons' AND sql IS NOT NULL ORDER BY name`)
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
	for _, w := range []string{"coupons_unused: CREATE INDEX coupons_unused ON coupons (lot_code, plate_key, created_at, id) WHERE state = 'issued'",
		"coupons_stay: CREATE INDEX coupons_stay ON coupons (lot_code, stay_id, created_at, id) WHERE stay_id <> ''",
		"coupons_plate: CREATE INDEX coupons_plate ON coupons (lot_code, plate_key, created_at, id)"} {
		if !strings.Contains(up, w) {
			t.Errorf("after 128:\n%s\nwant %q", up, w)
		}
	}
	if _, err := p.DownTo(ctx, 127); err != nil {
		t.Fatal(err)
	}
	down := indexes()
	if strings.Contains(down, "coupons_unused") || strings.Contains(down, "coupons_stay") ||
		!strings.Contains(down, "coupons_plate: CREATE INDEX coupons_plate ON coupons (lot_code, plate_key, created_at, id)") {
		t.Errorf("after 128 down:\n%s\nwant coupons_plate and neither partial index", down)
	}
	if _, err := p.UpTo(ctx, 128); err != nil {
		t.Fatal(err)
	}
	if again := indexes(); again != up {
		t.Errorf("up again:\n%s\nwant\n%s", again, up)
	}
}
