package billing_test

import (
	"fmt"
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/park"
)

// TestCouponPages: a lot's coupons paged from the last one of the
// previous page, either way: a coupon issued between two pages neither
// repeats nor hides one. c0…c4 are issued a second apart, c3 and c4 in
// the same second (ties by id).
func TestCouponPages(t *testing.T) {
	b := setup(t)
	start := b.Clock.Now()
	issueAt := func(t *testing.T, n, sec int) { // coupon cn, of its own car (a car holds 5 at most)
		b.Clock.Set(start.Add(time.Duration(sec) * time.Second))
		b.issue(t, billing.CouponInput{ID: fmt.Sprintf("c%d", n), Plate: fmt.Sprintf("京A1234%d", n), Kind: park.CouponHours, Value: 1})
	}
	for n, sec := range []int{0, 1, 2, 3, 3} {
		issueAt(t, n, sec)
	}
	page := func(t *testing.T, newest bool, cursor string) (string, bool) {
		t.Helper()
		cs, more, err := b.Sys.Billing.CouponPage(b.Ctx, billing.CouponQuery{LotCode: b.Lot, Limit: 2, Newest: newest, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]string, len(cs))
		for i, c := range cs {
			ids[i] = c.ID
		}
		return fmt.Sprint(ids), more
	}
	want := func(t *testing.T, newest bool, cursor, ids string, more bool) {
		t.Helper()
		if got, m := page(t, newest, cursor); got != ids || m != more {
			t.Errorf("newest %v, from %q: %s (more %v), want %s (more %v)", newest, cursor, got, m, ids, more)
		}
	}
	t.Run("NewestFirst", func(t *testing.T) {
		// Page 1: c4 c3 (c4's id is higher); then c5 is issued, newer than
		// all; page 2 from c3: c2 c1; page 3 from c1: c0, the last.
		want(t, true, "", "[c4 c3]", true)
		issueAt(t, 5, 10)
		want(t, true, "c3", "[c2 c1]", true)
		want(t, true, "c1", "[c0]", false)
	})
	t.Run("OldestFirst", func(t *testing.T) {
		// c0 c1, then c6 is issued; c2 c3 from c1, c4 c5 from c3, and c6,
		// the last, from c5.
		want(t, false, "", "[c0 c1]", true)
		issueAt(t, 6, 11)
		want(t, false, "c1", "[c2 c3]", true)
		want(t, false, "c3", "[c4 c5]", true)
		want(t, false, "c5", "[c6]", false)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, c := range []struct {
			newest bool
			field  string
		}{{true, "before"}, {false, "after"}} {
			_, _, err := b.Sys.Billing.CouponPage(b.Ctx, billing.CouponQuery{LotCode: b.Lot, Newest: c.newest, Cursor: "nope"})
			if pe, ok := err.(*park.Error); !ok || pe.Code != park.EInvalid || pe.Field != c.field {
				t.Errorf("cursor nope, newest %v: %v, want EInvalid on %s", c.newest, err, c.field)
			}
		}
	})
}
