package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"parkd/internal/access"
	"parkd/internal/billing"
	"parkd/internal/operators"
	"parkd/internal/park"
)

// The access page of a lot: its passes and their plans, its lists
// (whitelist, deny list, special vehicles, hotel guests) and its
// coupons; a plate can be put on the whitelist, or refused, from here.
func accessSection() section {
	return section{key: "access", lotPath: "access", routes: []route{
		{"GET " + Prefix + "lots/{lot}/access", (*Console).accessPage},
		{"POST " + Prefix + "lots/{lot}/whitelist", (*Console).whitelistAdd},
		{"POST " + Prefix + "lots/{lot}/deny", (*Console).denyAdd},
		{"GET " + Prefix + "lots/{lot}/deny/{id}/delete", (*Console).denyAsk},
		{"POST " + Prefix + "lots/{lot}/deny/{id}/delete", (*Console).denyDelete},
		{"GET " + Prefix + "lots/{lot}/whitelist/{id}/delete", (*Console).allowAsk},
		{"POST " + Prefix + "lots/{lot}/whitelist/{id}/delete", (*Console).allowDelete},
	}}
}

// removable is a list whose entries the access page removes, each
// asking first: the deny list's refusals and the whitelist's plates.
type removable struct {
	kind     string // the entries of the list (category whitelist): park.AccessDeny or AccessAllow
	notFound string // the kind of a missing entry (a word kind_<notFound>)
	question string // the word asking
	done     string // the page's parameter saying it was removed
	remove   func(a *access.Service, ctx context.Context, lot, id string) error
}

var (
	denyList  = removable{park.AccessDeny, "deny_entry", "confirm_undeny", "undenied", (*access.Service).DeleteDenyEntry}
	allowList = removable{park.AccessAllow, "white_entry", "confirm_unwhitelist", "unlisted", (*access.Service).DeleteAllowEntry}
)

type accessData struct {
	Lot       *park.Lot
	Loc       *time.Location
	Passes    []*park.Pass
	Plans     []*park.Plan
	Whitelist []*park.WhitelistEntry
	Special   []*park.WhitelistEntry
	Hotel     []*park.WhitelistEntry
	Deny      []*park.WhitelistEntry // the deny list: refused plates
	// Each list's next page and its first ("" : none), keeping the pages
	// of the others as they are.
	PassesNext, WhitelistNext, DenyNext, SpecialNext, HotelNext      string
	PassesFirst, WhitelistFirst, DenyFirst, SpecialFirst, HotelFirst string
	Coupons                                                          []couponRow
	Total                                                            int // coupons in all
	CanChange                                                        bool
	From, To                                                         string
	Added                                                            bool
	Denied, Undenied                                                 bool // a plate refused, a refusal removed
	Unlisted                                                         bool // a plate taken off the whitelist
	// A refused form ("whitelist" or "deny"), its refusal and what was
	// typed in it, shown again in that form.
	Refused          string
	Refusal          pageError
	Plate, Reason    string
	DenyFrom, DenyTo string
}

func (w *Console) accessPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	return w.showAccess(rw, r, p, l, nil)
}

// refuseAccessForm shows the access page again after the form named
// form was refused with err, the refusal beside that form and what was
// typed kept in it; an error that is no refusal of the input (forbidden,
// not found, internal) is returned for the error page.
func (w *Console) refuseAccessForm(rw http.ResponseWriter, r *http.Request, p *operators.Principal, l *park.Lot,
	form string, err error) error {
	e := describe(p.Language, err)
	if e.Status != http.StatusBadRequest && e.Status != http.StatusConflict {
		return err
	}
	return w.showAccess(rw, r, p, l, &accessData{Refused: form, Refusal: e, Plate: r.PostFormValue("plate"),
		Reason: r.PostFormValue("reason"), From: r.PostFormValue("valid_from"), To: r.PostFormValue("valid_to")})
}

