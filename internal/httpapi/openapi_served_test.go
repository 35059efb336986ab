package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"parkd/internal/httpapi"
)

// servedDoc is the API document as a client fetches it.
func (e *env) servedDoc() map[string]any {
	e.t.Helper()
	r := e.do("GET", "/v1/openapi.json", "")
	var doc map[string]any
	if r.status != 200 || json.Unmarshal(r.body, &doc) != nil {
		e.t.Fatalf("GET /v1/openapi.json: %d", r.status)
	}
	return doc
}

// deref follows a local $ref in doc.
func deref(doc map[string]any, v any) map[string]any {
	for range 8 {
		m, _ := v.(map[string]any)
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		v = doc
		for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			v = v.(map[string]any)[tok]
		}
	}
	return nil
}

// TestOpenAPIQueryBounds walks the document's query parameters of every
// GET route a lot and a lane are enough for, and asks the server what a
// client generated from the document would send: each documented enum
// value and each integer's minimum and maximum is answered, a value past
// them or outside the enum is refused naming the parameter.
func TestOpenAPIQueryBounds(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/lots/140123001/events", event("q1", "entry", "京A12345", t0)), 200) // names lane lane-entry
	doc := e.servedDoc()
	paths := doc["paths"].(map[string]any)
	names := make([]string, 0, len(paths))
	for p := range paths {
		names = append(names, p)
	}
	sort.Strings(names)
	checked := 0
	for _, path := range names {
		op, _ := deref(doc, paths[path])["get"].(map[string]any)
		if op == nil {
			continue
		}
		concrete := strings.NewReplacer("{code}", "140123001", "{lane}", "lane-entry").Replace(path)
		if strings.Contains(concrete, "{") {
			continue
		}
		params, _ := op["parameters"].([]any)
		for _, p := range params {
			p := deref(doc, p)
			if p["in"] != "query" {
				continue
			}
			name, s := p["name"].(string), deref(doc, p["schema"])
			var good, bad []string
			enum, _ := s["enum"].([]any)
			for _, v := range enum {
				good = append(good, fmt.Sprint(v))
			}
			if len(good) > 0 {
				bad = append(bad, "bogus")
			}
			if s["type"] == "integer" {
				if lo, ok := s["minimum"].(float64); ok {
					good, bad = append(good, fmt.Sprint(lo)), append(bad, fmt.Sprint(lo-1))
				}
				if hi, ok := s["maximum"].(float64); ok {
					good, bad = append(good, fmt.Sprint(hi)), append(bad, fmt.Sprint(hi+1))
				}
			}
			for _, v := range good {
				checked++
				if r := e.do("GET", concrete+"?"+name+"="+url.QueryEscape(v), ""); r.status != 200 {
					t.Errorf("GET %s?%s=%s (documented): %d %s", path, name, v, r.status, r.body)
				}
			}
			for _, v := range bad {
				checked++
				r := e.do("GET", concrete+"?"+name+"="+url.QueryEscape(v), "")
				if r.status != 400 || r.json(t)["field"] != name {
					t.Errorf("GET %s?%s=%s (outside the document): %d %s, want 400 naming %s", path, name, v, r.status, r.body, name)
				}
			}
		}
	}
	if checked < 20 {
		t.Fatalf("checked %d values; the walk is broken", checked)
	}
}

// documents reports whether the served document lists status for the
// operation method path.
func (e *env) documents(method, path string, status int) bool {
	e.t.Helper()
	doc := e.servedDoc()
	item := deref(doc, doc["paths"].(map[string]any)[path])
	op, _ := item[strings.ToLower(method)].(map[string]any)
	responses, _ := op["responses"].(map[string]any)
	_, ok := responses[fmt.Sprint(status)]
	return ok
}

// TestOpenAPISubscriptionReports: every report kind the document offers
// for a new subscription is one a partner may subscribe to. It offered
// rental, which is refused (rental changes go to sales channels), so a
// client built from the enum met a 400 for a value it listed.
func TestOpenAPISubscriptionReports(t *testing.T) {
	e := newDeliveryEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("POST", "/v1/partners", `{"id":"mall","name":"Mall","dialect":"api-one","type":"normal","lots":["140123001"]}`), 201)
	doc := e.servedDoc()
	in := deref(doc, deref(doc, doc["components"].(map[string]any)["schemas"].(map[string]any)["SubscriptionInput"])["properties"].(map[string]any)["report"])
	enum, _ := in["enum"].([]any)
	if len(enum) == 0 {
		t.Fatal("SubscriptionInput.report lists no kinds")
	}
	for _, k := range enum {
		body := fmt.Sprintf(`{"report":%q,"url":"http://127.0.0.1:9/x"}`, k)
		if r := e.do("POST", "/v1/partners/mall/subscriptions", body); r.status != 201 {
			t.Errorf("report %v, offered by the document: %d %s", k, r.status, r.body)
		}
	}
	e.problem(e.do("POST", "/v1/partners/mall/subscriptions", `{"report":"rental","url":"http://127.0.0.1:9/x"}`), 400, "invalid")
}

