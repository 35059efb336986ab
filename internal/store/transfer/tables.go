package transfer

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// kind is how a column is stored by each engine, and so how a value is
// converted on the way over and normalised for the checksum.
type kind uint8

const (
	text      kind = iota + 1 // TEXT / TEXT
	integer                   // INTEGER / BIGINT
	integer32                 // INTEGER / INTEGER (small counts: a connector, a family)
	boolean                   // INTEGER 0 or 1 / BOOLEAN
	timestamp                 // INTEGER µs since the epoch / TIMESTAMPTZ
	jsonb                     // TEXT holding JSON / JSONB
)

// sqliteType and postgresType are the declared types each kind must have,
// checked before anything is copied.
func (k kind) sqliteType() string {
	if k == text || k == jsonb {
		return "TEXT"
	}
	return "INTEGER"
}

func (k kind) postgresType() string {
	switch k {
	case text:
		return "text"
	case integer:
		return "bigint"
	case integer32:
		return "integer"
	case boolean:
		return "boolean"
	case timestamp:
		return "timestamp with time zone"
	default:
		return "jsonb"
	}
}

type column struct {
	name string
	kind kind
}

type table struct {
	name    string
	columns []column
	key     []string // primary key columns: rows are hashed in this order
	// identity is the column PostgreSQL numbers itself (GENERATED ALWAYS
	// AS IDENTITY), if any. COPY writes the SQLite values as they are, so
	// its sequence is moved past them after the copy.
	identity string
}

