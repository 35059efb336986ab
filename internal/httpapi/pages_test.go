package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"parkd/internal/park"
)

// pageOf reads one page of a lot's passes, whitelist or stays (key
// "passes", "whitelist" or "stays") and returns the plates on it and its
// next ("" when absent).
func (e *env) pageOf(path, key string) (plates []string, next string) {
	e.t.Helper()
	page := e.want(e.do("GET", path, ""), 200)
	for _, it := range page[key].([]any) {
		m := it.(map[string]any)
		if ps, ok := m["plates"].([]any); ok {
			plates = append(plates, ps[0].(string))
		} else {
			plates = append(plates, m["plate"].(string))
		}
	}
	if n, ok := page["next"]; ok {
		next = n.(string)
	}
	return plates, next
}

// TestPassPages: a client pages through a lot's passes while the operator
// adds and deletes some. Ids are time-ordered, so the order is the order
// of creation: P1..P5 are there at the start.
//
//	page 1 (limit 2): P1 P2, next = P2, more follow
//	  then P3 (not yet read) is deleted and P6 added
//	page 2 (after P2): P4 P5, next = P5, more follow (P6)
//	  then P2 (already read) is deleted and P7 added
//	page 3 (after P5): P6 P7, no next: nothing follows
//
// Every pass there from start to end (P1 P4 P5) comes once, P2 once
// before it was deleted, P3 never, the added P6 and P7 once, in order.
func TestPassPages(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	ids := map[string]string{}
	add := func(n int) {
		plate := fmt.Sprintf("京A1000%d", n)
		p := e.want(e.do("POST", "/v1/lots/140123001/passes", `{"holder_name":"P`+fmt.Sprint(n)+`","plates":["`+plate+`"],
			"valid_from":"2026-11-01T00:00:00Z","valid_to":"2026-12-01T00:00:00Z"}`), 201)
		ids[plate] = p["id"].(string)
	}
	for n := 1; n <= 5; n++ {
		add(n)
	}
	const path = "/v1/lots/140123001/passes"
	var all []string
	got, next := e.pageOf(path+"?limit=2", "passes")
	if strings.Join(got, " ") != "京A10001 京A10002" || next != ids["京A10002"] {
		t.Fatalf("page 1: %v next %q", got, next)
	}
	all = append(all, got...)
	e.want(e.do("DELETE", path+"/"+ids["京A10003"], ""), 204)
	add(6)
	got, next = e.pageOf(path+"?limit=2&after="+next, "passes")
	if strings.Join(got, " ") != "京A10004 京A10005" || next != ids["京A10005"] {
		t.Fatalf("page 2: %v next %q", got, next)
	}
	all = append(all, got...)
	e.want(e.do("DELETE", path+"/"+ids["京A10002"], ""), 204)
	add(7)
	got, next = e.pageOf(path+"?limit=2&after="+next, "passes")
	if strings.Join(got, " ") != "京A10006 京A10007" || next != "" {
		t.Fatalf("page 3: %v next %q", got, next)
	}
	all = append(all, got...)
	if strings.Join(all, " ") != "京A10001 京A10002 京A10004 京A10005 京A10006 京A10007" {
		t.Fatalf("paged through %v", all)
	}
	// A client that reads one reply (no limit: up to 100) gets the five
	// passes left and no next.
	got, next = e.pageOf(path, "passes")
	if strings.Join(got, " ") != "京A10001 京A10004 京A10005 京A10006 京A10007" || next != "" {
		t.Fatalf("one reply: %v next %q", got, next)
	}
}

