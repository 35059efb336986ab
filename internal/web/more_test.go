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

	"parkd/internal/deliveries"
	"parkd/internal/park"
)

func TestPartnersAndReplay(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	s.user(t, "viewer", park.RoleReadOnly)
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	sub := s.entrySubscriber(t, "Pay <App>")
	s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now())

	b := s.browser(t)
	b.mustLogin("ana")
	_, body, _ := b.get("/console/partners")
	if !strings.Contains(body, "Pay &lt;App&gt;") || !strings.Contains(body, "https://app.example/hooks") ||
		strings.Contains(body, sub.Secret) {
		t.Fatalf("partners page (name escaped, URL shown, secret never):\n%s", body)
	}
	_, body, _ = b.get("/console/deliveries?partner=app")
	report := regexp.MustCompile(`name="report" value="([^"]+)"`).FindStringSubmatch(body)
	if report == nil || !strings.Contains(body, `<td>entry <small`) {
		t.Fatalf("the entry's delivery is not listed with a replay button:\n%s", body)
	}
	st, _, loc := b.post("/console/deliveries/replay", url.Values{"confirmed": {"1"}, "partner": {"app"}, "subscription": {sub.ID}, "report": {report[1]}})
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/deliveries?partner=app&replayed=") {
		t.Fatalf("replay: %d to %q", st, loc)
	}
	es, _, _ := s.Sys.Operators.AuditPage(s.Ctx, park.AuditFilter{Actor: "ana", Limit: 1})
	if len(es) != 1 || es[0].Action != "delivery.replay" || es[0].Target != sub.ID+"/"+report[1] {
		t.Fatalf("audit %+v", es)
	}

	v := s.browser(t)
	v.mustLogin("viewer")
	_, body, _ = v.get("/console/deliveries")
	if strings.Contains(body, "/console/deliveries/replay") {
		t.Error("a read-only operator is offered a replay")
	}
	if st, _, _ := v.post("/console/deliveries/replay", url.Values{"confirmed": {"1"}, "partner": {"app"}, "subscription": {sub.ID}, "report": {report[1]}}); st != http.StatusForbidden {
		t.Errorf("a read-only replay: %d, want 403", st)
	}
	o := s.browser(t)
	o.mustLogin("op")
	if st, _, _ := o.get("/console/partners"); st != http.StatusNotFound {
		t.Errorf("a lot operator on the partners page: %d, want 404", st)
	}
	if _, body, _ := o.get("/console/"); strings.Contains(body, `href="/console/partners"`) {
		t.Error("a lot operator's navigation links to partners")
	}
}

