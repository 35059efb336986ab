package web

import (
	"net/http"
	"net/url"
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
	// Newest and Oldest are when the page's first and last were issued.
	Newest, Oldest time.Time
	// First and Older link the newest page and the one after this one
	// ("": none), keeping the filter.
	First, Older string
	Refusal      *pageError // the filter refused, shown above it as typed
}

func (w *Console) couponsPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	ctx, q := r.Context(), r.URL.Query()
	d := couponsData{Lot: l, Loc: l.Location(), States: couponStates, State: q.Get("state"), Plate: q.Get("plate")}
	// A page is placed by the last coupon of the one before it, as the
	// anomalies page is: coupons issued meanwhile do not shift it, and a
	// deep page reads no row before it.
	before := q.Get("before")
	cs, more, err := w.sys.Billing.CouponPage(ctx, billing.CouponQuery{LotCode: l.Code, State: d.State, Plate: d.Plate,
		Limit: couponPageSize, Newest: true, Cursor: before})
	if err != nil {
		if d.Refusal = refusedInput(p.Language, err); d.Refusal == nil {
			return err
		}
		w.render(rw, r, d.Refusal.Status, "coupons", p, "overview", d)
		return nil
	}
	d.Coupons = w.couponRows(cs)
	if len(cs) > 0 {
		d.Newest, d.Oldest = cs[0].CreatedAt, cs[len(cs)-1].CreatedAt
	}
	link := func(before string) string {
		v := url.Values{}
		for _, k := range []string{"state", "plate"} {
			if x := q.Get(k); x != "" {
				v.Set(k, x)
			}
		}
		if before != "" {
			v.Set("before", before)
		}
		u := Prefix + "lots/" + url.PathEscape(l.Code) + "/coupons"
		if len(v) > 0 {
			u += "?" + v.Encode()
		}
		return u
	}
	if before != "" {
		d.First = link("")
	}
	if more {
		d.Older = link(cs[len(cs)-1].ID)
	}
	w.render(rw, r, http.StatusOK, "coupons", p, "overview", d)
	return nil
}

// couponRows are cs with each one's state now.
func (w *Console) couponRows(cs []*park.Coupon) []couponRow {
	now := w.now()
	rows := make([]couponRow, 0, len(cs))
	for _, c := range cs {
		rows = append(rows, couponRow{Coupon: c, State: c.StateAt(now)})
	}
	return rows
}