// TestOpenAPIBodyBounds: for operations given a body the server takes,
// each top-level integer field of the documented request schema is sent
// at its documented maximum (answered) and one past it (400 naming the
// field); a field documented without a maximum is sent 2^53-1 and must
// not be refused for its size, or the document hides a limit a client
// can only find by failing.
func TestOpenAPIBodyBounds(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	e.want(e.do("PUT", "/v1/rental/stores/10001", rentalStoreJSON), 200)
	e.want(e.do("PUT", "/v1/rental/models/100001", `{"name":"卡罗拉","seats":5,"fuel":"petrol","transmission":"automatic"}`), 200)
	checked := 0
	rules := `{"kind":"time","payment":"prepaid","refund_to":"payment","segments":[{"from":"00:00","to":"24:00","price":100,"block_minutes":60}]}`
	for _, c := range []struct {
		method, path, schema, body string
	}{
		{"POST", "/v1/lots/140123001/plans", "PlanInput", `{"code":"p%d","name":"n","price":100}`},
		{"PATCH", "/v1/lots/140123001/plans/p1", "PlanPatch", `{"name":"n"}`},
		{"PUT", "/v1/rental/stores/10001/models/100001", "StoreModelInput", `{"mileage_limited":true,"mileage_limit_km":100,"over_mileage_fee":%d00}`},
		{"PUT", "/v1/rental/vehicles/浙A1234%d", "RentalVehicleInput", `{"vin":"LSVAU2180N2123456","store_code":"10001","model_code":"100001"}`},
		{"POST", "/v1/charging/preview", "ChargePreviewInput", `{"rules":` + rules + `,"start":"2026-12-01T08:00:00Z","end":"2026-12-01T10:00:00Z","prepaid":%d00}`},
	} {
		doc := e.servedDoc()
		schema := deref(doc, doc["components"].(map[string]any)["schemas"].(map[string]any)[c.schema])
		props, _ := schema["properties"].(map[string]any)
		n := 0
		send := func(field string, v float64) reply {
			n++
			var body map[string]any
			if err := json.Unmarshal([]byte(strings.ReplaceAll(c.body, "%d", fmt.Sprint(n))), &body); err != nil {
				t.Fatal(err)
			}
			body[field] = int64(v)
			b, _ := json.Marshal(body)
			return e.do(c.method, strings.ReplaceAll(c.path, "%d", fmt.Sprint(n%10)), string(b))
		}
		for _, field := range sortedNames(props) {
			p := deref(doc, props[field])
			if p["type"] != "integer" || p["enum"] != nil {
				continue
			}
			checked++
			hi, ok := props[field].(map[string]any)["maximum"].(float64)
			if !ok {
				hi, ok = p["maximum"].(float64)
			}
			if !ok {
				if r := send(field, 1<<53-1); r.status == 400 && r.json(t)["field"] == field {
					t.Errorf("%s %s: %s has no documented maximum, yet 2^53-1 is refused: %s", c.method, c.path, field, r.body)
				}
				continue
			}
			if r := send(field, hi); r.status >= 300 {
				t.Errorf("%s %s: %s at its documented maximum %v: %d %s", c.method, c.path, field, hi, r.status, r.body)
			}
			if r := send(field, hi+1); r.status != 400 || r.json(t)["field"] != field {
				t.Errorf("%s %s: %s one past its documented maximum %v: %d %s", c.method, c.path, field, hi, r.status, r.body)
			}
		}
	}
	if checked < 8 {
		t.Fatalf("checked %d fields; the walk is broken", checked)
	}
}

func sortedNames(m map[string]any) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// TestOpenAPITooLarge: every operation given a body answers one over
// MaxBody with 413 too_large naming body, and documents it, so a client
// generated from the document knows the limit and the answer. Path values
// name nothing that exists: the body is refused before it is looked at.
func TestOpenAPITooLarge(t *testing.T) {
	e := newEnv(t)
	doc := e.servedDoc()
	big := `{"name":"` + strings.Repeat("x", httpapi.MaxBody) + `"}` // MaxBody+11 bytes
	checked := 0
	paths := doc["paths"].(map[string]any)
	for _, path := range sortedNames(paths) {
		item := deref(doc, paths[path])
		for _, method := range sortedNames(item) {
			op, _ := item[method].(map[string]any)
			if op == nil || op["requestBody"] == nil {
				continue
			}
			checked++
			method := strings.ToUpper(method)
			if !e.documents(method, path, 413) {
				t.Errorf("%s %s takes a body and documents no 413", method, path)
			}
			served := regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(path, "1")
			r := e.do(method, served, big)
			if r.status != 413 {
				t.Errorf("%s %s: a body over MaxBody: %d %.200s", method, served, r.status, r.body)
				continue
			}
			if p := r.json(t); p["code"] != "too_large" || p["field"] != "body" {
				t.Errorf("%s %s: %v", method, served, p)
			}
		}
	}
	if checked < 40 {
		t.Fatalf("checked %d operations; the walk is broken", checked)
	}
}