func TestAccessAndAudit(t *testing.T) {
	s := newSite(t)
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	s.user(t, "viewer", park.RoleReadOnly)
	s.user(t, "ana", park.RoleAdmin)
	page := "/console/lots/" + s.Lot + "/access"
	b := s.browser(t)
	b.mustLogin("op")
	b.get(page)
	form := url.Values{"plate": {"沪B11111"}, "valid_from": {"2026-11-23T00:00"}, "valid_to": {"2026-12-23T00:00"}, "reason": {"staff"}}
	if st, _, loc := b.post("/console/lots/"+s.Lot+"/whitelist", form); st != http.StatusSeeOther || loc != page+"?added=1" {
		t.Fatalf("whitelist: %d to %q", st, loc)
	}
	_, body, _ := b.get(page)
	wl := regexp.MustCompile(`(?s)<table id="whitelist">.*?</table>`).FindString(body)
	// Local midnight in Shanghai, shown in the lot's time.
	if !strings.Contains(wl, "沪B11111") || !strings.Contains(wl, "2026-11-23 00:00") || !strings.Contains(wl, "staff") {
		t.Fatalf("whitelist table:\n%s", wl)
	}
	entries, err := s.Sys.Access.ListEntries(s.Ctx, "", s.Lot, park.ListWhite, "沪B11111")
	if err != nil || len(entries) != 1 || entries[0].ValidFrom.Hour() != 16 { // 00:00 +08:00 is 16:00 UTC the day before
		t.Fatalf("stored entry %+v, %v", entries, err)
	}
	form.Set("plate", "")
	if st, _, _ := b.post("/console/lots/"+s.Lot+"/whitelist", form); st != http.StatusBadRequest {
		t.Errorf("no plate: %d, want 400", st)
	}
	// Dates are in the years 2000 to 9000, as through every API.
	form.Set("plate", "沪B33333")
	form.Set("valid_to", "9999-12-31T23:59")
	if st, _, _ := b.post("/console/lots/"+s.Lot+"/whitelist", form); st != http.StatusBadRequest {
		t.Errorf("an entry ending in 9999: %d, want 400", st)
	}
	form.Set("valid_to", "2026-12-23T00:00")

	v := s.browser(t)
	v.mustLogin("viewer")
	v.get(page)
	form.Set("plate", "沪B22222")
	if st, _, _ := v.post("/console/lots/"+s.Lot+"/whitelist", form); st != http.StatusForbidden {
		t.Errorf("a read-only whitelist change: %d, want 403", st)
	}
	_, body, _ = v.get("/console/audit")
	if !strings.Contains(body, "whitelist.put") || !strings.Contains(body, `id="users"`) || strings.Contains(body, "/revoke") {
		t.Fatalf("read-only audit page (entries and users, no sign-out buttons):\n%s", body)
	}

	a := s.browser(t)
	a.mustLogin("ana")
	a.get("/console/audit")
	if st, _, loc := a.post("/console/users/op/revoke", url.Values{}); st != http.StatusSeeOther || loc != "/console/audit?revoked=op" {
		t.Fatalf("sign op out everywhere: %d to %q", st, loc)
	}
	if st, _, _ := b.get(page); st != http.StatusSeeOther {
		t.Fatalf("op still signed in after being signed out everywhere: %d", st)
	}
}

// The deliveries page shows a page at a time, newest first, and links
// the next only while older deliveries follow, and the first page from
// any other; the filter goes along.
func TestDeliveriesPaged(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	s.entrySubscriber(t, "App")
	const page = 100 // the console's page of deliveries
	at := s.Clock.Now()
	enqueue := func(i int) {
		t.Helper()
		r := &park.Report{ID: fmt.Sprintf("r%03d", i), Kind: park.ReportEntry, LotCode: s.Lot, Key: fmt.Sprintf("k%03d", i),
			At: at.Add(time.Duration(i) * time.Second), Data: []byte(`{}`)}
		if err := s.Store.Update(s.Ctx, func(tx park.Tx) error { _, err := tx.Enqueue(s.Ctx, r); return err }); err != nil {
			t.Fatal(err)
		}
	}
	for i := range page {
		enqueue(i)
	}
	reports := regexp.MustCompile(`<small class="code">(r\d{3})</small>`)
	next := regexp.MustCompile(`<a id="deliveries-next" href="([^"]+)">`)
	first := regexp.MustCompile(`<a id="deliveries-first" href="([^"]+)">`)
	b := s.browser(t)
	b.mustLogin("ana")
	path := "/console/deliveries?partner=app"
	_, body, _ := b.get(path)
	if n := len(reports.FindAllStringSubmatch(body, -1)); n != page || next.MatchString(body) {
		t.Fatalf("%d deliveries: %d shown, next link %v, want %d and no link", page, n, next.FindStringSubmatch(body), page)
	}
	enqueue(page)
	_, body, _ = b.get(path)
	got := reports.FindAllStringSubmatch(body, -1)
	if len(got) != page || got[0][1] != fmt.Sprintf("r%03d", page) {
		t.Fatalf("%d deliveries: %d shown, the first %v, want %d from the newest", page+1, len(got), got[:min(1, len(got))], page)
	}
	m := next.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%d deliveries: no link to the older one", page+1)
	}
	link := html.UnescapeString(m[1])
	if !strings.Contains(link, "partner=app") {
		t.Errorf("the next page %q drops the partner", link)
	}
	if first.MatchString(body) {
		t.Errorf("the first page links itself as the first: %v", first.FindStringSubmatch(body))
	}
	_, body, _ = b.get(link)
	if got := reports.FindAllStringSubmatch(body, -1); len(got) != 1 || got[0][1] != "r000" || next.MatchString(body) {
		t.Fatalf("the next page: %v, want r000 alone and no further link", got)
	}
	// Back to the first page, keeping the filter.
	m = first.FindStringSubmatch(body)
	if m == nil || html.UnescapeString(m[1]) != path {
		t.Fatalf("the next page's link to the first: %v, want %q", m, path)
	}
	_, body, _ = b.get(html.UnescapeString(m[1]))
	if got := reports.FindAllStringSubmatch(body, -1); len(got) != page || got[0][1] != fmt.Sprintf("r%03d", page) {
		t.Fatalf("the first page again: %d shown, want %d from the newest", len(got), page)
	}
	if st, _, _ := b.get("/console/deliveries?before=x"); st != http.StatusBadRequest {
		t.Errorf("a page that is no page: %d, want 400", st)
	}
}

