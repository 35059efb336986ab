package httpapi_test

import (
	"net/http"
	"testing"
)

// TestRentalBadInput: bad input to the rental catalogue's routes (models,
// cars, terms, and the stores they hang on) is answered 4xx naming the
// field at fault, unknown ids in the path included (they answered 404
// naming nothing, so a client could not tell which id was wrong), and
// nothing changes.
func TestRentalBadInput(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("PUT", "/v1/rental/stores/10001", rentalStoreJSON), 200)
	e.want(e.do("PUT", "/v1/rental/models/100001", `{"name":"卡罗拉","seats":5,"fuel":"petrol","transmission":"automatic"}`), 200)
	e.want(e.do("PUT", "/v1/rental/models/300003", `{"name":"思域","seats":5,"fuel":"petrol","transmission":"manual"}`), 200)
	e.want(e.do("PUT", "/v1/rental/stores/10001/models/100001", `{"daily_rate":20000}`), 200)
	e.want(e.do("PUT", "/v1/rental/vehicles/浙A12345", `{"vin":"LSVAU2180N2123456","store_code":"10001","model_code":"100001"}`), 200)
	snapshot := func() string {
		s := ""
		for _, p := range []string{"/v1/rental/stores", "/v1/rental/models", "/v1/rental/stores/10001/models", "/v1/rental/vehicles"} {
			s += string(e.do("GET", p, "").body)
		}
		return s
	}
	before := snapshot()
	car := func(extra string) string {
		return `{"vin":"LSVAU2180N2123456","store_code":"10001","model_code":"100001"` + extra + `}`
	}
	for _, c := range []struct {
		method, path, body string
		status             int
		field              string
	}{
		// models
		{"PUT", "/v1/rental/models/200002", `{}`, 400, "name"},
		{"PUT", "/v1/rental/models/200002", `{"name":"x","seats":"5","fuel":"petrol","transmission":"automatic"}`, 400, "seats"},
		{"PUT", "/v1/rental/models/200002", `{"name":"x","seats":-1,"fuel":"petrol","transmission":"automatic"}`, 400, "seats"},
		{"PUT", "/v1/rental/models/200002", `{"name":"x","seats":5,"fuel":"coal","transmission":"automatic"}`, 400, "fuel"},
		{"PUT", "/v1/rental/models/200002", `{"name":"x","seats":5,"fuel":"petrol","transmission":"automatic","bogus":1}`, 400, "bogus"},
		{"PUT", "/v1/rental/models/a%20b", `{"name":"x","seats":5,"fuel":"petrol","transmission":"automatic"}`, 400, "code"},
		{"DELETE", "/v1/rental/models/nope", ``, 404, "code"},
		// terms
		{"PUT", "/v1/rental/stores/10001/models/100001", `{"daily_rate":-1}`, 400, "daily_rate"},
		{"PUT", "/v1/rental/stores/10001/models/100001", `{"daily_rate":"200"}`, 400, "daily_rate"},
		{"PUT", "/v1/rental/stores/10001/models/100001", `{"violation_deposit":-5}`, 400, "violation_deposit"},
		{"PUT", "/v1/rental/stores/10001/models/100001", `{"mileage_limited":true}`, 400, "mileage_limit_km"},
		{"PUT", "/v1/rental/stores/10001/models/100001", `{"mileage_limited":"yes"}`, 400, "mileage_limited"},
		{"PUT", "/v1/rental/stores/10001/models/200002", `{}`, 404, "model_code"},
		{"PUT", "/v1/rental/stores/nope/models/100001", `{}`, 404, "store_code"},
		{"GET", "/v1/rental/stores/nope/models", ``, 404, "store_code"},
		// Terms the store never had cannot be deleted: the channel would
		// be told to withdraw an offer it never heard of.
		{"PUT", "/v1/rental/stores/10001/models/300003", `{"deleted":true}`, 404, "model_code"},
		// cars
		{"PUT", "/v1/rental/vehicles/浙A12345", `{}`, 400, "vin"},
		{"PUT", "/v1/rental/vehicles/浙A12345", car(`,"mileage_km":-1`), 400, "mileage_km"},
		{"PUT", "/v1/rental/vehicles/浙A12345", car(`,"mileage_km":"5"`), 400, "mileage_km"},
		{"PUT", "/v1/rental/vehicles/浙A12345", car(`,"one_way":"yes"`), 400, "one_way"},
		{"PUT", "/v1/rental/vehicles/浙A12345", `{"vin":"LSVAU2180N2123456","store_code":"nope","model_code":"100001"}`, 404, "store_code"},
		{"PUT", "/v1/rental/vehicles/浙A12345", `{"vin":"LSVAU2180N2123456","store_code":"10001","model_code":"nope"}`, 404, "model_code"},
		{"PUT", "/v1/rental/vehicles/xx", car(""), 400, "plate"},
		{"PUT", "/v1/rental/vehicles/浙B12345", car(""), 409, "vin"},
		{"DELETE", "/v1/rental/vehicles/浙B99999", ``, 404, "plate"},
		{"GET", "/v1/rental/vehicles?store=nope", ``, 404, "store"},
		// the stores they hang on
		{"PUT", "/v1/rental/stores/10001", `{}`, 400, "kind"},
		{"GET", "/v1/rental/stores/nope", ``, 404, "code"},
		{"DELETE", "/v1/rental/stores/nope", ``, 404, "code"},
	} {
		t.Run(c.method+" "+c.path+" "+c.body, func(t *testing.T) {
			code := map[int]string{400: "invalid", 404: "not_found", 409: "conflict"}[c.status]
			p := e.problem(e.do(c.method, c.path, c.body), c.status, code)
			if p["field"] != c.field {
				t.Errorf("%d %s naming field %v, want %s", c.status, http.StatusText(c.status), p["field"], c.field)
			}
		})
	}
	if after := snapshot(); after != before {
		t.Fatalf("refused calls changed the catalogue:\n%s\n%s", before, after)
	}
}
