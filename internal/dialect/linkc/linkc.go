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
	"strings"

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

// Routes maps the dialect's method and path patterns to their handlers.
func (h *Handler) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"POST /api/autenticacao":        h.wrap(h.login),
		"GET /api/parceiros":            h.wrap(h.parceiros),
		"GET /api/estadias":             h.wrap(h.estadias),
		"POST /api/estadias/pagamentos": h.wrap(h.pagamento),
	}
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
