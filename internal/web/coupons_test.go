package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/operators"
	"parkd/internal/park"
)

// couponIDs are the ids of the coupons a coupons page lists, in order.
func couponIDs(body string) []string {
	var ids []string
	for _, m := range regexp.MustCompile(`<tr class="coupon-\w+"><td class="code">([^<]+)</td>`).FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// couponRowOf is the row of coupon id on a coupons page.
func couponRowOf(body, id string) string {
	return regexp.MustCompile(`<tr class="coupon-\w+"><td class="code">` + regexp.QuoteMeta(id) + `</td>.*?</tr>`).FindString(body)
}

// TestCouponsPage: a lot's coupons page lists its coupons, newest first,
// each with its value in the lot's currency (reais here) and its state
// in the operator's language; a coupon used on a stay links the stay;
// another lot's coupons are not there; the state and plate filters
// select as the core does; a lot operator of another lot gets no page.
func TestCouponsPage(t *testing.T) {
	s := newSite(t)
	if _, err := s.Sys.Gate.UpdateLot(s.Ctx, s.Lot, func(l *park.Lot) error { l.Currency = "BRL"; return nil }); err != nil {
		t.Fatal(err)
	}
	other := s.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	issue := func(lot, id, plate, kind string, value int64, from, to time.Time) {
		t.Helper()
		if _, err := s.Sys.Billing.IssueCoupon(s.Ctx, billing.CouponInput{LotCode: lot, ID: id, Plate: plate, Kind: kind,
			Value: value, Merchant: "Shop", ValidFrom: from, ValidTo: to}); err != nil {
			t.Fatal(err)
		}
	}
	start := s.Clock.Now()
	// c-old's hour ends before now: expired.
	issue(s.Lot, "c-old", "沪A44444", park.CouponPercent, 50, start, start.Add(time.Hour))
	now := start.Add(2 * time.Hour)
	s.Clock.Set(now)
	issue(s.Lot, "c-amount", "沪A11111", park.CouponAmount, 250, now, now.Add(24*time.Hour))
	issue(s.Lot, "c-gone", "沪A33333", park.CouponMinutes, 30, now, now.Add(24*time.Hour))
	if _, err := s.Sys.Billing.DeleteCoupon(s.Ctx, s.Lot, "c-gone", ""); err != nil {
		t.Fatal(err)
	}
	issue(other.Code, "c-elsewhere", "沪A11111", park.CouponAmount, 100, now, now.Add(24*time.Hour))
	entry := s.Event(t, park.EventEntry, "沪A22222", now.Add(-time.Hour))
	issue(s.Lot, "c-free", "沪A22222", park.CouponFree, 1, now, now.Add(24*time.Hour))
	s.Event(t, park.EventExit, "沪A22222", now) // free with the coupon: it is used
	for _, o := range []struct {
		name, lang string
		role       park.Role
		lots       []string
	}{{"li", "zh", park.RoleAdmin, nil}, {"maria", "pt", park.RoleLotOperator, []string{s.Lot}}, {"bo", "en", park.RoleLotOperator, []string{other.Code}}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: o.role, Lots: o.lots,
			Language: o.lang, Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	page := "/console/lots/" + s.Lot + "/coupons"
	stayLink := `<a href="/console/stays/` + entry.StayID + `">`
	for _, c := range []struct {
		who  string
		want map[string][]string // coupon: cells its row has
	}{
		{"li", map[string][]string{
			"c-amount": {`<td>金额券</td><td class="num">2.50 BRL</td>`, `<td>未使用</td>`, `<td>Shop</td>`},
			"c-free":   {`<td>全免券</td>`, `<td>已使用</td>`, stayLink},
			"c-gone":   {`<td class="num">30分钟</td>`, `<td>已作废</td>`},
			"c-old":    {`<td class="num">50%</td>`, `<td>已过期</td>`},
		}},
		{"maria", map[string][]string{
			"c-amount": {`<td>desconto em valor</td><td class="num">R$ 2,50</td>`, `<td>emitido</td>`},
			"c-free":   {`<td>isenção total</td>`, `<td>usado</td>`, stayLink},
			"c-gone":   {`<td class="num">30 min</td>`, `<td>excluído</td>`},
			"c-old":    {`<td>expirado</td>`},
		}},
	} {
		b := s.browser(t)
		b.mustLogin(c.who)
		st, body, _ := b.get(page)
		if st != http.StatusOK {
			t.Fatalf("%s: coupons page %d", c.who, st)
		}
		// Coupons issued in the same instant come by id, as the core keeps them.
		if got, want := strings.Join(couponIDs(body), " "), "c-gone c-free c-amount c-old"; got != want {
			t.Errorf("%s sees coupons %q, want %q (newest first, this lot's only)", c.who, got, want)
		}
		for id, cells := range c.want {
			row := couponRowOf(body, id)
			for _, cell := range cells {
				if !strings.Contains(row, cell) {
					t.Errorf("%s: %s's row lacks %s:\n%s", c.who, id, cell, row)
				}
			}
		}
		if !strings.Contains(body, `href="/console/lots/`+s.Lot+`/coupons"`) {
			t.Errorf("%s: the lot's navigation does not link its coupons", c.who)
		}
	}

	b := s.browser(t)
	b.mustLogin("maria")
	for _, c := range []struct{ query, want string }{
		{"state=used", "c-free"},
		{"state=expired", "c-old"},
		{"state=issued", "c-amount"},
		{"state=deleted", "c-gone"},
		{"plate=" + url.QueryEscape("沪A11111"), "c-amount"},
		{"state=used&plate=" + url.QueryEscape("沪A11111"), ""},
	} {
		_, body, _ := b.get(page + "?" + c.query)
		if got := strings.Join(couponIDs(body), " "); got != c.want {
			t.Errorf("%s: coupons %q, want %q", c.query, got, c.want)
		}
	}
	for _, bad := range []string{"state=lost", "before=nope"} {
		if st, _, _ := b.get(page + "?" + bad); st != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, st)
		}
	}
	if st, _, _ := b.get("/console/lots/" + other.Code + "/coupons"); st != http.StatusNotFound {
		t.Errorf("maria, of %s, opens %s's coupons: %d, want 404", s.Lot, other.Code, st)
	}
	bo := s.browser(t)
	bo.mustLogin("bo")
	if st, body, _ := bo.get(page); st != http.StatusNotFound || strings.Contains(body, "c-amount") {
		t.Errorf("bo, of %s, opens %s's coupons: %d, want 404", other.Code, s.Lot, st)
	}
}

