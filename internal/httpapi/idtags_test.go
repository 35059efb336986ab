package httpapi_test

import (
	"strings"
	"testing"
)

// TestIDTags: an operator registers a lot's RFID cards, finds one in any
// case, blocks it, pages through them and deletes one; a card already
// registered, a bad card number, an unknown lot and a bad expiry are
// refused with what was wrong.
func TestIDTags(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	path := "/v1/lots/140123001/id-tags"
	c := e.want(e.do("POST", path, `{"tag":"04a1b2c3","plate":"粤B12345","note":"tenant 12","expires_at":"2027-01-01T00:00:00+08:00"}`), 201)
	if c["tag"] != "04A1B2C3" || c["plate"] != "粤B12345" || c["blocked"] != false || c["expires_at"] != "2026-12-31T16:00:00Z" {
		t.Fatalf("created %v", c)
	}
	e.problem(e.do("POST", path, `{"tag":"04A1B2C3"}`), 409, "conflict")
	e.problem(e.do("POST", path, `{"tag":"has space"}`), 400, "invalid")
	e.problem(e.do("POST", path, `{"tag":"0123456789abcdefghijk"}`), 400, "invalid") // 21 characters
	e.problem(e.do("POST", path, `{"tag":"X1","plate":"??"}`), 400, "invalid")
	e.problem(e.do("POST", path, `{"tag":"X1","expires_at":"tomorrow"}`), 400, "invalid")
	e.problem(e.do("POST", "/v1/lots/nope/id-tags", `{"tag":"X1"}`), 404, "not_found")
	e.want(e.do("POST", path, `{"tag":"01"}`), 201)

	g := e.want(e.do("GET", path+"/04a1B2c3", ""), 200)
	if g["note"] != "tenant 12" {
		t.Fatalf("get %v", g)
	}
	p := e.want(e.do("PUT", path+"/04A1B2C3", `{"plate":"粤B12345","blocked":true}`), 200)
	if p["blocked"] != true || p["expires_at"] != nil || p["note"] != "" {
		t.Fatalf("put %v", p)
	}
	l := e.want(e.do("GET", path+"?limit=1", ""), 200)
	if tags := l["id_tags"].([]any); len(tags) != 1 || tags[0].(map[string]any)["tag"] != "01" || l["next_after"] != "01" {
		t.Fatalf("page 1 %v", l)
	}
	l = e.want(e.do("GET", path+"?limit=1&after=01", ""), 200)
	if tags := l["id_tags"].([]any); len(tags) != 1 || tags[0].(map[string]any)["tag"] != "04A1B2C3" {
		t.Fatalf("page 2 %v", l)
	}
	e.problem(e.do("GET", path+"?limit=101", ""), 400, "invalid")
	e.want(e.do("DELETE", path+"/01", ""), 204)
	e.problem(e.do("DELETE", path+"/01", ""), 404, "not_found")
	e.problem(e.do("GET", path+"/01", ""), 404, "not_found")
}

// TestIDTagPages: next_after names the last tag of a page only while more
// tags follow, so a client that follows it never fetches an empty page,
// even when the tags exactly fill the last one.
func TestIDTagPages(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	path := "/v1/lots/140123001/id-tags"
	for _, tag := range []string{"A1", "A2", "A3", "A4"} {
		e.want(e.do("POST", path, `{"tag":"`+tag+`"}`), 201)
	}
	// walk follows next_after from the first page and tells each page's
	// tags and its next_after.
	walk := func(limit string) string {
		t.Helper()
		var b strings.Builder
		after := ""
		for range 10 {
			l := e.want(e.do("GET", path+"?limit="+limit+"&after="+after, ""), 200)
			for _, tag := range l["id_tags"].([]any) {
				b.WriteString(tag.(map[string]any)["tag"].(string) + " ")
			}
			next, ok := l["next_after"].(string)
			if !ok {
				t.Fatalf("next_after missing: %v", l)
			}
			b.WriteString("| next " + next)
			if after = next; after == "" {
				return b.String()
			}
			b.WriteString(" || ")
		}
		t.Fatalf("no last page after 10 calls: %s", b.String())
		return ""
	}
	t.Run("FillLastPage", func(t *testing.T) {
		// Four tags, two a page: two full pages.
		if got, want := walk("2"), "A1 A2 | next A2 || A3 A4 | next "; got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
	t.Run("FillOnePage", func(t *testing.T) {
		if got, want := walk("4"), "A1 A2 A3 A4 | next "; got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
	t.Run("ShortLastPage", func(t *testing.T) {
		// Three a page: three, then the fourth.
		if got, want := walk("3"), "A1 A2 A3 | next A3 || A4 | next "; got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}
