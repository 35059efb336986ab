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
	"parkd/internal/charging"
	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/rental"
	"parkd/internal/systemtest"
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

// A coupon's value is shown in its unit (2.00 yuan off is not "200"), and
// its kind and state in the operator's language.
func TestCouponsInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	now := s.Clock.Now()
	for _, c := range []struct {
		id, plate, kind string
		value           int64
	}{
		{"c-amount", "沪A11111", park.CouponAmount, 200}, {"c-hours", "沪A22222", park.CouponHours, 2},
		{"c-minutes", "沪A33333", park.CouponMinutes, 30}, {"c-percent", "沪A44444", park.CouponPercent, 50},
		{"c-free", "沪A55555", park.CouponFree, 1},
	} {
		if _, err := s.Sys.Billing.IssueCoupon(s.Ctx, billing.CouponInput{LotCode: s.Lot, ID: c.id, Plate: c.plate, Kind: c.kind,
			Value: c.value, Merchant: "Shop", ValidFrom: now, ValidTo: now.Add(24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		lang string
		want map[string]string // coupon: its kind, value and state cells
	}{
		{"zh", map[string]string{
			"c-amount":  `<td>金额券</td><td class="num">¥2.00</td><td> Shop</td><td>未使用</td>`,
			"c-hours":   `<td>时长券</td><td class="num">2小时</td><td> Shop</td><td>未使用</td>`,
			"c-minutes": `<td>时长券</td><td class="num">30分钟</td><td> Shop</td><td>未使用</td>`,
			"c-percent": `<td>折扣券</td><td class="num">50%</td><td> Shop</td><td>未使用</td>`,
			"c-free":    `<td>全免券</td><td class="num">—</td><td> Shop</td><td>未使用</td>`,
		}},
		{"pt", map[string]string{
			"c-amount":  `<td>desconto em valor</td><td class="num">2,00 CNY</td><td> Shop</td><td>emitido</td>`,
			"c-hours":   `<td>desconto em tempo</td><td class="num">2 h</td><td> Shop</td><td>emitido</td>`,
			"c-minutes": `<td>desconto em tempo</td><td class="num">30 min</td><td> Shop</td><td>emitido</td>`,
			"c-percent": `<td>desconto percentual</td><td class="num">50%</td><td> Shop</td><td>emitido</td>`,
			"c-free":    `<td>isenção total</td><td class="num">—</td><td> Shop</td><td>emitido</td>`,
		}},
		{"en", map[string]string{
			"c-amount": `<td>amount off</td><td class="num">2.00 CNY</td><td> Shop</td><td>issued</td>`,
			"c-hours":  `<td>time off</td><td class="num">2 h</td><td> Shop</td><td>issued</td>`,
		}},
	} {
		name := "op-" + c.lang
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: name, Role: park.RoleAdmin, Language: c.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
		b := s.browser(t)
		b.mustLogin(name)
		_, body, _ := b.get("/console/lots/" + s.Lot + "/access")
		for id, want := range c.want {
			if !strings.Contains(body, `<td class="code">`+id+`</td>`) || !strings.Contains(body, want) {
				t.Errorf("%s: coupon %s does not read %s:\n%s", c.lang, id,
					want, regexp.MustCompile(`<tr><td class="code">`+id+`</td>.*?</tr>`).FindString(body))
			}
		}
	}
}

// An error page speaks the operator's language wholly: the console's own
// refusals, and a core error by its code and field, without the core's
// English beside it.
func TestErrorsInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	for _, o := range []struct {
		name, lang string
		role       park.Role
	}{{"li", "zh", park.RoleAdmin}, {"maria", "pt", park.RoleAdmin}, {"wang", "zh", park.RoleReadOnly}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: o.role, Language: o.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now().Add(-time.Hour)) // the camera reports lane in-1
	message := regexp.MustCompile(`id="error-message">([^<]*)<`)
	detail := regexp.MustCompile(`id="error-detail">([^<]*)<`)
	check := func(t *testing.T, st int, body string, wantStatus int, wantMsg, wantDetail string) {
		t.Helper()
		m, d := message.FindStringSubmatch(body), detail.FindStringSubmatch(body)
		if st != wantStatus || m == nil || m[1] != wantMsg {
			t.Errorf("%d %q, want %d %q\n%s", st, m, wantStatus, wantMsg, body)
		}
		switch {
		case wantDetail == "" && d != nil:
			t.Errorf("detail %q, want none", d[1])
		case wantDetail != "" && (d == nil || d[1] != wantDetail):
			t.Errorf("detail %q, want %q", d, wantDetail)
		}
	}
	zh, pt, ro := s.browser(t), s.browser(t), s.browser(t)
	zh.mustLogin("li")
	pt.mustLogin("maria")
	ro.mustLogin("wang")
	t.Run("NotFound", func(t *testing.T) {
		st, body, _ := zh.get("/console/lots/nope/lanes")
		check(t, st, body, http.StatusNotFound, "未找到车场 nope：不存在，或不在您可查看的车场范围内。", "")
		st, body, _ = pt.get("/console/stays/nope")
		check(t, st, body, http.StatusNotFound,
			"Não encontrado: estadia nope. Não existe, ou não está entre os estacionamentos que você pode ver.", "")
	})
	t.Run("Forbidden", func(t *testing.T) {
		ro.get("/console/lots/" + s.Lot + "/access")
		st, body, _ := ro.post("/console/lots/"+s.Lot+"/whitelist", url.Values{"plate": {"沪B12345"},
			"valid_from": {"2026-11-23T00:00"}, "valid_to": {"2026-11-30T00:00"}})
		check(t, st, body, http.StatusForbidden, "您的角色不允许此操作。", "")
	})
	t.Run("NoFormToken", func(t *testing.T) {
		st, body, _ := pt.post("/console/lots/"+s.Lot+"/whitelist", url.Values{"csrf": {"forged"}, "plate": {"沪B12345"}})
		check(t, st, body, http.StatusForbidden,
			"Este formulário expirou ou não veio do console; recarregue a página e tente novamente.", "")
	})
	t.Run("Invalid", func(t *testing.T) {
		pt.get("/console/lots/" + s.Lot + "/lanes")
		st, body, _ := pt.post("/console/lots/"+s.Lot+"/lanes/in-1/command", url.Values{"confirmed": {"1"}, "command": {"open"}})
		check(t, st, body, http.StatusBadRequest, "Dado inválido no campo &#34;Motivo&#34;", "")
		zh.get("/console/lots/" + s.Lot + "/access")
		st, body, _ = zh.post("/console/lots/"+s.Lot+"/whitelist", url.Values{"plate": {"沪B12345"},
			"valid_from": {"2026-11-30T00:00"}, "valid_to": {"2026-11-23T00:00"}})
		check(t, st, body, http.StatusBadRequest, "输入有误：结束须晚于开始", "")
	})
}

// The plans table names its column the plan's name, not a user name
// (用户名 is what one signs in with).
func TestPlanNameLabel(t *testing.T) {
	s := newSite(t)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "li", Role: park.RoleAdmin, Language: "zh",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.mustLogin("li")
	_, body, _ := b.get("/console/lots/" + s.Lot + "/access")
	head := regexp.MustCompile(`(?s)<table id="plans">.*?</thead>`).FindString(body)
	if !strings.Contains(head, "<th scope=\"col\">套餐名称</th>") || strings.Contains(head, "用户名") {
		t.Errorf("the plans table's columns: %s", head)
	}
}

// The lanes and stay pages word the core's values (decision, reason,
// event, lane direction, barrier command and result, a stay's state) in
// the operator's language.
func TestLaneValuesInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	for _, o := range []struct{ name, lang string }{{"li", "zh"}, {"maria", "pt"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: park.RoleAdmin, Language: o.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	d := s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now().Add(-time.Hour)) // a visitor, let in at lane in-1
	page := "/console/lots/" + s.Lot + "/lanes"
	pt := s.browser(t)
	pt.mustLogin("maria")
	pt.get(page)
	if st, _, _ := pt.post(page+"/in-1/command", url.Values{"confirmed": {"1"}, "command": {"open"}, "reason": {"ticket perdido"}}); st != http.StatusSeeOther {
		t.Fatalf("open: %d", st)
	}
	for _, c := range []struct {
		who            string
		lane, row, log string
		stayState      string
	}{
		{"li", `in-1 <small>入口</small>`, `<td>入场</td><td><strong>放行</strong> 临时车</td>`, `<td>开闸 <span class="badge">异常抬杆</span></td>`,
			`<dd>在场</dd>`},
		{"maria", `in-1 <small>entrada</small>`, `<td>entrada</td><td><strong>liberado</strong> avulso</td>`,
			`<td>abrir <span class="badge">abertura manual</span></td>`, `<dd>no pátio</dd>`},
	} {
		b := s.browser(t)
		b.mustLogin(c.who)
		_, body, _ := b.get(page)
		for _, want := range []string{c.lane, c.row, c.log} {
			if !strings.Contains(body, want) {
				t.Errorf("%s's lanes page lacks %s:\n%s", c.who, want, body)
			}
		}
		if _, body, _ := b.get("/console/stays/" + d.StayID); !strings.Contains(body, c.stayState) {
			t.Errorf("%s's stay page lacks %s:\n%s", c.who, c.stayState, body)
		}
	}
}

// The button that ends a lane's hold-open says so: "Liberar" is what a
// Brazilian operator says for letting a car through (opening), and 恢复
// does not say what is restored.
func TestReleaseButtonLabel(t *testing.T) {
	s := newSite(t)
	for _, o := range []struct{ name, lang string }{{"li", "zh"}, {"maria", "pt"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: park.RoleAdmin, Language: o.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now().Add(-time.Hour))
	page := "/console/lots/" + s.Lot + "/lanes"
	pt := s.browser(t)
	pt.mustLogin("maria")
	pt.get(page)
	if st, _, _ := pt.post(page+"/in-1/command", url.Values{"confirmed": {"1"}, "command": {"hold_open"}, "reason": {"evento"}}); st != http.StatusSeeOther {
		t.Fatalf("hold open: %d", st)
	}
	for who, want := range map[string]string{"li": "取消常开", "maria": "Voltar ao normal"} {
		b := s.browser(t)
		b.mustLogin(who)
		_, body, _ := b.get(page)
		if !strings.Contains(body, `<button name="command" value="release" class="secondary">`+want+`</button>`) {
			t.Errorf("%s's release button is not %s:\n%s", who, want, body)
		}
	}
}

// A charging session's columns are when charging started and ended, not
// when a car entered and left the lot (入场时间, 出场时间), and a
// charger's availability is in the operator's language.
func TestChargersInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "li", Role: park.RoleAdmin, Language: "zh",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	st, err := s.Sys.Charging.CreateStandard(s.Ctx, charging.StandardInput{Name: "test", Family: park.FamilyTwoWheeler,
		Rules: park.ChargeRules{Kind: "time", MaxMinutes: 960, Payment: "prepaid", RefundTo: "payment",
			Segments: []park.ChargeSegment{{From: "00:00", To: "24:00", Price: 100, BlockMinutes: 240}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sys.Charging.RegisterCharger(s.Ctx, charging.ChargerInput{ID: "CP1", LotCode: s.Lot, Family: park.FamilyTwoWheeler,
		Connectors: 2, Type: "ebike-10", StandardID: st.ID, Password: "0123456789abcdef"}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.mustLogin("li")
	_, body, _ := b.get("/console/lots/" + s.Lot + "/chargers")
	head := regexp.MustCompile(`(?s)<table id="charge-sessions">.*?</thead>`).FindString(body)
	if !strings.Contains(head, "<th scope=\"col\">开始充电</th><th scope=\"col\">结束充电</th>") || strings.Contains(head, "入场") {
		t.Errorf("the sessions' columns: %s", head)
	}
	row := regexp.MustCompile(`(?s)<tr data-charger="CP1">.*?</tr>`).FindString(body)
	if !strings.Contains(row, "离线</span> · 可用</td>") {
		t.Errorf("the charger's state: %s", row)
	}
	// Under CP1, which never charged, that it has no sessions yet.
	if !strings.Contains(body, "<h2>各充电桩最近 5 条充电订单（最新在前）</h2>") {
		t.Errorf("the sessions' heading is not in Chinese:\n%s", body)
	}
	group := regexp.MustCompile(`(?s)<tbody data-charger="CP1">.*?</tbody>`).FindString(body)
	if !strings.Contains(group, "充电桩 <a ") || !strings.Contains(group, "<td colspan=\"7\">暂无充电订单。</td>") {
		t.Errorf("CP1's sessions in Chinese: %s", group)
	}
}

// The audit log writes a lot's change in the lot's time: a whitelist
// entry made at 06:30 in Shanghai is on the 24th there, not at 22:30 on
// the 23rd (UTC), the day before.
func TestAuditTimeInLotsZone(t *testing.T) {
	s := newSite(t)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "li", Role: park.RoleAdmin, Language: "zh",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	s.Clock.Set(time.Date(2026, 11, 23, 22, 30, 0, 0, time.UTC))
	b := s.browser(t)
	b.mustLogin("li")
	b.get("/console/lots/" + s.Lot + "/access")
	if st, body, _ := b.post("/console/lots/"+s.Lot+"/whitelist", url.Values{"plate": {"沪B12345"},
		"valid_from": {"2026-11-24T06:30"}, "valid_to": {"2026-11-30T00:00"}}); st != http.StatusSeeOther {
		t.Fatalf("whitelist: %d\n%s", st, body)
	}
	_, body, _ := b.get("/console/audit")
	row := html.UnescapeString(regexp.MustCompile(`<tr><td>[^<]*</td><td>li</td><td>[^<]*</td><td>` + s.Lot + `</td>`).FindString(body))
	if !strings.HasPrefix(row, "<tr><td>2026-11-24 06:30:00 UTC+08:00</td>") {
		t.Errorf("the whitelist entry's time: %q\n%s", row, body)
	}
}

// Roles and languages are named in the operator's language on the people
// page, the edit form and the header; the forms still post the values.
func TestRolesInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	for _, o := range []struct {
		name, lang string
		role       park.Role
		lots       []string
	}{{"li", "zh", park.RoleAdmin, nil}, {"maria", "pt", park.RoleAdmin, nil}, {"op", "en", park.RoleLotOperator, []string{s.Lot}}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: o.role, Language: o.lang,
			Lots: o.lots, Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		who    string
		header string
		row    string
		option string
	}{
		{"li", `<strong id="whoami">li</strong> (管理员)`, `<td>op</td><td>车场操作员</td><td>` + s.Lot + `</td><td>English</td>`,
			`<option value="lot_operator" selected>车场操作员</option>`},
		{"maria", `<strong id="whoami">maria</strong> (administrador)`,
			`<td>op</td><td>operador de estacionamento</td><td>` + s.Lot + `</td><td>English</td>`,
			`<option value="lot_operator" selected>operador de estacionamento</option>`},
	} {
		b := s.browser(t)
		b.mustLogin(c.who)
		_, body, _ := b.get("/console/audit")
		for _, want := range []string{c.header, c.row, `<option value="zh">中文</option>`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s's people page lacks %s:\n%s", c.who, want, body)
			}
		}
		_, body, _ = b.get("/console/users/op")
		if !strings.Contains(body, c.option) || !strings.Contains(body, `<option value="pt">Português</option>`) {
			t.Errorf("%s's edit form lacks %s:\n%s", c.who, c.option, body)
		}
	}
}

// A stay's price lines, why nothing is due, and a tariff preview's lines
// are worded in the operator's language (a band's name is the tariff's
// own and stays as it is).
func TestPriceLinesInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	for _, o := range []struct{ name, lang string }{{"li", "zh"}, {"maria", "pt"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: park.RoleAdmin, Language: o.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	d := s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now().Add(-time.Hour))
	if _, err := s.Sys.Billing.IssueCoupon(s.Ctx, billing.CouponInput{LotCode: s.Lot, ID: "c-42", Plate: "沪A12345",
		Kind: park.CouponPercent, Value: 50, Merchant: "Shop"}); err != nil {
		t.Fatal(err)
	}
	free := s.Event(t, park.EventEntry, "沪B67890", s.Clock.Now().Add(-5*time.Minute)) // within the 15 free minutes
	for _, c := range []struct{ who, coupon, free, parking string }{
		{"li", "<td>优惠券 c-42 (Shop)</td>", "无需付费: <strong>免费</strong>", "<td>停车费</td>"},
		{"maria", "<td>cupom c-42 (Shop)</td>", "Nada a pagar: <strong>sem cobrança</strong>", "<td>estacionamento</td>"},
	} {
		b := s.browser(t)
		b.mustLogin(c.who)
		if _, body, _ := b.get("/console/stays/" + d.StayID); !strings.Contains(body, c.coupon) {
			t.Errorf("%s's stay page lacks %s:\n%s", c.who, c.coupon, body)
		}
		if _, body, _ := b.get("/console/stays/" + free.StayID); !strings.Contains(body, c.free) {
			t.Errorf("%s's free stay page lacks %s:\n%s", c.who, c.free, body)
		}
		page := "/console/lots/" + s.Lot + "/tariff"
		b.get(page)
		_, body, _ := b.post(page, url.Values{"action": {"preview"}, "tariff": {`{"every":{"minutes":60,"price":300}}`},
			"entry": {"2026-11-23T18:00"}, "exit": {"2026-11-23T20:00"}, "vehicle_class": {"small"}})
		if !strings.Contains(body, c.parking) {
			t.Errorf("%s's preview lacks %s:\n%s", c.who, c.parking, body)
		}
	}
}

// The tariff preview's vehicle classes are named in the operator's
// language, and still post the class.
func TestVehicleClassesInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "maria", Role: park.RoleAdmin, Language: "pt",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.mustLogin("maria")
	page := "/console/lots/" + s.Lot + "/tariff"
	_, body, _ := b.get(page)
	for _, want := range []string{`<option value="small" selected>carro de passeio</option>`, `<option value="motorcycle">moto</option>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the tariff page lacks %s:\n%s", want, body)
		}
	}
	_, body, _ = b.post(page, url.Values{"action": {"preview"}, "tariff": {`{"every":{"minutes":60,"price":300}}`},
		"entry": {"2026-11-23T18:00"}, "exit": {"2026-11-23T20:00"}, "vehicle_class": {"motorcycle"}})
	if !strings.Contains(body, `<option value="motorcycle" selected>moto</option>`) {
		t.Errorf("the preview did not keep the class:\n%s", body)
	}
}

// A lot operator of two lots reads one audit log, newest first, not one
// lot's entries after the other's.
func TestAuditOfSeveralLotsNewestFirst(t *testing.T) {
	s := newSite(t)
	s.CreateLot(t, "OTHER", 5, park.MissedEntryHold)
	s.user(t, "op", park.RoleLotOperator, s.Lot, "OTHER")
	b := s.browser(t)
	b.mustLogin("op")
	start := s.Clock.Now()
	for i, lot := range []string{"OTHER", s.Lot, "OTHER"} { // the lot listed first gets the middle entry
		s.Clock.Set(start.Add(time.Duration(i) * time.Minute))
		b.get("/console/lots/" + lot + "/access")
		if st, body, _ := b.post("/console/lots/"+lot+"/whitelist", url.Values{"plate": {fmt.Sprintf("沪B1234%d", i)},
			"valid_from": {"2026-11-23T00:00"}, "valid_to": {"2026-11-30T00:00"}}); st != http.StatusSeeOther {
			t.Fatalf("whitelist: %d\n%s", st, body)
		}
	}
	_, body, _ := b.get("/console/audit")
	var got []string
	for _, m := range regexp.MustCompile(`<td>whitelist.put</td><td>([^<]*)</td><td>([^<]*)</td>`).FindAllStringSubmatch(body, -1) {
		got = append(got, m[2])
	}
	if want := []string{"沪B12342", "沪B12341", "沪B12340"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("the log's order %v, want %v (newest first)", got, want)
	}
}

// A lot operator's audit log asked for one of its lots (?lot=) shows that
// lot's entries only, page after page; asked for a lot it does not have,
// none.
func TestAuditOfOneLotOfALotOperator(t *testing.T) {
	s := newSite(t)
	s.CreateLot(t, "OTHER", 5, park.MissedEntryHold)
	s.CreateLot(t, "THIRD", 5, park.MissedEntryHold)
	s.user(t, "op", park.RoleLotOperator, s.Lot, "OTHER")
	at := s.Clock.Now()
	if err := s.Store.Update(s.Ctx, func(tx park.Tx) error {
		for i := range 450 { // t000 oldest, the lots in turn: 150 entries each
			lot := []string{s.Lot, "OTHER", "THIRD"}[i%3]
			if err := tx.InsertAudit(s.Ctx, &park.AuditEntry{ID: fmt.Sprintf("a%03d", i), At: at.Add(time.Duration(i) * time.Second),
				Actor: "x", Action: "lot.update", Lot: lot, Target: fmt.Sprintf("t%03d", i)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	targets := regexp.MustCompile(`<td>(t\d{3})</td>`)
	older := regexp.MustCompile(`<a id="older" href="([^"]+)">`)
	b := s.browser(t)
	b.mustLogin("op")
	read := func(path string) (got []string) {
		t.Helper()
		for path != "" {
			st, body, _ := b.get(path)
			if st != http.StatusOK {
				t.Fatalf("%s: %d", path, st)
			}
			for _, m := range targets.FindAllStringSubmatch(body, -1) {
				got = append(got, m[1])
			}
			path = ""
			if m := older.FindStringSubmatch(body); m != nil {
				path = html.UnescapeString(m[1])
			}
		}
		return got
	}
	// OTHER's entries are t001, t004, ... t448: 150, newest first, once.
	got := read("/console/audit?lot=OTHER")
	if len(got) != 150 || got[0] != "t448" || got[149] != "t001" {
		t.Fatalf("OTHER's log: %d entries, %v", len(got), got)
	}
	for i, g := range got {
		if want := fmt.Sprintf("t%03d", 448-3*i); g != want {
			t.Fatalf("OTHER's log, entry %d: %s, want %s", i, g, want)
		}
	}
	if got := read("/console/audit?lot=THIRD"); len(got) != 0 {
		t.Fatalf("the log of a lot the operator does not have: %v", got)
	}
	// Unfiltered: its two lots' 300 entries, newest first, each once.
	got = read("/console/audit")
	if len(got) != 300 || got[0] != "t448" || got[1] != "t447" || got[2] != "t445" || got[299] != "t000" {
		t.Fatalf("the operator's log: %d entries, first %v, last %v", len(got), got[:3], got[len(got)-1])
	}
}

// A delivery is dated in its lot's time, as the audit log: an entry
// reported at 06:30 in Shanghai is not shown at 22:30 the day before.
func TestDeliveryTimeInLotsZone(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	s.entrySubscriber(t, "App")
	s.Clock.Set(time.Date(2026, 11, 23, 22, 30, 0, 0, time.UTC))
	s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now())
	b := s.browser(t)
	b.mustLogin("ana")
	_, body, _ := b.get("/console/deliveries?partner=app")
	row := html.UnescapeString(regexp.MustCompile(`<tr class="delivery-[a-z]+"><td>[^<]*</td>`).FindString(body))
	if !strings.HasSuffix(row, "<td>2026-11-24 06:30:00 UTC+08:00</td>") {
		t.Errorf("the delivery's time: %q\n%s", row, body)
	}
}

// Partners and deliveries name reports, partner types and delivery states
// in the operator's language; the state filter still sends the state.
func TestDeliveriesInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "li", Role: park.RoleAdmin, Language: "zh",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	s.entrySubscriber(t, "App")
	s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now())
	b := s.browser(t)
	b.mustLogin("li")
	_, body, _ := b.get("/console/partners")
	if !strings.Contains(body, " · 普通 · ") || !strings.Contains(body, "<tr><td>入场</td>") {
		t.Errorf("partners page:\n%s", body)
	}
	_, body, _ = b.get("/console/deliveries?partner=app&state=pending")
	for _, want := range []string{`<option value="pending" selected>待推送</option>`, `<option value="failed">失败待重试</option>`,
		`<td>入场 <small`, `<td>待推送</td>`} {
		if !strings.Contains(body, want) {
			t.Errorf("deliveries page lacks %s:\n%s", want, body)
		}
	}
}

