package httpapi_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"parkd/internal/device"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
	"parkd/internal/systemtest"
)

// TestUnknownRoutes: a path no route serves answers a problem document
// (404 not_found), and a served path with another method 405
// method_not_allowed with Allow, not the mux's plain text.
func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		method, path string
		status       int
		code, allow  string
	}{
		{"GET", "/v2/lots", 404, "not_found", ""},
		{"GET", "/nothing-here", 404, "not_found", ""},
		{"GET", "/v1/lots/140123001/nothing", 404, "not_found", ""},
		{"PUT", "/v1/lots", 405, "method_not_allowed", "GET, HEAD, POST"},
		{"DELETE", "/healthz", 405, "method_not_allowed", "GET, HEAD"},
		{"POST", "/v1/lots/140123001/occupancy", 405, "method_not_allowed", "GET, HEAD"},
	} {
		t.Run(c.method+c.path, func(t *testing.T) {
			r := e.do(c.method, c.path, "")
			p := e.problem(r, c.status, c.code)
			if r.header.Get("Allow") != c.allow || !strings.Contains(p["detail"].(string), c.method) {
				t.Fatalf("Allow %q, problem %v", r.header.Get("Allow"), p)
			}
		})
	}
}

// TestMetricsNeedAToken: /metrics shows revenue, so it is never public:
// it asks for the metrics token (or, without one, the admin token), and
// is not served at all when it has a listen address of its own.
func TestMetricsNeedAToken(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	svc := system.New(system.Config{Dialects: systemtest.Dialects, Barriers: device.NewMemory(), Store: teststore.Open(t), Metrics: m})
	get := func(h http.Handler, auth string) int {
		req := httptest.NewRequest("GET", "/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	log := slog.New(slog.DiscardHandler)
	withToken := httpapi.New(httpapi.Config{Service: svc, Log: log, Metrics: m, AdminToken: token, MetricsToken: "metrics-token-0123456789"})
	adminOnly := httpapi.New(httpapi.Config{Service: svc, Log: log, Metrics: m, AdminToken: token})
	elsewhere := httpapi.New(httpapi.Config{Service: svc, Log: log, Metrics: m, AdminToken: token, MetricsElsewhere: true})
	for _, c := range []struct {
		name   string
		h      http.Handler
		auth   string
		status int
	}{
		{"NoToken", withToken, "", 401},
		{"MetricsToken", withToken, "Bearer metrics-token-0123456789", 200},
		{"AdminTokenIsNotTheMetricsToken", withToken, "Bearer " + token, 401},
		{"AdminToken", adminOnly, "bearer " + token, 200},
		{"AdminOnlyNoToken", adminOnly, "", 401},
		{"Elsewhere", elsewhere, "Bearer " + token, 404},
		{"OwnAddress", httpapi.MetricsHandler(m, ""), "", 200},
		{"OwnAddressWithToken", httpapi.MetricsHandler(m, "metrics-token-0123456789"), "", 401},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := get(c.h, c.auth); got != c.status {
				t.Fatalf("status %d, want %d", got, c.status)
			}
		})
	}
}