// TestCouponsPagePages: 130 coupons are shown 100 at a time, newest
// first; the older page is placed by the last coupon shown, so one issued
// between the two clicks repeats none and hides none: it has the oldest
// 30 and links to the first page, keeping the filter.
func TestCouponsPagePages(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	start := s.Clock.Now()
	issue := func(i int) {
		t.Helper()
		s.Clock.Set(start.Add(time.Duration(i) * time.Second))
		if _, err := s.Sys.Billing.IssueCoupon(s.Ctx, billing.CouponInput{LotCode: s.Lot, ID: fmt.Sprintf("c%03d", i),
			Plate: fmt.Sprintf("沪A1%04d", i), Kind: park.CouponPercent, Value: 10, Merchant: "Shop", ValidFrom: start,
			ValidTo: start.Add(24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 130 { // c000 oldest
		issue(i)
	}
	b := s.browser(t)
	b.mustLogin("ana")
	_, body, _ := b.get("/console/lots/" + s.Lot + "/coupons?state=issued")
	ids := couponIDs(body)
	if len(ids) != 100 || ids[0] != "c129" || ids[99] != "c030" {
		t.Fatalf("first page: %d coupons, %v … %v; want c129 down to c030", len(ids), ids[:min(1, len(ids))], ids[max(0, len(ids)-1):])
	}
	if strings.Contains(body, `id="coupons-first"`) {
		t.Error("the first page links to the first page")
	}
	older := regexp.MustCompile(`<a id="coupons-next" href="([^"]+)">`).FindStringSubmatch(body)
	if older == nil {
		t.Fatal("no older page link")
	}
	// c130 is issued between the clicks: counted by skip, the next page
	// would start at c030 again (131 - 100 = 31 rows left: c030…c000).
	// From c030 it is c029 down to c000, 30 coupons.
	issue(130)
	_, body, _ = b.get(html.UnescapeString(older[1]))
	ids = couponIDs(body)
	if len(ids) != 30 || ids[0] != "c029" || ids[29] != "c000" {
		t.Fatalf("second page: %d coupons, %v … %v; want c029 down to c000", len(ids), ids[:min(1, len(ids))], ids[max(0, len(ids)-1):])
	}
	if strings.Contains(body, `id="coupons-next"`) {
		t.Error("the last page links an older one")
	}
	first := regexp.MustCompile(`<a id="coupons-first" href="([^"]+)">`).FindStringSubmatch(body)
	if first == nil || html.UnescapeString(first[1]) != "/console/lots/"+s.Lot+"/coupons?state=issued" {
		t.Errorf("first page link %v, want the filtered first page", first)
	}
	_, body, _ = b.get(html.UnescapeString(first[1]))
	if ids = couponIDs(body); len(ids) != 100 || ids[0] != "c130" || ids[99] != "c031" {
		t.Errorf("first page again: %d coupons, %v … %v; want c130 down to c031", len(ids), ids[:min(1, len(ids))], ids[max(0, len(ids)-1):])
	}
}

// TestCouponsOlderLinkWords: the link to older coupons names them as the
// page's heading and every other line of the console do (优惠券 in
// Chinese), not by another word. 101 coupons make a second page
// (100 a page), so the link shows.
func TestCouponsOlderLinkWords(t *testing.T) {
	s := newSite(t)
	start := s.Clock.Now()
	for i := range 101 {
		s.Clock.Set(start.Add(time.Duration(i) * time.Second))
		if _, err := s.Sys.Billing.IssueCoupon(s.Ctx, billing.CouponInput{LotCode: s.Lot, ID: fmt.Sprintf("c%03d", i),
			Plate: fmt.Sprintf("沪A1%04d", i), Kind: park.CouponPercent, Value: 10, ValidFrom: start,
			ValidTo: start.Add(24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "li", Role: park.RoleAdmin, Language: "zh",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.mustLogin("li")
	_, body, _ := b.get("/console/lots/" + s.Lot + "/coupons")
	link := regexp.MustCompile(`<a id="coupons-next" href="[^"]+">([^<]*)</a>`).FindStringSubmatch(body)
	if link == nil || link[1] != "更早的优惠券" {
		t.Errorf("older link %v, want it to read 更早的优惠券", link)
	}
}
