package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"parkd/internal/operators"
	"parkd/internal/park"
)

// A console URL that names no page answers the console's own page, 404,
// in the viewer's language: a signed-in operator's, else the browser's.
// The console's assets and its pages' methods are as before.
func TestUnknownConsoleURL(t *testing.T) {
	s := newSite(t)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "li", Role: park.RoleAdmin, Language: "zh",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	s.user(t, "ana", park.RoleAdmin)
	message := regexp.MustCompile(`id="error-message">([^<]*)<`)
	get := func(t *testing.T, b *browser, path, lang string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, body, _ := b.read(resp)
		return resp, body
	}
	page := func(t *testing.T, resp *http.Response, body, lang, want string) {
		t.Helper()
		m := message.FindStringSubmatch(body)
		if resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(body, `lang="`+lang+`"`) || m == nil || html.UnescapeString(m[1]) != want {
			t.Errorf("%s: %d %s %q, want 404 the console's page in %s saying %q\n%s", resp.Request.URL.Path, resp.StatusCode,
				resp.Header.Get("Content-Type"), m, lang, want, body)
		}
	}
	t.Run("SignedIn", func(t *testing.T) {
		zh := s.browser(t)
		zh.mustLogin("li")
		for _, path := range []string{"/console/nope", "/console/lots/" + s.Lot + "/nope", "/console/stays/x/y"} {
			resp, body := get(t, zh, path, "pt")
			page(t, resp, body, "zh", "未找到：不存在，或不在您可查看的车场范围内。")
			if !strings.Contains(body, `<nav aria-label="栏目">`) {
				t.Errorf("%s: no navigation for a signed-in operator", path)
			}
		}
		en := s.browser(t)
		en.mustLogin("ana")
		resp, body := get(t, en, "/console/nope", "")
		page(t, resp, body, "en", "/console/nope not found")
	})
	t.Run("NotSignedIn", func(t *testing.T) {
		b := s.browser(t)
		resp, body := get(t, b, "/console/nope", "pt-BR,pt;q=0.9")
		page(t, resp, body, "pt", "Não encontrado: não existe, ou não está entre os estacionamentos que você pode ver.")
		resp, body = get(t, b, "/console/nope", "zh-CN")
		page(t, resp, body, "zh", "未找到：不存在，或不在您可查看的车场范围内。")
		// A page that exists still asks to sign in first.
		if resp, _ := get(t, b, "/console/", "zh-CN"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("the overview, not signed in: %d, want 303 to sign in", resp.StatusCode)
		}
	})
	t.Run("Assets", func(t *testing.T) {
		b := s.browser(t)
		resp, body := get(t, b, "/console/static/app.css", "")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || body == "" {
			t.Errorf("the style sheet: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if resp, _ := get(t, b, "/console/static/nope.css", ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a missing asset: %d, want 404", resp.StatusCode)
		}
	})
	t.Run("OtherMethod", func(t *testing.T) {
		// A page served with another method is not a missing page.
		b := s.browser(t)
		b.mustLogin("ana")
		resp, _ := get(t, b, "/console/logout", "")
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
			t.Errorf("GET of the sign-out form: %d, Allow %q, want 405 and POST", resp.StatusCode, resp.Header.Get("Allow"))
		}
		st, body, _ := b.post("/console/nope", url.Values{})
		if m := message.FindStringSubmatch(body); st != http.StatusNotFound || m == nil {
			t.Errorf("a post to no page: %d %q, want 404 the console's page", st, m)
		}
	})
}
