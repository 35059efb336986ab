package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"parkd/internal/park"
)

func testCoupons(t *testing.T, s park.Store) {
	t.Run("StayCoupons", func(t *testing.T) { testStayCoupons(t, s) })
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	at := base.Add(123456789 * time.Nanosecond)
	coupon := func(lot, id, key string, created time.Time) *park.Coupon {
		return &park.Coupon{ID: id, LotCode: lot, Plate: key, PlateKey: key, Kind: park.CouponMinutes, Value: 60,
			Issuer: "mall", Merchant: "咖啡店", ValidFrom: at, ValidTo: at.Add(24 * time.Hour), State: park.CouponIssued,
			CreatedAt: created, UpdatedAt: created}
	}
	get := func(lot, id string) (*park.Coupon, error) {
		var c *park.Coupon
		err := s.View(ctx, func(tx park.Tx) (err error) { c, err = tx.GetCoupon(ctx, lot, id); return })
		return c, err
	}
	list := func(f park.CouponFilter) ([]string, int) {
		t.Helper()
		var cs []*park.Coupon
		var n int
		must(t, s.View(ctx, func(tx park.Tx) (err error) { cs, n, err = tx.ListCoupons(ctx, f); return }))
		ids := make([]string, len(cs))
		for i, c := range cs {
			ids[i] = c.ID
		}
		return ids, n
	}

	c1 := coupon("L1", "C1", "京A12345", at)
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateCoupon(ctx, c1) }))
	if c1.Version != 1 {
		t.Fatalf("version %d after create, want 1", c1.Version)
	}
	got, err := get("L1", "C1")
	must(t, err)
	want := *c1
	want.ValidFrom, want.ValidTo = at.Truncate(park.Precision), c1.ValidTo.Truncate(park.Precision)
	want.CreatedAt, want.UpdatedAt = want.ValidFrom, want.ValidFrom
	if fmt.Sprintf("%+v", *got) != fmt.Sprintf("%+v", want) || got.ValidFrom.Location() != time.UTC {
		t.Fatalf("read back\n%+v\nwant\n%+v", *got, want)
	}
	// Ids are unique per lot, not across lots; the lot must exist.
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.CreateCoupon(ctx, coupon("L1", "C1", "京B1", at)) }), park.EConflict)
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateCoupon(ctx, coupon("L2", "C1", "京A12345", at)) }))
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.CreateCoupon(ctx, coupon("nope", "C9", "京A12345", at)) }), park.ENotFound)
	_, err = get("L1", "C9")
	wantCode(t, err, park.ENotFound)
	_, err = get("L3", "C1")
	wantCode(t, err, park.ENotFound)

	// Use it: state, stay, payment and time are kept; a stale version loses.
	used := at.Add(time.Hour)
	c1.State, c1.StayID, c1.PaymentID, c1.UsedAt, c1.UpdatedAt = park.CouponUsed, "stay-1", "pay-1", &used, used
	stale := *c1
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateCoupon(ctx, c1) }))
	if c1.Version != 2 {
		t.Fatalf("version %d after update, want 2", c1.Version)
	}
	got, err = get("L1", "C1")
	must(t, err)
	if got.State != park.CouponUsed || got.StayID != "stay-1" || got.PaymentID != "pay-1" || got.UsedAt == nil ||
		!got.UsedAt.Equal(used.Truncate(park.Precision)) || got.Version != 2 {
		t.Fatalf("after use %+v", got)
	}
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdateCoupon(ctx, &stale) }), park.EConflict)
	ghost := coupon("L1", "C404", "京A12345", at)
	ghost.Version = 1
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdateCoupon(ctx, ghost) }), park.ENotFound)

	// Listing: oldest first, filtered, paged with the unpaged count.
	for i, key := range []string{"京A12345", "京B22222", "京A12345", "京A12345"} {
		c := coupon("L1", fmt.Sprintf("D%d", i), key, at.Add(time.Duration(i+1)*time.Minute))
		must(t, update(t, s, func(tx park.Tx) error { return tx.CreateCoupon(ctx, c) }))
	}
	ids, n := list(park.CouponFilter{LotCode: "L1"})
	if fmt.Sprint(ids) != "[C1 D0 D1 D2 D3]" || n != 5 {
		t.Fatalf("list %v (%d)", ids, n)
	}
	ids, n = list(park.CouponFilter{LotCode: "L1", PlateKey: "京A12345", State: park.CouponIssued})
	if fmt.Sprint(ids) != "[D0 D2 D3]" || n != 3 {
		t.Fatalf("issued of 京A12345 %v (%d)", ids, n)
	}
	ids, n = list(park.CouponFilter{LotCode: "L1", PlateKey: "京A12345", Offset: 1, Limit: 2})
	if fmt.Sprint(ids) != "[D0 D2]" || n != 4 {
		t.Fatalf("page %v (%d), want [D0 D2] of 4", ids, n)
	}
	ids, n = list(park.CouponFilter{LotCode: "L1", Offset: 10, Limit: 2})
	if len(ids) != 0 || n != 5 {
		t.Fatalf("page past the end %v (%d)", ids, n)
	}
	ids, n = list(park.CouponFilter{LotCode: "L1", Issuer: "other"})
	if len(ids) != 0 || n != 0 {
		t.Fatalf("other issuer %v (%d)", ids, n)
	}
	// Created in [from, to); expired by an instant (valid_to at or before
	// it) or still open then.
	ids, n = list(park.CouponFilter{LotCode: "L1", CreatedFrom: at.Add(2 * time.Minute), CreatedTo: at.Add(4 * time.Minute)})
	if fmt.Sprint(ids) != "[D1 D2]" || n != 2 {
		t.Fatalf("created window %v (%d), want [D1 D2]", ids, n)
	}
	end := at.Add(24 * time.Hour)
	if ids, n = list(park.CouponFilter{LotCode: "L1", EndedBy: end, Limit: 2}); len(ids) != 2 || n != 5 {
		t.Fatalf("ended by their end %v (%d), want 2 of 5", ids, n)
	}
	if ids, n = list(park.CouponFilter{LotCode: "L1", EndedBy: end.Add(-time.Microsecond)}); n != 0 {
		t.Fatalf("ended before their end %v", ids)
	}
	if ids, n = list(park.CouponFilter{LotCode: "L1", OpenAt: end.Add(-time.Microsecond), Offset: 4, Limit: 2}); fmt.Sprint(ids) != "[D3]" || n != 5 {
		t.Fatalf("open just before their end %v (%d), want [D3] of 5", ids, n)
	}
	if ids, n = list(park.CouponFilter{LotCode: "L1", OpenAt: end}); n != 0 {
		t.Fatalf("open at their end %v", ids)
	}
	ids, _ = list(park.CouponFilter{LotCode: "L2"})
	if fmt.Sprint(ids) != "[C1]" {
		t.Fatalf("L2 %v", ids)
	}
	// Counting alone: L1 holds C1 (京A12345, used), D0 D2 D3 (京A12345)
	// and D1 (京B22222), D0..D3 issued at +1..+4 min; L2 holds C1
	// (京A12345). Cursor, offset and limit do not narrow a count.
	count := func(f park.CouponFilter) int {
		t.Helper()
		var n int
		must(t, s.View(ctx, func(tx park.Tx) (err error) { n, err = tx.CountCoupons(ctx, f); return }))
		return n
	}
	for _, c := range []struct {
		name string
		f    park.CouponFilter
		want int
	}{
		{"the lot", park.CouponFilter{LotCode: "L1"}, 5},                                                       // C1 D0 D1 D2 D3
		{"京A12345", park.CouponFilter{LotCode: "L1", PlateKey: "京A12345"}, 4},                                  // C1 D0 D2 D3
		{"京B22222", park.CouponFilter{LotCode: "L1", PlateKey: "京B22222"}, 1},                                  // D1
		{"京A12345 issued", park.CouponFilter{LotCode: "L1", PlateKey: "京A12345", State: park.CouponIssued}, 3}, // D0 D2 D3
		{"京A12345 created in [+2, +4) min", park.CouponFilter{LotCode: "L1", PlateKey: "京A12345",
			CreatedFrom: at.Add(2 * time.Minute), CreatedTo: at.Add(4 * time.Minute)}, 1}, // D2 (+3); D1 is 京B22222
		{"京A12345 of another issuer", park.CouponFilter{LotCode: "L1", PlateKey: "京A12345", Issuer: "other"}, 0},
		{"京A12345 paged", park.CouponFilter{LotCode: "L1", PlateKey: "京A12345", Offset: 3, Limit: 1,
			CursorAt: at.Add(3 * time.Minute), CursorID: "D2"}, 4},
		{"京A12345 in L2", park.CouponFilter{LotCode: "L2", PlateKey: "京A12345"}, 1}, // L2's C1
		{"a plate with none", park.CouponFilter{LotCode: "L1", PlateKey: "京C33333"}, 0},
	} {
		if n := count(c.f); n != c.want {
			t.Errorf("count of %s: %d, want %d", c.name, n, c.want)
		}
	}
	// A rolled-back coupon leaves nothing.
	_ = update(t, s, func(tx park.Tx) error {
		must(t, tx.CreateCoupon(ctx, coupon("L2", "R1", "京B1", at)))
		return park.Errorf(park.EInvalid, "roll back")
	})
	_, err = get("L2", "R1")
	wantCode(t, err, park.ENotFound)
}

