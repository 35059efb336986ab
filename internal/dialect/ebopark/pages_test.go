package ebopark_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"parkd/internal/park"
)

// pages follows nextCursor from the first page of op until it is "",
// and tells each page as its records' keys, "| next <cursor>" after each:
// a partner that follows the cursor makes exactly one call a page.
func (e *env) pages(t *testing.T, op, body, key string) string {
	t.Helper()
	var b strings.Builder
	cursor := ""
	for call := 0; call < 10; call++ {
		req := body
		if cursor != "" {
			req = strings.TrimSuffix(body, "}") + `,"Cursor":"` + cursor + `"}`
		}
		env := wantState(t, e.call(op, req), 0, "成功")
		var res struct {
			Records    []map[string]any `json:"records"`
			NextCursor *string          `json:"nextCursor"`
		}
		if err := json.Unmarshal(env.Result, &res); err != nil {
			t.Fatal(err)
		}
		if res.NextCursor == nil || env.Total != len(res.Records) {
			t.Fatalf("%s: nextCursor missing or total %d for %d records: %s", op, env.Total, len(res.Records), env.Result)
		}
		for _, r := range res.Records {
			fmt.Fprintf(&b, "%v ", r[key])
		}
		fmt.Fprintf(&b, "| next %s", *res.NextCursor)
		if cursor = *res.NextCursor; cursor == "" {
			return b.String()
		}
		b.WriteString(" || ")
	}
	t.Fatalf("%s: no last page after 10 calls: %s", op, b.String())
	return ""
}

// TestLastPageHasNoCursor: a page gives nextCursor only while records
// follow it, so when the records exactly fill the last page the partner
// still gets "" there and does not ask for an empty page.
func TestLastPageHasNoCursor(t *testing.T) {
	t.Parallel()
	t.Run("InParkCarsFillLastPage", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		// The three fixture cars and 沪B88888, four in the order recorded,
		// two a page: two full pages, the cursor of the first its last
		// car's orderNo (the stay id).
		e.event(t, park.EventEntry, "沪B88888", now)
		got := e.pages(t, "QueryInParkCars", `{"ParkCode":"140123001","PageSize":2}`, "carNo")
		first := e.firstPageLast(t, `{"ParkCode":"140123001","PageSize":2}`)
		want := "粤B12345 苏E6X789 | next " + first + " || 京A12345 沪B88888 | next "
		if got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
	t.Run("InParkCarsFillOnePage", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		// Three cars, three a page: one page, and it is the last.
		got := e.pages(t, "QueryInParkCars", `{"ParkCode":"140123001","PageSize":3}`, "carNo")
		if want := "粤B12345 苏E6X789 京A12345 | next "; got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
	t.Run("InParkCarsShortLastPage", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		// Three cars, two a page: a full page, then one car.
		got := e.pages(t, "QueryInParkCars", `{"ParkCode":"140123001","PageSize":2}`, "carNo")
		first := e.firstPageLast(t, `{"ParkCode":"140123001","PageSize":2}`)
		if want := "粤B12345 苏E6X789 | next " + first + " || 京A12345 | next "; got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
	e := newEnv(t)
	t.Run("SpacesFillLastPage", func(t *testing.T) {
		// F1 has six spaces, F1-A-001..006: three a page, two full pages.
		got := e.pages(t, "QuerySpaceStatus", `{"ParkCode":"140123001","Floor":"F1","PageSize":3}`, "spaceNo")
		want := "F1-A-001 F1-A-002 F1-A-003 | next F1-A-003 || F1-A-004 F1-A-005 F1-A-006 | next "
		if got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
	t.Run("SpacesShortLastPage", func(t *testing.T) {
		// Four a page: four, then the last two.
		got := e.pages(t, "QuerySpaceStatus", `{"ParkCode":"140123001","Floor":"F1","PageSize":4}`, "spaceNo")
		want := "F1-A-001 F1-A-002 F1-A-003 F1-A-004 | next F1-A-004 || F1-A-005 F1-A-006 | next "
		if got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}

// firstPageLast is the orderNo of the last car on QueryInParkCars' first
// page: the stay id a cursor names.
func (e *env) firstPageLast(t *testing.T, body string) string {
	t.Helper()
	var res struct {
		Records []struct {
			OrderNo string `json:"orderNo"`
		} `json:"records"`
	}
	result(t, wantState(t, e.call("QueryInParkCars", body), 0, "成功"), &res)
	if len(res.Records) == 0 {
		t.Fatal("no cars on the first page")
	}
	return res.Records[len(res.Records)-1].OrderNo
}
