package ebopark_test

import (
	"encoding/json"
	"testing"
)

// FuzzRequest sends arbitrary bodies to every operation (and to an unknown
// one) as the demo partner: the answer is always HTTP 200 with an envelope.
func FuzzRequest(f *testing.F) {
	e := newEnv(f)
	for _, s := range []string{seedBody, `{"ParkCode":"140123001","CarNo":"京A12345","userMobile":"18679681247"}`,
		`{"ParkCode":"140123001","PageSize":1000,"Cursor":"zz"}`, `{"ParkCode":1}`, `{"CarNo":null}`, `[]`, `null`, ``, `{}`,
		`{"ParkCode":"140123001","PageSize":1e400}`, `{"parkcode":"140123001","carno":"粤B12345","USERMOBILE":"+8613800000000"}`,
		`{"ParkCode":"140123001","CarNo":"\u0000","userMobile":"1"}`, `{"ParkCode":"140123001"} x`} {
		for op := range 4 {
			f.Add(uint8(op), s)
		}
	}
	ops := []string{"QueryMonthCarInfoV2", "QueryRemainingSpaces", "QueryInParkCars", "Nope"}
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		r := e.call(ops[int(op)%len(ops)], body)
		var env envelope
		if r.status != 200 || json.Unmarshal(r.body, &env) != nil || env.State == nil {
			t.Fatalf("%q: HTTP %d %s", body, r.status, r.body)
		}
	})
}
