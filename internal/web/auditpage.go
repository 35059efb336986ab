package web

import (
	"net/http"
	"strings"

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
		{"POST " + Prefix + "users", (*Console).addUser},
		{"GET " + Prefix + "users/{name}", (*Console).userPage},
		{"POST " + Prefix + "users/{name}", (*Console).userSave},
	}}
}

type auditData struct {
	Users   []*park.Operator
	Entries []*park.AuditEntry
	IsAdmin bool
	Revoked string
	Added   string
	Updated string
	Roles   []park.Role
	Langs   []string
}

func (w *Console) auditPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	ctx := r.Context()
	d := auditData{IsAdmin: p.Role == park.RoleAdmin, Revoked: r.URL.Query().Get("revoked"), Added: r.URL.Query().Get("added"),
		Updated: r.URL.Query().Get("updated"),
		Roles:   park.Roles(), Langs: park.Languages}
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
	if _, err := w.sys.Operators.RevokeSessions(r.Context(), p.Name, r.PathValue("name")); err != nil {
		return err
	}
	http.Redirect(rw, r, Prefix+"audit?revoked="+r.PathValue("name"), http.StatusSeeOther)
	return nil
}

// addUser creates an operator (admins only), audited in the same
// transaction as the change.
func (w *Console) addUser(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	if p.Role != park.RoleAdmin {
		return errForbidden
	}
	o, err := w.sys.Operators.Add(r.Context(), p.Name, operators.NewOperator{Name: strings.TrimSpace(r.PostFormValue("name")),
		Role: park.Role(r.PostFormValue("role")), Lots: splitLots(r.PostFormValue("lots")), Language: r.PostFormValue("language"),
		Password: r.PostFormValue("password")})
	if err != nil {
		return err
	}
	http.Redirect(rw, r, Prefix+"audit?added="+o.Name, http.StatusSeeOther)
	return nil
}
