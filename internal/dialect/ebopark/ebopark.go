// Package ebopark serves the Ebopark (宜泊) partner API v3.0 over parkd's
// core: POST /partnerService/<Operation>?partnerid=<id>&sign=<sign> with a
// JSON body, answered with the vendor's envelope
// {"state":0,"total":N,"result":...,"desc":"..."} and always HTTP 200. It
// only translates; every rule lives in internal/service. docs/ebopark.md
// is the contract.
package ebopark

import (
	"context"
	"log/slog"
	"maps"
	"net/http"

	"parkd/internal/park"
	"parkd/internal/system"
)

// MaxBody bounds a request body (1 MiB).
const MaxBody = 1 << 20

// Handler serves the Ebopark routes.
type Handler struct {
	svc *system.System
	log *slog.Logger
	ops map[string]operation
}

// Config wires a Handler.
type Config struct {
	Service *system.System
	Log     *slog.Logger
}

// operation answers one vendor operation for an authenticated partner: the
// result, the envelope's total, or an error.
type operation func(ctx context.Context, p *park.Partner, body []byte) (result any, total int, err error)

// New returns the Ebopark handler.
func New(c Config) *Handler {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{svc: c.Service, log: c.Log}
	h.ops = map[string]operation{
		"QueryMonthCarInfoV2":  h.queryMonthCarInfoV2,
		"QueryRemainingSpaces": h.queryRemainingSpaces,
		"QueryInParkCars":      h.queryInParkCars,
	}
	// Each group of operations registers itself from its own file.
	for _, group := range []map[string]operation{
		h.feeOps(), h.listOps(), h.hotelOps(), h.lockOps(),
		h.couponOps(), h.crmOps(), h.invoiceOps(), // coupons.go, crm.go, invoice.go
		h.monthRateOps(), h.periodOps(), // monthrates.go, period.go
		h.gateOps(), h.reservationOps(), // gates.go, reservations.go
		h.cpgsOps(), // cpgs.go
	} {
		maps.Copy(h.ops, group)
	}
	return h
}

// Routes maps the dialect's patterns to handlers. The catch-all answers
// any other method or path under /partnerService/ with the vendor's
// envelope rather than the mux's plain-text 404/405.
func (h *Handler) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"POST /partnerService/{op}": http.HandlerFunc(h.serve),
		"/partnerService/":          http.HandlerFunc(h.unsupported),
	}
}

// Mount registers every route with mount (httpapi.Server.Mount).
func (h *Handler) Mount(mount func(pattern string, h http.Handler)) {
	for p, hh := range h.Routes() {
		mount(p, hh)
	}
}

func (h *Handler) unsupported(w http.ResponseWriter, r *http.Request) {
	h.writeError(w, r, &park.Error{Code: codeUnknownOp, Message: "请使用 POST /partnerService/<接口名>"})
}

// serve authenticates the partner, then runs the operation. The order is
// fixed so that a refused request never reaches the core: body size,
// partner, sign, operation, then the operation's own field checks.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(w, r)
	if err == nil {
		var p *park.Partner
		if p, err = h.authenticate(r, body); err == nil {
			op, ok := h.ops[r.PathValue("op")]
			if !ok {
				err = &park.Error{Code: codeUnknownOp, Field: shorten(r.PathValue("op"))}
			} else {
				var (
					result any
					total  int
				)
				if result, total, err = op(r.Context(), p, body); err == nil {
					writeJSON(w, envelope{State: 0, Total: total, Result: result, Desc: "成功"})
					return
				}
			}
		}
	}
	h.writeError(w, r, err)
}
