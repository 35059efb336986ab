package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/deliveries"
	"parkd/internal/gate"
	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

const pw = "correct horse battery"

// site is a console over a test core, and a browser with its cookies.
type site struct {
	*systemtest.Bundle
	srv *httptest.Server
}

func newSite(t *testing.T) *site {
	t.Helper()
	b := systemtest.New(t)
	return &site{Bundle: b, srv: newServer(t, b)}
}

func (s *site) user(t *testing.T, name string, role park.Role, lots ...string) {
	t.Helper()
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: name, Role: role, Lots: lots, Password: pw}); err != nil {
		t.Fatal(err)
	}
}

// entrySubscriber registers the partner "app", named name, on the
// site's lot, subscribed to its entry reports.
func (s *site) entrySubscriber(t *testing.T, name string) *park.Subscription {
	t.Helper()
	if _, err := s.Sys.Partners.CreatePartner(s.Ctx, &park.Partner{ID: "app", Name: name, Dialect: systemtest.Dialects[0],
		Type: park.PartnerNormal, Lots: []string{s.Lot}}); err != nil {
		t.Fatal(err)
	}
	sub, err := s.Sys.Deliveries.CreateSubscription(s.Ctx, "app", deliveries.SubscriptionInput{Report: park.ReportEntry,
		URL: "https://app.example/hooks"})
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// browser is one browser: its cookies, and the last page's form token.
type browser struct {
	t    *testing.T
	s    *site
	c    *http.Client
	csrf string
}

func (s *site) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, s: s, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get fetches a page and returns its status, body and Location.
func (b *browser) get(path string) (int, string, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.s.srv.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.read(resp)
}

func (b *browser) read(resp *http.Response) (int, string, string) {
	b.t.Helper()
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp.StatusCode, string(body), resp.Header.Get("Location")
}

// post submits a form as the page would, with the last page's token
// unless form sets its own.
func (b *browser) post(path string, form url.Values) (int, string, string) {
	b.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.s.srv.URL)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.read(resp)
}

func (b *browser) login(name, password string) (int, string) {
	b.t.Helper()
	b.get("/console/login")
	st, body, _ := b.post("/console/login", url.Values{"name": {name}, "password": {password}})
	return st, body
}

func (b *browser) mustLogin(name string) {
	b.t.Helper()
	if st, body := b.login(name, pw); st != http.StatusSeeOther {
		b.t.Fatalf("sign-in as %s: %d\n%s", name, st, body)
	}
}

func TestOverview(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	// A car in since 14:00 local (15:00 now): an hour is two started half
	// hours past the free quarter, 2 × 2.00 = 4.00 CNY, paid now.
	d := s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now().Add(-time.Hour))
	q, err := s.Sys.Billing.CreateQuote(s.Ctx, d.StayID, "test")
	if err != nil {
		t.Fatal(err)
	}
	if q.AmountDue != 400 {
		t.Fatalf("quote %d, want 400", q.AmountDue)
	}
	if _, err := s.Sys.Billing.Pay(s.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 400, Method: "cash"}); err != nil {
		t.Fatal(err)
	}
	s.Event(t, park.EventEntry, "沪B00001", s.Clock.Now())
	// Paid, it leaves: a stay that cost 4.00, nothing off.
	s.Event(t, park.EventExit, "沪A12345", s.Clock.Now())

	b := s.browser(t)
	if st, _, loc := b.get("/console/"); st != http.StatusSeeOther || loc != "/console/login" {
		t.Fatalf("before sign-in: %d to %q, want 303 to the sign-in page", st, loc)
	}
	b.mustLogin("ana")
	st, body, _ := b.get("/console/")
	if st != http.StatusOK {
		t.Fatalf("overview: %d\n%s", st, body)
	}
	row := regexp.MustCompile(`(?s)<tr data-lot="140123001">.*?</tr>`).FindString(body)
	for _, want := range []string{`class="num inside">1 `, `class="num free">9<`, `class="num received">4.00 CNY<`,
		`class="num receivable">4.00 CNY <small>(1)</small>`, `class="num discount">0.00 CNY<`, `class="num coupons">0<`} {
		if !strings.Contains(row, want) {
			t.Errorf("the lot's row lacks %q:\n%s", want, row)
		}
	}
	// The last 24 hours: both entries and the exit were received this hour
	// (15:00 local); as the stays say, the car in since 14:00 was inside
	// at that hour's end, and none at 14:00.
	for _, want := range []string{`data-hour="15:00" data-entries="2" data-exits="1" data-inside="1"`,
		`data-hour="14:00" data-entries="0" data-exits="0" data-inside="1"`,
		`data-hour="13:00" data-entries="0" data-exits="0" data-inside="0"`, `data-hour="16:00" data-entries="0"`} {
		if !strings.Contains(row, want) {
			t.Errorf("the chart lacks %q:\n%s", want, row)
		}
	}
	if n := strings.Count(row, "data-hour="); n != 24 {
		t.Errorf("the chart has %d hours, want 24", n)
	}
	if !strings.Contains(body, `id="whoami">ana<`) {
		t.Error("the page does not say who is signed in")
	}
}