// tables are parkd's tables in foreign-key order (a table comes after every
// table it references), so each COPY finds its parents already there. The
// schema checks below make sure the list stays complete as migrations are
// added: a table or column missing here stops the copy.
var tables = []table{
	{name: "lots", key: []string{"code"}, columns: []column{
		{"code", text}, {"name", text}, {"timezone", text}, {"currency", text},
		{"capacity", integer}, {"exit_grace_minutes", integer}, {"quote_ttl_seconds", integer},
		{"sandbox", boolean}, {"missed_entry", text}, {"tariff", text}, {"tariff_version", integer},
		{"created_at", timestamp}, {"updated_at", timestamp}, {"version", integer},
	}},
	{name: "lot_counts", key: []string{"lot_code", "shard"}, columns: []column{
		{"lot_code", text}, {"shard", text}, {"occupied", integer},
	}},
	{name: "lanes", key: []string{"lot_code", "id"}, columns: []column{
		{"lot_code", text}, {"id", text}, {"direction", text}, {"created_at", timestamp},
	}},
	// 00006_reservations.sql
	{name: "gate_commands", key: []string{"id"}, columns: []column{
		{"id", text}, {"lot_code", text}, {"lane", text}, {"command", text}, {"by", text}, {"reason", text},
		{"at", timestamp}, {"result", text}, {"detail", text},
	}},
	{name: "lane_holds", key: []string{"lot_code", "lane"}, columns: []column{
		{"lot_code", text}, {"lane", text}, {"by", text}, {"since", timestamp},
	}},
	{name: "reservations", key: []string{"id"}, columns: []column{
		{"id", text}, {"partner_id", text}, {"lot_code", text}, {"order_no", text}, {"kind", text},
		{"plate", text}, {"plate_key", text}, {"mobile", text}, {"user_name", text}, {"valid_from", timestamp},
		{"valid_to", timestamp}, {"prepaid", integer}, {"may_enter", boolean}, {"may_exit", boolean},
		{"state", text}, {"stay_id", text}, {"terminated_at", timestamp}, {"created_at", timestamp},
		{"updated_at", timestamp}, {"version", integer},
	}},
	{name: "stays", key: []string{"id"}, columns: []column{
		{"id", text}, {"lot_code", text}, {"plate", text}, {"plate_key", text}, {"vehicle_class", text},
		{"locator", text}, {"entry_at", timestamp}, {"entry_lane", text}, {"exit_at", timestamp},
		{"exit_lane", text}, {"state", text}, {"pass_id", text}, {"total", integer}, {"paid", integer},
		{"discount", integer}, {"paid_until", timestamp}, {"anomaly", text}, {"source", text},
		{"updated_at", timestamp}, {"version", integer}, {"reservation_id", text}, {"kept_free", text},
		{"pass_from", timestamp}, {"ticket", integer},
	}},
	// 00104_stay_tickets.sql
	{name: "ticket_keys", key: []string{"id"}, columns: []column{
		{"id", integer}, {"key", text},
	}},
	{name: "events", key: []string{"lot_code", "id"}, columns: []column{
		{"lot_code", text}, {"id", text}, {"type", text}, {"plate", text}, {"lane", text},
		{"at", timestamp}, {"image_url", text}, {"plate_color", text}, {"vehicle_class", text},
		{"decision", jsonb}, {"received_at", timestamp},
	}},
	{name: "anomalies", key: []string{"id"}, columns: []column{
		{"id", text}, {"lot_code", text}, {"kind", text}, {"plate", text}, {"stay_id", text},
		{"event_id", text}, {"at", timestamp}, {"detail", text}, {"image_url", text},
	}},
	{name: "quotes", key: []string{"id"}, columns: []column{
		{"id", text}, {"stay_id", text}, {"lot_code", text}, {"amount_due", integer}, {"total", integer},
		{"discount", integer}, {"paid_before", integer}, {"currency", text}, {"computed_at", timestamp},
		{"expires_at", timestamp}, {"lines", jsonb}, {"source", text},
	}},
	{name: "payments", key: []string{"id"}, columns: []column{
		{"id", text}, {"quote_id", text}, {"stay_id", text}, {"lot_code", text}, {"amount", integer},
		{"currency", text}, {"method", text}, {"payer", text}, {"reference", text}, {"idem_key", text},
		{"paid_at", timestamp}, {"paid_until", timestamp},
	}},
	{name: "passes", key: []string{"id"}, columns: []column{
		{"id", text}, {"lot_code", text}, {"holder_name", text}, {"mobile", text}, {"user_code", text},
		{"spaces", integer}, {"valid_from", timestamp}, {"valid_to", timestamp}, {"plan", text},
		{"created_at", timestamp}, {"updated_at", timestamp}, {"version", integer}, {"slots", text}, {"created_as", text},
		{"created_key", text},
	}},
	{name: "pass_plates", key: []string{"lot_code", "plate_key"}, columns: []column{
		{"lot_code", text}, {"plate_key", text}, {"pass_id", text}, {"plate", text}, {"position", integer},
	}},
	{name: "whitelist", key: []string{"id"}, columns: []column{
		{"id", text}, {"lot_code", text}, {"plate", text}, {"plate_key", text}, {"kind", text},
		{"valid_from", timestamp}, {"valid_to", timestamp}, {"reason", text}, {"created_at", timestamp},
		{"updated_at", timestamp}, {"version", integer}, {"category", text},
	}},
	{name: "partners", key: []string{"id"}, columns: []column{
		{"id", text}, {"name", text}, {"dialect", text}, {"type", text}, {"secret", text}, {"sign_mode", text},
		{"created_at", timestamp}, {"updated_at", timestamp}, {"version", integer},
	}},
	{name: "partner_lots", key: []string{"partner_id", "lot_code"}, columns: []column{
		{"partner_id", text}, {"lot_code", text},
	}},
	{name: "integrators", key: []string{"username"}, columns: []column{
		{"username", text}, {"password_hash", text}, {"default_partner", text}, {"created_at", timestamp},
		{"updated_at", timestamp}, {"version", integer},
	}},
	{name: "integrator_partners", key: []string{"username", "partner_id"}, columns: []column{
		{"username", text}, {"partner_id", text}, {"position", integer},
	}},
	{name: "api_tokens", key: []string{"hash"}, columns: []column{
		{"hash", text}, {"username", text}, {"created_at", timestamp}, {"expires_at", timestamp},
		{"revoked_at", timestamp},
	}},
	{name: "locks", key: []string{"lot_code", "plate_key"}, columns: []column{
		{"lot_code", text}, {"plate_key", text}, {"locked_at", timestamp}, {"by", text},
	}},
	{name: "plans", key: []string{"lot_code", "code"}, columns: []column{
		{"lot_code", text}, {"code", text}, {"name", text}, {"price", integer}, {"vehicle_class", text},
		{"slots", text}, {"created_at", timestamp}, {"updated_at", timestamp}, {"version", integer},
	}},
	{name: "renewals", key: []string{"id"}, columns: []column{
		{"id", text}, {"lot_code", text}, {"pass_id", text}, {"plan_code", text}, {"months", integer},
		{"amount", integer}, {"pass_valid_to", timestamp}, {"starts_at", timestamp}, {"valid_to", timestamp}, {"created_at", timestamp},
		{"expires_at", timestamp}, {"paid_at", timestamp}, {"payer", text}, {"reference", text},
		{"method", text}, {"source", text}, {"version", integer},
	}},
	{name: "pass_terms", key: []string{"pass_id", "until"}, columns: []column{ // 00117
		{"pass_id", text}, {"until", timestamp}, {"plan", text}, {"slots", text},
	}},
	{name: "coupons", key: []string{"lot_code", "id"}, columns: []column{
		{"lot_code", text}, {"id", text}, {"plate", text}, {"plate_key", text}, {"kind", text},
		{"value", integer}, {"issuer", text}, {"merchant", text}, {"valid_from", timestamp},
		{"valid_to", timestamp}, {"state", text}, {"stay_id", text}, {"payment_id", text},
		{"used_at", timestamp}, {"created_at", timestamp}, {"updated_at", timestamp}, {"version", integer},
	}},
	{name: "spaces", key: []string{"lot_code", "code"}, columns: []column{
		{"lot_code", text}, {"code", text}, {"floor", text}, {"zone", text}, {"kind", text},
		{"occupied", boolean}, {"plate", text}, {"plate_key", text}, {"since", timestamp},
		{"reported_at", timestamp}, {"source", text},
		{"plate_at", timestamp}, // 00115
	}},
	// 00012_reports.sql. Reports and deliveries are keyed here by their
	// TEXT id (unique), not by seq, so both engines list them alike.
	{name: "subscriptions", key: []string{"id"}, columns: []column{
		{"id", text}, {"partner_id", text}, {"report", text}, {"url", text}, {"format", text},
		{"enabled", boolean}, {"secret", text}, {"previous", text}, {"rate_limit", integer},
		{"concurrency", integer}, {"timeout_ms", integer}, {"schedule_ms", text}, {"disabled_by", text},
		{"created_at", timestamp}, {"updated_at", timestamp}, {"version", integer},
		{"deleted", boolean},        // 00106: left for the prune, copied as it stands
		{"paused_until", timestamp}, // 00119: a partner's Retry-After holds every node, the new one too
		{"slots_until", timestamp},  // 00122: the rate's slots claims used hold on the new store too
	}},
	{name: "reports", key: []string{"id"}, identity: "seq", columns: []column{
		{"seq", integer}, {"id", text}, {"kind", text}, {"lot_code", text}, {"key", text},
		{"at", timestamp}, {"data", text},
	}},
	{name: "deliveries", key: []string{"id"}, identity: "seq", columns: []column{
		{"seq", integer}, {"id", text}, {"subscription_id", text}, {"report_id", text}, {"partner_id", text},
		{"report", text}, {"lot_code", text}, {"key", text}, {"state", text}, {"attempts", integer},
		{"next_at", timestamp}, {"lease_until", timestamp}, {"last_attempt_at", timestamp},
		{"last_status", integer}, {"last_reply", text}, {"delivered_at", timestamp}, {"created_at", timestamp},
		{"after_key", text},   // 00116: a pending push still waits for its model's after the move
		{"replayed", boolean}, // 00126: one replayed while sent is still due at once after the move
	}},
	// 00010_seen_requests.sql: kept for the signing window only.
	{name: "seen_requests", key: []string{"partner_id", "digest"}, columns: []column{
		{"partner_id", text}, {"digest", text}, {"seen_at", timestamp},
	}},
	// 00013_enrolments.sql.
	{name: "enrolments", key: []string{"partner_id", "plate_key"}, columns: []column{
		{"partner_id", text}, {"plate_key", text}, {"plate", text}, {"created_at", timestamp},
	}},
	// 00040_devices.sql.
	{name: "devices", key: []string{"serial"}, columns: []column{
		{"serial", text}, {"lot_code", text}, {"lane", text}, {"kind", text}, {"protocol", text}, {"direction", text},
		{"addr", text}, {"username", text}, {"password", text}, {"online", boolean}, {"seen_at", timestamp},
		{"since", timestamp}, {"created_at", timestamp},
		{"unanswered_since", timestamp}, // 00081_device_unanswered.sql
	}},
	// 00041_images.sql.
	{name: "images", key: []string{"id"}, columns: []column{
		{"id", text}, {"lot_code", text}, {"event_id", text}, {"content_type", text}, {"data", text}, {"created_at", timestamp},
	}},
	// 00080_lane_lists.sql: pass and list changes not yet told to cameras.
	{name: "lane_list_changes", key: []string{"seq"}, identity: "seq", columns: []column{
		{"seq", integer}, {"lot_code", text}, {"plate", text}, {"created_at", timestamp},
	}},
	// 00050_console.sql: operators, their sessions, the audit log.
	{name: "operators", key: []string{"name"}, columns: []column{
		{"name", text}, {"role", text}, {"lots", text}, {"language", text}, {"password_hash", text},
		{"disabled", boolean}, {"created_at", timestamp}, {"updated_at", timestamp}, {"version", integer},
	}},
	{name: "sessions", key: []string{"hash"}, columns: []column{
		{"hash", text}, {"operator", text}, {"csrf", text}, {"source", text}, {"created_at", timestamp},
		{"expires_at", timestamp}, {"revoked_at", timestamp},
	}},
	{name: "audit_log", key: []string{"id"}, identity: "seq", columns: []column{
		{"seq", integer}, {"id", text}, {"at", timestamp}, {"actor", text}, {"action", text}, {"lot", text},
		{"target", text}, {"reason", text}, {"before", text}, {"after", text},
	}},
	// 00020_charging.sql; seen_online from 00095_charger_seen_online.sql.
	{name: "chargers", key: []string{"id"}, columns: []column{
		{"id", text}, {"lot_code", text}, {"password_hash", text}, {"data", text}, {"version", integer},
		{"seen_online", timestamp},
	}},
	{name: "price_standards", key: []string{"id"}, columns: []column{
		{"id", integer}, {"name", text}, {"family", integer32}, {"data", text}, {"version", integer},
	}},
	{name: "price_standard_versions", key: []string{"id", "version"}, columns: []column{
		{"id", integer}, {"version", integer}, {"data", text},
	}},
	{name: "charge_sessions", key: []string{"id"}, columns: []column{
		{"id", text}, {"charger_id", text}, {"connector", integer32}, {"transaction_id", integer}, {"status", text},
		{"partner_id", text}, {"updated_at", timestamp}, {"data", text}, {"version", integer},
		{"lot_code", text}, {"plate_key", text}, // 00021_charge_session_plate.sql
		{"outcome", text}, // 00090_charge_session_outcome.sql
	}},
	// 00094_charge_readings.sql.
	{name: "charge_readings", key: []string{"session_id", "chunk"}, columns: []column{
		{"session_id", text}, {"chunk", integer}, {"n", integer}, {"readings", text},
	}},
	// 00091_id_tags.sql.
	{name: "id_tags", key: []string{"lot_code", "tag"}, columns: []column{
		{"lot_code", text}, {"tag", text}, {"plate", text}, {"plate_key", text}, {"note", text}, {"blocked", boolean},
		{"expires_at", timestamp}, {"created_at", timestamp}, {"updated_at", timestamp}, {"version", integer},
	}},
	// 00092_charger_commands.sql.
	{name: "charger_commands", key: []string{"id"}, columns: []column{
		{"id", text}, {"charger_id", text}, {"action", text}, {"payload", text}, {"status", text}, {"result", text},
		{"created_at", timestamp}, {"updated_at", timestamp},
	}},
	// 00096_device_commands.sql.
	{name: "device_commands", key: []string{"id"}, columns: []column{
		{"id", text}, {"serial", text}, {"command", text}, {"payload", text}, {"status", text},
		{"expires_at", timestamp}, {"created_at", timestamp}, {"updated_at", timestamp},
	}},
	// 00030_rental.sql, 00031_rental_orders.sql.
	{name: "rental_stores", key: []string{"code"}, columns: []column{
		{"code", text}, {"lot_code", text}, {"body", text}, {"updated_at", timestamp}, {"version", integer},
	}},
	{name: "rental_models", key: []string{"code"}, columns: []column{
		{"code", text}, {"body", text}, {"updated_at", timestamp}, {"version", integer},
	}},
	{name: "rental_store_models", key: []string{"store_code", "model_code"}, columns: []column{
		{"store_code", text}, {"model_code", text}, {"body", text}, {"updated_at", timestamp}, {"version", integer},
	}},
	{name: "rental_vehicles", key: []string{"plate_key"}, columns: []column{
		{"plate_key", text}, {"vin", text}, {"store_code", text}, {"model_code", text}, {"body", text},
		{"updated_at", timestamp}, {"version", integer},
	}},
	{name: "rental_channels", key: []string{"id"}, columns: []column{
		{"id", text}, {"body", text}, {"updated_at", timestamp}, {"version", integer},
	}},
	{name: "rental_channel_stores", key: []string{"channel_id", "store_code"}, columns: []column{
		{"channel_id", text}, {"store_code", text},
	}},
	{name: "rental_orders", key: []string{"id"}, columns: []column{
		{"id", text}, {"channel_id", text}, {"channel_order_id", text}, {"plate_key", text}, {"status", text},
		{"pickup_at", timestamp}, {"body", text}, {"updated_at", timestamp}, {"version", integer},
	}},
	// 00060_rental_store_rules.sql.
	{name: "rental_store_rules", key: []string{"store_code"}, columns: []column{
		{"store_code", text}, {"body", text}, {"updated_at", timestamp}, {"version", integer},
	}},
}