// TestWhitelistPages: as TestPassPages, over the whitelist's entries of
// every list. W1..W4 at the start (W2 a special vehicle, W3 a hotel
// guest's: every list is paged together, by id).
//
//	page 1 (limit 3): W1 W2 W3, next = W3
//	  then W4 (not yet read) is deleted, W5 added
//	page 2 (after W3): W5, no next
func TestWhitelistPages(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	const window = `"valid_from":"2026-11-01T00:00:00Z","valid_to":"2027-11-01T00:00:00Z"`
	ids := map[string]string{}
	add := func(plate, extra string) {
		w := e.want(e.do("POST", "/v1/lots/140123001/whitelist", `{"plate":"`+plate+`",`+extra+window+`}`), 201)
		ids[plate] = w["id"].(string)
	}
	add("沪B00001", "")
	add("沪B00002", `"category":"special","reason":"police",`)
	add("沪B00003", `"category":"hotel","reason":"808",`)
	add("沪B00004", `"kind":"deny",`)
	const path = "/v1/lots/140123001/whitelist"
	got, next := e.pageOf(path+"?limit=3", "whitelist")
	if strings.Join(got, " ") != "沪B00001 沪B00002 沪B00003" || next != ids["沪B00003"] {
		t.Fatalf("page 1: %v next %q", got, next)
	}
	e.want(e.do("DELETE", path+"/"+ids["沪B00004"], ""), 204)
	add("沪B00005", "")
	got, next = e.pageOf(path+"?limit=3&after="+next, "whitelist")
	if strings.Join(got, " ") != "沪B00005" || next != "" {
		t.Fatalf("page 2: %v next %q", got, next)
	}
}

// TestListPageRefusals: a limit or cursor that is not one is refused,
// naming it, as for stays.
func TestListPageRefusals(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	for _, path := range []string{"/v1/lots/140123001/passes", "/v1/lots/140123001/whitelist"} {
		for _, c := range []struct{ query, field string }{
			{"limit=-1", "limit"}, {"limit=1001", "limit"}, {"limit=ten", "limit"},
			{"after=page2", "after"}, {"after=%E4%BA%AC", "after"},
		} {
			p := e.problem(e.do("GET", path+"?"+c.query, ""), 400, "invalid")
			if !strings.Contains(fmt.Sprint(p), c.field) {
				t.Errorf("%s?%s: %v does not name %s", path, c.query, p, c.field)
			}
		}
		e.want(e.do("GET", path+"?limit=1000", ""), 200)
		e.problem(e.do("GET", "/v1/lots/nolot/"+strings.TrimPrefix(path, "/v1/lots/140123001/")+"?limit=5", ""), 404, "not_found")
	}
}

// TestStayPages: the stays list gives next only while more stays follow,
// as the passes' does. Three cars enter, S1..S3 in that order.
//
//	limit 3: S1 S2 S3, no next (nothing follows)
//	then S4 enters
//	limit 3: S1 S2 S3, next = S3; after S3: S4, no next
func TestStayPages(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	enter := func(n int) {
		at := t0.Add(time.Duration(n) * time.Minute)
		e.setNow(at)
		e.want(e.do("POST", "/v1/lots/140123001/events", event(fmt.Sprintf("s%d", n), "entry", fmt.Sprintf("京S1000%d", n), at)), 200)
	}
	for n := 1; n <= 3; n++ {
		enter(n)
	}
	const path = "/v1/lots/140123001/stays"
	got, next := e.pageOf(path+"?limit=3", "stays")
	if strings.Join(got, " ") != "京S10001 京S10002 京S10003" || next != "" {
		t.Fatalf("three stays, limit 3: %v next %q, want no next", got, next)
	}
	enter(4)
	page := e.want(e.do("GET", path+"?limit=3", ""), 200)
	last := page["stays"].([]any)[2].(map[string]any)
	if len(page["stays"].([]any)) != 3 || page["next"] != last["id"] {
		t.Fatalf("four stays, limit 3: next %v, want the third's id %v", page["next"], last["id"])
	}
	got, next = e.pageOf(path+"?limit=3&after="+last["id"].(string), "stays")
	if strings.Join(got, " ") != "京S10004" || next != "" {
		t.Fatalf("last page: %v next %q, want 京S10004 and no next", got, next)
	}
}

