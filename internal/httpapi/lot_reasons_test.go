package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestLotReasons: the first thing a new deployment does is create a lot
// (docs/deploy.md, "The first lot"); each refusal names the field the
// document lists first among those wrong, and the rule, so a client tells
// a missing time zone from an unknown one without reading the English.
func TestLotReasons(t *testing.T) {
	e := newEnv(t)
	lot := func(fields string) string {
		return edited(map[string]string{"code": `"L1"`, "name": `"Mall"`, "timezone": `"Asia/Shanghai"`,
			"currency": `"CNY"`, "capacity": `100`}, fields)
	}
	check := e.wantReason

	// Nothing given: the document's first required field, code, not the
	// last (capacity).
	check("empty", e.do("POST", "/v1/lots", `{}`), 400, "invalid", "code", "required")
	check("code missing", e.do("POST", "/v1/lots", lot("code=")), 400, "invalid", "code", "required")
	check("code form", e.do("POST", "/v1/lots", lot(`code="a b"`)), 400, "invalid", "code", "format")
	check("name missing", e.do("POST", "/v1/lots", lot("name=")), 400, "invalid", "name", "required")
	check("name long", e.do("POST", "/v1/lots", lot(`name="`+strings.Repeat("x", 201)+`"`)),
		400, "invalid", "name", "length", "1", "200")
	check("timezone missing", e.do("POST", "/v1/lots", lot("timezone=")), 400, "invalid", "timezone", "required")
	check("timezone unknown", e.do("POST", "/v1/lots", lot(`timezone="Mars/Base"`)), 400, "invalid", "timezone", "unknown")
	check("currency missing", e.do("POST", "/v1/lots", lot("currency=")), 400, "invalid", "currency", "required")
	check("currency unknown", e.do("POST", "/v1/lots", lot(`currency="XXZ"`)), 400, "invalid", "currency", "unknown")
	check("capacity missing", e.do("POST", "/v1/lots", lot("capacity=")), 400, "invalid", "capacity", "required")
	// LotInput: capacity 0 to 10^6, exit grace 0 to 24 h in minutes
	// (24 × 60 = 1440), quote lifetime 10 s to a day (86400 s).
	check("capacity", e.do("POST", "/v1/lots", lot("capacity=-5")), 400, "invalid", "capacity", "range", "0", "1000000")
	check("exit grace", e.do("POST", "/v1/lots", lot("exit_grace_minutes=1441")),
		400, "invalid", "exit_grace_minutes", "range", "0", "1440")
	check("quote ttl", e.do("POST", "/v1/lots", lot("quote_ttl_seconds=5")),
		400, "invalid", "quote_ttl_seconds", "range", "10", "86400")
	check("quote ttl 0", e.do("POST", "/v1/lots", lot("quote_ttl_seconds=0")),
		400, "invalid", "quote_ttl_seconds", "range", "10", "86400")
	check("missed entry", e.do("POST", "/v1/lots", lot(`missed_entry="maybe"`)), 400, "invalid", "missed_entry", "unknown")

	// A change is checked by the same rules.
	e.want(e.do("POST", "/v1/lots", lot("")), 201)
	check("patch capacity", e.do("PATCH", "/v1/lots/L1", `{"capacity":1000001}`), 400, "invalid", "capacity", "range", "0", "1000000")
	check("patch timezone", e.do("PATCH", "/v1/lots/L1", `{"timezone":"Mars/Base"}`), 400, "invalid", "timezone", "unknown")
}

// edited is the JSON object of base's fields (JSON values by name) with
// fields' edits: "k=v;k2=" sets k to the JSON value v and drops k2.
func edited(base map[string]string, fields string) string {
	for _, kv := range strings.Split(fields, ";") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if v == "" {
			delete(base, k)
		} else {
			base[k] = v
		}
	}
	var parts []string
	for k, v := range base {
		parts = append(parts, fmt.Sprintf("%q:%s", k, v))
	}
	return "{" + strings.Join(parts, ",") + "}"
}
