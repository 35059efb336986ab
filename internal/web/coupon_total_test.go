package web_test

import (
	"context"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"parkd/internal/billing"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// issuingTx issues a coupon, once armed, right after a page of coupons
// is read newest first: another coupon landing while a page reads.
type issuingTx struct {
	park.Tx
	armed *atomic.Bool
	issue func()
}

func (t issuingTx) ListCouponsBefore(ctx context.Context, f park.CouponFilter) ([]*park.Coupon, error) {
	cs, err := t.Tx.ListCouponsBefore(ctx, f)
	if err == nil && t.armed.CompareAndSwap(true, false) {
		t.issue()
	}
	return cs, err
}

// TestAccessPageCountsItsCoupons: the access page's count of coupons is
// read with the coupons it lists: one issued while the page reads is in
// neither, so 2 listed are "(2)", not "(3)".
func TestAccessPageCountsItsCoupons(t *testing.T) {
	var armed atomic.Bool
	var b *systemtest.Bundle
	issue := func(id, plate string) {
		if _, err := b.Sys.Billing.IssueCoupon(context.Background(), billing.CouponInput{LotCode: b.Lot, ID: id, Plate: plate,
			Kind: park.CouponHours, Value: 1}); err != nil {
			t.Error(err)
		}
	}
	b = systemtest.NewWith(t, systemtest.Options{WrapTx: func(tx park.Tx) park.Tx {
		return issuingTx{tx, &armed, func() { issue("c3", "沪A10003") }}
	}})
	s := &site{Bundle: b, srv: newServer(t, b)}
	s.user(t, "ana", park.RoleAdmin)
	issue("c1", "沪A10001")
	issue("c2", "沪A10002")
	br := s.browser(t)
	br.mustLogin("ana")
	armed.Store(true)
	_, body, _ := br.get("/console/lots/" + s.Lot + "/access")
	if armed.Load() {
		t.Fatal("the access page read no coupons")
	}
	n := len(regexp.MustCompile(`<tr><td class="code">c\d</td>`).FindAllString(body, -1))
	if n != 2 || !strings.Contains(body, "(2)</h2>") {
		t.Errorf("%d coupons listed, count %v; want 2 listed, (2)", n, regexp.MustCompile(`\(\d+\)</h2>`).FindString(body))
	}
}
