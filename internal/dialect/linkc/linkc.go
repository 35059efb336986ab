// Package linkc serves the Linkc parking API (Brazil) over parkd's core:
// integrators sign in, look up a car's stay by ticket or plate with the
// amount due from the garage's tariff, and pay it with the temporary
// transaction id of the lookup. It only translates; every rule lives in
// the core's subsystems (internal/partners, internal/billing,
// internal/gate). docs/linkc.md is the contract.
package linkc

import (
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strings"

	"parkd/internal/park"
	"parkd/internal/recovery"
	"parkd/internal/system"
)

// MediaType is the vendor media type of the Accept header; version=1 is
// the only version.
const MediaType = "application/vnd.linkc.com.br"

// MaxBody bounds a request body.
const MaxBody = 64 << 10

// Handler serves the Linkc routes.
type Handler struct {
	svc *system.System
	log *slog.Logger
}

// Config wires a Handler.
type Config struct {
	Service *system.System
	Log     *slog.Logger
}

// New returns the Linkc handler.
func New(c Config) *Handler {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Handler{svc: c.Service, log: c.Log}
}

// routes are the dialect's method and path patterns.
func (h *Handler) routes() map[string]handlerFunc {
	return map[string]handlerFunc{
		"POST /api/autenticacao":        h.login,
		"GET /api/parceiros":            h.parceiros,
		"GET /api/estadias":             h.estadias,
		"POST /api/estadias/pagamentos": h.pagamento,
	}
}

// Routes maps the dialect's patterns to handlers. The catch-all answers
// any other method or path under /api (the bare path too, which the mux
// would redirect) in Linkc's error shape rather than the mux's plain-text
// 404/405; a panic is answered in it as well.
func (h *Handler) Routes() map[string]http.Handler {
	out := map[string]http.Handler{"/api/": h.wrap(h.noRoute), "/api": h.wrap(h.noRoute)}
	for p, fn := range h.routes() {
		out[p] = h.wrap(fn)
	}
	for p, hh := range out {
		out[p] = recovery.Wrap(hh, h.log, Name, h.writeError)
	}
	return out
}

// noRoute answers a path the dialect does not serve (404 not_found) or
// serves with other methods (405 method_not_allowed, with Allow).
func (h *Handler) noRoute(w http.ResponseWriter, r *http.Request) error {
	var allowed []string
	for p := range h.routes() {
		method, path, _ := strings.Cut(p, " ")
		if path == r.URL.Path {
			allowed = append(allowed, method)
			if method == http.MethodGet {
				allowed = append(allowed, http.MethodHead)
			}
		}
	}
	if len(allowed) > 0 {
		slices.Sort(allowed)
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		return &problem{codigo: codigoMethodNotAllowed, detalhe: "use " + strings.Join(allowed, " ou ") + " nesta rota"}
	}
	return &problem{codigo: codigo(park.ENotFound), detalhe: "esta rota não existe na API Linkc; veja as rotas em docs/linkc.md"}
}

// Mount registers every route with mount (httpapi.Server.Mount).
func (h *Handler) Mount(mount func(pattern string, h http.Handler)) {
	for p, hh := range h.Routes() {
		mount(p, hh)
	}
}

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (h *Handler) wrap(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := acceptable(r.Header.Values("Accept")); err != nil {
			h.writeError(w, r, err)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		if err := fn(w, r); err != nil {
			h.writeError(w, r, err)
		}
	})
}

// acceptable checks the Accept header: missing, a generic type, or the
// vendor type with version=1 (or no version) is version 1; the vendor type
// with any other version is refused with 406.
func acceptable(values []string) error {
	vendorOK, vendorOther := false, ""
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			mt, params, err := mime.ParseMediaType(part)
			if err != nil || mt != MediaType {
				continue
			}
			if ver, ok := params["version"]; !ok || ver == "1" {
				vendorOK = true
			} else {
				vendorOther = ver
			}
		}
	}
	if vendorOther != "" && !vendorOK {
		return &problem{codigo: codigoNotAcceptable, campo: "Accept",
			detalhe: "a versão " + quoteShort(vendorOther) + " da API não é atendida; use " + MediaType + "; version=1"}
	}
	return nil
}

func quoteShort(s string) string {
	if len(s) > 16 {
		s = s[:16] + "…"
	}
	return "\"" + strings.ToValidUTF8(s, "?") + "\""
}

// bearer reads the Authorization header's token.
func bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}