func TestLanguage(t *testing.T) {
	s := newSite(t)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "li", Role: park.RoleAdmin, Language: "zh",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.mustLogin("li")
	if _, body, _ := b.get("/console/"); !strings.Contains(body, "今日实收") || !strings.Contains(body, `lang="zh"`) {
		t.Fatalf("a zh operator's overview is not in Chinese:\n%s", body)
	}
}

func TestLotOperatorSeesOnlyItsLots(t *testing.T) {
	s := newSite(t)
	s.CreateLot(t, "OTHER", 5, park.MissedEntryHold)
	s.user(t, "bo", park.RoleLotOperator, "OTHER")
	b := s.browser(t)
	b.mustLogin("bo")
	_, body, _ := b.get("/console/")
	if !strings.Contains(body, `data-lot="OTHER"`) || strings.Contains(body, `data-lot="140123001"`) {
		t.Fatalf("a lot operator of OTHER sees:\n%s", body)
	}
}

func TestEscaping(t *testing.T) {
	s := newSite(t)
	s.CreateLot(t, "XSS", 5, park.MissedEntryHold)
	if _, err := s.Sys.Gate.UpdateLot(s.Ctx, "XSS", func(l *park.Lot) error { l.Name = `<script>alert(1)</script>`; return nil }); err != nil {
		t.Fatal(err)
	}
	s.user(t, "ana", park.RoleAdmin)
	b := s.browser(t)
	b.mustLogin("ana")
	_, body, _ := b.get("/console/")
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatalf("a lot's name is not escaped:\n%s", body)
	}
}

func TestSignInRefusals(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	t.Run("WrongPassword", func(t *testing.T) {
		b := s.browser(t)
		st, body := b.login("ana", "not the password")
		if st != http.StatusUnauthorized || !strings.Contains(body, "Wrong name or password.") {
			t.Fatalf("%d\n%s", st, body)
		}
		// The admin finds the attempt on the audit page: from where, which
		// name, why; never the password tried.
		b.mustLogin("ana")
		_, body, _ = b.get("/console/audit")
		row := regexp.MustCompile(`<tr><td>[^<]*</td><td>127\.0\.0\.1</td><td>session\.sign_in_failed</td><td></td><td>ana</td><td>wrong password</td>`)
		if !row.MatchString(body) || strings.Contains(body, "not the password") {
			t.Fatalf("audit page without the failed sign-in (or with its password):\n%s", body)
		}
	})
	t.Run("NoFormToken", func(t *testing.T) {
		b := s.browser(t)
		b.get("/console/login")
		st, _, _ := b.post("/console/login", url.Values{"name": {"ana"}, "password": {pw}, "csrf": {""}})
		if st != http.StatusForbidden {
			t.Fatalf("a sign-in without its form token: %d, want 403", st)
		}
		if st, _, _ := b.get("/console/"); st != http.StatusSeeOther {
			t.Fatalf("signed in anyway: %d", st)
		}
	})
	t.Run("CrossSite", func(t *testing.T) {
		b := s.browser(t)
		b.get("/console/login")
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/console/login",
			strings.NewReader(url.Values{"name": {"ana"}, "password": {pw}, "csrf": {b.csrf}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a form posted from another site: %d, want 403", resp.StatusCode)
		}
	})
}

// TestGuessingIsLimited: after 10 wrong passwords for a name, the next
// attempt, even with the right password, is refused with 429.
func TestGuessingIsLimited(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	b := s.browser(t)
	for i := range 10 {
		if st, _ := b.login("ana", "guess "+strings.Repeat("x", i)); st != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, st)
		}
	}
	st, body := b.login("ana", pw)
	if st != http.StatusTooManyRequests || !strings.Contains(body, "Too many attempts") {
		t.Fatalf("after 10 guesses: %d\n%s", st, body)
	}
}

