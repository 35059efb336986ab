package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"parkd/internal/charging"
	"parkd/internal/operators"
	"parkd/internal/park"
)

// standardsSite is chargerSite with maria (an admin reading Portuguese),
// a read-only viewer, and a standard only lot OTHER's charger CP8 uses.
func standardsSite(t *testing.T) (*site, *park.PriceStandard) {
	t.Helper()
	s := chargerSite(t)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "maria", Role: park.RoleAdmin, Language: "pt",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	s.user(t, "viewer", park.RoleReadOnly)
	other, err := s.Sys.Charging.CreateStandard(s.Ctx, charging.StandardInput{Name: "other only", Family: park.FamilyCar,
		Rules: park.ChargeRules{Kind: "energy", Payment: "balance", RefundTo: "balance",
			Segments: []park.ChargeSegment{{From: "00:00", To: "24:00", Price: 90}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sys.Charging.RegisterCharger(s.Ctx, charging.ChargerInput{ID: "CP8", LotCode: "OTHER", Family: park.FamilyCar,
		Connectors: 1, Type: "ac-7", StandardID: other.ID, Password: "0123456789abcdef"}); err != nil {
		t.Fatal(err)
	}
	return s, other
}

// A standard document of rules (the rules' JSON) named name.
func standardDoc(name, rules string) string {
	return `{"name":"` + name + `","family":1,"rules":` + rules + `}`
}

// TestStandardRefusalInOperatorsLanguage: a standard the charging core
// refuses, created or edited, is explained beside the field in the
// operator's language with the numbers the core gives, and the text is
// kept; English keeps the core's message.
func TestStandardRefusalInOperatorsLanguage(t *testing.T) {
	s, _ := standardsSite(t)
	list := "/console/lots/" + s.Lot + "/standards"
	edit := list + "/1" // "ebike day", which CP1 uses
	// The day left uncovered between 08:00 and 09:00.
	gap := standardDoc("gap", `{"kind":"energy","payment":"balance","refund_to":"balance",`+
		`"segments":[{"from":"00:00","to":"08:00","price":80},{"from":"09:00","to":"24:00","price":80}]}`)
	// A session may last a leap year at most: 366 × 24 × 60 = 527040 minutes.
	long := standardDoc("long", `{"kind":"time","max_minutes":600000,"payment":"balance","refund_to":"balance",`+
		`"segments":[{"from":"00:00","to":"24:00","price":100,"block_minutes":60}]}`)
	// A kind of pricing the rules do not have.
	unknown := standardDoc("odd", `{"kind":"weight","payment":"balance","refund_to":"balance","segments":[]}`)
	// The x is the 11th character of the second line: two spaces,
	// "name" (6), the colon and a space before it.
	const broken = "{\n  \"name\": x\n}"
	refusal := regexp.MustCompile(`id="standard-error">([^<]*)<small class="hint"( lang="en")?>([^<]*)</small>`)
	for _, c := range []struct {
		who, page, doc string
		message, hint  string // message "": any
	}{
		{"li", list, gap, "", "08:00 至 09:00 未被覆盖"},
		{"maria", list, gap, "", "de 08:00 a 09:00 não está coberto"},
		{"li", list, long, "输入有误：standard.rules.max_minutes", "须在 0 到 527040 之间"},
		{"maria", edit, long, `Dado inválido no campo "standard.rules.max_minutes"`, "deve estar entre 0 e 527040"},
		{"li", edit, unknown, "输入有误：standard.rules.kind", "不是本文档可用的名称或取值"},
		{"maria", list, unknown, `Dado inválido no campo "standard.rules.kind"`, "nome ou valor que este documento não aceita"},
		{"li", list, broken, "输入有误：standard", "JSON 格式错误，位于第 2 行第 11 列"},
		{"maria", edit, broken, `Dado inválido no campo "standard"`, "JSON inválido, na linha 2, coluna 11"},
	} {
		b := s.browser(t)
		b.mustLogin(c.who)
		b.get(c.page)
		st, body, _ := b.post(c.page, url.Values{"standard": {c.doc}})
		m := refusal.FindStringSubmatch(body)
		if st != http.StatusUnprocessableEntity || m == nil || m[2] != "" || html.UnescapeString(m[3]) != c.hint ||
			c.message != "" && strings.TrimSpace(html.UnescapeString(m[1])) != c.message {
			t.Errorf("%s %s: %d %q, want 422 %q with hint %q\n%s", c.who, c.doc, st, m, c.message, c.hint, body)
			continue
		}
		if !strings.Contains(html.UnescapeString(body), ">"+c.doc+"</textarea>") {
			t.Errorf("%s: the refused text is not kept\n%s", c.who, body)
		}
	}
	// Nothing was stored: "ebike day" and "other only" only.
	if pg, err := s.Sys.Charging.Standards(s.Ctx, park.PriceStandardFilter{Family: -1, Limit: 10}, 0); err != nil || pg.Total != 2 {
		t.Fatalf("standards after refusals: %+v, %v", pg, err)
	}
	if st, _ := s.Sys.Charging.StandardByID(s.Ctx, 1); st.Name != "ebike day" || st.Rules.MaxMinutes != 960 {
		t.Fatalf("a refused edit changed the standard: %+v", st)
	}
	// English: the core's own message.
	s.user(t, "ed", park.RoleAdmin)
	b := s.browser(t)
	b.mustLogin("ed")
	b.get(list)
	_, body, _ := b.post(list, url.Values{"standard": {long}})
	if want := `<strong>standard.rules.max_minutes</strong>: must be between 0 and 527040, not 600000`; !strings.Contains(body, want) {
		t.Errorf("English refusal: want %s\n%s", want, body)
	}
}

// TestStandardSavedAndListed: an admin creates a standard and edits it
// from the lot's page; both are the charging core's, audited.
func TestStandardSavedAndListed(t *testing.T) {
	s, _ := standardsSite(t)
	list := "/console/lots/" + s.Lot + "/standards"
	b := s.browser(t)
	b.mustLogin("li")
	_, body, _ := b.get("/console/lots/" + s.Lot + "/chargers")
	if !strings.Contains(body, `href="`+list+`">充电收费标准</a>`) {
		t.Fatalf("the lot's pages do not link its price standards:\n%s", body)
	}
	night := standardDoc("night", `{"kind":"energy","payment":"balance","refund_to":"balance",`+
		`"segments":[{"from":"00:00","to":"24:00","price":60}]}`)
	st, _, loc := b.post(list, url.Values{"standard": {night}})
	// The third standard: ids 1 and 2 are the site's.
	if st != http.StatusSeeOther || loc != list+"/3?saved=1" {
		t.Fatalf("create: %d to %q", st, loc)
	}
	got, err := s.Sys.Charging.StandardByID(s.Ctx, 3)
	if err != nil || got.Name != "night" || got.Family != park.FamilyCar || got.Display != "energy" || got.Rules.Segments[0].Price != 60 {
		t.Fatalf("created %+v, %v", got, err)
	}
	_, body, _ = b.get(list)
	row := regexp.MustCompile(`(?s)<tr data-standard="3">.*?</tr>`).FindString(body)
	if !strings.Contains(row, `<a href="`+list+`/3">3</a></td><td>night</td><td>汽车</td><td>按电量</td><td class="num">0</td>`) {
		t.Errorf("the new standard is not listed:\n%s", body)
	}
	// "ebike day": CP1 of this lot uses it (CP9 is another lot's).
	if row := regexp.MustCompile(`(?s)<tr data-standard="1">.*?</tr>`).FindString(body); !strings.Contains(row, `<td>两轮车</td><td>按时长</td><td class="num">1</td>`) {
		t.Errorf("ebike day's row:\n%s", row)
	}
	// Edited in place: 0.60 a kWh to 0.75.
	_, body, _ = b.get(list + "/3?saved=1")
	if !strings.Contains(body, `id="saved"`) || !strings.Contains(body, `&#34;price&#34;: 60`) {
		t.Fatalf("the saved standard's page:\n%s", body)
	}
	st, _, loc = b.post(list+"/3", url.Values{"standard": {strings.Replace(night, `"price":60`, `"price":75`, 1)}})
	if st != http.StatusSeeOther || loc != list+"/3?saved=1" {
		t.Fatalf("save: %d to %q", st, loc)
	}
	if got, _ := s.Sys.Charging.StandardByID(s.Ctx, 3); got.Rules.Segments[0].Price != 75 {
		t.Fatalf("edited price %d, want 75", got.Rules.Segments[0].Price)
	}
	es, err := s.AuditLog(park.AuditFilter{Actor: "li"})
	var actions []string
	for _, e := range es {
		if e.Target == "3" {
			actions = append(actions, e.Action)
		}
	}
	if err != nil || fmt.Sprint(actions) != "[price_standard.update price_standard.create]" {
		t.Fatalf("audit of standard 3: %v, %v", actions, err)
	}
}

// TestStandardRoles: standards span lots, so only an admin changes one:
// a read-only viewer or the lot's operator is not offered the forms and a
// post anyway is the console's refusal; a lot operator sees only the
// standards its lot's chargers use, another's reading as not there.
func TestStandardRoles(t *testing.T) {
	s, other := standardsSite(t)
	list := "/console/lots/" + s.Lot + "/standards"
	doc := standardDoc("sneaky", `{"kind":"energy","payment":"balance","refund_to":"balance",`+
		`"segments":[{"from":"00:00","to":"24:00","price":1}]}`)
	message := regexp.MustCompile(`id="error-message">([^<]*)<`)
	for _, who := range []string{"viewer", "op"} {
		b := s.browser(t)
		b.mustLogin(who)
		_, body, _ := b.get(list)
		if strings.Contains(body, `id="create"`) || !strings.Contains(body, `data-standard="1"`) {
			t.Errorf("%s's list (no create form, ebike day listed):\n%s", who, body)
		}
		_, body, _ = b.get(list + "/1")
		if strings.Contains(body, `id="save"`) || !strings.Contains(body, "readonly") {
			t.Errorf("%s is offered Save:\n%s", who, body)
		}
		for _, page := range []string{list, list + "/1"} {
			st, body, _ := b.post(page, url.Values{"standard": {doc}})
			if m := message.FindStringSubmatch(body); st != http.StatusForbidden || m == nil || m[1] != "your role does not allow this change" {
				t.Errorf("%s posting to %s: %d %q, want 403 and the console's refusal", who, page, st, m)
			}
		}
	}
	if pg, _ := s.Sys.Charging.Standards(s.Ctx, park.PriceStandardFilter{Family: -1, Limit: 10}, 0); pg.Total != 2 {
		t.Fatalf("%d standards, want the site's 2", pg.Total)
	}
	if st, _ := s.Sys.Charging.StandardByID(s.Ctx, 1); st.Rules.Segments[0].Price != 100 {
		t.Fatalf("a refused post changed ebike day: %+v", st.Rules)
	}
	// The lot's operator: "other only" (lot OTHER's CP8) is not listed
	// and its page is a 404, as an id that does not exist is.
	op := s.browser(t)
	op.mustLogin("op")
	if _, body, _ := op.get(list); strings.Contains(body, `data-standard="2"`) {
		t.Errorf("another lot's standard is listed to the lot's operator:\n%s", body)
	}
	for _, id := range []string{fmt.Sprint(other.ID), "999", "x"} {
		st, body, _ := op.get(list + "/" + id)
		if m := message.FindStringSubmatch(body); st != http.StatusNotFound || m == nil || !strings.Contains(m[1], id) {
			t.Errorf("op on standard %s: %d %q, want 404 naming it", id, st, m)
		}
	}
	zh := s.browser(t)
	zh.mustLogin("li")
	if st, body, _ := zh.get(list + "/999"); st != http.StatusNotFound ||
		!strings.Contains(body, "未找到充电收费标准 999：不存在，或不在您可查看的车场范围内。") {
		t.Errorf("li on standard 999: %d\n%s", st, body)
	}
	// Another lot's operator does not see this lot's page at all.
	s.user(t, "bo", park.RoleLotOperator, "OTHER")
	bo := s.browser(t)
	bo.mustLogin("bo")
	if st, _, _ := bo.get(list + "/1"); st != http.StatusNotFound {
		t.Errorf("another lot's operator: %d, want 404", st)
	}
	if st, _, _ := bo.post(list, url.Values{"standard": {doc}}); st != http.StatusNotFound {
		t.Errorf("another lot's operator posting: %d", st)
	}
}
