package httpapi

import "net/http"

// Mount serves a partner dialect's handler (its own paths) beside the
// native API, on the same server: same panic recovery and metrics, but not
// behind the admin token (a dialect authenticates its own callers) and not
// part of the native OpenAPI document (each dialect documents its own
// contract in docs/).
func (s *Server) Mount(pattern string, h http.Handler) {
	s.mux.Handle(pattern, h)
}
