package postgres_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/park"
)

// TestPlateCouponLookupsByPlate: what the core sends when it looks a
// plate's coupons up, not what a query says it wants. Issuing a coupon
// counts the car's unused ones first, reading none of them (Q1 is
// 京B22222's, so a list of 1 would be followed by a count), by
// CountPlateUnusedCoupons, which TestUnusedCouponsPlan shows reads
// coupons_unused, not the car's used coupons through coupons_plate. The
// first page of a plate-filtered coupon list (placed by an offset, with
// its total) sends only the plate's queries, which
// TestPlateCouponPagesPlan shows read coupons_plate. Neither sends the
// lot's ListCoupons or CountCoupons, which read the lot's coupons
// whatever their plate. The lot's own list still sends the lot's.
func TestPlateCouponLookupsByPlate(t *testing.T) {
	now := time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)
	const lot = "140199003"
	sys, _, c := censusSystem(t, lot, func() time.Time { return now })
	for i, plate := range []string{"京A11111", "京B22222", "京A11111"} {
		if _, err := sys.Billing.IssueCoupon(ctx, billing.CouponInput{LotCode: lot, ID: fmt.Sprintf("Q%d", i), Plate: plate,
			Kind: park.CouponMinutes, Value: 30}); err != nil {
			t.Fatal(err)
		}
	}
	sent := func(sql []string) map[string]int {
		n := map[string]int{}
		for _, q := range sql {
			if name, ok := strings.CutPrefix(first(q), "-- name: "); ok {
				name, _, _ = strings.Cut(name, " ")
				n[name]++
			}
		}
		return n
	}
	for _, step := range []struct {
		name       string
		do         func() error
		want, none []string
	}{
		{"issue", func() error {
			_, err := sys.Billing.IssueCoupon(ctx, billing.CouponInput{LotCode: lot, ID: "Q3", Plate: "京B22222",
				Kind: park.CouponMinutes, Value: 30})
			return err
		}, []string{"CountPlateUnusedCoupons"}, []string{"ListCoupons", "CountCoupons", "ListPlateCoupons", "CountPlateCoupons"}},
		// Q0 Q2 are 京A11111's: a page of 1 is not all of them, so the
		// total is counted too.
		{"a plate's first page", func() error {
			cs, n, err := sys.Billing.ListCoupons(ctx, billing.CouponQuery{LotCode: lot, Plate: "京A11111", Limit: 1})
			if err == nil && (len(cs) != 1 || cs[0].ID != "Q0" || n != 2) {
				err = fmt.Errorf("%d coupons (%d in all), want [Q0] of 2", len(cs), n)
			}
			return err
		}, []string{"ListPlateCoupons", "CountPlateCoupons"}, []string{"ListCoupons", "CountCoupons"}},
		{"the lot's first page", func() error {
			_, n, err := sys.Billing.ListCoupons(ctx, billing.CouponQuery{LotCode: lot, Limit: 1})
			if err == nil && n != 4 { // Q0 Q1 Q2 Q3
				err = fmt.Errorf("%d coupons in all, want 4", n)
			}
			return err
		}, []string{"ListCoupons", "CountCoupons"}, []string{"ListPlateCoupons", "CountPlateCoupons"}},
	} {
		c.start()
		err := step.do()
		_, sql, _ := c.stop()
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		got := sent(sql)
		for _, w := range step.want {
			if got[w] == 0 {
				t.Errorf("%s: sent %v, want %s", step.name, got, w)
			}
		}
		for _, w := range step.none {
			if got[w] != 0 {
				t.Errorf("%s: sent %v, want no %s", step.name, got, w)
			}
		}
	}
}
