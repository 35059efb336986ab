package web

import (
	"net/http"

	"parkd/internal/operators"
	"parkd/internal/park"
)

// The people page: operators, and the audit log of what they changed.
// Admins see every entry and may sign an operator out everywhere;
// read-only operators see every entry; a lot operator sees its lots'.
func auditSection() section {
	return section{key: "audit", href: Prefix + "audit", routes: []route{
		{"GET " + Prefix + "audit", (*Console).auditPage},
		{"POST " + Prefix + "users/{name}/revoke", (*Console).revokeUser},
	}}
}

type auditData struct {
	Users   []*park.Operator
	Entries []*park.AuditEntry
	IsAdmin bool
	Revoked string
}

func (w *Console) auditPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	ctx := r.Context()
	d := auditData{IsAdmin: p.Role == park.RoleAdmin, Revoked: r.URL.Query().Get("revoked")}
	var err error
	if seesEveryLot(p) {
		if d.Users, err = w.sys.Operators.List(ctx); err != nil {
			return err
		}
		if d.Entries, err = w.sys.Operators.ListAudit(ctx, park.AuditFilter{Lot: r.URL.Query().Get("lot"), Limit: 200}); err != nil {
			return err
		}
	} else {
		for _, l := range p.Lots {
			es, err := w.sys.Operators.ListAudit(ctx, park.AuditFilter{Lot: l, Limit: 200})
			if err != nil {
				return err
			}
			d.Entries = append(d.Entries, es...)
		}
	}
	w.render(rw, r, http.StatusOK, "audit", p, "audit", d)
	return nil
}

func (w *Console) revokeUser(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	if p.Role != park.RoleAdmin {
		return errForbidden
	}
	n, err := w.sys.Operators.RevokeSessions(r.Context(), p.Name, r.PathValue("name"))
	if err != nil {
		return err
	}
	_ = n
	http.Redirect(rw, r, Prefix+"audit?revoked="+r.PathValue("name"), http.StatusSeeOther)
	return nil
}