// TestReplayShowsWhich: after a replay the deliveries page says which
// report was sent again (its kind and event id), lists the
// subscription's deliveries with a link to that list, and says when the
// subscription is disabled, so nothing goes yet; not a bare count.
func TestReplayShowsWhich(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	sub := s.entrySubscriber(t, "App")
	s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now().Add(-2*time.Minute))
	s.Event(t, park.EventEntry, "沪A67890", s.Clock.Now().Add(-time.Minute))
	b := s.browser(t)
	b.mustLogin("ana")
	_, body, _ := b.get("/console/deliveries?partner=app")
	reports := regexp.MustCompile(`name="report" value="([^"]+)"`).FindAllStringSubmatch(body, -1)
	if len(reports) != 2 {
		t.Fatalf("want the two entries' deliveries:\n%s", body)
	}
	report := reports[1][1] // the older car's
	replay := func() string {
		t.Helper()
		b.get("/console/deliveries?partner=app")
		st, _, loc := b.post("/console/deliveries/replay", url.Values{"confirmed": {"1"}, "partner": {"app"}, "subscription": {sub.ID}, "report": {report}})
		if st != http.StatusSeeOther {
			t.Fatalf("replay: %d", st)
		}
		_, body, _ := b.get(loc)
		return body
	}
	note := regexp.MustCompile(`(?s)<p class="ok" role="status" id="replayed">(.*?)</p>`)
	body = replay()
	m := note.FindStringSubmatch(body)
	list := html.EscapeString("/console/deliveries?partner=app&subscription=" + sub.ID)
	if m == nil || !strings.Contains(m[1], ": 1") || !strings.Contains(m[1], "entry") || !strings.Contains(m[1], report) ||
		!strings.Contains(m[1], `href="`+list+`"`) || strings.Contains(m[1], "disabled") {
		t.Fatalf("after the replay, the note does not name the entry %s and link its subscription's deliveries:\n%s", report, body)
	}
	off := false
	if _, err := s.Sys.Deliveries.UpdateSubscription(s.Ctx, "app", sub.ID, deliveries.SubscriptionPatch{Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	if m := note.FindStringSubmatch(replay()); m == nil || !strings.Contains(m[1], "disabled") || !strings.Contains(m[1], report) {
		t.Fatalf("a replay of a disabled subscription does not say it waits: %q", m)
	}
}

// TestPartnersShowPause: a subscription whose partner asked for a pause
// (stored until now + 90 s) shows when it ends, in UTC, on the partners
// page; once the clock passes it, it no longer does.
func TestPartnersShowPause(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	sub := s.entrySubscriber(t, "App")
	until := s.Clock.Now().Add(90 * time.Second)
	if err := s.Store.Update(s.Ctx, func(tx park.Tx) error { return tx.PauseSubscription(s.Ctx, sub.ID, sub.URL, until) }); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.mustLogin("ana")
	want := until.UTC().Format(time.RFC3339)
	if _, body, _ := b.get("/console/partners"); !strings.Contains(body, want) {
		t.Fatalf("partners page does not show the pause until %s:\n%s", want, body)
	}
	s.Clock.Set(until.Add(time.Second))
	if _, body, _ := b.get("/console/partners"); strings.Contains(body, want) {
		t.Fatalf("partners page still shows the pause until %s after it ended:\n%s", want, body)
	}
}