// walk follows a list's next from its first page of limit, the cursor
// passed as the query parameter cursor, and returns each page's items,
// named by their field. It stops at the first page without next.
func (e *env) walk(path, key, field, cursor string, limit int) [][]string {
	e.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var pages [][]string
	q := fmt.Sprintf("%s%slimit=%d", path, sep, limit)
	for {
		page := e.want(e.do("GET", q, ""), 200)
		var got []string
		for _, it := range page[key].([]any) {
			got = append(got, it.(map[string]any)[field].(string))
		}
		pages = append(pages, got)
		next, ok := page["next"].(string)
		if !ok {
			return pages
		}
		if len(pages) > 20 {
			e.t.Fatalf("%s: still a next after %d pages: %v", path, len(pages), pages)
		}
		q = fmt.Sprintf("%s%slimit=%d&%s=%s", path, sep, limit, cursor, next)
	}
}

// checkPages checks a list of n items (n >= 2) as a client paging it
// sees them, add adding one more: limit n is one page without next;
// after add, limit n is a full page with next, then a last page holding
// the one left without next; and limit 1 visits each of the n+1 items
// exactly once, in the list's own order (one page of them all).
func (e *env) checkPages(n int, add func(), path, key, field, cursor string) {
	e.t.Helper()
	if pages := e.walk(path, key, field, cursor, n); len(pages) != 1 || len(pages[0]) != n {
		e.t.Fatalf("%s: %d items, limit %d: pages %v, want one page of %d and no next", path, n, n, pages, n)
	}
	add()
	all := e.walk(path, key, field, cursor, 100)
	if len(all) != 1 || len(all[0]) != n+1 {
		e.t.Fatalf("%s: after adding one: %v, want one page of %d", path, all, n+1)
	}
	want := strings.Join(all[0], " ")
	pages := e.walk(path, key, field, cursor, n)
	if len(pages) != 2 || len(pages[0]) != n || len(pages[1]) != 1 {
		e.t.Fatalf("%s: %d items, limit %d: pages %v, want %d then 1, the last without next", path, n+1, n, pages, n)
	}
	if got := strings.Join(append(pages[0], pages[1]...), " "); got != want {
		e.t.Fatalf("%s: limit %d paged %s, want %s", path, n, got, want)
	}
	var ones []string
	for _, p := range e.walk(path, key, field, cursor, 1) {
		if len(p) != 1 {
			e.t.Fatalf("%s: limit 1 gave a page of %d: %v (an empty last page?)", path, len(p), p)
		}
		ones = append(ones, p[0])
	}
	if got := strings.Join(ones, " "); got != want {
		e.t.Fatalf("%s: limit 1 paged %s, want each once: %s", path, got, want)
	}
}

// TestSpacePages: the spaces list gives next only while more spaces
// follow, as the stays' does.
func TestSpacePages(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	layout := func(n int) string {
		var sps []string
		for i := 1; i <= n; i++ {
			sps = append(sps, fmt.Sprintf(`{"code":"B1-%03d","floor":"B1"}`, i))
		}
		return `{"spaces":[` + strings.Join(sps, ",") + `]}`
	}
	e.want(e.do("PUT", "/v1/lots/140123001/spaces", layout(3)), 200)
	e.checkPages(3, func() { e.want(e.do("PUT", "/v1/lots/140123001/spaces", layout(4)), 200) },
		"/v1/lots/140123001/spaces", "spaces", "code", "after")
	if pages := e.walk("/v1/lots/140123001/spaces?floor=B2", "spaces", "code", "after", 3); len(pages) != 1 || len(pages[0]) != 0 {
		t.Fatalf("no space on B2: %v, want an empty page without next", pages)
	}
}

// TestDeliveryPages: the deliveries list, newest first, gives next only
// while older deliveries follow. Each car's entry makes one delivery,
// kept pending by a disabled subscription.
func TestDeliveryPages(t *testing.T) {
	e := newDeliveryEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/partners", `{"id":"mall","name":"Mall","dialect":"api-one","type":"normal","lots":["140123001"]}`), 201)
	e.want(e.do("POST", "/v1/partners/mall/subscriptions", `{"report":"entry","url":"http://127.0.0.1:9/entry","enabled":false}`), 201)
	enter := func(n int) {
		at := e.Now().Add(time.Duration(n-10) * time.Minute)
		e.want(e.do("POST", "/v1/lots/140123001/events", event(fmt.Sprintf("d%d", n), "entry", fmt.Sprintf("京D1000%d", n), at)), 200)
	}
	for n := 1; n <= 3; n++ {
		enter(n)
	}
	e.checkPages(3, func() { enter(4) }, "/v1/deliveries?partner=mall", "deliveries", "id", "before")
}

