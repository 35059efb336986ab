package httpapi

import (
	"net/http"
	"strings"

	"parkd/internal/park"
)

// noRoute answers what no route serves with a problem document, as every
// other error, not the mux's plain text: 405 with Allow when the path is
// served with other methods, else 404. A dialect answers its own paths
// in its own shape (its own catch-all, as /partnerService/ and /api/).
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	if allowed := s.allowedMethods(r); len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		s.writeError(w, r, &transportError{code: codeMethodNotAllowed,
			detail: r.Method + " is not served on this path; use " + strings.Join(allowed, " or ")})
		return
	}
	s.writeError(w, r, park.Errorf(park.ENotFound, "no route serves %s %s; the API is described at GET /v1/openapi.json",
		r.Method, r.URL.Path))
}

// allowedMethods lists the methods a route serves r's path with.
func (s *Server) allowedMethods(r *http.Request) []string {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/" {
			allowed = append(allowed, m)
		}
	}
	return allowed
}