func TestSessionEnds(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	t.Run("SignOutNeedsToken", func(t *testing.T) {
		b := s.browser(t)
		b.mustLogin("ana")
		b.get("/console/")
		if st, _, _ := b.post("/console/logout", url.Values{"csrf": {"forged"}}); st != http.StatusForbidden {
			t.Fatalf("sign-out with a forged token: %d, want 403", st)
		}
		if st, _, _ := b.get("/console/"); st != http.StatusOK {
			t.Fatalf("the forged sign-out ended the session: %d", st)
		}
		if st, _, loc := b.post("/console/logout", url.Values{}); st != http.StatusSeeOther || loc != "/console/login" {
			t.Fatalf("sign-out: %d to %q", st, loc)
		}
		if st, _, _ := b.get("/console/"); st != http.StatusSeeOther {
			t.Fatalf("after sign-out: %d, want 303", st)
		}
	})
	t.Run("Revoked", func(t *testing.T) {
		b := s.browser(t)
		b.mustLogin("ana")
		if _, err := s.Sys.Operators.RevokeSessions(s.Ctx, "tester", "ana"); err != nil {
			t.Fatal(err)
		}
		if st, _, loc := b.get("/console/"); st != http.StatusSeeOther || loc != "/console/login" {
			t.Fatalf("revoked session: %d to %q", st, loc)
		}
	})
	t.Run("Expired", func(t *testing.T) {
		b := s.browser(t)
		b.mustLogin("ana")
		s.Clock.Set(s.Clock.Now().Add(operators.DefaultSessionTTL))
		if st, _, _ := b.get("/console/"); st != http.StatusSeeOther {
			t.Fatalf("expired session: %d, want 303 to sign in", st)
		}
	})
}

