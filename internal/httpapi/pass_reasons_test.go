package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestPassReasons: a pass refused names the rule. A pass sent without
// valid_to (required by PassInput) was refused as "must be after
// valid_from", reason order, as if the end given were too early.
func TestPassReasons(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	post := func(body string) reply { return e.do("POST", "/v1/lots/140123001/passes", body) }
	check := e.wantReason
	const to = `,"valid_to":"2027-01-01T00:00:00Z"`

	check("valid_to missing", post(`{"holder_name":"Li","plates":["京A12345"]}`), 400, "invalid", "valid_to", "required")
	check("valid_to early", post(`{"holder_name":"Li","plates":["京A12345"],"valid_from":"2026-12-01T00:00:00Z","valid_to":"2026-11-01T00:00:00Z"}`),
		400, "invalid", "valid_to", "order")
	check("holder missing", post(`{"plates":["京A12345"]`+to+`}`), 400, "invalid", "holder_name", "required")
	check("holder long", post(`{"holder_name":"`+strings.Repeat("h", 201)+`","plates":["京A12345"]`+to+`}`),
		400, "invalid", "holder_name", "length", "1", "200")
	check("no plates", post(`{"holder_name":"Li","plates":[]`+to+`}`), 400, "invalid", "plates", "required")
	// At most 20 plates (PassInput's maxItems).
	var many []string
	for i := range 21 {
		many = append(many, fmt.Sprintf("%q", fmt.Sprintf("京A1%04d", i)))
	}
	check("21 plates", post(`{"holder_name":"Li","plates":[`+strings.Join(many, ",")+`]`+to+`}`),
		400, "invalid", "plates", "range", "1", "20")
	check("twice", post(`{"holder_name":"Li","plates":["京A12345","京a12345"]`+to+`}`), 400, "invalid", "plates", "duplicate")
	// spaces: 1 to the number of plates, here 2.
	check("spaces", post(`{"holder_name":"Li","plates":["京A12345","京B54321"],"spaces":3`+to+`}`),
		400, "invalid", "spaces", "range", "1", "2")
	check("spaces 0", post(`{"holder_name":"Li","plates":["京A12345","京B54321"],"spaces":0`+to+`}`),
		400, "invalid", "spaces", "range", "1", "2")
}
