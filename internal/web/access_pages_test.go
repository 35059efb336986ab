package web_test

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

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
// naming it, not shown as an empty list.
func TestAccessPageBadCursor(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	b := s.browser(t)
	b.mustLogin("ana")
	for _, q := range []string{"passes_after=page2", "whitelist_after=nonsense%0A", "hotel_after=%E6%B2%AAa00001"} {
		st, body, _ := b.get("/console/lots/" + s.Lot + "/access?" + q)
		name := q[:strings.Index(q, "=")]
		if st != http.StatusBadRequest || !strings.Contains(body, name) {
			t.Errorf("%s: %d, want 400 naming %s:\n%s", q, st, name, body)
		}
	}
}