// TestAuditPages: the audit log, newest first, gives next only while
// older entries follow. Each change of the lot is one entry.
func TestAuditPages(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	change := func(n int) {
		e.want(e.do("PATCH", "/v1/lots/140123001", fmt.Sprintf(`{"capacity":%d}`, 10+n)), 200)
	}
	for n := 1; n <= 3; n++ {
		change(n)
	}
	e.checkPages(3, func() { change(4) }, "/v1/audit?lot=140123001&actor=admin-token", "entries", "id", "before")
	for _, limit := range []string{"-1", "501", "ten"} {
		if p := e.problem(e.do("GET", "/v1/audit?limit="+limit, ""), 400, "invalid"); p["field"] != "limit" {
			t.Errorf("limit=%s: %v, want the limit refused", limit, p)
		}
	}
	e.want(e.do("GET", "/v1/audit?limit=500", ""), 200)
}

// TestListCursors: an after of stays or spaces that the list could never
// have given is refused naming it, instead of reading as an empty last
// page; one naming a car that has since left, or a space code no longer
// there, continues after its place in the order. S1..S3 enter in order.
func TestListCursors(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	for n := 1; n <= 3; n++ {
		at := t0.Add(time.Duration(n) * time.Minute)
		e.setNow(at)
		e.want(e.do("POST", "/v1/lots/140123001/events", event(fmt.Sprintf("s%d", n), "entry", fmt.Sprintf("京S1000%d", n), at)), 200)
	}
	e.want(e.do("PUT", "/v1/lots/140123001/spaces", `{"spaces":[{"code":"B1-001","floor":"B1"},{"code":"B1-002","floor":"B1"},{"code":"B1-003","floor":"B1"}]}`), 200)
	for _, q := range []string{
		"stays?after=nope",
		"stays?after=0195f3a0-0000-7000-8000-000000000000", // an id, but no stay's
		"spaces?after=B1%2001",
		"spaces?after=%E8%BD%A6%E4%BD%8D1", // 车位1
	} {
		p := e.problem(e.do("GET", "/v1/lots/140123001/"+q, ""), 400, "invalid")
		if p["field"] != "after" {
			t.Errorf("%s: field %v, want after: %v", q, p["field"], p["detail"])
		}
	}
	// No space B1-0015: the page holds those after it.
	page := e.want(e.do("GET", "/v1/lots/140123001/spaces?after=B1-0015", ""), 200)
	var codes []string
	for _, sp := range page["spaces"].([]any) {
		codes = append(codes, sp.(map[string]any)["code"].(string))
	}
	if strings.Join(codes, " ") != "B1-002 B1-003" || page["next"] != nil {
		t.Fatalf("after B1-0015: %v next %v, want B1-002 B1-003 and no next", codes, page["next"])
	}
	// S2 ends the first page of two, then drives out: the next page is S3.
	first := e.want(e.do("GET", "/v1/lots/140123001/stays?state=in&limit=2", ""), 200)
	cursor, _ := first["next"].(string)
	at := t0.Add(5 * time.Minute)
	e.setNow(at)
	e.want(e.do("POST", "/v1/lots/140123001/events", event("x2", "exit", "京S10002", at)), 200)
	got, next := e.pageOf("/v1/lots/140123001/stays?state=in", "stays")
	if strings.Join(got, " ") != "京S10001 京S10003" {
		t.Fatalf("inside after S2's exit: %v, want 京S10001 京S10003", got)
	}
	got, next = e.pageOf("/v1/lots/140123001/stays?state=in&limit=2&after="+cursor, "stays")
	if strings.Join(got, " ") != "京S10003" || next != "" {
		t.Fatalf("after S2, who left: %v next %q, want 京S10003 and no next", got, next)
	}
}

