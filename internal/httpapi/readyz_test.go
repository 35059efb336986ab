package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"parkd/internal/device"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/park"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
	"parkd/internal/systemtest"
)

// pingStore is a store whose Ping is ping, to play a database that is
// down or too slow to answer.
type pingStore struct {
	park.Store
	ping func(ctx context.Context) error
}

func (s pingStore) Ping(ctx context.Context) error { return s.ping(ctx) }

// readOnlyStore answers reads but refuses writes, as a database on a
// read-only or full disk, or a standby, does.
type readOnlyStore struct{ park.Store }

func (readOnlyStore) CheckWrite(context.Context) error {
	return park.Errorf(park.EUnavailable, "database is read-only")
}

// TestReadyz: GET /readyz needs no token and answers 200 while the store
// answers, 503 when it fails or does not answer within the readiness
// timeout, so a load balancer stops sending requests to the node.
func TestReadyz(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		ping     func(ctx context.Context) error
		readOnly bool
		timeout  time.Duration
		status   int
	}{
		// A real store's ping, with room for a loaded machine.
		"OK":   {nil, false, 10 * time.Second, http.StatusOK},
		"Down": {func(context.Context) error { return park.Errorf(park.EUnavailable, "connection refused") }, false, 50 * time.Millisecond, http.StatusServiceUnavailable},
		// Answers only once the request gives up waiting.
		"Slow": {func(ctx context.Context) error { <-ctx.Done(); return errors.New("too late") }, false, 50 * time.Millisecond, http.StatusServiceUnavailable},
		// Reads answer, every write would fail: not ready.
		"ReadOnly": {nil, true, 10 * time.Second, http.StatusServiceUnavailable},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var st park.Store = teststore.Open(t)
			if c.ping != nil {
				st = pingStore{Store: st, ping: c.ping}
			}
			if c.readOnly {
				st = readOnlyStore{st}
			}
			svc := system.New(system.Config{Dialects: systemtest.Dialects, Barriers: device.NewMemory(), Store: st})
			srv := httptest.NewServer(httpapi.New(httpapi.Config{Service: svc, Log: slog.New(slog.DiscardHandler), Metrics: metrics.New(),
				AdminToken: token, ReadyTimeout: c.timeout}))
			t.Cleanup(srv.Close)
			// The client waits far longer than the readiness timeout: a
			// slow store must not hold the check.
			client := &http.Client{Timeout: 30 * time.Second}
			resp, err := client.Get(srv.URL + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != c.status {
				t.Fatalf("status %d (%v), want %d", resp.StatusCode, body, c.status)
			}
			if c.status == http.StatusOK && body["status"] != "ok" {
				t.Errorf("body %v, want status ok", body)
			}
			if c.status != http.StatusOK && body["code"] != "unavailable" {
				t.Errorf("body %v, want a problem with code unavailable", body)
			}
			if c.readOnly && !strings.Contains(fmt.Sprint(body), "does not take writes") {
				t.Errorf("body %v, want it to say the database does not take writes", body)
			}
			if c.readOnly {
				// /healthz makes the same check.
				resp, err := client.Get(srv.URL + "/healthz")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusServiceUnavailable {
					t.Errorf("/healthz %d, want 503", resp.StatusCode)
				}
			}
		})
	}
}

// TestReadyzDraining: once the node is shutting down, GET /readyz answers
// 503 though the store still answers, so a load balancer takes the node
// out of rotation while in-flight requests finish; GET /healthz (is the
// process alive) still answers 200.
func TestReadyzDraining(t *testing.T) {
	t.Parallel()
	svc := system.New(system.Config{Dialects: systemtest.Dialects, Barriers: device.NewMemory(), Store: teststore.Open(t)})
	h := httpapi.New(httpapi.Config{Service: svc, Log: slog.New(slog.DiscardHandler), Metrics: metrics.New(), AdminToken: token,
		ReadyTimeout: 10 * time.Second})
	get := func(path string) (int, map[string]any) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s: %v (%q)", path, err, rec.Body)
		}
		return rec.Code, body
	}
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Fatalf("before draining: /readyz %d %v, want 200", code, body)
	}
	h.Drain()
	code, body := get("/readyz")
	if code != http.StatusServiceUnavailable || body["code"] != "unavailable" {
		t.Fatalf("draining: /readyz %d %v, want 503 unavailable", code, body)
	}
	if detail, _ := body["detail"].(string); !strings.Contains(detail, "shutting down") {
		t.Errorf("draining: detail %q, want it to say the node is shutting down", detail)
	}
	if code, body := get("/healthz"); code != http.StatusOK {
		t.Errorf("draining: /healthz %d %v, want 200 (the process is alive)", code, body)
	}
}
