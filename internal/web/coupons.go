package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"parkd/internal/billing"
	"parkd/internal/operators"
	"parkd/internal/park"
)

// The coupons page of a lot: every coupon partners issued in it, newest
// first, a page at a time, filtered as the billing core filters them.
// Read-only: coupons are issued and withdrawn by partners.
func couponsSection() section {
	return section{key: "coupons", lotPath: "coupons", routes: []route{
		{"GET " + Prefix + "lots/{lot}/coupons", (*Console).couponsPage},
	}}
}

// couponPageSize is how many coupons the coupons page shows at a time.
const couponPageSize = 100

// couponStates are the states the page filters by, as the core names them.
var couponStates = []string{park.CouponIssued, park.CouponExpired, park.CouponUsed, park.CouponDeleted}

type couponsData struct {
	Lot          *park.Lot
	Loc          *time.Location
	Coupons      []couponRow // newest first
	States       []string
	State, Plate string
	Total        int // coupons the filter selects
	// From and To number the rows shown (1 is the newest) of Total.
	From, To              int
	First, Previous, Next string     // "" : none
	Refusal               *pageError // the filter refused, shown above it as typed
}

func (w *Console) couponsPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	ctx, q := r.Context(), r.URL.Query()
	d := couponsData{Lot: l, Loc: l.Location(), States: couponStates, State: q.Get("state"), Plate: q.Get("plate")}
	skip := 0 // newest coupons before this page
	if s := q.Get("skip"); s != "" {
		if skip, err = strconv.Atoi(s); err != nil || skip < 0 {
			return park.Invalid("skip", "must be a whole number, 0 or more")
		}
	}
	cq := billing.CouponQuery{LotCode: l.Code, State: d.State, Plate: d.Plate}
	if d.Coupons, d.Total, err = w.newestCoupons(ctx, cq, skip, couponPageSize); err != nil {
		if d.Refusal = refusedInput(p.Language, err); d.Refusal == nil {
			return err
		}
		w.render(rw, r, d.Refusal.Status, "coupons", p, "overview", d)
		return nil
	}
	if n := len(d.Coupons); n > 0 {
		d.From, d.To = skip+1, skip+n
	}
	link := func(skip int) string {
		v := url.Values{}
		for _, k := range []string{"state", "plate"} {
			if x := q.Get(k); x != "" {
				v.Set(k, x)
			}
		}
		if skip > 0 {
			v.Set("skip", strconv.Itoa(skip))
		}
		u := Prefix + "lots/" + l.Code + "/coupons"
		if len(v) > 0 {
			u += "?" + v.Encode()
		}
		return u
	}
	if skip > 0 {
		d.First = link(0)
		d.Previous = link(max(0, skip-couponPageSize))
	}
	if skip+couponPageSize < d.Total {
		d.Next = link(skip + couponPageSize)
	}
	w.render(rw, r, http.StatusOK, "coupons", p, "overview", d)
	return nil
}

// newestCoupons returns up to n of the coupons cq selects, newest first,
// after the skip newest, and how many it selects in all. The core keeps
// coupons oldest first: the page is counted back from the total, read at
// once before the page.
func (w *Console) newestCoupons(ctx context.Context, cq billing.CouponQuery, skip, n int) ([]couponRow, int, error) {
	cq.Offset, cq.Limit = 0, 1
	_, total, err := w.sys.Billing.ListCoupons(ctx, cq)
	if err != nil {
		return nil, 0, err
	}
	end := total - skip // rows [start, end) oldest first
	if end <= 0 {
		return nil, total, nil
	}
	start := max(0, end-n)
	cq.Offset, cq.Limit = start, end-start
	cs, total, err := w.sys.Billing.ListCoupons(ctx, cq)
	if err != nil {
		return nil, 0, err
	}
	now := w.now()
	rows := make([]couponRow, 0, len(cs))
	for _, c := range slices.Backward(cs) {
		rows = append(rows, couponRow{Coupon: c, State: c.StateAt(now)})
	}
	return rows, total, nil
}
