package core_test

import (
	"encoding/json"
	"testing"

	"parkd/internal/core"
)

// TestRepeatedKey: a key named twice in one object, in any case or
// spelled with escapes, is found and named by its path; the same key in
// sibling objects, array items or string values is not a repeat.
func TestRepeatedKey(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`{"price":100,"price":1}`, "price"},
		{`{"price":100,"Price":1}`, "price"},
		{`{"pr\u0069ce":100,"price":1}`, "price"},
		{`{"a":{"b":1,"c":{"d":1,"D":2}}}`, "a.c.d"},
		{`{"slots":[{"from":"08:00","from":"09:00"}]}`, "slots.from"},
		{`{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}`, ""},
		{`{"a":"\"a\":1,","b":"a"}`, ""},
		{`{"list":["a","a"],"x":{"y":[1,{"z":1}],"z":2}}`, ""},
		{`[{"a":1},{"a":2}]`, ""},
		{`{}`, ""},
		{`{"a":[],"b":{},"a":0}`, "a"},
	} {
		if !json.Valid([]byte(c.body)) {
			t.Fatalf("%s is not JSON", c.body)
		}
		if got := core.RepeatedKey([]byte(c.body)); got != c.want {
			t.Errorf("RepeatedKey(%s) = %q, want %q", c.body, got, c.want)
		}
	}
}

func BenchmarkRepeatedKey(b *testing.B) {
	body := []byte(`{"id":"evt-000123","type":"exit","plate":"京A12345","lane":"out-1","at":"2026-12-05T10:00:00+08:00","confidence":0.97}`)
	for b.Loop() {
		core.RepeatedKey(body)
	}
}
