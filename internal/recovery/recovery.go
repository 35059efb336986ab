// Package recovery answers a panic in a handler with its API's own
// internal-error reply: the native API's problem document, or a partner
// dialect's own shape, so a partner is never sent another API's error
// shape, not even for a bug. The panic is logged
// with its stack; http.ErrAbortHandler goes on up, as net/http means it.
package recovery

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// Wrap returns h, with a panic answered by internal(w, r, err) when h
// has written nothing yet (once it has, the reply cannot be mended).
func Wrap(h http.Handler, log *slog.Logger, dialect string, internal func(http.ResponseWriter, *http.Request, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := &written{ResponseWriter: w}
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if err, ok := p.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(p)
			}
			log.Error("panic serving request", "dialect", dialect, "method", r.Method, "path", r.URL.Path,
				"panic", p, "stack", string(debug.Stack()))
			if !ww.wrote {
				internal(ww, r, fmt.Errorf("panic: %v", p))
			}
		}()
		h.ServeHTTP(ww, r)
	})
}

// written notes whether anything went to the client.
type written struct {
	http.ResponseWriter
	wrote bool
}

func (w *written) WriteHeader(code int) {
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *written) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *written) Unwrap() http.ResponseWriter { return w.ResponseWriter }
