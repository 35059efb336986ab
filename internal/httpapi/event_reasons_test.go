package httpapi_test

import (
	"strings"
	"testing"
)

// TestEventReasons: a camera event (the README's first request) refused
// for its type, id, lane or vehicle class names the rule, as its at and
// plate already did: a missing type is not an unknown one.
func TestEventReasons(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	check := e.wantReason
	at := t0.Format("2006-01-02T15:04:05Z07:00")
	ev := func(fields string) reply {
		return e.do("POST", "/v1/lots/140123001/events", `{"plate":"京A12345","at":"`+at+`"`+fields+`}`)
	}
	check("type missing", ev(`,"id":"c1","lane":"in-1"`), 400, "invalid", "type", "required")
	check("type unknown", ev(`,"id":"c1","type":"park","lane":"in-1"`), 400, "invalid", "type", "unknown")
	// EventInput: id 1-128 characters, lane 1-64.
	check("id long", ev(`,"id":"`+strings.Repeat("i", 129)+`","type":"entry","lane":"in-1"`), 400, "invalid", "id", "length", "1", "128")
	check("lane long", ev(`,"id":"c1","type":"entry","lane":"`+strings.Repeat("l", 65)+`"`), 400, "invalid", "lane", "length", "1", "64")
	check("class", ev(`,"id":"c1","type":"entry","lane":"in-1","vehicle_class":"truck"`), 400, "invalid", "vehicle_class", "unknown")
	// Nothing was recorded: the same id is still free for a good event.
	e.want(ev(`,"id":"c1","type":"entry","lane":"in-1"`), 200)
}
