package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"parkd/internal/operators"
	"parkd/internal/park"
)

// The people page: operators, and the audit log of what they changed.
// Admins see every entry and may sign an operator out everywhere;
// read-only operators see every entry; a lot operator sees its lots'.
func auditSection() section {
	return section{key: "audit", href: Prefix + "audit", routes: []route{
		{"GET " + Prefix + "audit", (*Console).auditPage},
		{"GET " + Prefix + "users/{name}/revoke", (*Console).revokeAsk},
		{"POST " + Prefix + "users/{name}/revoke", (*Console).revokeUser},
		{"POST " + Prefix + "users", (*Console).addUser},
		{"GET " + Prefix + "users/{name}", (*Console).userPage},
		{"POST " + Prefix + "users/{name}", (*Console).userSave},
	}}
}

type auditData struct {
	Users   []*park.Operator
	Entries []auditRow
	IsAdmin bool
	Revoked string
	Added   string
	Updated string
	Roles   []park.Role
	Langs   []string
	Older   string // the next page's link, while older entries follow
	New     newUser
}

// newUser is the new-operator form as typed (never its password), and
// the field the core refused, shown beside it.
type newUser struct {
	Name, Role, Lots, Language string
	Err                        *park.Error
}

// auditRow is an audit entry with when it happened as its lot's people
// read the time: in the lot's time zone, with its offset from UTC, so a
// change at 07:00 in Shanghai is not read as the day before; an entry of
// no lot (an operator, a sign-in) in UTC.
type auditRow struct {
	*park.AuditEntry
	When string
}

// lotZones is each lot's time zone, by code.
func (w *Console) lotZones(ctx context.Context) (map[string]*time.Location, error) {
	lots, err := w.sys.Gate.ListLots(ctx)
	if err != nil {
		return nil, err
	}
	locs := make(map[string]*time.Location, len(lots))
	for _, l := range lots {
		locs[l.Code] = l.Location()
	}
	return locs, nil
}

func auditTime(t time.Time, loc *time.Location) string {
	if loc == nil {
		return t.UTC().Format("2006-01-02 15:04:05") + " UTC"
	}
	return t.In(loc).Format("2006-01-02 15:04:05 UTC-07:00")
}

func (w *Console) auditPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	return w.renderAudit(rw, r, p, http.StatusOK, newUser{})
}

// renderAudit shows the people page with the new-operator form as nu
// holds it.
func (w *Console) renderAudit(rw http.ResponseWriter, r *http.Request, p *operators.Principal, status int, nu newUser) error {
	ctx := r.Context()
	d := auditData{IsAdmin: p.Role == park.RoleAdmin, Revoked: r.URL.Query().Get("revoked"), Added: r.URL.Query().Get("added"),
		Updated: r.URL.Query().Get("updated"),
		Roles:   park.Roles(), Langs: park.Languages, New: nu}
	var entries []*park.AuditEntry
	var more bool
	var err error
	const page = 200
	var before int64 // the page of entries older than this one's (0: the newest)
	if v := r.URL.Query().Get("before"); v != "" {
		if before, err = strconv.ParseInt(v, 10, 64); err != nil || before < 1 {
			return park.Invalid("before", "%q is not a page of the audit log", v)
		}
	}
	lot := r.URL.Query().Get("lot")
	if seesEveryLot(p) {
		if d.Users, err = w.sys.Operators.List(ctx); err != nil {
			return err
		}
		if entries, more, err = w.sys.Operators.AuditPage(ctx, park.AuditFilter{Lot: lot, Limit: page, BeforeSeq: before}); err != nil {
			return err
		}
	} else {
		// The operator's lots' entries, one log newest first: one query
		// whatever the number of its lots (a lot it does not have: none).
		lots := p.Lots
		if lots == nil {
			lots = []string{}
		}
		if entries, more, err = w.sys.Operators.AuditPage(ctx, park.AuditFilter{Lot: lot, Lots: lots, Limit: page, BeforeSeq: before}); err != nil {
			return err
		}
	}
	if more {
		q := url.Values{"before": {strconv.FormatInt(entries[page-1].Seq, 10)}}
		if lot != "" {
			q.Set("lot", lot)
		}
		d.Older = Prefix + "audit?" + q.Encode()
	}
	locs, err := w.lotZones(ctx)
	if err != nil {
		return err
	}
	for _, e := range entries {
		d.Entries = append(d.Entries, auditRow{AuditEntry: e, When: auditTime(e.At, locs[e.Lot])})
	}
	w.render(rw, r, status, "audit", p, "audit", d)
	return nil
}

// revokeAsk asks before revokeUser signs an operator out everywhere:
// Sign out everywhere on the people page leads here.
func (w *Console) revokeAsk(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	if p.Role != park.RoleAdmin {
		return errForbidden
	}
	o, err := w.sys.Operators.Get(r.Context(), r.PathValue("name"))
	if err != nil {
		return notFoundAs(err, "operator", r.PathValue("name"))
	}
	w.confirm(rw, r, p, "audit", "confirm_revoke", "sign_out_everywhere", r.URL.Path, Prefix+"audit", nil, o.Name)
	return nil
}

func (w *Console) revokeUser(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	if p.Role != park.RoleAdmin {
		return errForbidden
	}
	if _, err := w.sys.Operators.RevokeSessions(r.Context(), p.Name, r.PathValue("name")); err != nil {
		return notFoundAs(err, "operator", r.PathValue("name"))
	}
	http.Redirect(rw, r, Prefix+"audit?revoked="+r.PathValue("name"), http.StatusSeeOther)
	return nil
}

// addUser creates an operator (admins only), audited in the same
// transaction as the change. A refused field re-shows the page with the
// message beside the form and what was typed kept, except the password.
func (w *Console) addUser(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	if p.Role != park.RoleAdmin {
		return errForbidden
	}
	nu := newUser{Name: strings.TrimSpace(r.PostFormValue("name")), Role: r.PostFormValue("role"), Lots: r.PostFormValue("lots"),
		Language: r.PostFormValue("language")}
	o, err := w.sys.Operators.Add(r.Context(), p.Name, operators.NewOperator{Name: nu.Name,
		Role: park.Role(nu.Role), Lots: splitLots(nu.Lots), Language: nu.Language,
		Password: r.PostFormValue("password")})
	var pe *park.Error
	if errors.As(err, &pe) && pe.Code == park.EConflict && pe.Field == "name" { // a name taken: said beside the form
		nu.Err = pe
		return w.renderAudit(rw, r, p, http.StatusConflict, nu)
	}
	if errors.As(err, &pe) && (pe.Code == park.EInvalid || pe.Code == park.ENotFound) {
		if pe.Code == park.ENotFound { // nothing was looked up but the lots: one named does not exist
			pe = &park.Error{Code: park.EInvalid, Field: "lots", Message: pe.Message}
		}
		nu.Err = pe
		return w.renderAudit(rw, r, p, http.StatusUnprocessableEntity, nu)
	}
	if err != nil {
		return err
	}
	http.Redirect(rw, r, Prefix+"audit?added="+o.Name, http.StatusSeeOther)
	return nil
}
