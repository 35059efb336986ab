package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"parkd/internal/access"
	"parkd/internal/billing"
	"parkd/internal/charging"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/park"
	"parkd/internal/web"
)

// findChromium returns Debian's chromium (.ci/browser installs it), or
// skips the test saying why.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium found (run .ci/browser to install Debian's chromium)")
	return ""
}

// artifacts is where the browser test saves its screenshots:
// $PARKD_TEST_ARTIFACTS, else the test's temporary folder.
func artifacts(t *testing.T) string {
	if d := os.Getenv("PARKD_TEST_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// TestBrowser drives the console in headless Chromium as an operator
// would: sign in, watch a car entered through the API appear on the lanes
// page without a reload, open its stay and read the breakdown, preview a
// changed tariff, open a barrier with a reason and find the abnormal
// lift; then, signed in read-only, find every change refused.
func TestBrowser(t *testing.T) {
	chrome := findChromium(t)
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	s.user(t, "viewer", park.RoleReadOnly)
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	const token = "browser-test-admin-token"
	api := httpapi.New(httpapi.Config{Service: s.Sys, Metrics: metrics.New(), AdminToken: token, Now: s.Clock.Now})
	api.Mount(web.Prefix, web.New(web.Config{System: s.Sys, Now: s.Clock.Now}))
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	shots := artifacts(t)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1100, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTime := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelTime()

	// fail saves what the browser shows, then stops the test.
	fail := func(step string, err error) {
		t.Helper()
		if b, serr := chromedp.Run(ctx, chromedp.FullScreenshot(100)); serr == nil {
			_ = os.WriteFile(filepath.Join(shots, "failed.png"), b, 0o644)
		}
		t.Fatalf("%s: %v (screenshots in %s)", step, err, shots)
	}
	do := func(step string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			fail(step, err)
		}
	}
	text := func(step string, sel chromedp.CSS) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			fail(step, err)
		}
		return strings.TrimSpace(v)
	}
	shot := func(name string) {
		t.Helper()
		b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			fail("screenshot "+name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	signIn := func(name string) {
		t.Helper()
		do("sign in as "+name,
			chromedp.Navigate(srv.URL+"/console/"),
			chromedp.WaitVisible(chromedp.ID("name")),
			chromedp.SendKeys(chromedp.ID("name"), name),
			chromedp.SendKeys(chromedp.ID("password"), pw),
			chromedp.Click(chromedp.ID("sign-in")),
			chromedp.WaitVisible(chromedp.ID("lots")))
	}
	lanes := srv.URL + "/console/lots/" + s.Lot + "/lanes"

	signIn("ana")
	shot("overview")

	// A car enters through the native API while the lanes page is open.
	do("open the lanes page", chromedp.Navigate(lanes), chromedp.WaitVisible(chromedp.ID("feed")))
	body := fmt.Sprintf(`{"id":"cam-1","type":"entry","plate":"沪A12345","lane":"in-1","at":%q}`,
		s.Clock.Now().Add(-time.Hour).Format(time.RFC3339))
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/lots/"+s.Lot+"/events", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var dec park.Decision
	_ = json.NewDecoder(resp.Body).Decode(&dec)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || dec.StayID == "" {
		t.Fatalf("entry through the API: %d %+v", resp.StatusCode, dec)
	}
	// data-received counts the rows the stream added: the page was not
	// reloaded.
	do("see the car without a reload",
		chromedp.Poll[chromedp.Void](`document.querySelector('#feed').getAttribute('data-received') === '1' &&
			document.querySelector('#feed').textContent.includes('沪A12345')`, chromedp.WithPollingTimeout(20*time.Second)))
	shot("lanes-live")

	// Its stay: an hour in, two started half hours past the free quarter,
	// 2 × 2.00 = 4.00 CNY due, as a payer was just quoted.
	if _, err := s.Sys.Billing.CreateQuote(s.Ctx, dec.StayID, "pay-app"); err != nil {
		t.Fatal(err)
	}
	do("open the stay",
		chromedp.Click(chromedp.CSS(`#feed a[href^="/console/stays/"]`)),
		chromedp.WaitVisible(chromedp.ID("breakdown")))
	if due, gross := text("due", "#due"), text("gross", "#gross"); due != "4.00 CNY" || gross != "4.00 CNY" {
		t.Errorf("breakdown: due %q, tariff %q; want 4.00 CNY each", due, gross)
	}
	if q := text("quote", "#timeline li.tl-quote"); !strings.Contains(q, "pay-app 4.00 CNY") {
		t.Errorf("the quote on the timeline reads %q", q)
	}
	shot("stay")

	// A changed tariff, previewed: 3.00 per started hour, 18:00 to 09:00
	// is 15 hours, 45.00 CNY.
	do("preview a tariff",
		chromedp.Navigate(srv.URL+"/console/lots/"+s.Lot+"/tariff"),
		chromedp.WaitVisible(chromedp.ID("tariff")),
		chromedp.SetValue(chromedp.ID("tariff"), `{"every":{"minutes":60,"price":300}}`),
		chromedp.Click(chromedp.ID("preview")),
		chromedp.WaitVisible(chromedp.ID("preview-total")))
	if total := text("preview", "#preview-total"); total != "45.00 CNY" {
		t.Errorf("preview total %q, want 45.00 CNY", total)
	}
	shot("tariff-preview")

	// Open the barrier by hand, with a reason: the console asks first,
	// and lifts only once the operator confirms.
	do("open a barrier with a reason",
		chromedp.Navigate(lanes),
		chromedp.WaitVisible(chromedp.ID("lane-in-1")),
		chromedp.SendKeys(chromedp.ID("reason-in-1"), "driver lost the ticket"),
		chromedp.Click(chromedp.CSS(`#lane-in-1 button[value="open"]`)),
		chromedp.WaitVisible(chromedp.ID("confirm-question")))
	if cmds, _ := s.Sys.Gate.GateLog(s.Ctx, s.Lot, "in-1", 10); len(cmds) != 0 {
		t.Errorf("lifted before the operator confirmed: %+v", cmds)
	}
	shot("lanes-confirm-open")
	do("confirm the opening",
		chromedp.Click(chromedp.ID("confirm-yes")),
		chromedp.WaitVisible(chromedp.ID("sent")))
	if row := text("gate log", `#gate-log tr.abnormal`); !strings.Contains(row, "driver lost the ticket") ||
		!strings.Contains(row, "operator:ana") {
		t.Errorf("gate log row %q lacks the reason or the operator", row)
	}
	shot("lanes-abnormal-lift")
	if cmds, _ := s.Sys.Gate.GateLog(s.Ctx, s.Lot, "in-1", 10); len(cmds) != 1 || cmds[0].Reason != "driver lost the ticket" {
		t.Errorf("gate log %+v", cmds)
	}

	// Edit an operator from the keyboard alone: reach the form from the
	// people page, pick a role and a language by typing, save with Enter.
	do("edit an operator with the keyboard",
		chromedp.Navigate(srv.URL+"/console/audit"),
		chromedp.WaitVisible(chromedp.ID("users")),
		chromedp.Focus(chromedp.CSS(`a[href="/console/users/op"]`)),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.ID("edit-user")),
		chromedp.Focus(chromedp.ID("e-role")),
		chromedp.KeyEvent("r"), // read_only
		chromedp.Focus(chromedp.ID("e-lang")),
		chromedp.KeyEvent("p")) // pt
	shot("edit-operator")
	do("save the operator", chromedp.Focus(chromedp.ID("save-user")), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.ID("updated")))
	if o, err := s.Sys.Operators.Get(s.Ctx, "op"); err != nil || o.Role != park.RoleReadOnly || o.Language != "pt" || len(o.Lots) != 0 {
		t.Errorf("op after the keyboard edit: %+v, %v", o, err)
	}
	if es, _ := s.AuditLog(park.AuditFilter{Actor: "ana"}); len(es) == 0 || es[0].Action != "user.update" ||
		es[0].Target != "op" {
		t.Errorf("the edit is not audited: %+v", es)
	}

	// Read-only: no buttons, and every change posted anyway is refused.
	do("sign out", chromedp.Navigate(srv.URL+"/console/"), chromedp.WaitVisible(chromedp.CSS("form.whoami")),
		chromedp.Submit(chromedp.CSS("form.whoami")), chromedp.WaitVisible(chromedp.ID("name")))
	signIn("viewer")
	do("read-only lanes", chromedp.Navigate(lanes), chromedp.WaitVisible(chromedp.ID("feed")))
	statuses, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
		const csrf = document.querySelector('input[name=csrf]').value;
		const post = (url, f) => fetch(url, {method: 'POST', body: new URLSearchParams({csrf, ...f})}).then(r => r.status);
		const lane = await post('/console/lots/`+s.Lot+`/lanes/in-1/command', {command: 'open', reason: 'x'});
		const tariff = await post('/console/lots/`+s.Lot+`/tariff', {action: 'save', tariff: '{"every":{"minutes":60,"price":1}}'});
		return lane + ',' + tariff;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		fail("read-only posts", err)
	}
	if statuses != "403,403" {
		t.Errorf("read-only changes answered %s, want 403,403", statuses)
	}
	buttons, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('button[value=open]').length`))
	if err != nil || buttons != 0 {
		t.Errorf("a read-only operator sees %d open buttons (%v)", buttons, err)
	}
	shot("read-only-lanes")

	// A phone-sized screen: no page is wider than the phone (wide tables
	// scroll inside their box), and the sign-out stays reachable, on a
	// charger's page, a price standard's and on the page of a URL the
	// console does not serve.
	std, err := s.Sys.Charging.CreateStandard(s.Ctx, charging.StandardInput{Name: "test", Family: park.FamilyTwoWheeler,
		Rules: park.ChargeRules{Kind: "time", MaxMinutes: 960, Payment: "prepaid", RefundTo: "payment",
			Segments: []park.ChargeSegment{{From: "00:00", To: "24:00", Price: 100, BlockMinutes: 240}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sys.Charging.RegisterCharger(s.Ctx, charging.ChargerInput{ID: "CP1", LotCode: s.Lot, Family: park.FamilyTwoWheeler,
		Connectors: 2, Type: "ebike-10", StandardID: std.ID, Password: "0123456789abcdef"}); err != nil {
		t.Fatal(err)
	}
	// A session, so the chargers page has a row under CP1, online so that
	// it is asked to start.
	if _, err := s.Sys.Charging.Booted(s.Ctx, "CP1", "", "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sys.Charging.StartSession(s.Ctx, charging.StartInput{ChargerID: "CP1", Connector: 1, Prepaid: 400, Source: "test"}); err != nil {
		t.Fatal(err)
	}
	// A coupon, so the coupons page has a row of every column.
	if _, err := s.Sys.Billing.IssueCoupon(s.Ctx, billing.CouponInput{LotCode: s.Lot, ID: "MALL-2026-000123", Plate: "沪A12345",
		Kind: park.CouponAmount, Value: 500, Merchant: "Mall CRM shop 12"}); err != nil {
		t.Fatal(err)
	}
	// A booking, so the bookings page has a row today.
	if _, err := s.Sys.Partners.CreatePartner(s.Ctx, &park.Partner{ID: "p1", Name: "p1", Dialect: "api-one",
		Type: park.PartnerNormal, Lots: []string{s.Lot}}); err != nil {
		t.Fatal(err)
	}
	now := s.Clock.Now()
	if _, _, err := s.Sys.Access.SyncReservation(s.Ctx, access.ReservationInput{PartnerID: "p1", LotCode: s.Lot, OrderNo: "ORDER-0000000001",
		Kind: park.ReservationBooking, Plate: "京A12345", From: now.Add(time.Hour), To: now.Add(3 * time.Hour), Prepaid: 1500,
		MayEnter: true, MayExit: true}); err != nil {
		t.Fatal(err)
	}
	do("a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	for _, path := range []string{"/console/", "/console/lots/" + s.Lot + "/lanes", "/console/stays/" + dec.StayID,
		"/console/lots/" + s.Lot + "/chargers", "/console/lots/" + s.Lot + "/chargers/CP1", "/console/no-such-page",
		"/console/lots/" + s.Lot + "/standards", fmt.Sprintf("/console/lots/%s/standards/%d", s.Lot, std.ID),
		"/console/lots/" + s.Lot + "/coupons", "/console/lots/" + s.Lot + "/tariff", "/console/lots/" + s.Lot + "/bookings",
		"/console/lots/" + s.Lot + "/access", "/console/lots/" + s.Lot + "/devices", "/console/lots/" + s.Lot + "/rental",
		"/console/audit", "/console/users/ana", "/console/users/ana/revoke", "/console/partners", "/console/deliveries",
		"/console/stays?lot=" + s.Lot, "/console/lots/" + s.Lot + "/stays"} {
		do("phone "+path, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(chromedp.CSS("form.whoami button")))
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
		if err != nil {
			fail("phone "+path, err)
		}
		if wide {
			t.Errorf("%s is wider than a phone's screen", path)
		}
		if strings.HasSuffix(path, "/tariff") {
			shot("phone-tariff")
		}
		if strings.HasSuffix(path, "/standards") {
			shot("phone-standards")
		}
		if strings.HasSuffix(path, "/coupons") {
			shot("phone-coupons")
		}
		if path == "/console/no-such-page" {
			if msg := text("the missing page's message", chromedp.CSS("#error-message")); msg != path+" not found" {
				t.Errorf("the page of a URL the console does not serve says %q", msg)
			}
		}
	}
	shot("phone-bookings")
	t.Logf("screenshots in %s", shots)
}