// TestAnomalyPages: a client pages through a lot's anomalies, newest
// first, with before and next as it pages the audit log, while a new
// one is recorded. Seven anomalies (minutes after t0; ids chosen so that
// the three at minute 3 were recorded in another order than their ids):
//
//	a1 1m …01   a2 2m …02   a3 3m …0c   a4 3m …0a   a5 3m …0b   a6 4m …06   a7 5m …07
//
// Newest first, ties at 3m by id, the higher first (0c, 0b, 0a):
// a7 a6 a3 a5 a4 a2 a1. Pages of 3: a7 a6 a3 | a5 a4 a2 | a1 — 3 + 3 + 1
// = 7, each once. A new anomaly at 6m recorded after page 1 is newer
// than everything paged, so pages 2 and 3 are as they were; a fresh first
// page starts with it.
func TestAnomalyPages(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/lots", strings.Replace(lotJSON, "140123001", "140123002", 1)), 201)
	id := func(n string) string { return "019aaaaa-0000-7000-8000-0000000000" + n }
	record := func(lot, detail, idTail string, min int) {
		t.Helper()
		a := &park.Anomaly{ID: id(idTail), LotCode: lot, Kind: park.AnomalyMissedEntry, Plate: "京A12345", EventID: "ev-" + detail,
			At: t0.Add(time.Duration(min) * time.Minute), Detail: detail}
		if err := e.sys.Store.Update(context.Background(), func(tx park.Tx) error { return tx.InsertAnomaly(context.Background(), a) }); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []struct {
		detail, id string
		min        int
	}{{"a1", "01", 1}, {"a2", "02", 2}, {"a3", "0c", 3}, {"a4", "0a", 3}, {"a5", "0b", 3}, {"a6", "06", 4}, {"a7", "07", 5}} {
		record("140123001", a.detail, a.id, a.min)
	}
	// Another lot's, at a tie with a3, is not this lot's.
	record("140123002", "other", "0f", 3)
	const path = "/v1/lots/140123001/anomalies"
	page := func(q string) (details []string, next string) {
		t.Helper()
		p := e.want(e.do("GET", path+q, ""), 200)
		for _, it := range p["anomalies"].([]any) {
			details = append(details, it.(map[string]any)["detail"].(string))
		}
		if n, ok := p["next"]; ok {
			next = n.(string)
		}
		return details, next
	}
	var all []string
	got, next := page("?limit=3")
	if strings.Join(got, " ") != "a7 a6 a3" || next != id("0c") {
		t.Fatalf("page 1: %v next %q, want a7 a6 a3 next a3's id", got, next)
	}
	all = append(all, got...)
	record("140123001", "new", "10", 6)
	got, next = page("?limit=3&before=" + next)
	if strings.Join(got, " ") != "a5 a4 a2" || next != id("02") {
		t.Fatalf("page 2: %v next %q, want a5 a4 a2 next a2's id", got, next)
	}
	all = append(all, got...)
	got, next = page("?limit=3&before=" + next)
	if strings.Join(got, " ") != "a1" || next != "" {
		t.Fatalf("page 3: %v next %q, want a1 and no next", got, next)
	}
	all = append(all, got...)
	if strings.Join(all, " ") != "a7 a6 a3 a5 a4 a2 a1" {
		t.Fatalf("paged through %v", all)
	}
	if got, _ := page("?limit=3"); strings.Join(got, " ") != "new a7 a6" {
		t.Fatalf("a fresh first page: %v, want new a7 a6", got)
	}

	// A cursor that is no anomaly of the lot is refused naming before,
	// not read as an empty last page.
	for _, bad := range []string{"nope", id("99"), id("0f")} {
		if p := e.problem(e.do("GET", path+"?before="+bad, ""), 400, "invalid"); p["field"] != "before" {
			t.Errorf("before=%s: problem %v, want the field before", bad, p)
		}
	}
}
