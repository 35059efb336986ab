package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"parkd/internal/core"
	"parkd/internal/park"
)

// documentedQuery maps each route ("GET /v1/...") to the query parameters
// the API document gives it. A parameter a route does not take is
// refused rather than ignored: a mistyped filter would otherwise answer
// with everything, as if it had been applied.
var documentedQuery = sync.OnceValue(func() map[string]map[string]bool {
	type param struct {
		Ref  string `json:"$ref"`
		Name string `json:"name"`
		In   string `json:"in"`
	}
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]param `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		panic("httpapi: the embedded API document: " + err.Error()) // openapi_test.go keeps it valid
	}
	out := map[string]map[string]bool{}
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			var op struct {
				Parameters []param `json:"parameters"`
			}
			if json.Unmarshal(raw, &op) != nil {
				continue // not an operation (a path's summary, say)
			}
			names := map[string]bool{}
			for _, p := range op.Parameters {
				if p.Ref != "" {
					p = doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
				}
				if p.In == "query" {
					names[p.Name] = true
				}
			}
			out[strings.ToUpper(method)+" "+path] = names
		}
	}
	return out
})

// checkQuery refuses a query parameter the route's pattern does not take
// (EInvalid naming it, with those it takes), or one given twice. A route the document does
// not describe is not checked.
func checkQuery(pattern string, query map[string][]string) error {
	if len(query) == 0 {
		return nil
	}
	allowed, ok := documentedQuery()[pattern]
	if !ok {
		return nil
	}
	for name, values := range query {
		if allowed[name] {
			if len(values) > 1 { // no route takes a list: which one was meant?
				return park.Invalid(name, "is given %d times; give it once", len(values))
			}
			continue
		}
		if len(allowed) == 0 {
			return park.Invalid(name, "is not a parameter of this route, which takes none")
		}
		takes := make([]string, 0, len(allowed))
		for n := range allowed {
			takes = append(takes, n)
		}
		sort.Strings(takes)
		return park.Invalid(name, "is not a parameter of this route (it takes %s)", strings.Join(takes, ", "))
	}
	return nil
}

// parseQuery reads a raw query string, refusing one url.ParseQuery would
// read only in part: it drops a pair it cannot unescape, so ?limit=%ZZ
// would answer as if no limit had been asked for. The error names the
// broken pair's parameter when its name can be read, else "query".
func parseQuery(raw string) (url.Values, error) {
	q, err := url.ParseQuery(raw)
	if err == nil {
		return q, nil
	}
	for _, pair := range strings.Split(raw, "&") {
		if strings.Contains(pair, ";") {
			return nil, park.Invalid("query", "separates parameters with ';'; use '&'")
		}
		key, value, _ := strings.Cut(pair, "=")
		name, kerr := url.QueryUnescape(key)
		if kerr != nil {
			return nil, park.Invalid("query", "has a parameter name with a bad %%-escape (%q); write a literal '%%' as %%25", key)
		}
		if _, verr := url.QueryUnescape(value); verr != nil {
			return nil, park.Invalid(name, "has a bad %%-escape (%q); write a literal '%%' as %%25", value)
		}
	}
	return nil, park.Invalid("query", "cannot be read: %v", err)
}

// bodyless are the routes ("POST /v1/...") the API document gives no
// request body. What is sent to one is refused as fields it does not take,
// as a query parameter is: a client that sends, say, a coupon with a quote
// would otherwise believe it applied.
var bodyless = sync.OnceValue(func() map[string]bool {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		panic("httpapi: the embedded API document: " + err.Error()) // openapi_test.go keeps it valid
	}
	out := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			switch method {
			case "post", "put", "patch":
			default:
				continue
			}
			var op struct {
				RequestBody json.RawMessage `json:"requestBody"`
			}
			if json.Unmarshal(raw, &op) == nil && op.RequestBody == nil {
				out[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	return out
})

// checkNoBody refuses a body sent to a bodyless route unless it is empty
// or an empty JSON object (EInvalid naming its first field).
func checkNoBody(pattern string, r *http.Request) error {
	if !bodyless()[pattern] {
		return nil
	}
	raw, err := readBody(r)
	if err != nil || len(bytes.TrimSpace(raw)) == 0 {
		return err
	}
	var none struct{}
	return core.DecodeObject(raw, &none, "body")
}