// A stay's timeline words a barrier command and its result in the
// operator's language, and keeps the lane, who and why as they were.
func TestTimelineInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	for _, o := range []struct{ name, lang string }{{"li", "zh"}, {"maria", "pt"}, {"ann", "en"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: park.RoleAdmin, Language: o.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	d := s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now().Add(-time.Hour))
	page := "/console/lots/" + s.Lot + "/lanes"
	pt := s.browser(t)
	pt.mustLogin("maria")
	pt.get(page)
	if st, _, _ := pt.post(page+"/in-1/command", url.Values{"confirmed": {"1"}, "command": {"open"}, "reason": {"ticket perdido"}}); st != http.StatusSeeOther {
		t.Fatalf("open: %d", st)
	}
	for who, want := range map[string]string{
		"li":    "<strong>道闸</strong> in-1 开闸 operator:maria ticket perdido (已执行)",
		"maria": "<strong>Cancela</strong> in-1 abrir operator:maria ticket perdido (executado)",
		"ann":   "<strong>Barrier</strong> in-1 open operator:maria ticket perdido (delivered)",
	} {
		b := s.browser(t)
		b.mustLogin(who)
		_, body, _ := b.get("/console/stays/" + d.StayID)
		if li := regexp.MustCompile(`<li class="tl-barrier">.*?</li>`).FindString(body); !strings.Contains(li, want) {
			t.Errorf("%s's timeline: %s, want %s", who, li, want)
		}
	}
}

