package ebopark_test

import (
	"encoding/json"
	"testing"
)

// FuzzGateAndOrderRequest sends arbitrary bodies to the barrier and
// reservation operations: the answer is always HTTP 200 with an envelope.
func FuzzGateAndOrderRequest(f *testing.F) {
	e := newEnv(f)
	ops := []string{"OpenGate", "CloseGate", "GateAlwaysOpen", "ShareOrderSync", "ShareOrderTerminate", "ShareQueryUser", "ReservationSyncV2"}
	for _, s := range []string{
		`{"ParkCode":"140123001","ChannelId":"in-1","AlwaysOpen":1}`, `{"ParkCode":"140123001","ChannelId":"in-1","AlwaysOpen":"0"}`,
		`{"ParkCode":"140123001","OrderNo":"SO-1","CarNo":"浙B12345","StartTime":"2026-03-01 12:00:00","EndTime":"2026-03-01 18:00:00","PayFee":1,"EntryRight":true,"ExitRight":0}`,
		`{"ParkCode":"140123001","OrderNo":"DEMO-SHARE-0001"}`, `{"ParkCode":"140123001","UserMobile":"13900139000","CarNo":"浙A66666"}`,
		`{"ParkCode":"140123001","StartTime":"9999-99-99 99:99:99","PayFee":9223372036854775807}`,
		`{"ParkCode":"140123001","AlwaysOpen":null}`, `[]`, `null`, ``, `{}`,
	} {
		for op := range ops {
			f.Add(uint8(op), s)
		}
	}
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		r := e.call(ops[int(op)%len(ops)], body)
		var env envelope
		if r.status != 200 || json.Unmarshal(r.body, &env) != nil || env.State == nil {
			t.Fatalf("%q: HTTP %d %s", body, r.status, r.body)
		}
	})
}
