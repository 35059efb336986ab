package httpapi_test

import (
	"strings"
	"testing"
)

// TestCreatingATakenIDNamesIt: creating a lot, partner, price standard,
// charger or integrator again with an id already in use answers 409 and
// names, in field, the input that is taken, as every other refusal does
// (README: "A problem names the input that was wrong in field"), so a
// program need not read the English detail to know which value to change.
func TestCreatingATakenIDNamesIt(t *testing.T) {
	e := newEnv(t)
	partner := `{"id":"mall","name":"Mall","dialect":"api-one","type":"normal","lots":["140123001"]}`
	cab := `{"id":"CAB-0001","lot_code":"140123001","family":0,"type":"cabinet-10","connectors":10,"standard_id":19464,
		"password":"0123456789abcdef"}`
	integrator := `{"username":"joao","password":"uma-senha-longa","partners":["mall"]}`
	for _, c := range []struct{ path, body, field, detail string }{
		{"/v1/lots", lotJSON, "code", `lot "140123001" already exists`},
		{"/v1/partners", partner, "id", `partner "mall" already exists`},
		{"/v1/price-standards", seedStandardJSON, "id", `price standard 19464 already exists`},
		{"/v1/chargers", cab, "id", `charger "CAB-0001" already exists`},
		{"/v1/integrators", integrator, "username", `integrator "joao" already exists`},
	} {
		e.want(e.do("POST", c.path, c.body), 201)
		p := e.problem(e.do("POST", c.path, c.body), 409, "conflict")
		if p["field"] != c.field || !strings.Contains(p["detail"].(string), c.detail) {
			t.Errorf("POST %s again: field %v, detail %v; want field %q and %q", c.path, p["field"], p["detail"], c.field, c.detail)
		}
	}
}
