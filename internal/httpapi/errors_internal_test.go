package httpapi

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"parkd/internal/park"
)

// TestEveryCodeHasAStatus: a core code missing from the table would
// answer 500 and be logged as a bug.
func TestEveryCodeHasAStatus(t *testing.T) {
	for _, c := range park.Codes() {
		st, ok := statusOf[c]
		if !ok {
			t.Errorf("code %q has no HTTP status", c)
		}
		if st == http.StatusInternalServerError && c != park.EInternal {
			t.Errorf("code %q answers 500, which says parkd has a bug", c)
		}
	}
	if len(statusOf) != len(park.Codes()) {
		t.Errorf("the table has %d rows for %d codes: a row for a code that no longer exists", len(statusOf), len(park.Codes()))
	}
}

// TestUnavailableHidesTheDriverError: a 503 tells the client to retry; the
// driver's error (the database's host, port, user and name) is for the log.
func TestUnavailableHidesTheDriverError(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	w := httptest.NewRecorder()
	// As the stores return it: the driver's error is the cause.
	err := &park.Error{Code: park.EUnavailable, Message: "database unavailable",
		Cause: errors.New("failed to connect to `user=parkd database=parkd`: db.internal:5432: connection refused")}
	s.writeError(w, httptest.NewRequest("POST", "/v1/lots/L1/events", nil), err)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "1" {
		t.Fatalf("status %d, Retry-After %q; want 503 and 1", w.Code, w.Header().Get("Retry-After"))
	}
	body := w.Body.String()
	if strings.Contains(body, "db.internal") || strings.Contains(body, "user=parkd") || !strings.Contains(body, `"code":"unavailable"`) {
		t.Errorf("body %s: want the code unavailable and nothing of the database's address", body)
	}
	if !strings.Contains(logs.String(), "db.internal:5432") {
		t.Errorf("the log lost the cause: %s", logs.String())
	}
}
