package httpapi_test

import (
	"strings"
	"testing"
)

// TestChargingReasons: a charger or price standard refused names the
// rule, with the bounds its document states, and is not created.
func TestChargingReasons(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/price-standards", seedStandardJSON), 201)
	const (
		chargers  = "/v1/chargers"
		standards = "/v1/price-standards"
	)
	charger := func(fields string) string {
		return edited(map[string]string{"id": `"CAB-0001"`, "lot_code": `"140123001"`, "family": `0`, "connectors": `10`,
			"standard_id": `19464`, "password": `"0123456789abcdef"`}, fields)
	}
	standard := func(fields string) string {
		return edited(map[string]string{"name": `"day"`, "family": `0`, "rules": `{"kind":"time","payment":"balance","refund_to":"balance",
			"segments":[{"from":"00:00","to":"24:00","price":100,"block_minutes":60}]}`}, fields)
	}
	for _, c := range []struct {
		name, path, body, field, reason string
		params                          []string
	}{
		// ChargerInput: id ^[A-Za-z0-9._-]{1,20}$, family 0 or 1,
		// connectors 1-64, and 1 or 2 for a car pile (family 1).
		{"charger id", chargers, charger(`id="CAB 1"`), "id", "format", nil},
		{"charger family", chargers, charger("family=2"), "family", "range", []string{"0", "1"}},
		{"charger connectors", chargers, charger("connectors=65"), "connectors", "range", []string{"1", "64"}},
		{"charger lot", chargers, charger(`lot_code="140123999"`), "lot_code", "unknown", nil},
		{"charger standard", chargers, charger("standard_id=7"), "standard_id", "unknown", nil},
		// PriceStandardInput: remark maxLength 1000, display enum.
		{"standard remark", standards, standard(`remark="` + strings.Repeat("r", 1001) + `"`), "remark", "length", []string{"0", "1000"}},
		{"standard display", standards, standard(`display="lights"`), "display", "unknown", nil},
		{"standard family", standards, standard("family=3"), "family", "range", []string{"0", "1"}},
	} {
		before := e.do("GET", c.path, "").body
		e.wantReason(c.name, e.do("POST", c.path, c.body), 400, "invalid", c.field, c.reason, c.params...)
		if after := e.do("GET", c.path, "").body; string(after) != string(before) {
			t.Errorf("%s: the refusal changed %s:\n%s\nwas\n%s", c.name, c.path, after, before)
		}
	}
}