// TestOverviewOfSeveralLots: each lot's row shows its own cars, its own
// local day's takings and its own last 24 hours, and a lot operator sees
// only the lots it was given, however many lots are read at once.
//
// Three lots with the test tariff (an hour's stay is 4.00): 140123001 and
// HIDDEN in Shanghai (UTC+8), LIS in Lisbon (UTC+0 in November). Times UTC:
//
//	22 Nov 21:00  a car enters each lot
//	22 Nov 22:00  each pays 4.00: in Shanghai 06:00 on the 23rd, today;
//	              in Lisbon 22:00 on the 22nd, yesterday
//	23 Nov 06:00  a second car enters LIS
//	23 Nov 07:00  (now) it pays 4.00 and leaves
//
// So 140123001: 1 inside, 4.00 received in 1 payment, nothing left today;
// its chart has the entry at 05:00 local, 1 inside from then on. LIS: 1
// inside, 4.00 in 1 payment (yesterday's not counted), 4.00 receivable
// from the 1 stay that left; its chart, in Lisbon hours: the entry at
// 21:00 (1 inside), the second at 06:00 (2 inside), its exit at 07:00
// (1 inside).
func TestOverviewOfSeveralLots(t *testing.T) {
	s := newSite(t)
	lis, err := s.Sys.Gate.CreateLot(s.Ctx, &park.Lot{Code: "LIS", Name: "Lisbon", TimeZone: "Europe/Lisbon", Currency: "CNY",
		Capacity: 10, ExitGraceMinutes: 15, MissedEntry: park.MissedEntryHold, Tariff: json.RawMessage(systemtest.TestTariff)})
	if err != nil {
		t.Fatal(err)
	}
	s.CreateLot(t, "HIDDEN", 10, park.MissedEntryHold)
	s.user(t, "ana", park.RoleAdmin)
	s.user(t, "bo", park.RoleLotOperator, s.Lot, lis.Code)
	n := 0
	event := func(lot, typ, plate string) park.Decision {
		t.Helper()
		n++
		d, err := s.Sys.Gate.HandleEvent(s.Ctx, gate.EventInput{LotCode: lot, ID: fmt.Sprintf("ov-%d", n), Type: typ, Plate: plate,
			Lane: map[string]string{park.EventEntry: "in-1", park.EventExit: "out-1"}[typ], At: s.Clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	pay := func(stay string) {
		t.Helper()
		q, err := s.Sys.Billing.CreateQuote(s.Ctx, stay, "test")
		if err != nil || q.AmountDue != 400 {
			t.Fatalf("quote %+v %v, want 4.00 due", q, err)
		}
		if _, err := s.Sys.Billing.Pay(s.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 400, Method: "cash"}); err != nil {
			t.Fatal(err)
		}
	}
	s.Clock.Set(time.Date(2026, 11, 22, 21, 0, 0, 0, time.UTC))
	first := map[string]park.Decision{}
	for _, lot := range []string{s.Lot, "LIS", "HIDDEN"} {
		first[lot] = event(lot, park.EventEntry, "沪A1111"+lot[:1])
	}
	s.Clock.Set(time.Date(2026, 11, 22, 22, 0, 0, 0, time.UTC))
	for _, d := range first {
		pay(d.StayID)
	}
	s.Clock.Set(time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC))
	second := event("LIS", park.EventEntry, "沪B22222")
	s.Clock.Set(time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC))
	pay(second.StayID)
	event("LIS", park.EventExit, "沪B22222")

	rowOf := func(body, lot string) string {
		return regexp.MustCompile(`(?s)<tr data-lot="` + lot + `">.*?</tr>`).FindString(body)
	}
	b := s.browser(t)
	b.mustLogin("bo")
	_, body, _ := b.get("/console/")
	if rowOf(body, "HIDDEN") != "" || strings.Count(body, "<tr data-lot=") != 2 {
		t.Fatalf("bo, an operator of %s and LIS, sees other lots:\n%s", s.Lot, body)
	}
	for lot, wants := range map[string][]string{
		s.Lot: {`class="num inside">1 `, `class="num received">4.00 CNY<`, `<td class="num">1</td>`,
			`class="num receivable">0.00 CNY <small>(0)</small>`,
			`data-hour="04:00" data-entries="0" data-exits="0" data-inside="0"`,
			`data-hour="05:00" data-entries="1" data-exits="0" data-inside="1"`,
			`data-hour="15:00" data-entries="0" data-exits="0" data-inside="1"`},
		"LIS": {`class="num inside">1 `, `class="num received">4.00 CNY<`, `<td class="num">1</td>`,
			`class="num receivable">4.00 CNY <small>(1)</small>`,
			`data-hour="20:00" data-entries="0" data-exits="0" data-inside="0"`,
			`data-hour="21:00" data-entries="1" data-exits="0" data-inside="1"`,
			`data-hour="06:00" data-entries="1" data-exits="0" data-inside="2"`,
			`data-hour="07:00" data-entries="0" data-exits="1" data-inside="1"`},
	} {
		row := rowOf(body, lot)
		for _, want := range wants {
			if !strings.Contains(row, want) {
				t.Errorf("%s's row lacks %q:\n%s", lot, want, row)
			}
		}
	}
	b = s.browser(t)
	b.mustLogin("ana")
	_, body, _ = b.get("/console/")
	if row := rowOf(body, "HIDDEN"); !strings.Contains(row, `class="num received">4.00 CNY<`) || strings.Count(body, "<tr data-lot=") != 3 {
		t.Fatalf("an admin's overview lacks a lot or HIDDEN's takings:\n%s", body)
	}
}

// TestFormAfterSessionEnded: a form sent after the session ended (expired,
// signed out elsewhere, revoked) answers the sign-in page, in the browser's
// language, saying the session ended and nothing was saved; before, the
// browser showed a bare English line of text.
func TestFormAfterSessionEnded(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	for lang, want := range map[string]string{
		"":      "Your session has ended, so what you sent was not saved: sign in again.",
		"zh-CN": "会话已结束，刚才提交的内容未保存，请重新登录。",
		"pt-BR": "A sessão terminou e o que você enviou não foi salvo: entre novamente.",
	} {
		b := s.browser(t)
		b.mustLogin("ana")
		b.get("/console/lots/" + s.Lot + "/access")
		s.Clock.Set(s.Clock.Now().Add(operators.DefaultSessionTTL))
		form := url.Values{"csrf": {b.csrf}, "plate": {"沪A12345"}, "valid_from": {"2026-01-01T00:00"}, "valid_to": {"2026-02-01T00:00"}}
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/console/lots/"+s.Lot+"/whitelist", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", s.srv.URL)
		req.Header.Set("Accept-Language", lang)
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		st, body, _ := b.read(resp)
		if st != http.StatusUnauthorized || !strings.Contains(body, `id="login-error">`+want+`<`) || !strings.Contains(body, `id="sign-in"`) {
			t.Errorf("%q: %d, want 401 with the sign-in form saying %q\n%s", lang, st, want, body)
		}
	}
}

