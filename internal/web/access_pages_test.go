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

	"parkd/internal/operators"
	"parkd/internal/park"
)

// TestAccessPages: the access page shows 100 passes and 100 entries of
// each list at a time, in plate order for the lists, with a link to the
// next page of each that keeps the others' pages.
//
// 101 passes (P000..P100, made in that order, so in id order) and 101
// whitelisted plates 沪A00000..沪A00100, a police car and a hotel guest:
//
//	first page: P000..P099 and 沪A00000..沪A00099, next links for both;
//	            the police car and the guest, no next link for theirs
//	  then 沪A00050 (already shown) is deleted and 沪A00101 added
//	whitelist's next page: 沪A00100 沪A00101, no next; passes still the
//	            first page, and their next link keeps the whitelist's page
func TestAccessPages(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	now := s.Clock.Now()
	put := func(plate, category, reason string) {
		t.Helper()
		if _, err := s.Sys.Access.PutListEntry(s.Ctx, "", s.Lot, &park.WhitelistEntry{Plate: plate, Category: category,
			Kind: park.AccessAllow, ValidFrom: now, ValidTo: now.AddDate(0, 1, 0), Reason: reason}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 101 {
		if _, err := s.Sys.Access.CreatePass(s.Ctx, "", s.Lot, &park.Pass{HolderName: fmt.Sprintf("P%03d", i),
			Plates: []string{fmt.Sprintf("京B%05d", i)}, ValidFrom: now, ValidTo: now.AddDate(0, 1, 0)}); err != nil {
			t.Fatal(err)
		}
		put(fmt.Sprintf("沪A%05d", i), park.ListWhite, "")
	}
	put("京P00001", park.ListSpecial, "police")
	put("浙A00001", park.ListHotel, "808")
	b := s.browser(t)
	b.mustLogin("ana")
	plates := regexp.MustCompile(`<td class="plate">(沪A\d+)</td>`)
	holders := regexp.MustCompile(`<tr><td>(P\d+)</td>`)
	link := func(body, id string) string {
		m := regexp.MustCompile(`id="` + id + `" href="([^"]+)"`).FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return html.UnescapeString(m[1])
	}
	shown := func(re *regexp.Regexp, body string) []string {
		var out []string
		for _, m := range re.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	st, body, _ := b.get("/console/lots/" + s.Lot + "/access")
	if st != http.StatusOK {
		t.Fatalf("access page %d", st)
	}
	wl := shown(plates, body)
	if len(wl) != 100 || wl[0] != "沪A00000" || wl[99] != "沪A00099" {
		t.Fatalf("first page of the whitelist: %d plates, %v", len(wl), wl)
	}
	ps := shown(holders, body)
	if len(ps) != 100 || ps[0] != "P000" || ps[99] != "P099" {
		t.Fatalf("first page of passes: %d, %v", len(ps), ps)
	}
	if !strings.Contains(body, "京P00001") || !strings.Contains(body, "浙A00001") {
		t.Fatal("the police car or the hotel guest is not shown")
	}
	if link(body, "special-next") != "" || link(body, "hotel-next") != "" || link(body, "whitelist-first") != "" {
		t.Fatal("a link to a page that is not there")
	}
	next := link(body, "whitelist-next")
	if next == "" || link(body, "passes-next") == "" {
		t.Fatalf("no next link for the whitelist or the passes:\n%s", body)
	}
	w, err := s.Sys.Access.DeleteListEntry(s.Ctx, "", s.Lot, "沪A00050", park.ListWhite)
	if err != nil || w.Plate != "沪A00050" {
		t.Fatal(w, err)
	}
	s.Clock.Set(now.Add(time.Minute))
	put("沪A00101", park.ListWhite, "")
	_, body, _ = b.get(next)
	if wl := shown(plates, body); strings.Join(wl, " ") != "沪A00100 沪A00101" {
		t.Fatalf("second page of the whitelist: %v", wl)
	}
	if link(body, "whitelist-next") != "" || link(body, "whitelist-first") != "/console/lots/"+s.Lot+"/access" {
		t.Fatalf("the whitelist's last page: next %q first %q", link(body, "whitelist-next"), link(body, "whitelist-first"))
	}
	if ps := shown(holders, body); len(ps) != 100 || ps[0] != "P000" {
		t.Fatalf("passes left on their first page: %d %v", len(ps), ps)
	}
	_, body, _ = b.get(link(body, "passes-next"))
	if ps := shown(holders, body); strings.Join(ps, " ") != "P100" {
		t.Fatalf("second page of passes: %v", ps)
	}
	if wl := shown(plates, body); strings.Join(wl, " ") != "沪A00100 沪A00101" {
		t.Fatalf("the passes' next link did not keep the whitelist's page: %v", wl)
	}
}

// TestAccessPageBadCursor: an address whose page is not one is refused,
// naming it, not shown as an empty list. An English page names it as
// the address does (TestAccessCursorsNamedInTheLanguage: the others).
func TestAccessPageBadCursor(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	b := s.browser(t)
	b.mustLogin("ana")
	for _, q := range []string{"passes_after=page2", "whitelist_after=nonsense%0A", "hotel_after=%E6%B2%AAa00001"} {
		st, body, _ := b.get("/console/lots/" + s.Lot + "/access?" + q)
		name := q[:strings.Index(q, "=")]
		if msg := errorMessage(body); st != http.StatusBadRequest || !strings.HasPrefix(msg, name+": ") {
			t.Errorf("%s: %d %q, want 400 naming %s", q, st, msg, name)
		}
	}
}

// TestAccessPageDenyList: the deny list (the refusing entries of the
// operator's lists) is on the access page, 100 at a time in plate order
// with a link to its next page, each entry with its window and reason and
// marked as refusing; the whitelist's allowing entries are not so marked.
//
// 101 refused plates 苏E00000..苏E00100, valid from T0 (2026-11-23 01:00
// UTC) for a week, "unpaid fees"; the lot is in Asia/Shanghai (UTC+8),
// so the page reads 2026-11-23 09:00 to 2026-11-30 09:00. One allowed
// plate 沪A00001; special vehicles 京P00002 (blacklist, refused) and
// 京P00001 (police, let in).
//
//	first page: 苏E00000..苏E00099, a next link, no first link
//	next page:  苏E00100 alone, no next link, a first link; 沪A00001 still
//	            shown, allowed
func TestAccessPageDenyList(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	from := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	for i := range 101 {
		if _, err := s.Sys.Access.CreateWhitelist(s.Ctx, s.Lot, &park.WhitelistEntry{Plate: fmt.Sprintf("苏E%05d", i),
			Kind: park.AccessDeny, ValidFrom: from, ValidTo: from.AddDate(0, 0, 7), Reason: "unpaid fees"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Sys.Access.PutListEntry(s.Ctx, "", s.Lot, &park.WhitelistEntry{Plate: "沪A00001", Kind: park.AccessAllow,
		ValidFrom: from, ValidTo: from.AddDate(0, 1, 0)}); err != nil {
		t.Fatal(err)
	}
	// A blacklisted special vehicle is refused too; a police car is not.
	for plate, typ := range map[string]string{"京P00002": "blacklist", "京P00001": "police"} {
		if _, err := s.Sys.Access.PutSpecialVehicle(s.Ctx, "", s.Lot, plate, typ, time.Time{}, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	b := s.browser(t)
	b.mustLogin("ana")
	// A refused row: marked deny, its plate, the deny list, its window and reason.
	denied := regexp.MustCompile(`<tr class="deny"><td class="plate">(苏E\d+)</td><td><span class="badge">deny list</span></td>` +
		`<td>2026-11-23 09:00</td><td>2026-11-30 09:00</td><td>unpaid fees</td>`)
	shown := func(body string) []string {
		var out []string
		for _, m := range denied.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	link := func(body, id string) string {
		m := regexp.MustCompile(`id="` + id + `" href="([^"]+)"`).FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return html.UnescapeString(m[1])
	}
	st, body, _ := b.get("/console/lots/" + s.Lot + "/access")
	if st != http.StatusOK {
		t.Fatalf("access page %d", st)
	}
	if got := shown(body); len(got) != 100 || got[0] != "苏E00000" || got[99] != "苏E00099" {
		t.Fatalf("first page of the deny list: %d plates, %v\n%s", len(got), got, body)
	}
	if strings.Contains(body, "苏E00100") {
		t.Fatal("the 101st refused plate is on the first page")
	}
	next := link(body, "deny-next")
	if next == "" || link(body, "deny-first") != "" {
		t.Fatalf("deny list's first page: next %q first %q", next, link(body, "deny-first"))
	}
	if !regexp.MustCompile(`<tr><td class="plate">沪A00001</td><td>whitelist</td>`).MatchString(body) {
		t.Fatal("the allowed plate is not shown as on the whitelist")
	}
	if !strings.Contains(body, `<tr class="deny"><td class="plate">京P00002</td>`) || !strings.Contains(body, `<tr><td class="plate">京P00001</td>`) {
		t.Fatal("the blacklisted special vehicle is not marked refused, or the police car is")
	}
	_, body, _ = b.get(next)
	if got := shown(body); strings.Join(got, " ") != "苏E00100" {
		t.Fatalf("second page of the deny list: %v", got)
	}
	if link(body, "deny-next") != "" || link(body, "deny-first") != "/console/lots/"+s.Lot+"/access" {
		t.Fatalf("the deny list's last page: next %q first %q", link(body, "deny-next"), link(body, "deny-first"))
	}
	if !strings.Contains(body, "沪A00001") {
		t.Fatal("the whitelist's page was lost following the deny list's link")
	}
	if st, body, _ := b.get("/console/lots/" + s.Lot + "/access?deny_after=nonsense%0A"); st != http.StatusBadRequest ||
		!strings.HasPrefix(errorMessage(body), "deny_after: ") {
		t.Errorf("a bad deny list cursor: %d %q, want 400 naming deny_after", st, errorMessage(body))
	}
}

// TestAccessPageRefusePlate: a lot's operator refuses a plate from the
// access page and removes the refusal; a read-only operator may do
// neither, nor a form not from the console, and bad input changes nothing.
// Each change is in the audit log.
//
// The lot is in Asia/Shanghai (UTC+8): the form's 2026-11-23T09:00 to
// 2026-11-30T09:00 is read and shown in the lot's time as typed. A window
// left empty is open-ended: 2000-01-01 00:00 to 2100-01-01 00:00 there.
func TestAccessPageRefusePlate(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleLotOperator, s.Lot)
	s.user(t, "wang", park.RoleReadOnly)
	b, ro := s.browser(t), s.browser(t)
	b.mustLogin("ana")
	ro.mustLogin("wang")
	page := "/console/lots/" + s.Lot + "/access"
	row := func(plate, from, to, reason string) *regexp.Regexp {
		return regexp.MustCompile(`<tr class="deny"><td class="plate">` + plate + `</td><td><span class="badge">deny list</span></td>` +
			`<td>` + from + `</td><td>` + to + `</td><td>` + reason + `</td>`)
	}
	refused := row("苏E12345", "2026-11-23 09:00", "2026-11-30 09:00", "unpaid fees")
	deny := func(br *browser, plate, from, to, reason string) (int, string) {
		t.Helper()
		br.get(page)
		st, body, _ := br.post("/console/lots/"+s.Lot+"/deny", url.Values{"plate": {plate}, "valid_from": {from},
			"valid_to": {to}, "reason": {reason}})
		return st, body
	}
	if st, body := deny(b, "苏E12345", "2026-11-23T09:00", "2026-11-30T09:00", "unpaid fees"); st != http.StatusSeeOther {
		t.Fatalf("refusing a plate: %d\n%s", st, body)
	}
	_, body, _ := b.get(page)
	if !refused.MatchString(body) {
		t.Fatalf("the refused plate is not on the deny list with its window and reason:\n%s", body)
	}
	if st, _ := deny(b, "苏E22222", "", "", ""); st != http.StatusSeeOther {
		t.Fatalf("refusing a plate without a window: %d", st)
	}
	if _, body, _ = b.get(page); !row("苏E22222", "2000-01-01 00:00", "2100-01-01 00:00", "").MatchString(body) {
		t.Fatalf("a refusal without a window is not open-ended:\n%s", body)
	}
	for _, c := range []struct {
		name, plate, from, to string
		status                int
		says                  string
	}{
		{"Again", "苏E12345", "", "", http.StatusConflict, `whitelist entry for plate &#34;苏E12345&#34; already exists`},
		{"NoPlate", " ", "", "", http.StatusBadRequest, "plate:"},
		{"BadPlate", "??", "", "", http.StatusBadRequest, "plate:"},
		{"EndsBeforeStart", "苏E33333", "2026-11-30T09:00", "2026-11-23T09:00", http.StatusBadRequest, "valid_to: must be after valid_from"},
		{"NotATime", "苏E33333", "soon", "", http.StatusBadRequest, "valid_from"},
	} {
		if st, body := deny(b, c.plate, c.from, c.to, "again"); st != c.status || !strings.Contains(body, c.says) {
			t.Errorf("%s: %d, want %d saying %q:\n%s", c.name, st, c.status, c.says, body)
		}
	}
	if _, body, _ = b.get(page); !refused.MatchString(body) || strings.Contains(body, "苏E33333") || strings.Contains(body, ">again<") {
		t.Fatalf("bad input changed the deny list:\n%s", body)
	}
	// Each deny row has its remove button; a read-only operator sees none,
	// and is refused what it posts anyway.
	// (Remove asks first, TestRemoveAsksFirst; its form posts here.)
	remove := regexp.MustCompile(`<a href="(/console/lots/` + s.Lot + `/deny/[^"/]+/delete)"`)
	buttons := remove.FindAllStringSubmatch(body, -1)
	if len(buttons) != 2 {
		t.Fatalf("%d remove buttons, want one for each of the 2 refused plates:\n%s", len(buttons), body)
	}
	_, roBody, _ := ro.get(page)
	if remove.MatchString(roBody) || strings.Contains(roBody, `action="/console/lots/`+s.Lot+`/deny"`) {
		t.Fatal("a read-only operator is offered to change the deny list")
	}
	if st, _, _ := b.post("/console/lots/"+s.Lot+"/deny", url.Values{"csrf": {"forged"}, "plate": {"苏E44444"}}); st != http.StatusForbidden {
		t.Errorf("a form not from the console: %d, want 403", st)
	}
	if st, _, _ := b.post(buttons[0][1], url.Values{"csrf": {"forged"}}); st != http.StatusForbidden {
		t.Errorf("a remove not from the console: %d, want 403", st)
	}
	if st, _ := deny(ro, "苏E44444", "", "", ""); st != http.StatusForbidden {
		t.Errorf("a read-only operator refusing a plate: %d, want 403", st)
	}
	if st, _, _ := ro.post(buttons[0][1], url.Values{}); st != http.StatusForbidden {
		t.Errorf("a read-only operator removing a refusal: %d, want 403", st)
	}
	if _, body, _ = b.get(page); len(remove.FindAllString(body, -1)) != 2 || strings.Contains(body, "苏E44444") {
		t.Fatal("a read-only operator changed the deny list")
	}
	// The button of 苏E12345 (the list is in plate order: 苏E12345 first).
	if st, body, _ := b.post(buttons[0][1], url.Values{}); st != http.StatusSeeOther {
		t.Fatalf("removing a refusal: %d\n%s", st, body)
	}
	if _, body, _ = b.get(page); refused.MatchString(body) || strings.Contains(body, "苏E12345") || !strings.Contains(body, "苏E22222") {
		t.Fatalf("after removing 苏E12345:\n%s", body)
	}
	// Each change is audited as ana's, on the plate; refused posts left no
	// entry: the two refusals, then the removal, newest first.
	es, err := s.AuditLog(park.AuditFilter{Actor: "ana"})
	if err != nil {
		t.Fatal(err)
	}
	var audited []string
	for _, e := range es {
		if strings.HasPrefix(e.Action, "whitelist.") {
			audited = append(audited, e.Action+" "+e.Target)
		}
	}
	if got := strings.Join(audited, ", "); got != "whitelist.delete 苏E12345, whitelist.put 苏E22222, whitelist.put 苏E12345" {
		t.Errorf("audited %q", got)
	}
	// An allowed plate's entry is not the deny list's to remove.
	allowed, err := s.Sys.Access.PutListEntry(s.Ctx, "", s.Lot, &park.WhitelistEntry{Plate: "沪A00001", Kind: park.AccessAllow,
		ValidFrom: s.Clock.Now(), ValidTo: s.Clock.Now().AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if st, _, _ := b.post("/console/lots/"+s.Lot+"/deny/"+allowed.ID+"/delete", url.Values{}); st != http.StatusNotFound {
		t.Errorf("removing an allowed plate as a refusal: %d, want 404", st)
	}
	if _, body, _ = b.get(page); !strings.Contains(body, "沪A00001") {
		t.Fatal("the allowed plate was removed")
	}
}

// TestAccessFormKeepsWhatWasTyped: a whitelist or deny form the console
// refuses comes back as the access page with the refusal beside the form
// it came from, in the operator's language, and what was typed kept in
// that form's fields, so the operator corrects it rather than typing it
// all again. The refusal's status is kept (400, 409), and nothing
// changes.
func TestAccessFormKeepsWhatWasTyped(t *testing.T) {
	s := newSite(t)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "li", Role: park.RoleLotOperator,
		Lots: []string{s.Lot}, Language: "zh", Password: pw}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sys.Access.PutListEntry(s.Ctx, "", s.Lot, &park.WhitelistEntry{Plate: "苏E12345", Kind: park.AccessAllow,
		Category: park.ListWhite, ValidFrom: s.Clock.Now(), ValidTo: s.Clock.Now().AddDate(0, 1, 0)}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.mustLogin("li")
	page := "/console/lots/" + s.Lot + "/access"
	for _, c := range []struct {
		name, form, id, plate, from, to string
		status                          int
		says                            string
	}{
		{"WhitelistEndsBeforeStart", "whitelist", "wl", "苏E33333", "2026-11-30T09:00", "2026-11-23T09:00", http.StatusBadRequest, "输入有误：结束须晚于开始"},
		// Ended a year before the clock's 2026-11-23, its end after its start.
		{"WhitelistEnded", "whitelist", "wl", "苏E33333", "2025-11-01T09:00", "2025-12-01T09:00", http.StatusBadRequest, "输入有误：结束已过，须晚于现在"},
		{"WhitelistBadPlate", "whitelist", "wl", "??", "2026-11-23T09:00", "2026-11-30T09:00", http.StatusBadRequest, "输入有误：车牌"},
		// Why the plate is wrong, in Chinese: 京A12 is 4 characters, a Chinese plate 7 or 8.
		{"WhitelistPlateTooShort", "whitelist", "wl", "京A12", "2026-11-23T09:00", "2026-11-30T09:00", http.StatusBadRequest,
			"输入有误：车牌（长度为 4 个字符，应为 7–8 个）"},
		{"DenyUnknownProvince", "deny", "deny", "卫A12345", "2026-11-23T09:00", "", http.StatusBadRequest,
			"输入有误：车牌（“卫”不是省份简称）"},
		{"WhitelistNotATime", "whitelist", "wl", "苏E33333", "soon", "2026-11-30T09:00", http.StatusBadRequest, "输入有误：开始不是有效的日期时间"},
		{"DenyOnAList", "deny", "deny", "苏E12345", "2026-11-23T09:00", "", http.StatusConflict, "车牌已在本车场的名单中"},
		{"DenyEndsBeforeStart", "deny", "deny", "苏E33333", "2026-11-30T09:00", "2026-11-23T09:00", http.StatusBadRequest, "输入有误：结束须晚于开始"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b.get(page)
			st, body, _ := b.post("/console/lots/"+s.Lot+"/"+c.form, url.Values{"plate": {c.plate}, "valid_from": {c.from},
				"valid_to": {c.to}, "reason": {"typed reason"}})
			if st != c.status {
				t.Fatalf("status %d, want %d:\n%s", st, c.status, body)
			}
			// The refusal is in the form it refuses: after its action, before its first field.
			form := strings.Index(body, `action="/console/lots/`+s.Lot+`/`+c.form+`"`)
			refusal := strings.Index(body, `<p class="error" role="alert" id="error-message">`+c.says)
			field := strings.Index(body, `<input id="`+c.id+`-plate"`)
			if form < 0 || refusal < form || field < refusal {
				t.Errorf("no refusal saying %q in the %s form:\n%s", c.says, c.form, body)
			}
			for field, want := range map[string]string{"plate": c.plate, "from": c.from, "to": c.to, "reason": "typed reason"} {
				kept := regexp.MustCompile(`<input id="` + c.id + `-` + field + `"[^>]* value="` + regexp.QuoteMeta(html.EscapeString(want)) + `"`)
				if !kept.MatchString(body) {
					t.Errorf("the %s form lost its %s %q:\n%s", c.form, field, want, body)
				}
			}
		})
	}
	if _, body, _ := b.get(page); strings.Contains(body, "苏E33333") || strings.Contains(body, "typed reason</td>") {
		t.Fatalf("a refused form changed the lists:\n%s", body)
	}
}

// TestOnePlateRefusedWithoutANumber: the whitelist form takes one plate,
// so its refusal says why that plate is wrong, not "plate 1", which
// reads as if the operator had typed a list.
func TestOnePlateRefusedWithoutANumber(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	b := s.browser(t)
	b.mustLogin("ana")
	b.get("/console/lots/" + s.Lot + "/access")
	// 沪A1234567 is nine characters; a Chinese plate has seven or eight.
	st, body, _ := b.post("/console/lots/"+s.Lot+"/whitelist", url.Values{"plate": {"沪A1234567"},
		"valid_from": {"2026-11-23T09:00"}, "valid_to": {"2026-11-30T09:00"}})
	if want := `id="error-message">plate: wrong length 9 for a Chinese plate<`; st != http.StatusBadRequest || !strings.Contains(body, want) {
		t.Fatalf("%d, want 400 with %s\n%s", st, want, body)
	}
}
