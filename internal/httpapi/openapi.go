package httpapi

import (
	_ "embed"
	"net/http"
)

// openAPIDocument describes every route New mounts; openapi_test.go keeps
// it true to the routes and to the JSON tags of the request and response
// structs.
//
//go:embed openapi.json
var openAPIDocument []byte

// serveOpenAPI answers GET /v1/openapi.json. It needs no token: the
// document is what a client reads before it has one.
func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDocument)
}
