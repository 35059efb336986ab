package recovery

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func answer(w http.ResponseWriter, _ *http.Request, err error) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"state":-1,"desc":"系统错误"}`))
}

func TestPanicGetsTheDialectsReply(t *testing.T) {
	var logged bytes.Buffer
	h := Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		var s []int
		_ = s[:-len(s)-1] // an index out of range, as a bug would make
	}), slog.New(slog.NewTextHandler(&logged, nil)), "test", answer)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/partnerService/x", nil))
	if rec.Code != http.StatusOK || rec.Body.String() != `{"state":-1,"desc":"系统错误"}` {
		t.Fatalf("reply %d %q, want the dialect's internal error", rec.Code, rec.Body)
	}
	if !strings.Contains(logged.String(), "panic serving request") || !strings.Contains(logged.String(), "recovery_test.go") {
		t.Fatalf("log %q: want the panic with its stack", logged.String())
	}
}

func TestPanicAfterAWriteKeepsWhatWasSent(t *testing.T) {
	h := Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("partial"))
		panic("late")
	}), slog.New(slog.DiscardHandler), "test", answer)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if rec.Body.String() != "partial" {
		t.Fatalf("body %q: a second reply was written after the first", rec.Body)
	}
}

func TestAbortHandlerGoesOnUp(t *testing.T) {
	h := Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }),
		slog.New(slog.DiscardHandler), "test", answer)
	defer func() {
		if p := recover(); p == nil || !errors.Is(p.(error), http.ErrAbortHandler) {
			t.Fatalf("recovered %v, want http.ErrAbortHandler to go on up", p)
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil))
}