// TestSignInNameAsTyped: an operator's name is lower case, so a name a
// phone's keyboard capitalised, or with a space after it, still signs
// in; before, the operator was told "Wrong name or password." with the
// right password, and the form did not stop the keyboard capitalising.
func TestSignInNameAsTyped(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	for _, name := range []string{"Ana", "ANA", " ana "} {
		b := s.browser(t)
		if st, body := b.login(name, pw); st != http.StatusSeeOther {
			t.Errorf("sign-in as %q: %d, want 303\n%s", name, st, body)
		}
	}
	_, body, _ := s.browser(t).get("/console/login")
	if !regexp.MustCompile(`<input id="name" [^>]*autocapitalize="none"`).MatchString(body) {
		t.Errorf("the name field lets the keyboard capitalise:\n%s", body)
	}
}

// TestSignOutAfterSessionEnded: signing out once the session has ended
// anyway leads to the sign-in page, as any sign-out does, not to one
// saying what was sent was not saved.
func TestSignOutAfterSessionEnded(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	b := s.browser(t)
	b.mustLogin("ana")
	b.get("/console/")
	s.Clock.Set(s.Clock.Now().Add(operators.DefaultSessionTTL))
	if st, body, loc := b.post("/console/logout", url.Values{}); st != http.StatusSeeOther || loc != "/console/login" {
		t.Fatalf("sign-out after the session ended: %d to %q, want 303 to /console/login\n%s", st, loc, body)
	}
}

// TestOverviewCouponsOfCarsThatLeft: the overview's discounts and coupons
// are of the same cars, those that left today. Three cars in for 2 h
// (4 started half hours × 2.00 = 8.00 each), each with an amount coupon
// used when it paid: 沪A11111 300 fen off and 沪A22222 500 off leave;
// 沪A33333, 200 off, is still inside. Cars that left: 2, receivable
// (8.00-3.00)+(8.00-5.00) = 8.00 CNY, discounts 3.00+5.00 = 8.00 CNY,
// coupons used 2 (not the inside car's third, used today too).
func TestOverviewCouponsOfCarsThatLeft(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	now := s.Clock.Now()
	for i, c := range []struct {
		plate string
		off   int64
	}{{"沪A11111", 300}, {"沪A22222", 500}, {"沪A33333", 200}} {
		d := s.Event(t, park.EventEntry, c.plate, now.Add(-2*time.Hour))
		if _, err := s.Sys.Billing.IssueCoupon(s.Ctx, billing.CouponInput{LotCode: s.Lot, ID: fmt.Sprint("c", i), Plate: c.plate,
			Kind: park.CouponAmount, Value: c.off, ValidFrom: now.Add(-3 * time.Hour), ValidTo: now.Add(24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		q, err := s.Sys.Billing.CreateQuote(s.Ctx, d.StayID, "test")
		if err != nil {
			t.Fatal(err)
		}
		if q.AmountDue != 800-c.off {
			t.Fatalf("%s's quote %d, want 800 less its coupon's %d", c.plate, q.AmountDue, c.off)
		}
		if _, err := s.Sys.Billing.Pay(s.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "cash"}); err != nil {
			t.Fatal(err)
		}
	}
	s.Event(t, park.EventExit, "沪A11111", now)
	s.Event(t, park.EventExit, "沪A22222", now)

	for _, c := range []struct {
		name, lang string
		heads      []string
	}{
		{"ann", "en", []string{"Discounts (cars that left)", "Coupons used (cars that left)"}},
		{"li", "zh", []string{"优惠（已出场）", "已用优惠券（已出场）"}},
		{"maria", "pt", []string{"Descontos (saíram)", "Cupons usados (saíram)"}},
	} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: c.name, Role: park.RoleAdmin, Language: c.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
		b := s.browser(t)
		b.mustLogin(c.name)
		st, body, _ := b.get("/console/")
		if st != http.StatusOK {
			t.Fatalf("overview: %d\n%s", st, body)
		}
		for _, want := range c.heads {
			if !strings.Contains(body, `<th scope="col">`+want+`</th>`) {
				t.Errorf("%s: the overview lacks the heading %q", c.lang, want)
			}
		}
		row := regexp.MustCompile(`(?s)<tr data-lot="140123001">.*?</tr>`).FindString(body)
		want := []string{`class="num inside">1 `, `class="num coupons">2<`}
		if c.lang == "en" {
			want = append(want, `class="num receivable">8.00 CNY <small>(2)</small>`, `class="num discount">8.00 CNY<`)
		}
		for _, w := range want {
			if !strings.Contains(row, w) {
				t.Errorf("%s: the lot's row lacks %q:\n%s", c.lang, w, row)
			}
		}
	}
}
