package web_test

import (
	"html"
	"net/http"
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
