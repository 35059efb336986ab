package postgres_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"parkd/internal/park"
	"parkd/internal/store/postgres"
	"parkd/internal/store/postgres/pgtest"
)

// queryText returns the query named name in queries/file, its sqlc
// arguments numbered as PostgreSQL parameters, one number a name, and how
// many there are.
func queryText(t *testing.T, file, name string) (string, []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("queries", file))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "-- name: "+name+" ")
	if !ok {
		t.Fatalf("no query %s in %s", name, file)
	}
	_, rest, _ = strings.Cut(rest, "\n")
	q, _, _ := strings.Cut(rest, ";")
	var names []string
	q = regexp.MustCompile(`sqlc\.n?arg\((\w+)\)`).ReplaceAllStringFunc(q, func(m string) string {
		n := m[strings.Index(m, "(")+1 : len(m)-1]
		for i, x := range names {
			if x == n {
				return "$" + strconv.Itoa(i+1)
			}
		}
		names = append(names, n)
		return "$" + strconv.Itoa(len(names))
	})
	return q, names
}

// TestPlateCouponPagesPlan: a page of one plate's coupons from a cursor
// is read through coupons_plate (lot, plate, created, id) from the cursor
// on, in the page's order either way: among 20,000 coupons of 200 plates
// it reads the plate's own from the cursor, not the lot's every coupon
// past it, and sorts none. Both the plan for the values and the generic
// one a prepared statement comes to after five runs. The pages' total
// counts through coupons_plate by the lot and the plate too: P7's 100
// coupons, not the lot's 20,000. The first page (no cursor, placed by an
// offset) reads P7's coupons from its first through coupons_plate too,
// and so does a plate's count filtered by a state and an end, or through
// coupons_unused when the state is issued (the count
// of a car's unused coupons alone is CountPlateUnusedCoupons: see
// TestUnusedCouponsPlan).
func TestPlateCouponPagesPlan(t *testing.T) {
	t.Parallel()
	conn := couponsConn(t)
	for _, q := range []string{
		`INSERT INTO coupons (lot_code, id, plate, plate_key, kind, value, valid_from, valid_to, state, created_at, updated_at)
		 SELECT 'L1', 'c' || lpad(i::text, 6, '0'), 'P' || (i % 200), 'P' || (i % 200), 'minutes', 60,
		        timestamptz '2026-01-01', timestamptz '2027-01-01', 'issued',
		        timestamptz '2026-01-01' + i * interval '1 minute', timestamptz '2026-01-01' + i * interval '1 minute'
		 FROM generate_series(1, 20000) i`,
		"ANALYZE coupons",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// The cursor: P7's coupon c010007, mid-lot.
	values := map[string]string{"lot_code": "'L1'", "plate_key": "'P7'", "state": "''", "issuer": "''",
		"before_at": "timestamptz '2026-01-01' + 10007 * interval '1 minute'", "before_id": "'c010007'",
		"after_at": "timestamptz '2026-01-01' + 10007 * interval '1 minute'", "after_id": "'c010007'",
		"created_from": "NULL", "created_to": "NULL", "ended_by": "NULL", "open_at": "NULL", "lim": "101", "off": "0"}
	// A count may read the index alone, or mark the rows from it first.
	count := regexp.MustCompile(`Index (Only )?Scan using coupons_plate on coupons|Bitmap Index Scan on coupons_plate`)
	for _, c := range []struct {
		name, query string
		want        *regexp.Regexp
		values      map[string]string // over values
	}{
		{"ListPlateCouponsBefore", "ListPlateCouponsBefore", regexp.MustCompile(`Index Scan Backward using coupons_plate on coupons`), nil},
		{"ListPlateCouponsAfter", "ListPlateCouponsAfter", regexp.MustCompile(`Index Scan using coupons_plate on coupons`), nil},
		{"ListPlateCoupons", "ListPlateCoupons", regexp.MustCompile(`Index Scan using coupons_plate on coupons`), nil},
		{"CountPlateCoupons", "CountPlateCoupons", count, nil},
		// With the state's value the planner may see state = 'issued'
		// and read coupons_unused instead: by the plate either way.
		{"CountPlateCouponsUnused", "CountPlateCoupons", regexp.MustCompile(`Index (Only )?Scan using coupons_(plate|unused) on coupons|Bitmap Index Scan on coupons_(plate|unused)`),
			map[string]string{"state": "'issued'", "open_at": "timestamptz '2026-06-01'"}},
	} {
		name := c.name
		q, names := queryText(t, "coupons.sql", c.query)
		args := make([]string, len(names))
		for i, n := range names {
			v, ok := c.values[n]
			if !ok {
				v, ok = values[n]
			}
			if !ok {
				t.Fatalf("%s: no value for %s", name, n)
			}
			args[i] = v
		}
		want := c.want
		explainEach(t, conn, name, q, args, func(mode, stmt, got string) {
			if !want.MatchString(got) || !regexp.MustCompile(`Index Cond: .*plate_key = `).MatchString(got) ||
				strings.Contains(got, "Sort") || strings.Contains(got, "Seq Scan") || strings.Contains(got, "coupons_lot_created") {
				t.Errorf("%s, %s: plan\n%s\nwant %q by the plate, no other index or scan, and no sort", name, mode, got, want)
			}
		})
	}
}

// TestUnusedCouponsPlan: the count of a car's unused coupons that a new
// coupon must not push past the most a stay can use (issued, open now),
// and a stay's coupons read at every quote and exit (its plate's issued
// ones, then the ones it used), do not walk the car's used coupons. P7
// has used 5,000 coupons (one stay each) and holds 4 unused, among
// 20,000 other coupons of 200 plates, so coupons_plate would read 5,004
// of P7's: the count reads coupons_unused (the issued coupons alone),
// the stay's its own used ones through coupons_stay (2 of them), never
// the table whole nor coupons_plate. Both the plan for the values and the
// generic one a prepared statement comes to after five runs.
func TestUnusedCouponsPlan(t *testing.T) {
	t.Parallel()
	conn := couponsConn(t)
	for _, q := range []string{
		// 20,000 issued coupons of plates P0..P199 (P7 has none of these:
		// i % 200 = 7 is given to P207).
		`INSERT INTO coupons (lot_code, id, plate, plate_key, kind, value, valid_from, valid_to, state, created_at, updated_at)
		 SELECT 'L1', 'c' || lpad(i::text, 6, '0'), 'P' || CASE WHEN i % 200 = 7 THEN 207 ELSE i % 200 END,
		        'P' || CASE WHEN i % 200 = 7 THEN 207 ELSE i % 200 END, 'minutes', 60,
		        timestamptz '2026-01-01', timestamptz '2027-01-01', 'issued',
		        timestamptz '2026-01-01' + i * interval '1 minute', timestamptz '2026-01-01' + i * interval '1 minute'
		 FROM generate_series(1, 20000) i`,
		// P7's 5,000 used coupons, stay s1..s5000 each, 2 of them by s4999.
		`INSERT INTO coupons (lot_code, id, plate, plate_key, kind, value, valid_from, valid_to, state, stay_id, used_at, created_at, updated_at)
		 SELECT 'L1', 'u' || lpad(i::text, 6, '0'), 'P7', 'P7', 'minutes', 60,
		        timestamptz '2021-01-01', timestamptz '2027-01-01', 'used', 's' || LEAST(i, 4999),
		        timestamptz '2021-01-01' + i * interval '1 hour',
		        timestamptz '2021-01-01' + i * interval '1 hour', timestamptz '2021-01-01' + i * interval '1 hour'
		 FROM generate_series(1, 5000) i`,
		// P7's 4 unused coupons.
		`INSERT INTO coupons (lot_code, id, plate, plate_key, kind, value, valid_from, valid_to, state, created_at, updated_at)
		 SELECT 'L1', 'n' || i, 'P7', 'P7', 'minutes', 60, timestamptz '2026-06-01', timestamptz '2026-06-02', 'issued',
		        timestamptz '2026-06-01', timestamptz '2026-06-01'
		 FROM generate_series(1, 4) i`,
		"ANALYZE coupons",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	values := map[string]string{"lot_code": "'L1'", "plate_key": "'P7'", "stay_id": "'s4999'",
		"open_at": "timestamptz '2026-06-01 12:00'"}
	for _, c := range []struct {
		name string
		want []*regexp.Regexp
		// n: the count (CountPlateUnusedCoupons) or the rows (StayCoupons)
		// for values, worked by hand.
		n int
	}{
		// The 4 unused, open at noon on 1 June (they end on the 2nd).
		{"CountPlateUnusedCoupons", []*regexp.Regexp{regexp.MustCompile(`Index (Only )?Scan using coupons_unused on coupons|Bitmap Index Scan on coupons_unused`)}, 4},
		// The 4 unused + the 2 coupons s4999 used (u004999, u005000) = 6.
		{"StayCoupons", []*regexp.Regexp{regexp.MustCompile(`(Index Scan using|Bitmap Index Scan on) coupons_unused`),
			regexp.MustCompile(`(Index Scan using|Bitmap Index Scan on) coupons_stay`)}, 6},
	} {
		name := c.name
		q, names := queryText(t, "coupons.sql", name)
		args := make([]string, len(names))
		for i, n := range names {
			v, ok := values[n]
			if !ok {
				t.Fatalf("%s: no value for %s", name, n)
			}
			args[i] = v
		}
		explainEach(t, conn, name, q, args, func(mode, stmt, got string) {
			for _, w := range c.want {
				if !w.MatchString(got) {
					t.Errorf("%s, %s: plan\n%s\nwant %q", name, mode, got, w)
				}
			}
			if strings.Contains(got, "Seq Scan") || strings.Contains(got, "coupons_plate") || strings.Contains(got, "coupons_lot_created") {
				t.Errorf("%s, %s: plan\n%s\nreads the car's used coupons or the lot's", name, mode, got)
			}
			rows, err := conn.Query(ctx, "EXECUTE "+stmt+"("+strings.Join(args, ", ")+")")
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			vals, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([]any, error) { return r.Values() })
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			n := len(vals)
			if name == "CountPlateUnusedCoupons" && n == 1 {
				n = int(vals[0][0].(int64))
			}
			if n != c.n {
				t.Errorf("%s, %s: %d, want %d", name, mode, n, c.n)
			}
		})
	}
}

// explainEach prepares q as name and explains it with args under a plan
// for the values and under the generic one a prepared statement comes
// to after five runs, handing each mode's plan to check; the statement
// stays prepared (as stmt) for check to execute.
func explainEach(t *testing.T, conn *pgx.Conn, name, q string, args []string, check func(mode, stmt, plan string)) {
	t.Helper()
	stmt := pgx.Identifier{strings.ToLower(name)}.Sanitize()
	if _, err := conn.Exec(ctx, "PREPARE "+stmt+" AS "+q); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
		if _, err := conn.Exec(ctx, "SET plan_cache_mode = "+mode); err != nil {
			t.Fatal(err)
		}
		rows, err := conn.Query(ctx, "EXPLAIN EXECUTE "+stmt+"("+strings.Join(args, ", ")+")")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		check(mode, stmt, strings.Join(lines, "\n"))
	}
}

// couponsConn is a connection to a new schema holding the lot L1, on
// which a plan test inserts its coupons and explains its queries.
func couponsConn(t *testing.T) *pgx.Conn {
	t.Helper()
	url, schema := pgtest.Schema(t)
	s, err := postgres.Open(ctx, url, postgres.Options{Schema: schema, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Update(ctx, func(tx park.Tx) error { return tx.CreateLot(ctx, lot("L1")) }); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	if _, err := conn.Exec(ctx, "SET search_path TO "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	return conn
}
