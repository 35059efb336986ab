package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"parkd/internal/billing"
	"parkd/internal/operators"
	"parkd/internal/park"
)

// The access page of a lot: its passes and their plans, its lists
// (whitelist and deny list, special vehicles, hotel guests) and its
// coupons; a plate can be put on the whitelist from here.
func accessSection() section {
	return section{key: "access", lotPath: "access", routes: []route{
		{"GET " + Prefix + "lots/{lot}/access", (*Console).accessPage},
		{"POST " + Prefix + "lots/{lot}/whitelist", (*Console).whitelistAdd},
	}}
}

type accessData struct {
	Lot       *park.Lot
	Loc       *time.Location
	Passes    []*park.Pass
	Plans     []*park.Plan
	Whitelist []*park.WhitelistEntry
	Special   []*park.WhitelistEntry
	Hotel     []*park.WhitelistEntry
	Coupons   []couponRow
	Total     int // coupons in all
	CanChange bool
	From, To  string
	Added     bool
}

func (w *Console) accessPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	ctx := r.Context()
	loc := l.Location()
	now := w.now().In(loc)
	d := accessData{Lot: l, Loc: loc, CanChange: p.MayChange(l.Code), Added: r.URL.Query().Get("added") != "",
		From: now.Format(dateTimeLocal), To: now.AddDate(0, 1, 0).Format(dateTimeLocal)}
	if d.Passes, err = w.sys.Access.ListPasses(ctx, "", l.Code); err != nil {
		return err
	}
	if d.Plans, err = w.sys.Access.ListPlans(ctx, "", l.Code); err != nil {
		return err
	}
	if d.Whitelist, err = w.sys.Access.ListEntries(ctx, "", l.Code, park.ListWhite, ""); err != nil {
		return err
	}
	if d.Special, err = w.sys.Access.ListEntries(ctx, "", l.Code, park.ListSpecial, ""); err != nil {
		return err
	}
	if d.Hotel, err = w.sys.Access.ListEntries(ctx, "", l.Code, park.ListHotel, ""); err != nil {
		return err
	}
	// The newest coupons, newest first: the list is kept oldest first, so
	// its last page, read backwards.
	const shown = 100
	_, total, err := w.sys.Billing.ListCoupons(ctx, billing.CouponQuery{LotCode: l.Code, Limit: 1})
	if err != nil {
		return err
	}
	coupons, total, err := w.sys.Billing.ListCoupons(ctx, billing.CouponQuery{LotCode: l.Code, Limit: shown, Offset: max(0, total-shown)})
	if err != nil {
		return err
	}
	d.Total = total
	for _, c := range slices.Backward(coupons) {
		d.Coupons = append(d.Coupons, couponRow{Coupon: c, State: c.StateAt(now)})
	}
	w.render(rw, r, http.StatusOK, "access", p, "overview", d)
	return nil
}

// couponRow is a coupon as the operator sees it now: an issued coupon
// whose window has ended reads as expired.
type couponRow struct {
	*park.Coupon
	State string
}

// whitelistAdd puts a plate on the lot's whitelist for a window.
func (w *Console) whitelistAdd(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	if err := mayChange(p, l.Code); err != nil {
		return err
	}
	loc := l.Location()
	from, err := park.ParseWallTime(dateTimeLocal, r.PostFormValue("valid_from"), loc)
	if err != nil {
		return park.Invalid("valid_from", "%q is not a date and time", r.PostFormValue("valid_from"))
	}
	to, err := park.ParseWallTime(dateTimeLocal, r.PostFormValue("valid_to"), loc)
	if err != nil {
		return park.Invalid("valid_to", "%q is not a date and time", r.PostFormValue("valid_to"))
	}
	if err := park.CheckYear("valid_from", from); err != nil {
		return err
	}
	if err := park.CheckYear("valid_to", to); err != nil {
		return err
	}
	_, err = w.sys.Access.PutListEntry(r.Context(), "", l.Code, &park.WhitelistEntry{Plate: strings.TrimSpace(r.PostFormValue("plate")),
		Kind: park.AccessAllow, Category: park.ListWhite, ValidFrom: from.UTC(), ValidTo: to.UTC(),
		Reason: strings.TrimSpace(r.PostFormValue("reason"))})
	if err != nil {
		return err
	}
	http.Redirect(rw, r, Prefix+"lots/"+l.Code+"/access?added=1", http.StatusSeeOther)
	return nil
}
