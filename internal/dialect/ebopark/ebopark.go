// Package ebopark serves the Ebopark (宜泊) partner API v3.0 over parkd's
// core: POST /partnerService/<Operation>?partnerid=<id>&sign=<sign> with a
// JSON body, answered with the vendor's envelope
// {"state":0,"total":N,"result":...,"desc":"..."} and always HTTP 200.
// It only translates: each operation authenticates the partner (and the
// lot, whose time zone its times are in), decodes the vendor's fields,
// calls one use case of the core (internal/gate, billing, access, spaces,
// partners), encodes the reply, and words the core's errors through the
// one table of errors.go. docs/ebopark.md is the contract.
package ebopark

import (
	"context"
	"log/slog"
	"maps"
	"net/http"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/recovery"
	"parkd/internal/system"
)

// MaxBody bounds a request body (1 MiB).
const MaxBody = 1 << 20

// Handler serves the Ebopark routes.
type Handler struct {
	svc    *system.System
	log    *slog.Logger
	ops    map[string]*operation
	nonces nonceSet // this node's nonces of the signing window (sign.go)
}

// Config wires a Handler.
type Config struct {
	Service *system.System
	Log     *slog.Logger
}

// operation is one vendor operation: run answers it for an authenticated
// partner (the result, the envelope's total, or an error); fields, hints
// and about word the core's errors in its terms, over the defaults of
// errors.go (coreFields, codeHints, codeAbout).
type operation struct {
	run func(ctx context.Context, p *park.Partner, body []byte) (result any, total int, err error)
	// fields names core fields as this operation's parameters
	// (hotel cars: valid_from is CheckInTime).
	fields map[string]string
	// hints is the Chinese detail of a code for a parameter.
	hints map[park.Code]map[string]string
	// about is the parameter an error without a field concerns.
	about map[park.Code]string
	// keys spells the parameters as the vendor's document does for this
	// operation, where that is not the dialect's usual spelling (set from
	// vendorKeys).
	keys map[string]string
}

// New returns the Ebopark handler.
func New(c Config) *Handler {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{svc: c.Service, log: c.Log, ops: map[string]*operation{}}
	// Each group of operations registers itself from its own file.
	for _, group := range []map[string]*operation{
		h.monthCarOps(), h.spaceOps(), // monthcar.go, spaces.go
		h.feeOps(), h.listOps(), h.hotelOps(), h.lockOps(),
		h.couponOps(), h.crmOps(), h.invoiceOps(), // coupons.go, crm.go, invoice.go
		h.monthRateOps(), h.periodOps(), // monthrates.go, period.go
		h.gateOps(), h.reservationOps(), // gates.go, reservations.go
		h.cpgsOps(), // cpgs.go
	} {
		maps.Copy(h.ops, group)
	}
	for name, keys := range vendorKeys {
		h.ops[name].keys = keys
	}
	return h
}

// Routes maps the dialect's patterns to handlers. The catch-all answers
// any other method or path under /partnerService (the bare path too,
// which the mux would redirect) with the vendor's envelope rather than
// the mux's plain-text 404/405; a panic is answered with it as well.
func (h *Handler) Routes() map[string]http.Handler {
	out := map[string]http.Handler{
		"POST /partnerService/{op}": http.HandlerFunc(h.serve),
		"/partnerService/":          http.HandlerFunc(h.unsupported),
		"/partnerService":           http.HandlerFunc(h.unsupported),
	}
	for p, hh := range out {
		out[p] = recovery.Wrap(hh, h.log, Name, func(w http.ResponseWriter, r *http.Request, err error) {
			h.writeError(w, r, nil, err)
		})
	}
	return out
}

// Mount registers every route with mount (httpapi.Server.Mount).
func (h *Handler) Mount(mount func(pattern string, h http.Handler)) {
	for p, hh := range h.Routes() {
		mount(p, hh)
	}
}

func (h *Handler) unsupported(w http.ResponseWriter, r *http.Request) {
	h.writeError(w, r, nil, refuse(refusedOperation, "", ""))
}

// serve authenticates the partner, then runs the operation. The order is
// fixed so that a refused request never reaches the core: body size,
// partner, sign, operation, then the operation's own field checks.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	var op *operation
	body, err := readBody(w, r)
	if err == nil {
		var (
			p      *park.Partner
			served string
		)
		if p, served, err = h.authenticate(r, body, r.PathValue("op")); err == nil {
			var ok bool
			if op, ok = h.ops[r.PathValue("op")]; !ok {
				err = refuse(refusedOperation, core.Echo(r.PathValue("op")), "")
			} else {
				var (
					result any
					total  int
				)
				if result, total, err = op.run(r.Context(), p, body); err == nil {
					writeJSON(w, envelope{State: 0, Total: total, Result: result, Desc: "成功"})
					return
				}
				// Refused, it changed nothing: a client that cannot sign
				// it differently may send it again (docs/ebopark.md,
				// "Signing").
				if served != "" {
					if ferr := h.svc.Partners.Forget(r.Context(), p.ID, served); ferr != nil {
						h.log.Warn("forgetting a refused request", "partner", p.ID, "err", ferr)
					}
				}
			}
		}
	}
	h.writeError(w, r, op, err)
}