// showAccess renders the access page; typed, when a form was refused,
// holds that form's refusal and fields.
func (w *Console) showAccess(rw http.ResponseWriter, r *http.Request, p *operators.Principal, l *park.Lot,
	typed *accessData) error {
	var err error
	ctx := r.Context()
	loc := l.Location()
	now := w.now().In(loc)
	d := accessData{Lot: l, Loc: loc, CanChange: p.MayChange(l.Code), Added: r.URL.Query().Get("added") != "",
		Denied: r.URL.Query().Get("denied") != "", Undenied: r.URL.Query().Get("undenied") != "",
		Unlisted: r.URL.Query().Get("unlisted") != "",
		From:     now.Format(dateTimeLocal), To: now.AddDate(0, 1, 0).Format(dateTimeLocal)}
	status := http.StatusOK
	if typed != nil {
		d.Refused, d.Refusal, d.Plate, d.Reason, status = typed.Refused, typed.Refusal, typed.Plate, typed.Reason, typed.Refusal.Status
		if typed.Refused == "deny" {
			d.DenyFrom, d.DenyTo = typed.From, typed.To
		} else {
			d.From, d.To = typed.From, typed.To
		}
	}
	// Passes and each list a page at a time, each read once: a lot's
	// 5,000 passes or 20,000 entries are not read or drawn at once.
	q := r.URL.Query()
	link := func(key, value string) string {
		v := url.Values{}
		for _, k := range []string{"passes_after", "whitelist_after", "deny_after", "special_after", "hotel_after"} {
			if x := q.Get(k); x != "" && k != key {
				v.Set(k, x)
			}
		}
		if value != "" {
			v.Set(key, value)
		}
		if len(v) == 0 {
			return Prefix + "lots/" + l.Code + "/access"
		}
		return Prefix + "lots/" + l.Code + "/access?" + v.Encode()
	}
	first := func(key string) string {
		if q.Get(key) == "" {
			return ""
		}
		return link(key, "")
	}
	var more bool
	if d.Passes, more, err = w.sys.Access.PassPage(ctx, "", l.Code, q.Get("passes_after"), accessPageSize); err != nil {
		return fieldAs(err, "after", "passes_after")
	}
	if more {
		d.PassesNext = link("passes_after", d.Passes[len(d.Passes)-1].ID)
	}
	d.PassesFirst = first("passes_after")
	if d.Plans, err = w.sys.Access.ListPlans(ctx, "", l.Code); err != nil {
		return err
	}
	entries := func(category string) func(string) ([]*park.WhitelistEntry, bool, error) {
		return func(after string) ([]*park.WhitelistEntry, bool, error) {
			return w.sys.Access.EntryPage(ctx, "", l.Code, category, after, accessPageSize)
		}
	}
	for _, list := range []struct {
		page        func(after string) ([]*park.WhitelistEntry, bool, error)
		key         string
		out         *[]*park.WhitelistEntry
		next, first *string
	}{
		{entries(park.ListWhite), "whitelist_after", &d.Whitelist, &d.WhitelistNext, &d.WhitelistFirst},
		{func(after string) ([]*park.WhitelistEntry, bool, error) {
			return w.sys.Access.DenyPage(ctx, "", l.Code, after, accessPageSize)
		}, "deny_after", &d.Deny, &d.DenyNext, &d.DenyFirst},
		{entries(park.ListSpecial), "special_after", &d.Special, &d.SpecialNext, &d.SpecialFirst},
		{entries(park.ListHotel), "hotel_after", &d.Hotel, &d.HotelNext, &d.HotelFirst},
	} {
		if *list.out, more, err = list.page(q.Get(list.key)); err != nil {
			return fieldAs(err, "after", list.key)
		}
		if more {
			es := *list.out
			*list.next = link(list.key, es[len(es)-1].PlateKey)
		}
		*list.first = first(list.key)
	}
	// The newest coupons, as the coupons page's first page, and how many
	// the lot has, read together so the count agrees with the list.
	cp, err := w.sys.Billing.CouponPageTotal(ctx, billing.CouponQuery{LotCode: l.Code, Limit: couponPageSize, Newest: true})
	if err != nil {
		return err
	}
	d.Coupons, d.Total = w.couponRows(cp.Coupons), cp.Total
	w.render(rw, r, status, "access", p, "overview", d)
	return nil
}

// accessPageSize is how many passes, and entries of each list, the access
// page shows at a time.
const accessPageSize = 100