// ignored reports tables that are not parkd's data: the job queue's (its
// jobs are carried apart, jobs.go; the rest is remade by the nodes) and
// the migration tool's bookkeeping.
func ignored(name string) bool {
	return strings.HasPrefix(name, "river_") || name == "goose_db_version" || strings.HasPrefix(name, "sqlite_")
}

func (t table) columnNames() []string {
	names := make([]string, len(t.columns))
	for i, c := range t.columns {
		names[i] = c.name
	}
	return names
}

// selectSQL reads a whole table in primary-key order. Keys are compared
// bytewise on both engines (SQLite's BINARY, PostgreSQL's "C"), so both
// list rows in the same order and their checksums can be compared.
func (t table) selectSQL(collation string) string {
	cols := make([]string, len(t.columns))
	for i, c := range t.columns {
		cols[i] = quote(c.name)
	}
	keys := make([]string, len(t.key))
	for i, k := range t.key {
		keys[i] = quote(k)
		if t.kindOf(k) == text {
			keys[i] += " COLLATE " + collation
		}
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + quote(t.name) + " ORDER BY " + strings.Join(keys, ", ")
}

// kindOf is the kind of t's column name.
func (t table) kindOf(name string) kind {
	for _, c := range t.columns {
		if c.name == name {
			return c.kind
		}
	}
	return 0
}

// quote quotes an identifier the same way for both engines; names come from
// the list above, never from input.
func quote(name string) string { return `"` + name + `"` }

// checkSQLite makes sure the source holds exactly the tables and columns
// this package knows, with the expected types.
func checkSQLite(ctx context.Context, tx *sql.Tx) error {
	names, err := sqliteTables(ctx, tx)
	if err != nil {
		return err
	}
	if err := checkTableSet("SQLite", names); err != nil {
		return err
	}
	for _, t := range tables {
		rows, err := tx.QueryContext(ctx, "SELECT name, type FROM pragma_table_info(?)", t.name)
		if err != nil {
			return fmt.Errorf("transfer: read SQLite columns of %s: %w", t.name, err)
		}
		got, err := scanColumns(rows)
		if err != nil {
			return fmt.Errorf("transfer: read SQLite columns of %s: %w", t.name, err)
		}
		if err := checkColumns("SQLite", t, got, kind.sqliteType); err != nil {
			return err
		}
	}
	return nil
}

func sqliteTables(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table'")
	if err != nil {
		return nil, fmt.Errorf("transfer: list SQLite tables: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("transfer: list SQLite tables: %w", err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("transfer: list SQLite tables: %w", err)
	}
	return names, nil
}

func scanColumns(rows *sql.Rows) (map[string]string, error) {
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, err
		}
		got[name] = typ
	}
	return got, rows.Err()
}

