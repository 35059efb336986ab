package httpapi_test

import "testing"

// TestLimitReasons: every list's limit is refused alike, naming its own
// bounds as the document gives them: a text that is no whole number is
// format, a number outside 1..the route's most is range with those two,
// where one route said "must be a non-negative integer" and then refused
// 0, and another "must be between 1 and 1000" for limit=abc.
func TestLimitReasons(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	check := e.wantReason

	// Stays, anomalies, deliveries: 1 to 1000.
	check("stays abc", e.do("GET", "/v1/lots/140123001/stays?limit=abc", ""), 400, "invalid", "limit", "format")
	check("stays 0", e.do("GET", "/v1/lots/140123001/stays?limit=0", ""), 400, "invalid", "limit", "range", "1", "1000")
	check("stays 1001", e.do("GET", "/v1/lots/140123001/stays?limit=1001", ""), 400, "invalid", "limit", "range", "1", "1000")
	check("anomalies -1", e.do("GET", "/v1/lots/140123001/anomalies?limit=-1", ""), 400, "invalid", "limit", "range", "1", "1000")
	check("deliveries 2.5", e.do("GET", "/v1/deliveries?limit=2.5", ""), 400, "invalid", "limit", "format")
	// A lane's commands and the audit log: 1 to 500.
	check("commands 501", e.do("GET", "/v1/lots/140123001/lanes/in-1/commands?limit=501", ""), 400, "invalid", "limit", "range", "1", "500")
	check("audit abc", e.do("GET", "/v1/audit?limit=abc", ""), 400, "invalid", "limit", "format")
	check("audit 501", e.do("GET", "/v1/audit?limit=501", ""), 400, "invalid", "limit", "range", "1", "500")
	// Charging's lists: 1 to 100.
	check("sessions abc", e.do("GET", "/v1/charging/sessions?limit=abc", ""), 400, "invalid", "limit", "format")
	check("sessions 0", e.do("GET", "/v1/charging/sessions?limit=0", ""), 400, "invalid", "limit", "range", "1", "100")
	check("standards 101", e.do("GET", "/v1/price-standards?limit=101", ""), 400, "invalid", "limit", "range", "1", "100")
	check("id tags -1", e.do("GET", "/v1/lots/140123001/id-tags?limit=-1", ""), 400, "invalid", "limit", "range", "1", "100")

	// Within the bounds, the list is served.
	e.want(e.do("GET", "/v1/lots/140123001/stays?limit=1000", ""), 200)
	e.want(e.do("GET", "/v1/charging/sessions?limit=100", ""), 200)
}
