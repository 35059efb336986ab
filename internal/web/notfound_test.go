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

// A console address asked with a method it does not take (GET of the
// form that adds an operator, POST-only) answers 405 with its Allow, as a
// page in the viewer's language: the operator's when signed in, else the
// browser's.
func TestConsoleWrongMethod(t *testing.T) {
	s := newSite(t)
	for _, u := range []struct{ name, lang string }{{"li", "zh"}, {"joao", "pt"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: u.name, Role: park.RoleAdmin, Language: u.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	s.user(t, "ana", park.RoleAdmin)
	message := regexp.MustCompile(`id="error-message">([^<]*)<`)
	check := func(t *testing.T, b *browser, browserLang, lang, want string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/console/users", nil)
		if browserLang != "" {
			req.Header.Set("Accept-Language", browserLang)
		}
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, body, _ := b.read(resp)
		m := message.FindStringSubmatch(body)
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, `lang="`+lang+`"`) ||
			m == nil || html.UnescapeString(m[1]) != want {
			t.Errorf("GET /console/users: %d, Allow %q, %s %q, want 405, Allow POST, the console's page in %s saying %q\n%s",
				resp.StatusCode, resp.Header.Get("Allow"), resp.Header.Get("Content-Type"), m, lang, want, body)
		}
	}
	const (
		en = "this address takes POST, not GET: use the console's links and forms"
		zh = "此地址只接受 POST 请求，不接受 GET：请使用控制台中的链接和表单。"
		pt = "Este endereço aceita POST, não GET: use os links e formulários do console."
	)
	t.Run("SignedIn", func(t *testing.T) {
		for _, c := range []struct{ name, lang, want string }{{"ana", "en", en}, {"li", "zh", zh}, {"joao", "pt", pt}} {
			b := s.browser(t)
			b.mustLogin(c.name)
			check(t, b, "pt-BR", c.lang, c.want) // the operator's language, not the browser's
		}
	})
	t.Run("NotSignedIn", func(t *testing.T) {
		check(t, s.browser(t), "", "en", en)
		check(t, s.browser(t), "zh-CN", "zh", zh)
		check(t, s.browser(t), "pt-BR,pt;q=0.9", "pt", pt)
	})
}

// A form posted from another site (Sec-Fetch-Site: cross-site, or an
// Origin not the console's) is refused before any page runs, with 403,
// as the console's page in the viewer's language: the operator's when
// signed in, else the browser's. The refused post changes nothing.
func TestConsoleCrossOrigin(t *testing.T) {
	s := newSite(t)
	for _, u := range []struct{ name, lang string }{{"li", "zh"}, {"joao", "pt"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: u.name, Role: park.RoleAdmin, Language: u.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	s.user(t, "ana", park.RoleAdmin)
	message := regexp.MustCompile(`id="error-message">([^<]*)<`)
	// post sends the form that adds an operator named name, with the
	// page's own form token, from another site as header says.
	post := func(t *testing.T, b *browser, browserLang, header, value, name, lang, want string) {
		t.Helper()
		b.get("/console/audit") // the form's page, for its token
		form := url.Values{"name": {name}, "role": {"read_only"}, "language": {"en"}, "password": {"another long passphrase"},
			"csrf": {b.csrf}}
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/console/users", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(header, value)
		if browserLang != "" {
			req.Header.Set("Accept-Language", browserLang)
		}
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, body, _ := b.read(resp)
		m := message.FindStringSubmatch(body)
		if resp.StatusCode != http.StatusForbidden || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(body, `lang="`+lang+`"`) || m == nil || html.UnescapeString(m[1]) != want {
			t.Errorf("cross-site POST /console/users: %d, %s %q, want 403, the console's page in %s saying %q\n%s",
				resp.StatusCode, resp.Header.Get("Content-Type"), m, lang, want, body)
		}
		if strings.Contains(body, "cross-origin request refused") && lang != "en" {
			t.Errorf("the refusal is in English on a %s page:\n%s", lang, body)
		}
		if _, err := s.Sys.Operators.Get(s.Ctx, name); !park.IsCode(err, park.ENotFound) {
			t.Errorf("a refused cross-site post added operator %s: %v", name, err)
		}
	}
	const (
		en = "this request came from another site, so it was refused and nothing was changed; use the console's own pages"
		zh = "此请求来自其他网站，已被拒绝，未做任何更改。请在控制台页面中操作。"
		pt = "Esta requisição veio de outro site e foi recusada; nada foi alterado. Use as páginas do próprio console."
	)
	t.Run("SignedIn", func(t *testing.T) {
		for _, c := range []struct{ name, lang, want string }{{"ana", "en", en}, {"li", "zh", zh}, {"joao", "pt", pt}} {
			b := s.browser(t)
			b.mustLogin(c.name)
			// the operator's language, not the browser's
			post(t, b, "pt-BR", "Sec-Fetch-Site", "cross-site", "mallory-"+c.lang, c.lang, c.want)
			post(t, b, "zh-CN", "Origin", "https://evil.example", "eve-"+c.lang, c.lang, c.want)
		}
	})
	t.Run("NotSignedIn", func(t *testing.T) {
		post(t, s.browser(t), "", "Sec-Fetch-Site", "cross-site", "mallory", "en", en)
		post(t, s.browser(t), "zh-CN", "Sec-Fetch-Site", "cross-site", "mallory", "zh", zh)
		post(t, s.browser(t), "pt-BR,pt;q=0.9", "Origin", "https://evil.example", "mallory", "pt", pt)
	})
	// The same form from the console itself is taken: only another
	// site's is refused.
	b := s.browser(t)
	b.mustLogin("ana")
	b.get("/console/audit")
	if st, body, _ := b.post("/console/users", url.Values{"name": {"bob"}, "role": {"read_only"}, "language": {"en"},
		"password": {"another long passphrase"}}); st != http.StatusSeeOther {
		t.Errorf("same-site POST /console/users: %d, want 303\n%s", st, body)
	}
}
