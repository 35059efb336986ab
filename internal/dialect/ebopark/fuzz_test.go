package ebopark_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRequest sends arbitrary bodies to every served operation (each one
// has a golden request, which seeds it) and to an unknown one, as the
// partner test: the answer is always HTTP 200 with an envelope, and never the
// internal-error state a bug would give.
func FuzzRequest(f *testing.F) {
	e := newEnv(f)
	files, err := filepath.Glob(filepath.Join("testdata", "*.request.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no golden requests: %v", err)
	}
	ops := []string{"Nope"}
	for _, file := range files {
		ops = append(ops, strings.TrimSuffix(filepath.Base(file), ".request.json"))
	}
	seeds := []string{seedBody, `{"ParkCode":"140123001","CarNo":"京A12345","userMobile":"18679681247"}`,
		`{"ParkCode":"140123001","PageSize":1000,"Cursor":"zz"}`, `{"ParkCode":1}`, `{"CarNo":null}`, `[]`, `null`, ``, `{}`,
		`{"ParkCode":"140123001","PageSize":1e400}`, `{"parkcode":"140123001","carno":"粤B12345","USERMOBILE":"+8613800000000"}`,
		`{"ParkCode":"140123001","CarNo":"\u0000","userMobile":"1"}`, `{"ParkCode":"140123001"} x`}
	for i, file := range files { // operation i+1
		body, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i+1), string(body))
		for _, s := range seeds[:3] {
			f.Add(uint8(i+1), s)
		}
	}
	for _, s := range seeds {
		f.Add(uint8(0), s)
	}
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		name := ops[int(op)%len(ops)]
		r := e.call(name, body)
		var env envelope
		if r.status != 200 || json.Unmarshal(r.body, &env) != nil || env.State == nil {
			t.Fatalf("%s %q: HTTP %d %s", name, body, r.status, r.body)
		}
		if strings.Contains(string(r.body), "系统内部错误") {
			t.Fatalf("%s %q: internal error: %s", name, body, r.body)
		}
	})
}
