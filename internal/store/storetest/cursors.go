package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"parkd/internal/park"
)

// testPlateAnomalies: a plate's anomalies of one kind after a time, oldest
// first, ties by id. In L1: p1 (京A12345, missed_entry) at base, p2 and p3
// at base+1m (ids p3 > p2, p3 inserted first), p4 at base+2m; q (another
// plate) and r (another kind) at base+1m; L2's s at base+1m. After base:
// p2 p3 p4; after base+1m: p4; limit 1 after base: p2.
func testPlateAnomalies(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	base := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	an := func(id, lot, kind, plate string, min int) *park.Anomaly {
		return &park.Anomaly{ID: id, LotCode: lot, Kind: kind, Plate: plate, EventID: "ev-" + id,
			At: base.Add(time.Duration(min) * time.Minute), Detail: id}
	}
	must(t, update(t, s, func(tx park.Tx) error {
		for _, a := range []*park.Anomaly{an("p1", "L1", park.AnomalyMissedEntry, "京A12345", 0),
			an("p3", "L1", park.AnomalyMissedEntry, "京A12345", 1), an("p2", "L1", park.AnomalyMissedEntry, "京A12345", 1),
			an("p4", "L1", park.AnomalyMissedEntry, "京A12345", 2), an("q", "L1", park.AnomalyMissedEntry, "京B12345", 1),
			an("r", "L1", park.AnomalyReentry, "京A12345", 1), an("s", "L2", park.AnomalyMissedEntry, "京A12345", 1)} {
			if err := tx.InsertAnomaly(ctx, a); err != nil {
				return err
			}
		}
		return nil
	}))
	for _, c := range []struct {
		after time.Time
		limit int
		want  string
	}{
		{base, 10, "[p2 p3 p4]"},
		{base.Add(time.Minute), 10, "[p4]"},
		{base, 1, "[p2]"},
		{base.Add(2 * time.Minute), 10, "[]"},
	} {
		var as []*park.Anomaly
		must(t, s.View(ctx, func(tx park.Tx) (err error) {
			as, err = tx.ListPlateAnomalies(ctx, park.PlateAnomalyFilter{LotCode: "L1", Plate: "京A12345",
				Kind: park.AnomalyMissedEntry, After: c.after, Limit: c.limit})
			return
		}))
		ids := make([]string, len(as))
		for i, a := range as {
			ids[i] = a.ID
		}
		if got := fmt.Sprint(ids); got != c.want {
			t.Errorf("after %s, limit %d: %s, want %s", c.after, c.limit, got, c.want)
		}
	}
}

// testCouponPages: a lot's coupons from a cursor, either way. In L1: a at
// base, b5 and b2 at base+1m (b5 inserted first), c at base+2m, d
// (another plate) at base+2m; L2's e at base+1m. Newest first: d c b5 b2
// a; before b5 (base+1m): b2 a. Oldest first: a b2 b5 c d; after b2: b5
// c d. The plate filter keeps to its plate (and L1): before c, 京A12345's
// are b5 b2 a; its newest 2 are c b5; after b2, b5 c; before b5, b2 a
// (the tie at base+1m by id); 京B12345's, oldest first, d alone.
func testCouponPages(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	base := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	coupon := func(lot, id, key string, min int) *park.Coupon {
		at := base.Add(time.Duration(min) * time.Minute)
		return &park.Coupon{ID: id, LotCode: lot, Plate: key, PlateKey: key, Kind: park.CouponMinutes, Value: 60,
			ValidFrom: base, ValidTo: base.Add(24 * time.Hour), State: park.CouponIssued, CreatedAt: at, UpdatedAt: at}
	}
	must(t, update(t, s, func(tx park.Tx) error {
		for _, c := range []*park.Coupon{coupon("L1", "a", "京A12345", 0), coupon("L1", "b5", "京A12345", 1),
			coupon("L1", "b2", "京A12345", 1), coupon("L1", "c", "京A12345", 2), coupon("L1", "d", "京B12345", 2),
			coupon("L2", "e", "京A12345", 1)} {
			if err := tx.CreateCoupon(ctx, c); err != nil {
				return err
			}
		}
		return nil
	}))
	list := func(newest bool, f park.CouponFilter) string {
		t.Helper()
		var cs []*park.Coupon
		must(t, s.View(ctx, func(tx park.Tx) (err error) {
			if newest {
				cs, err = tx.ListCouponsBefore(ctx, f)
			} else {
				cs, err = tx.ListCouponsAfter(ctx, f)
			}
			return
		}))
		ids := make([]string, len(cs))
		for i, c := range cs {
			ids[i] = c.ID
		}
		return fmt.Sprint(ids)
	}
	m1, m2 := base.Add(time.Minute), base.Add(2*time.Minute)
	for _, c := range []struct {
		name   string
		newest bool
		f      park.CouponFilter
		want   string
	}{
		{"newest", true, park.CouponFilter{LotCode: "L1"}, "[d c b5 b2 a]"},
		{"newest, 2", true, park.CouponFilter{LotCode: "L1", Limit: 2}, "[d c]"},
		{"before b5", true, park.CouponFilter{LotCode: "L1", CursorAt: m1, CursorID: "b5"}, "[b2 a]"},
		{"before c, one plate", true, park.CouponFilter{LotCode: "L1", PlateKey: "京A12345", CursorAt: m2, CursorID: "c"}, "[b5 b2 a]"},
		{"newest 2, one plate", true, park.CouponFilter{LotCode: "L1", PlateKey: "京A12345", Limit: 2}, "[c b5]"},
		{"before b5, one plate", true, park.CouponFilter{LotCode: "L1", PlateKey: "京A12345", CursorAt: m1, CursorID: "b5"}, "[b2 a]"},
		{"oldest", false, park.CouponFilter{LotCode: "L1"}, "[a b2 b5 c d]"},
		{"after b2, one plate", false, park.CouponFilter{LotCode: "L1", PlateKey: "京A12345", CursorAt: m1, CursorID: "b2"}, "[b5 c]"},
		{"oldest, the other plate", false, park.CouponFilter{LotCode: "L1", PlateKey: "京B12345"}, "[d]"},
		{"after b2", false, park.CouponFilter{LotCode: "L1", CursorAt: m1, CursorID: "b2", Limit: 3}, "[b5 c d]"},
		{"after d", false, park.CouponFilter{LotCode: "L1", CursorAt: m2, CursorID: "d"}, "[]"},
	} {
		if got := list(c.newest, c.f); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
