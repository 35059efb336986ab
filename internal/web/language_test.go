package web_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/operators"
	"parkd/internal/park"
)

// A Brazilian operator reads reais as R$ 1.234,50 and a Chinese one yuan
// as ¥300.00, on every page that shows money (here a plan's price).
func TestMoneyInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	if _, err := s.Sys.Gate.CreateLot(s.Ctx, &park.Lot{Code: "sp", Name: "Centro", TimeZone: "America/Sao_Paulo", Currency: "BRL",
		Capacity: 10, ExitGraceMinutes: 15, QuoteTTLSeconds: 300,
		Tariff: []byte(`{"every":{"minutes":60,"price":500}}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sys.Access.CreatePlan(s.Ctx, "sp", &park.Plan{Code: "mensal", Name: "Mensal", Price: 123450}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sys.Access.CreatePlan(s.Ctx, s.Lot, &park.Plan{Code: "monthly", Name: "标准月租", Price: 30000}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, lang, lot, want string }{
		{"maria", "pt", "sp", "R$ 1.234,50"},
		{"li", "zh", s.Lot, "¥300.00"},
		{"ann", "en", s.Lot, "300.00 CNY"},
	} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: c.name, Role: park.RoleAdmin, Language: c.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
		b := s.browser(t)
		b.mustLogin(c.name)
		_, body, _ := b.get("/console/lots/" + c.lot + "/access")
		plans := regexp.MustCompile(`(?s)<table id="plans">.*?</table>`).FindString(body)
		if !strings.Contains(plans, `<td class="num">`+c.want+`</td>`) {
			t.Errorf("%s sees the plan's price not as %s:\n%s", c.lang, c.want, plans)
		}
	}
}

// A coupon whose window has ended is expired on the access page, not
// issued: it takes nothing off any stay any more.
func TestCouponExpiredOnAccessPage(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	now := s.Clock.Now()
	if _, err := s.Sys.Billing.IssueCoupon(s.Ctx, billing.CouponInput{LotCode: s.Lot, ID: "c-old", Plate: "沪A12345",
		Kind: park.CouponPercent, Value: 50, Merchant: "Shop", ValidFrom: now, ValidTo: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sys.Billing.IssueCoupon(s.Ctx, billing.CouponInput{LotCode: s.Lot, ID: "c-new", Plate: "沪A12345",
		Kind: park.CouponPercent, Value: 50, Merchant: "Shop", ValidFrom: now, ValidTo: now.Add(3 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	s.Clock.Set(now.Add(2 * time.Hour))
	b := s.browser(t)
	b.mustLogin("ana")
	_, body, _ := b.get("/console/lots/" + s.Lot + "/access")
	row := func(id string) string {
		return regexp.MustCompile(`<tr><td class="code">` + id + `</td>.*?</tr>`).FindString(body)
	}
	if r := row("c-old"); !strings.Contains(r, "<td>expired</td>") {
		t.Errorf("a coupon past its window does not read expired: %s", r)
	}
	if r := row("c-new"); !strings.Contains(r, "<td>issued</td>") {
		t.Errorf("a coupon in its window does not read issued: %s", r)
	}
}
