package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"parkd/internal/operators"
	"parkd/internal/park"
)

// TestBadCursorNamedInTheLanguage: a page link (before) that names no
// coupon or anomaly of the lot is refused naming it in the page's
// language, as its older-page link reads, not as the API's field.
func TestBadCursorNamedInTheLanguage(t *testing.T) {
	s := newSite(t)
	for _, u := range []struct{ name, lang string }{{"li", "zh"}, {"maria", "pt"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: u.name, Role: park.RoleAdmin, Language: u.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ user, page, want, notWant string }{
		{"li", "coupons?before=nope", "输入有误：翻页位置", "输入有误：before"},
		{"maria", "anomalies?before=an-999", `Dado inválido no campo "Posição da página"`, `campo "before"`},
	} {
		b := s.browser(t)
		b.mustLogin(c.user)
		st, body, _ := b.get("/console/lots/" + s.Lot + "/" + c.page)
		body = html.UnescapeString(body)
		if st != http.StatusBadRequest || !strings.Contains(body, c.want) || strings.Contains(body, c.notWant) {
			t.Errorf("%s opens %s: %d, want 400 saying %q\n%s", c.user, c.page, st, c.want, body)
		}
	}
}

// TestAccessCursorsNamedInTheLanguage: each of the access page's five
// page links (passes_after, whitelist_after, deny_after, special_after,
// hotel_after), edited by hand into no page, is refused naming that
// list's page position in the page's language, not the address's key.
// English keeps the core's message, which names the address's key, as
// every English refusal and the other pages' before do.
func TestAccessCursorsNamedInTheLanguage(t *testing.T) {
	s := newSite(t)
	for _, u := range []struct{ name, lang string }{{"li", "zh"}, {"maria", "pt"}, {"ann", "en"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: u.name, Role: park.RoleAdmin, Language: u.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	// A pass id that is no id, and plate keys no plate has (a newline, a
	// lower-case letter), as the lists' cursors are refused.
	bad := map[string]string{"passes_after": "page2", "whitelist_after": "nonsense%0A", "deny_after": "nonsense%0A",
		"special_after": "%E6%B2%AAa00001", "hotel_after": "%E6%B2%AAa00001"}
	for _, c := range []struct{ user, key, want string }{
		{"li", "passes_after", "输入有误：月卡翻页位置"},
		{"li", "whitelist_after", "输入有误：白名单翻页位置"},
		{"li", "deny_after", "输入有误：黑名单翻页位置"},
		{"li", "special_after", "输入有误：特种车辆翻页位置"},
		{"li", "hotel_after", "输入有误：酒店客人翻页位置"},
		{"maria", "passes_after", `Dado inválido no campo "Posição da página de mensalistas"`},
		{"maria", "whitelist_after", `Dado inválido no campo "Posição da página da lista branca"`},
		{"maria", "deny_after", `Dado inválido no campo "Posição da página da lista negra"`},
		{"maria", "special_after", `Dado inválido no campo "Posição da página de veículos especiais"`},
		{"maria", "hotel_after", `Dado inválido no campo "Posição da página de hóspedes"`},
		{"ann", "passes_after", `passes_after: "page2" is not a pass id`},
		{"ann", "whitelist_after", `whitelist_after: "nonsense\n" is not a plate key`},
		{"ann", "deny_after", `deny_after: "nonsense\n" is not a plate key`},
		{"ann", "special_after", `special_after: "沪a00001" is not a plate key`},
		{"ann", "hotel_after", `hotel_after: "沪a00001" is not a plate key`},
	} {
		b := s.browser(t)
		b.mustLogin(c.user)
		st, body, _ := b.get("/console/lots/" + s.Lot + "/access?" + c.key + "=" + bad[c.key])
		msg := html.UnescapeString(errorMessage(body))
		if st != http.StatusBadRequest || !strings.Contains(msg, c.want) || (c.user != "ann" && strings.Contains(msg, c.key)) {
			t.Errorf("%s opens the access page with a bad %s: %d %q, want 400 saying %q", c.user, c.key, st, msg, c.want)
		}
	}
}

// errorMessage is the error page's message, "" when it has none.
func errorMessage(body string) string {
	m := regexp.MustCompile(`id="error-message">([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}
