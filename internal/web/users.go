package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"parkd/internal/operators"
	"parkd/internal/park"
)

// The edit-operator form (admins only): role, lots, language and whether
// the operator may sign in. operators.Service.Update audits the change
// with the operator before and after, in the change's transaction, and
// ends the operator's sessions when their rights change.

type userData struct {
	Op       *park.Operator
	Lots     string // the lots field as typed, comma-separated
	Roles    []park.Role
	Langs    []string
	AllLots  []*park.Lot
	Err      *park.Error // a refused field, shown beside the form
	Disabled bool
}

// editable reads the operator the path names, for an admin only.
func (w *Console) editable(r *http.Request, p *operators.Principal) (*park.Operator, error) {
	if p.Role != park.RoleAdmin {
		return nil, errForbidden
	}
	o, err := w.sys.Operators.Get(r.Context(), r.PathValue("name"))
	return o, notFoundAs(err, "operator", r.PathValue("name"))
}

func (w *Console) userPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	o, err := w.editable(r, p)
	if err != nil {
		return err
	}
	return w.renderUser(rw, r, p, http.StatusOK, userData{Op: o, Lots: strings.Join(o.Lots, ", "), Disabled: o.Disabled})
}

func (w *Console) renderUser(rw http.ResponseWriter, r *http.Request, p *operators.Principal, status int, d userData) error {
	d.Roles, d.Langs = park.Roles(), park.Languages
	lots, err := w.sys.Gate.ListLots(r.Context())
	if err != nil {
		return err
	}
	d.AllLots = lots
	w.render(rw, r, status, "user", p, "audit", d)
	return nil
}

// userSave applies the form. A refused field re-shows the form with the
// message beside it and what was typed kept.
func (w *Console) userSave(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	o, err := w.editable(r, p)
	if err != nil {
		return err
	}
	role, lang := park.Role(r.PostFormValue("role")), r.PostFormValue("language")
	lots := splitLots(r.PostFormValue("lots"))
	if role != park.RoleLotOperator {
		lots = nil // the field is ignored for roles that see every lot
	}
	disabled := r.PostFormValue("disabled") == "on"
	_, err = w.sys.Operators.Update(r.Context(), p.Name, o.Name, operators.Patch{Role: &role, Lots: &lots, Language: &lang,
		Disabled: &disabled})
	var pe *park.Error
	if errors.As(err, &pe) && (pe.Code == park.EInvalid || pe.Code == park.ENotFound) {
		if pe.Code == park.ENotFound { // the operator was there: a lot named that does not exist
			pe = &park.Error{Code: park.EInvalid, Field: "lots", Message: pe.Message}
		}
		o.Role, o.Language = role, lang
		return w.renderUser(rw, r, p, http.StatusUnprocessableEntity, userData{Op: o, Lots: r.PostFormValue("lots"), Err: pe,
			Disabled: disabled})
	}
	if err != nil {
		return err
	}
	http.Redirect(rw, r, Prefix+"audit?updated="+url.QueryEscape(o.Name), http.StatusSeeOther)
	return nil
}

// splitLots reads a comma-separated list of lot codes, each once.
func splitLots(s string) []string {
	var out []string
	for _, l := range strings.Split(s, ",") {
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}
