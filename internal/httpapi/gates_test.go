package httpapi_test

import (
	"strings"
	"testing"
)

// TestGateCommandRoutes: an operator opens a lane's barrier, holds it
// open, and reads the lane's log with who did it; an unknown lane, a bad
// command and a close of a held lane are refused with their own codes.
func TestGateCommandRoutes(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/lots/140123001/events", event("c1", "entry", "京A12345", t0)), 200) // names lane-entry
	path := "/v1/lots/140123001/lanes/lane-entry/commands"

	res := e.want(e.do("POST", path, `{"command":"open","reason":"ticket jam","operator":"li"}`), 200)
	cmd := res["command"].(map[string]any)
	if cmd["by"] != "operator:li" || cmd["result"] != "delivered" || cmd["lane"] != "lane-entry" || res["held_open"] != false {
		t.Fatalf("open: %v", res)
	}
	if res = e.want(e.do("POST", path, `{"command":"hold_open","reason":"morning rush"}`), 200); res["held_open"] != true {
		t.Fatalf("hold: %v", res)
	}
	e.problem(e.do("POST", path, `{"command":"close"}`), 409, "conflict")
	e.problem(e.do("POST", path, `{"command":"lift"}`), 400, "invalid")
	e.problem(e.do("POST", path, `{"command":"open","extra":1}`), 400, "invalid")
	e.problem(e.do("POST", path, `{"command":"open"}`), 400, "invalid") // a lift by hand needs a reason
	e.problem(e.do("POST", path, `{"command":"open","reason":"  "}`), 400, "invalid")
	// A reason is at most 256 characters, as through every partner API.
	e.problem(e.do("POST", path, `{"command":"open","reason":"`+strings.Repeat("原", 257)+`"}`), 400, "invalid")
	e.problem(e.do("POST", "/v1/lots/140123001/lanes/nope/commands", `{"command":"open","reason":"x"}`), 404, "not_found")
	e.problem(e.do("POST", "/v1/lots/nope/lanes/lane-entry/commands", `{"command":"open","reason":"x"}`), 404, "not_found")

	log := e.want(e.do("GET", path, ""), 200)
	cs := log["commands"].([]any)
	if log["held_open"] != true || len(cs) != 2 || cs[0].(map[string]any)["command"] != "hold_open" ||
		cs[1].(map[string]any)["reason"] != "ticket jam" {
		t.Fatalf("log: %v", log)
	}
	if one := e.want(e.do("GET", path+"?limit=1", ""), 200); len(one["commands"].([]any)) != 1 {
		t.Fatalf("limit 1: %v", one)
	}
	e.problem(e.do("GET", path+"?limit=x", ""), 400, "invalid")
	e.problem(e.do("GET", "/v1/lots/140123001/lanes/nope/commands", ""), 404, "not_found")

	longest := strings.Repeat("原", 256)
	res = e.want(e.do("POST", path, `{"command":"release","reason":"`+longest+`"}`), 200)
	if cmd := res["command"].(map[string]any); cmd["reason"] != longest {
		t.Fatalf("a 256-character reason was logged as %v", cmd["reason"])
	}
}