// testStayCoupons: a stay is priced with its plate's issued coupons and
// the ones it used itself, never another stay's or a deleted one.
func testStayCoupons(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L9")
	at := base
	for i, c := range []struct{ key, state, stay string }{
		{"京A12345", park.CouponIssued, ""},     // S0
		{"京A12345", park.CouponUsed, "stay-1"}, // S1: used by this stay
		{"京A12345", park.CouponUsed, "stay-0"}, // S2: by an earlier stay
		{"京A12345", park.CouponDeleted, ""},    // S3
		{"京B22222", park.CouponIssued, ""},     // S4: another car
		{"京A12345", park.CouponIssued, ""},     // S5
	} {
		cp := &park.Coupon{ID: fmt.Sprintf("S%d", i), LotCode: "L9", Plate: c.key, PlateKey: c.key, Kind: park.CouponAmount,
			Value: 100, ValidFrom: at, ValidTo: at.Add(time.Hour), State: c.state, StayID: c.stay,
			CreatedAt: at.Add(time.Duration(i) * time.Second), UpdatedAt: at}
		must(t, update(t, s, func(tx park.Tx) error { return tx.CreateCoupon(ctx, cp) }))
	}
	var got []*park.Coupon
	must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.StayCoupons(ctx, "L9", "京A12345", "stay-1"); return }))
	var ids []string
	for _, c := range got {
		ids = append(ids, c.ID)
	}
	if fmt.Sprint(ids) != "[S0 S1 S5]" {
		t.Fatalf("stay coupons %v, want [S0 S1 S5]", ids)
	}
}
