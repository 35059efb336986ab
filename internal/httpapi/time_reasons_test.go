package httpapi_test

import "testing"

// TestTimeReasons: a time field refused says which rule refused it, the
// same for every time of the native API: missing (required), not an RFC
// 3339 time with an offset (format), or a year outside 2000–9000 (range).
// An event's at is the first a camera integrator gets wrong.
func TestTimeReasons(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	check := e.wantReason
	ev := func(at string) string {
		return `{"id":"cam-1","type":"entry","plate":"京A12345","lane":"in-1"` + at + `}`
	}
	check("missing", e.do("POST", "/v1/lots/140123001/events", ev("")), 400, "invalid", "at", "required")
	check("empty", e.do("POST", "/v1/lots/140123001/events", ev(`,"at":""`)), 400, "invalid", "at", "required")
	check("words", e.do("POST", "/v1/lots/140123001/events", ev(`,"at":"yesterday"`)), 400, "invalid", "at", "format")
	check("no offset", e.do("POST", "/v1/lots/140123001/events", ev(`,"at":"2026-12-07T10:00:00"`)), 400, "invalid", "at", "format")
	check("year", e.do("POST", "/v1/lots/140123001/events", ev(`,"at":"1999-12-31T23:59:59Z"`)),
		400, "invalid", "at", "range", "2000", "9000")

	// A query's time: the same rules, also when a '+' arrived as a space.
	check("since words", e.do("GET", "/v1/deliveries?since=yesterday", ""), 400, "invalid", "since", "format")
	check("since plus", e.do("GET", "/v1/deliveries?since=2026-12-07T10:00:00+08:00", ""), 400, "invalid", "since", "format")
}
