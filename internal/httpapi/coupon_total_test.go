package httpapi_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/park"
)

// issuingStore issues a coupon, once armed, right after the first page of
// coupons is read from a cursor: another client's coupon landing between
// a listing's reads.
type issuingStore struct {
	park.Store
	armed *atomic.Bool
	issue func()
}

func (s issuingStore) View(ctx context.Context, fn func(park.Tx) error) error {
	return s.Store.View(ctx, func(tx park.Tx) error { return fn(issuingTx{tx, s}) })
}

type issuingTx struct {
	park.Tx
	s issuingStore
}

func (t issuingTx) ListCouponsAfter(ctx context.Context, f park.CouponFilter) ([]*park.Coupon, error) {
	cs, err := t.Tx.ListCouponsAfter(ctx, f)
	if err == nil && t.s.armed.CompareAndSwap(true, false) {
		t.s.issue()
	}
	return cs, err
}

// TestCouponPageTotal: a page from after= and its total are one moment's:
// a coupon issued while the listing reads is in neither, so the coupons
// before the cursor and on the last page add up to the total.
func TestCouponPageTotal(t *testing.T) {
	var armed atomic.Bool
	var e *env
	e = newEnvStore(t, func(st park.Store) park.Store {
		return issuingStore{Store: st, armed: &armed, issue: func() {
			if _, err := e.sys.Billing.IssueCoupon(context.Background(), billing.CouponInput{LotCode: "140123001", ID: "c4",
				Plate: "沪B00004", Kind: park.CouponHours, Value: 1}); err != nil {
				t.Error(err)
			}
		}}
	})
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	const coupons = "/v1/lots/140123001/coupons"
	for i := 1; i <= 3; i++ { // c1, c2, c3 a minute apart
		e.setNow(t0.Add(time.Duration(i) * time.Minute))
		e.want(e.do("POST", coupons, fmt.Sprintf(`{"id":"c%d","plate":"沪B0000%d","kind":"hours","value":1}`, i, i)), 201)
	}
	e.setNow(t0.Add(10 * time.Minute))
	ids := func(l map[string]any) []string {
		var out []string
		for _, c := range l["coupons"].([]any) {
			out = append(out, c.(map[string]any)["id"].(string))
		}
		return out
	}
	// After c1: c2 and c3, the last page (no next); c4 is issued after
	// the page is read. Total: c1 + c2 + c3 = 3, not 4.
	armed.Store(true)
	l := e.want(e.do("GET", coupons+"?after=c1&limit=10", ""), 200)
	if armed.Load() {
		t.Fatal("the listing read no page from after=c1")
	}
	if got := fmt.Sprint(ids(l)); got != "[c2 c3]" || l["total"] != float64(3) || l["next"] != nil {
		t.Errorf("after c1: %s, total %v, next %v; want [c2 c3], total 3 (1 before the cursor + 2), no next", got, l["total"], l["next"])
	}
	// Read again, c4 is on the page and in the total: 1 + 3 = 4.
	l = e.want(e.do("GET", coupons+"?after=c1&limit=10", ""), 200)
	if got := fmt.Sprint(ids(l)); got != "[c2 c3 c4]" || l["total"] != float64(4) {
		t.Errorf("after c1 again: %s, total %v; want [c2 c3 c4], total 4", got, l["total"])
	}
}