// fieldAs names a refusal of the core's field from as the page's
// parameter to, so the operator sees which link or address was wrong.
func fieldAs(err error, from, to string) error {
	var pe *park.Error
	if errors.As(err, &pe) && pe.Code == park.EInvalid && pe.Field == from {
		named := *pe
		named.Field = to
		return &named
	}
	return err
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
	from, to, err := formWindow(r, l.Location(), false)
	if err == nil {
		_, err = w.sys.Access.PutListEntry(r.Context(), "", l.Code, &park.WhitelistEntry{Plate: strings.TrimSpace(r.PostFormValue("plate")),
			Kind: park.AccessAllow, Category: park.ListWhite, ValidFrom: from, ValidTo: to,
			Reason: strings.TrimSpace(r.PostFormValue("reason"))})
	}
	if err != nil {
		return w.refuseAccessForm(rw, r, p, l, "whitelist", err)
	}
	http.Redirect(rw, r, Prefix+"lots/"+l.Code+"/access?added=1", http.StatusSeeOther)
	return nil
}

// denyAdd refuses a plate in the lot, for a window or, its ends left
// empty, open-ended as the core makes it.
func (w *Console) denyAdd(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	if err := mayChange(p, l.Code); err != nil {
		return err
	}
	from, to, err := formWindow(r, l.Location(), true)
	if err == nil {
		_, err = w.sys.Access.CreateDenyEntry(r.Context(), l.Code, strings.TrimSpace(r.PostFormValue("plate")), from, to,
			strings.TrimSpace(r.PostFormValue("reason")))
	}
	if err != nil {
		return w.refuseAccessForm(rw, r, p, l, "deny", err)
	}
	http.Redirect(rw, r, Prefix+"lots/"+l.Code+"/access?denied=1", http.StatusSeeOther)
	return nil
}

// denyAsk asks before denyDelete removes a refusal: the deny list's
// Remove leads here.
func (w *Console) denyAsk(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	return w.removeAsk(rw, r, p, denyList)
}

// denyDelete removes a refusal of the lot's deny list.
func (w *Console) denyDelete(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	return w.removeEntry(rw, r, p, denyList)
}

// allowAsk asks before allowDelete takes a plate off the whitelist.
func (w *Console) allowAsk(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	return w.removeAsk(rw, r, p, allowList)
}

// allowDelete takes a plate off the lot's whitelist.
func (w *Console) allowDelete(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	return w.removeEntry(rw, r, p, allowList)
}

func (w *Console) removeAsk(rw http.ResponseWriter, r *http.Request, p *operators.Principal, list removable) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	if err := mayChange(p, l.Code); err != nil {
		return err
	}
	e, err := w.sys.Access.GetWhitelist(r.Context(), l.Code, r.PathValue("id"))
	if err == nil && (e.Category != park.ListWhite || e.Kind != list.kind) { // as the list's remove refuses it
		err = park.Errorf(park.ENotFound, "list entry %q not found", e.ID)
	}
	if err != nil {
		return notFoundAs(err, list.notFound, r.PathValue("id"))
	}
	w.confirm(rw, r, p, "overview", list.question, "remove", r.URL.Path, Prefix+"lots/"+l.Code+"/access", nil, e.Plate)
	return nil
}

func (w *Console) removeEntry(rw http.ResponseWriter, r *http.Request, p *operators.Principal, list removable) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	if err := mayChange(p, l.Code); err != nil {
		return err
	}
	if err := list.remove(w.sys.Access, r.Context(), l.Code, r.PathValue("id")); err != nil {
		return notFoundAs(err, list.notFound, r.PathValue("id"))
	}
	http.Redirect(rw, r, Prefix+"lots/"+l.Code+"/access?"+list.done+"=1", http.StatusSeeOther)
	return nil
}

// formWindow reads a form's valid_from and valid_to, typed in the lot's
// time loc; with optional, an empty one is zero (the core decides what
// that means).
func formWindow(r *http.Request, loc *time.Location, optional bool) (from, to time.Time, err error) {
	read := func(name string) (time.Time, error) {
		v := r.PostFormValue(name)
		if optional && strings.TrimSpace(v) == "" {
			return time.Time{}, nil
		}
		t, err := park.ParseWallTime(dateTimeLocal, v, loc)
		if err != nil {
			return t, &badTime{field: name, value: v}
		}
		return t.UTC(), park.CheckYear(name, t)
	}
	if from, err = read("valid_from"); err != nil {
		return from, to, err
	}
	to, err = read("valid_to")
	return from, to, err
}