// The devices and rental pages word a device's kind and lane direction,
// and a rental model's seats, fuel and gearbox, in the operator's
// language.
func TestDevicesAndRentalInOperatorsLanguage(t *testing.T) {
	b := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{"test-cam"}})
	s := &site{Bundle: b, srv: newServer(t, b)}
	for _, o := range []struct{ name, lang string }{{"li", "zh"}, {"maria", "pt"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: park.RoleAdmin, Language: o.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Sys.Devices.Register(s.Ctx, &park.Device{Serial: "cam-1", LotCode: s.Lot, Lane: "in-1", Protocol: "test-cam",
		Addr: "http://192.0.2.9", Username: "admin", Password: "camera-secret"}); err != nil {
		t.Fatal(err)
	}
	r := s.Sys.Rental
	if _, err := r.PutStore(s.Ctx, park.RentalStore{Code: "10001", CompanyCode: "122", Kind: park.RentalStoreKind, Name: "West Lake",
		Address: "1 Wensan Rd", Latitude: 30.27, Longitude: 120.15, City: "330100", Opens: "08:00", Closes: "22:00", Active: true,
		LotCode: s.Lot}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.PutModel(s.Ctx, park.VehicleModel{Code: "100001", Name: "Corolla", Seats: 5, Fuel: "petrol",
		Transmission: "automatic"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.PutVehicle(s.Ctx, rental.VehicleInput{Plate: "浙A12345", VIN: "LVGBE40K8GG123456", StoreCode: "10001",
		ModelCode: "100001", Mileage: 12000}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ who, device, model string }{
		{"li", "<td>in-1 (入口)</td><td>车牌识别相机</td>", "Corolla (5座, 汽油, 自动挡)"},
		{"maria", "<td>in-1 (entrada)</td><td>câmera</td>", "Corolla (5 lugares, gasolina, automático)"},
	} {
		br := s.browser(t)
		br.mustLogin(c.who)
		if _, body, _ := br.get("/console/lots/" + s.Lot + "/devices"); !strings.Contains(body, c.device) {
			t.Errorf("%s's devices page lacks %s:\n%s", c.who, c.device, body)
		}
		if _, body, _ := br.get("/console/lots/" + s.Lot + "/rental"); !strings.Contains(body, c.model) {
			t.Errorf("%s's rental page lacks %s:\n%s", c.who, c.model, body)
		}
	}
}

// A form's refused field, shown beside the form, is worded in the
// operator's language; only the tariff form keeps the core's message
// beside it, the diagnosis of what was typed.
func TestFormErrorsInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	for _, o := range []struct{ name, lang string }{{"li", "zh"}, {"maria", "pt"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: park.RoleAdmin, Language: o.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	zh, pt := s.browser(t), s.browser(t)
	zh.mustLogin("li")
	pt.mustLogin("maria")
	page := "/console/lots/" + s.Lot + "/tariff"
	zh.get(page)
	_, body, _ := zh.post(page, url.Values{"action": {"preview"}, "tariff": {`{"every":{"minutes":60,"price":300}}`},
		"entry": {"yesterday"}, "exit": {"2026-11-23T20:00"}, "vehicle_class": {"small"}})
	if want := `id="tariff-error">输入有误：入场时间不是有效的日期时间</p>`; !strings.Contains(body, want) {
		t.Errorf("the tariff page lacks %s:\n%s", want, body)
	}
	pt.get("/console/users/op")
	_, body, _ = pt.post("/console/users/op", url.Values{"role": {"lot_operator"}, "lots": {"NOPE"}, "language": {"en"}})
	if want := `id="user-error">Dado inválido no campo &#34;Estacionamentos&#34;</p>`; !strings.Contains(body, want) {
		t.Errorf("the edit form lacks %s:\n%s", want, body)
	}
}

// A special vehicle's type and whether it is let in or kept out are
// worded in the operator's language.
func TestSpecialVehiclesInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "li", Role: park.RoleAdmin, Language: "zh",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sys.Access.PutSpecialVehicle(s.Ctx, "", s.Lot, "沪A12345", "ambulance", time.Time{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.mustLogin("li")
	_, body, _ := b.get("/console/lots/" + s.Lot + "/access")
	row := regexp.MustCompile(`<tr><td class="plate">沪A12345</td>.*?</tr>`).FindString(body)
	if !strings.Contains(row, "<td>特种车辆 (放行)</td>") || !strings.HasSuffix(row, "<td>救护车</td></tr>") {
		t.Errorf("the special vehicle's row: %s", row)
	}
}

// The tariff document's prices are minor units: the form says so, with
// an example in the lot's money, so a Brazilian operator does not type
// 5 for five reais (five centavos).
func TestTariffSaysPricesAreMinorUnits(t *testing.T) {
	s := newSite(t)
	if _, err := s.Sys.Gate.CreateLot(s.Ctx, &park.Lot{Code: "sp", Name: "Centro", TimeZone: "America/Sao_Paulo", Currency: "BRL",
		Capacity: 10, ExitGraceMinutes: 15, QuoteTTLSeconds: 300,
		Tariff: []byte(`{"every":{"minutes":60,"price":500}}`)}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, lang, lot, want string }{
		{"maria", "pt", "sp", "preços em centavos: 500 = R$ 5,00"},
		{"li", "zh", s.Lot, "价格以最小货币单位（分）计：500 = ¥5.00"},
	} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: c.name, Role: park.RoleAdmin, Language: c.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
		b := s.browser(t)
		b.mustLogin(c.name)
		_, body, _ := b.get("/console/lots/" + c.lot + "/tariff")
		if !strings.Contains(body, `<small class="hint" id="tariff-units">`+c.want+`</small>`) {
			t.Errorf("%s's tariff form does not say %s:\n%s", c.lang, c.want, body)
		}
	}
}

// The preview says which stay it priced as every page writes a time, not
// as the form's field holds it (2026-11-23T18:00).
func TestPreviewStayWrittenAsTimes(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	b := s.browser(t)
	b.mustLogin("ana")
	page := "/console/lots/" + s.Lot + "/tariff"
	b.get(page)
	_, body, _ := b.post(page, url.Values{"action": {"preview"}, "tariff": {`{"every":{"minutes":60,"price":300}}`},
		"entry": {"2026-11-23T18:00"}, "exit": {"2026-11-24T09:00"}, "vehicle_class": {"small"}})
	if want := `<p id="preview-stay">A car from 2026-11-23 18:00 → 2026-11-24 09:00</p>`; !strings.Contains(body, want) {
		t.Errorf("the preview lacks %s:\n%s", want, body)
	}
}

// The audit log names what was done, and why a sign-in failed, in the
// operator's language.
func TestAuditActionsInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "maria", Role: park.RoleAdmin, Language: "pt",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.browser(t).login("maria", "not the password"); st != http.StatusUnauthorized {
		t.Fatalf("a wrong password: %d", st)
	}
	b := s.browser(t)
	b.mustLogin("maria")
	b.get("/console/lots/" + s.Lot + "/access")
	if st, body, _ := b.post("/console/lots/"+s.Lot+"/whitelist", url.Values{"plate": {"沪B12345"},
		"valid_from": {"2026-11-23T00:00"}, "valid_to": {"2026-11-30T00:00"}}); st != http.StatusSeeOther {
		t.Fatalf("whitelist: %d\n%s", st, body)
	}
	_, body, _ := b.get("/console/audit")
	for _, want := range []string{
		`<td>maria</td><td>inclusão na lista branca/negra</td><td>` + s.Lot + `</td><td>沪B12345</td>`,
		`<td>maria</td><td>entrada no console</td>`,
		`<td>falha ao entrar</td><td></td><td>maria</td><td>senha incorreta</td>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the audit page lacks %s:\n%s", want, body)
		}
	}
}

// A screen reader announces the console's navigation in the operator's
// language.
func TestNavigationLabelInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "li", Role: park.RoleAdmin, Language: "zh",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.mustLogin("li")
	if _, body, _ := b.get("/console/"); !strings.Contains(body, `<nav aria-label="栏目">`) {
		t.Errorf("the navigation's label:\n%s", body)
	}
}

// Since when a device is online or offline reads as a Chinese phrase
// (自 … 起), not a bare 自 before the time.
func TestDeviceSinceInChinese(t *testing.T) {
	b := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{"test-cam"}})
	s := &site{Bundle: b, srv: newServer(t, b)}
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "li", Role: park.RoleAdmin, Language: "zh",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	if err := s.Sys.Devices.Register(s.Ctx, &park.Device{Serial: "cam-1", LotCode: s.Lot, Lane: "in-1", Protocol: "test-cam",
		Addr: "http://192.0.2.9", Username: "admin", Password: "camera-secret"}); err != nil {
		t.Fatal(err)
	}
	br := s.browser(t)
	br.mustLogin("li")
	_, body, _ := br.get("/console/lots/" + s.Lot + "/devices")
	row := regexp.MustCompile(`(?s)<tr data-serial="cam-1">.*?</tr>`).FindString(body)
	if !regexp.MustCompile(`离线</span> · 自 \d{4}-\d\d-\d\d \d\d:\d\d 起</td>`).MatchString(row) {
		t.Errorf("the device's state: %s", row)
	}
}

// A change that clashes with what exists (a name taken, a plate on
// another list) is not told to reload and try again, which cannot help:
// it says which input is taken.
func TestConflictsInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	for _, o := range []struct{ name, lang string }{{"li", "zh"}, {"maria", "pt"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: park.RoleAdmin, Language: o.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Sys.Access.PutSpecialVehicle(s.Ctx, "", s.Lot, "沪A12345", "ambulance", time.Time{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	message := regexp.MustCompile(`id="error-message">([^<]*)<`)
	pt := s.browser(t)
	pt.mustLogin("maria")
	pt.get("/console/audit")
	st, body, _ := pt.post("/console/users", url.Values{"name": {"li"}, "role": {"read_only"}, "language": {"pt"},
		"password": {"another long passphrase"}})
	if m := regexp.MustCompile(`id="add-user-error">([^<]*)<`).FindStringSubmatch(body); st != http.StatusConflict || m == nil ||
		m[1] != "Este nome já está em uso." {
		t.Errorf("a taken name: %d %q\n%s", st, m, body)
	}
	zh := s.browser(t)
	zh.mustLogin("li")
	zh.get("/console/lots/" + s.Lot + "/access")
	st, body, _ = zh.post("/console/lots/"+s.Lot+"/whitelist", url.Values{"plate": {"沪A12345"},
		"valid_from": {"2026-11-23T00:00"}, "valid_to": {"2026-11-30T00:00"}})
	if m := message.FindStringSubmatch(body); st != http.StatusConflict || m == nil || m[1] != "车牌已在本车场的名单中。" {
		t.Errorf("a plate on another list: %d %q\n%s", st, m, body)
	}
}

// TestAuditPages: the audit log shows its newest 200 changes and links to
// the older ones, page after page, for an admin and for a lot operator
// whose lots' logs are merged.
func TestAuditPages(t *testing.T) {
	s := newSite(t)
	s.CreateLot(t, "OTHER", 5, park.MissedEntryHold)
	s.user(t, "ana", park.RoleAdmin)
	s.user(t, "op", park.RoleLotOperator, s.Lot, "OTHER")
	at := s.Clock.Now()
	if err := s.Store.Update(s.Ctx, func(tx park.Tx) error {
		for i := range 305 { // t000 oldest, t304 newest, the lots alternating
			lot := []string{s.Lot, "OTHER"}[i%2]
			if err := tx.InsertAudit(s.Ctx, &park.AuditEntry{ID: fmt.Sprintf("a%03d", i), At: at.Add(time.Duration(i) * time.Second),
				Actor: "x", Action: "lot.update", Lot: lot, Target: fmt.Sprintf("t%03d", i)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	targets := regexp.MustCompile(`<td>(t\d{3})</td>`)
	older := regexp.MustCompile(`<a id="older" href="([^"]+)">`)
	for _, who := range []string{"ana", "op"} {
		t.Run(who, func(t *testing.T) {
			b := s.browser(t)
			b.mustLogin(who)
			var got []string
			path, pages := "/console/audit", 0
			for path != "" {
				st, body, _ := b.get(path)
				if st != http.StatusOK {
					t.Fatalf("%s: %d", path, st)
				}
				pages++
				for _, m := range targets.FindAllStringSubmatch(body, -1) {
					got = append(got, m[1])
				}
				path = ""
				if m := older.FindStringSubmatch(body); m != nil {
					path = html.UnescapeString(m[1])
				}
			}
			// Two pages (200 changes, then the rest, which links no further):
			// every entry once, newest first.
			if pages != 2 || len(got) != 305 || got[0] != "t304" || got[199] != "t105" || got[200] != "t104" || got[304] != "t000" {
				t.Fatalf("%d pages, %d entries: first %v, 200th %v, last %v", pages, len(got), got[0], got[min(199, len(got)-1)], got[len(got)-1])
			}
		})
	}
	b := s.browser(t)
	b.mustLogin("ana")
	if st, _, _ := b.get("/console/audit?before=page2"); st != http.StatusBadRequest {
		t.Fatalf("a garbled page: %d, want 400", st)
	}
}

// TestAccessPageShowsTheNewestCoupons: a busy lot's access page lists its
// newest 100 coupons, newest first, and counts them all.
func TestAccessPageShowsTheNewestCoupons(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	start := s.Clock.Now()
	for i := range 130 { // c000 oldest
		s.Clock.Set(start.Add(time.Duration(i) * time.Second))
		if _, err := s.Sys.Billing.IssueCoupon(s.Ctx, billing.CouponInput{LotCode: s.Lot, ID: fmt.Sprintf("c%03d", i), Plate: fmt.Sprintf("沪A1%04d", i),
			Kind: park.CouponPercent, Value: 10, Merchant: "Shop", ValidFrom: start, ValidTo: start.Add(24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	b := s.browser(t)
	b.mustLogin("ana")
	_, body, _ := b.get("/console/lots/" + s.Lot + "/access")
	var ids []string
	for _, m := range regexp.MustCompile(`<tr><td class="code">(c\d{3})</td>`).FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	if len(ids) != 100 || ids[0] != "c129" || ids[99] != "c030" || !strings.Contains(body, "(130)") {
		t.Fatalf("%d coupons shown, first %v, last %v; want c129 down to c030 of 130", len(ids), ids[:min(1, len(ids))], ids[max(0, len(ids)-1):])
	}
}

// TestAuditPageLinksOlderOnlyWhenThereAreSome: a log of exactly one page
// (200 changes) links to no older page, which would be empty; one change
// more, and the link leads to it.
func TestAuditPageLinksOlderOnlyWhenThereAreSome(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	at := s.Clock.Now()
	insert := func(i int) {
		if err := s.Store.Update(s.Ctx, func(tx park.Tx) error {
			return tx.InsertAudit(s.Ctx, &park.AuditEntry{ID: fmt.Sprintf("a%03d", i), At: at.Add(time.Duration(i) * time.Second),
				Actor: "x", Action: "lot.update", Lot: s.Lot, Target: fmt.Sprintf("t%03d", i)})
		}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 200 {
		insert(i)
	}
	targets := regexp.MustCompile(`<td>(t\d{3})</td>`)
	older := regexp.MustCompile(`<a id="older" href="([^"]+)">`)
	b := s.browser(t)
	b.mustLogin("ana")
	path := "/console/audit?lot=" + s.Lot
	_, body, _ := b.get(path)
	if n := len(targets.FindAllStringSubmatch(body, -1)); n != 200 || older.MatchString(body) {
		t.Fatalf("200 changes: %d shown, older link %v, want 200 and no link", n, older.FindStringSubmatch(body))
	}
	insert(200)
	_, body, _ = b.get(path)
	m := older.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("201 changes: no link to the older one")
	}
	_, body, _ = b.get(html.UnescapeString(m[1]))
	if got := targets.FindAllStringSubmatch(body, -1); len(got) != 1 || got[0][1] != "t000" || older.MatchString(body) {
		t.Fatalf("the older page: %v, want t000 alone and no further link", got)
	}
}

// TestUnknownLaneRefusedFirst: a barrier command for a lane the lot does
// not have is refused at once, in the operator's language and naming the
// lane, not after asking to confirm a lift of a barrier that is not there.
func TestUnknownLaneRefusedFirst(t *testing.T) {
	s := newSite(t)
	for _, o := range []struct{ name, lang string }{{"li", "zh"}, {"maria", "pt"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: park.RoleAdmin, Language: o.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now().Add(-time.Hour)) // the camera reports lane in-1
	message := regexp.MustCompile(`id="error-message">([^<]*)<`)
	for _, c := range []struct{ name, want string }{
		{"li", "未找到车道 ghost：不存在，或不在您可查看的车场范围内。"},
		{"maria", "Não encontrado: pista ghost. Não existe, ou não está entre os estacionamentos que você pode ver."},
	} {
		b := s.browser(t)
		b.mustLogin(c.name)
		b.get("/console/lots/" + s.Lot + "/lanes")
		for _, cmd := range []string{park.GateOpen, park.GateHoldOpen} {
			st, body, _ := b.post("/console/lots/"+s.Lot+"/lanes/ghost/command", url.Values{"command": {cmd}, "reason": {"x"}})
			if m := message.FindStringSubmatch(body); st != http.StatusNotFound || m == nil || m[1] != c.want {
				t.Errorf("%s: %s of lane ghost: %d %q, want 404 %q\n%s", c.name, cmd, st, m, c.want, body)
			}
		}
	}
	if log, _ := s.Sys.Gate.GateLog(s.Ctx, s.Lot, "ghost", 10); len(log) != 0 {
		t.Fatalf("a barrier that is not there was commanded: %+v", log)
	}
}

// TestFilterRefusalsLabelled: a refused filter of a list names the field
// by its label on the page in Chinese and Portuguese, never by the
// parameter's English name.
func TestFilterRefusalsLabelled(t *testing.T) {
	s := newSite(t)
	for _, o := range []struct{ name, lang string }{{"li", "zh"}, {"maria", "pt"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: park.RoleAdmin, Language: o.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	message := regexp.MustCompile(`id="error-message">([^<]*)<`)
	for _, c := range []struct{ user, path, want string }{
		{"li", "/console/deliveries?state=lost", "输入有误：状态"},
		{"maria", "/console/deliveries?state=lost", "Dado inválido no campo &#34;Estado&#34;"},
		{"li", "/console/lots/" + s.Lot + "/bookings?day=tomorrow", "输入有误：日期"},
		{"maria", "/console/lots/" + s.Lot + "/bookings?day=tomorrow", "Dado inválido no campo &#34;Dia&#34;"},
	} {
		b := s.browser(t)
		b.mustLogin(c.user)
		st, body, _ := b.get(c.path)
		if m := message.FindStringSubmatch(body); st != http.StatusBadRequest || m == nil || m[1] != c.want {
			t.Errorf("%s %s: %d %q, want 400 %q", c.user, c.path, st, m, c.want)
		}
	}
}

// TestTariffUnitsOfAWholeCurrency: the yen has no minor unit, so a Tokyo
// lot's tariff form says its prices are whole yen, not "minor units (fen,
// centavos)", "（分）" or "centavos", which led an operator to type 30000
// for ¥300.
func TestTariffUnitsOfAWholeCurrency(t *testing.T) {
	s := newSite(t)
	if _, err := s.Sys.Gate.CreateLot(s.Ctx, &park.Lot{Code: "tokyo", Name: "Shinjuku", TimeZone: "Asia/Tokyo", Currency: "JPY",
		Capacity: 10, ExitGraceMinutes: 15, QuoteTTLSeconds: 300,
		Tariff: []byte(`{"every":{"minutes":60,"price":300}}`)}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, lang, want string }{
		{"ana", "en", "prices in whole units (this currency has none smaller): 500 = 500 JPY"},
		{"li", "zh", "价格以整数货币单位计（该币种无辅币）：500 = 500 JPY"},
		{"maria", "pt", "preços em unidades inteiras (esta moeda não tem centavos): 500 = 500 JPY"},
	} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: c.name, Role: park.RoleAdmin, Language: c.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
		b := s.browser(t)
		b.mustLogin(c.name)
		for _, page := range []string{"tariff", "standards"} {
			_, body, _ := b.get("/console/lots/tokyo/" + page)
			id := map[string]string{"tariff": "tariff-units", "standards": "standard-units"}[page]
			if !strings.Contains(body, `<small class="hint" id="`+id+`">`+c.want+`</small>`) {
				t.Errorf("%s's %s form does not say %s:\n%s", c.lang, page, c.want, body)
			}
		}
	}
}
