package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"parkd/internal/device"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
)

// TestPanicIsAProblem: a handler's panic is answered with the native
// API's problem document (500, code internal), never a dropped
// connection, and the server goes on answering.
func TestPanicIsAProblem(t *testing.T) {
	svc := system.New(system.Config{Barriers: device.NewMemory(), Store: teststore.Open(t)})
	srv := httpapi.New(httpapi.Config{Service: svc, Metrics: metrics.New(), AdminToken: token})
	srv.Mount("GET /boom", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("a bug") }))
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	var p struct {
		Status int    `json:"status"`
		Code   string `json:"code"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != 500 || p.Status != 500 || p.Code != "internal" {
		t.Fatalf("panic answered %d %s (%v), want a 500 problem with code internal", rec.Code, rec.Body, err)
	}
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != 200 {
		t.Fatalf("healthz after a panic: %d", rec.Code)
	}
}
