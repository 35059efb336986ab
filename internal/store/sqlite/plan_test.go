package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"parkd/internal/store/sqlite"
)

// queryText returns the query named name in queries/file, its sqlc
// arguments as SQLite parameters.
func queryText(t *testing.T, file, name string) string {
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
	return regexp.MustCompile(`sqlc\.arg\(\w+\)`).ReplaceAllString(q, "?")
}

// planOf is what SQLite plans for q, one step a line.
func planOf(t *testing.T, st *sqlite.Store, q string) string {
	t.Helper()
	rows, err := st.WriterDB().Query("EXPLAIN QUERY PLAN "+q, make([]any, strings.Count(q, "?"))...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "\n")
}

// TestDuePlan: the worker's search for what is due walks a
// subscription's unfinished deliveries from the longest due and stops at
// the first not due yet: retries due later (a partner down for hours has
// thousands) are never read, and nothing is sorted.
func TestDuePlan(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got := planOf(t, st, queryText(t, "reports.sql", "DueOfSubscription"))
	if want := "SEARCH d USING INDEX deliveries_sub_due (subscription_id=? AND next_at<?)"; !strings.Contains(got, want) ||
		strings.Contains(got, "TEMP B-TREE") {
		t.Errorf("plan\n%s\nwant %q, and no sort", got, want)
	}
}

// TestPrunePlans: each batch of the retention reads the finished
// deliveries it deletes through their index, from the oldest, and stops
// at the horizon (a SEARCH, not a SCAN of every finished delivery); the
// report probes go by key. What SQLite itself plans, not what the
// queries say they want.
func TestPrunePlans(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for name, want := range map[string][]string{
		"PruneFinishedDeliveries": {"SEARCH d USING INDEX deliveries_finished (<expr><?)", "USING INDEX sqlite_autoindex_subscriptions_1 (id=?)"},
		"PruneReportsByID":        {"SEARCH reports USING INDEX sqlite_autoindex_reports_1 (id=?)", "SEARCH d USING COVERING INDEX sqlite_autoindex_deliveries_2 (report_id=?)"},
		"WalkOldReports":          {"SEARCH r USING INDEX reports_at (at>? AND at<?)", "SEARCH d USING COVERING INDEX sqlite_autoindex_deliveries_2 (report_id=?)"},
		"DeleteUnneededReports":   {"SEARCH reports USING INTEGER PRIMARY KEY (rowid=?)"},
		// A deleted subscription's deliveries by its key, not the queue's.
		"PruneDeletedSubscriptionDeliveries": {"SEARCH d USING COVERING INDEX deliveries_subscription (subscription_id=?)"},
		"DeleteEmptyDeletedSubscriptions":    {"SEARCH d USING COVERING INDEX deliveries_subscription (subscription_id=?)"},
	} {
		got := planOf(t, st, queryText(t, "reports.sql", name))
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: plan\n%s\nwant %q", name, got, w)
			}
		}
		if strings.Contains(got, "SCAN d") || strings.Contains(got, "SCAN r") || strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("%s: plan\n%s\nwalks a whole table or index, or sorts", name, got)
		}
	}
}

// TestLatestOfLotPlan: the chargers page's one read of a lot's latest
// sessions finds the lot's chargers by their index and reads each one's
// newest sessions from the end of charge_sessions_charger, so a charger's
// older sessions (years of them) are never read; only each charger's few
// rows are sorted.
func TestLatestOfLotPlan(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got := planOf(t, st, queryText(t, "charging.sql", "LatestChargeSessionsOfLot"))
	for _, w := range []string{"SEARCH c USING COVERING INDEX chargers_lot (lot_code=?)",
		"SEARCH x USING COVERING INDEX charge_sessions_charger (charger_id=?)"} {
		if !strings.Contains(got, w) {
			t.Errorf("plan\n%s\nwant %q", got, w)
		}
	}
	if strings.Contains(got, "SCAN") || strings.Contains(got, "USE TEMP B-TREE FOR ORDER BY") {
		t.Errorf("plan\n%s\nwalks a whole table or index, or sorts all the rows", got)
	}
}

// TestListedReadingsPlan: a page of sessions' readings, read in one
// statement, are found by each session's key, not by walking every
// session's readings (years of them), and come in key order unsorted.
func TestListedReadingsPlan(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got := planOf(t, st, queryText(t, "charging.sql", "ChargeReadingsOfSessions"))
	if w := "SEARCH charge_readings USING PRIMARY KEY (session_id=?)"; !strings.Contains(got, w) {
		t.Errorf("plan\n%s\nwant %q", got, w)
	}
	if strings.Contains(got, "SCAN charge_readings") || strings.Contains(got, "USE TEMP B-TREE FOR ORDER BY") {
		t.Errorf("plan\n%s\nwalks every session's readings, or sorts them", got)
	}
}

// TestLotReservationsPlan: a lot's bookings of a day are found through
// the window's end, from the day on, not by walking every booking the lot
// ever had (years of them, in reservations_plate's order).
func TestLotReservationsPlan(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got := planOf(t, st, queryText(t, "reservations.sql", "LotReservations"))
	if w := "SEARCH reservations USING INDEX reservations_lot_to (lot_code=? AND valid_to>? AND valid_to<?)"; !strings.Contains(got, w) {
		t.Errorf("plan\n%s\nwant %q", got, w)
	}
}