// checkPostgres is checkSQLite for the target, in the schema the
// connection's search_path names.
func checkPostgres(ctx context.Context, tx pgx.Tx) error {
	names, err := pgCollect(ctx, tx, `SELECT c.relname FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')`)
	if err != nil {
		return fmt.Errorf("transfer: list PostgreSQL tables: %w", err)
	}
	if err := checkTableSet("PostgreSQL", names); err != nil {
		return err
	}
	for _, t := range tables {
		rows, err := tx.Query(ctx, `SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
			WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`, quote(t.name))
		if err != nil {
			return fmt.Errorf("transfer: read PostgreSQL columns of %s: %w", t.name, err)
		}
		got := map[string]string{}
		var name, typ string
		_, err = pgx.ForEachRow(rows, []any{&name, &typ}, func() error { got[name] = typ; return nil })
		if err != nil {
			return fmt.Errorf("transfer: read PostgreSQL columns of %s: %w", t.name, err)
		}
		if err := checkColumns("PostgreSQL", t, got, kind.postgresType); err != nil {
			return err
		}
	}
	return nil
}

func pgCollect(ctx context.Context, tx pgx.Tx, query string) ([]string, error) {
	rows, err := tx.Query(ctx, query)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// checkTableSet refuses a database that lacks one of parkd's tables (not
// migrated to the latest schema) or has one this package does not copy
// (a newer parkd migration it was not taught about).
func checkTableSet(engine string, names []string) error {
	for _, t := range tables {
		if !slices.Contains(names, t.name) {
			return fmt.Errorf("transfer: the %s database has no table %s: is it migrated to this parkd version?", engine, t.name)
		}
	}
	for _, n := range names {
		if !ignored(n) && !slices.ContainsFunc(tables, func(t table) bool { return t.name == n }) {
			return fmt.Errorf("transfer: the %s database has a table %s that this parkd version does not know how to copy", engine, n)
		}
	}
	return nil
}

func checkColumns(engine string, t table, got map[string]string, want func(kind) string) error {
	for _, c := range t.columns {
		typ, ok := got[c.name]
		switch {
		case !ok:
			return fmt.Errorf("transfer: %s table %s has no column %s: is it migrated to this parkd version?", engine, t.name, c.name)
		case !strings.EqualFold(typ, want(c.kind)):
			return fmt.Errorf("transfer: %s column %s.%s is %s, want %s", engine, t.name, c.name, typ, want(c.kind))
		}
	}
	if len(got) != len(t.columns) {
		for name := range got {
			if !slices.ContainsFunc(t.columns, func(c column) bool { return c.name == name }) {
				return fmt.Errorf("transfer: %s table %s has a column %s that this parkd version does not know how to copy", engine, t.name, name)
			}
		}
	}
	return nil
}

// Tables names the tables Copy moves, in the order it moves them.
func Tables() []string {
	out := make([]string, len(tables))
	for i, t := range tables {
		out[i] = t.name
	}
	return out
}
