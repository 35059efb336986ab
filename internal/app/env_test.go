package app

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/park"
	"parkd/internal/system"
)

// testAdmin is the admin token of the servers tests build.
const testAdmin = "test-admin-token-0123456789"

// testEnv is parkd's HTTP face over one store, wired as Serve wires it
// (every dialect mounted), with a fixed clock.
type testEnv struct {
	sys *system.System
	h   http.Handler
}

func newTestEnv(t testing.TB, st park.Store, now time.Time) *testEnv {
	t.Helper()
	clock := func() time.Time { return now }
	sys := system.New(systemConfig(st, nil, nil, clock))
	h := httpapi.New(httpapi.Config{Service: sys, Metrics: metrics.New(), AdminToken: testAdmin, Now: clock})
	for _, d := range dialects {
		d.mount(sys, nil, h.Mount)
	}
	return &testEnv{sys: sys, h: h}
}

type testReply struct {
	status int
	header http.Header
	body   string
}

// do sends a request; header is name, value pairs.
func (e *testEnv) do(method, path, body string, header ...string) testReply {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return testReply{status: rec.Code, header: rec.Result().Header, body: string(b)}
}

// admin sends a native API request with the admin token.
func (e *testEnv) admin(method, path, body string) testReply {
	return e.do(method, path, body, "Authorization", "Bearer "+testAdmin)
}