// TestCouponsUsedPlan: the console's count of the coupons used by the
// stays that left today walks those stays through their exit index and
// each one's coupons through its plate's, never every coupon of the lot.
func TestCouponsUsedPlan(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got := planOf(t, st, queryText(t, "console.sql", "CountCouponsUsed"))
	for _, want := range []string{"SEARCH s USING INDEX stays_lot_exit (lot_code=? AND exit_at>? AND exit_at<?)",
		"SEARCH c USING INDEX coupons_plate (lot_code=? AND plate_key=?)"} {
		if !strings.Contains(got, want) {
			t.Errorf("plan\n%s\nwant %q", got, want)
		}
	}
	if strings.Contains(got, "SCAN c") {
		t.Errorf("plan\n%s\nscans the coupons", got)
	}
}

// TestPlateAnomaliesPlan: a replayed entry's search for its plate's exit
// recorded first reads only that plate's anomalies of that kind after
// the entry, through anomalies_plate, not the lot's time index past
// every other plate's rows; they come in its order, unsorted.
func TestPlateAnomaliesPlan(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got := planOf(t, st, queryText(t, "stays.sql", "ListPlateAnomalies"))
	if want := "SEARCH anomalies USING INDEX anomalies_plate (lot_code=? AND plate=? AND kind=? AND at>?)"; !strings.Contains(got, want) ||
		strings.Contains(got, "TEMP B-TREE") {
		t.Errorf("plan\n%s\nwant %q, and no sort", got, want)
	}
}

// TestCouponPagesPlan: a page of a lot's coupons from a cursor starts the
// index scan at it (a SEARCH bounded by created_at), in the page's order
// either way, so a deep page neither reads the rows before it nor sorts
// the lot's coupons.
func TestCouponPagesPlan(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for name, want := range map[string]string{
		"ListCouponsBefore": "SEARCH coupons USING INDEX coupons_lot_created (lot_code=? AND created_at<?)",
		"ListCouponsAfter":  "SEARCH coupons USING INDEX coupons_lot_created (lot_code=? AND created_at>?)",
	} {
		got := planOf(t, st, queryText(t, "coupons.sql", name))
		if !strings.Contains(got, want) || strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("%s: plan\n%s\nwant %q, and no sort", name, got, want)
		}
	}
}

// TestPlateCouponPagesPlan: a page of one plate's coupons from a cursor
// goes through coupons_plate by the lot, the plate and the cursor, in the
// page's order either way: it reads that plate's coupons from the cursor
// on, not the lot's every other plate's coupons past it, and sorts none.
// The first page (no cursor, placed by an offset) reads the plate's
// coupons from its first in the same order. The pages' total counts by
// the lot and the plate the same way (the count of a car's unused
// coupons alone reads coupons_unused: TestUnusedCouponsPlan).
func TestPlateCouponPagesPlan(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for name, want := range map[string]string{
		"ListPlateCouponsBefore": "SEARCH coupons USING INDEX coupons_plate (lot_code=? AND plate_key=? AND created_at<?)",
		"ListPlateCouponsAfter":  "SEARCH coupons USING INDEX coupons_plate (lot_code=? AND plate_key=? AND created_at>?)",
		"ListPlateCoupons":       "SEARCH coupons USING INDEX coupons_plate (lot_code=? AND plate_key=?)",
		"CountPlateCoupons":      "SEARCH coupons USING INDEX coupons_plate (lot_code=? AND plate_key=?)",
	} {
		got := planOf(t, st, queryText(t, "coupons.sql", name))
		if !strings.Contains(got, want) || strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("%s: plan\n%s\nwant %q, and no sort", name, got, want)
		}
	}
}

// TestUnusedCouponsPlan: the count of a car's unused coupons that a new
// coupon must not push past the most a stay can use reads the car's
// unused coupons still open (coupons_unused holds only the issued ones),
// not the used ones a car gathers over years. A stay's
// coupons (its plate's unused ones, then the ones it used) read the same
// index and the stay's own used ones through coupons_stay: neither
// half goes through coupons_plate, which holds every coupon of the car.
func TestUnusedCouponsPlan(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for name, want := range map[string][]string{
		"CountPlateUnusedCoupons": {"SEARCH coupons USING INDEX coupons_unused (lot_code=? AND plate_key=?)"},
		"StayCoupons": {"SEARCH u USING INDEX coupons_unused (lot_code=? AND plate_key=?)",
			"SEARCH s USING INDEX coupons_stay (lot_code=? AND stay_id=?)"},
	} {
		got := planOf(t, st, queryText(t, "coupons.sql", name))
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: plan\n%s\nwant %q", name, got, w)
			}
		}
		if strings.Contains(got, "coupons_plate") || regexp.MustCompile(`SCAN (coupons|u|s)\b`).MatchString(got) {
			t.Errorf("%s: plan\n%s\nreads the car's every coupon", name, got)
		}
	}
}
