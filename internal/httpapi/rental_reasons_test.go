package httpapi_test

import (
	"strings"
	"testing"
)

// TestRentalReasons: the rental catalogue's refusals name the rule, with
// the bounds its document states, and change nothing.
func TestRentalReasons(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("PUT", "/v1/rental/stores/10001", rentalStoreJSON), 200)
	e.want(e.do("PUT", "/v1/rental/models/100001", `{"name":"卡罗拉","seats":5,"fuel":"petrol","transmission":"automatic"}`), 200)
	const (
		models   = "/v1/rental/models"
		terms    = "/v1/rental/stores/10001/models"
		vehicles = "/v1/rental/vehicles"
	)
	model := func(fields string) string {
		return edited(map[string]string{"name": `"思域"`, "seats": `5`, "fuel": `"petrol"`, "transmission": `"manual"`}, fields)
	}
	car := func(fields string) string {
		return edited(map[string]string{"vin": `"LSVAU2180N2123456"`, "store_code": `"10001"`, "model_code": `"100001"`}, fields)
	}
	for _, c := range []struct {
		name, path, body, list, field, reason string
		params                                []string
	}{
		// VehicleModelInput: name 1-200, seats 1-60, fuel and transmission enums.
		{"model name", models + "/200002", model(`name="` + strings.Repeat("n", 201) + `"`), models, "name", "length", []string{"1", "200"}},
		{"model seats", models + "/200002", model("seats=61"), models, "seats", "range", []string{"1", "60"}},
		{"model fuel", models + "/200002", model(`fuel="coal"`), models, "fuel", "unknown", nil},
		{"model transmission", models + "/200002", model(`transmission="cvt"`), models, "transmission", "unknown", nil},
		// StoreModelInput: daily_rate 0-100000000; mileage_limit_km 1-10000
		// with mileage_limited, and none without it.
		{"terms rate", terms + "/100001", `{"daily_rate":100000001}`, terms, "daily_rate", "range", []string{"0", "100000000"}},
		{"terms limit", terms + "/100001", `{"mileage_limited":true,"mileage_limit_km":10001}`, terms, "mileage_limit_km", "range", []string{"1", "10000"}},
		{"terms limit unlimited", terms + "/100001", `{"mileage_limit_km":100}`, terms, "mileage_limit_km", "needs", []string{"mileage_limited"}},
		// RentalVehicleInput: vin 17 of [A-HJ-NPR-Z0-9], mileage_km 0-5000000.
		{"car vin", vehicles + "/浙A12345", car(`vin="LSVAU2180N212345O"`), vehicles, "vin", "format", nil},
		{"car mileage", vehicles + "/浙A12345", car("mileage_km=5000001"), vehicles, "mileage_km", "range", []string{"0", "5000000"}},
	} {
		before := e.do("GET", c.list, "").body
		e.wantReason(c.name, e.do("PUT", c.path, c.body), 400, "invalid", c.field, c.reason, c.params...)
		if after := e.do("GET", c.list, "").body; string(after) != string(before) {
			t.Errorf("%s: the refusal changed %s:\n%s\nwas\n%s", c.name, c.list, after, before)
		}
	}
}
