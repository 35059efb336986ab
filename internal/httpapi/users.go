package httpapi

import (
	"net/http"
	"strconv"

	"parkd/internal/core"
	"parkd/internal/operators"
	"parkd/internal/park"
)

// Operators of the console (internal/operators): created, changed and
// signed out here with the admin token, audited as its changes.
func (s *Server) userRoutes() {
	s.admin("POST /v1/users", s.createUser)
	s.admin("GET /v1/users", s.listUsers)
	s.admin("GET /v1/users/{name}", s.getUser)
	s.admin("PATCH /v1/users/{name}", s.patchUser)
	s.admin("DELETE /v1/users/{name}/sessions", s.revokeUserSessions)
	s.admin("GET /v1/audit", s.listAudit)
}

type userInput struct {
	Name     string   `json:"name"`
	Role     string   `json:"role"`
	Lots     []string `json:"lots"`
	Language string   `json:"language"`
	Password string   `json:"password"`
}

type userPatch struct {
	Role     *string   `json:"role"`
	Lots     *[]string `json:"lots"`
	Language *string   `json:"language"`
	Password *string   `json:"password"`
	Disabled *bool     `json:"disabled"`
}

type userView struct {
	Name      string   `json:"name"`
	Role      string   `json:"role"`
	Lots      []string `json:"lots"`
	Language  string   `json:"language"`
	Disabled  bool     `json:"disabled"`
	CreatedAt string   `json:"created_at"`
	UpdatedAt string   `json:"updated_at"`
}

func viewUser(o *park.Operator) userView {
	lots := o.Lots
	if lots == nil {
		lots = []string{}
	}
	return userView{Name: o.Name, Role: string(o.Role), Lots: lots, Language: o.Language, Disabled: o.Disabled,
		CreatedAt: fmtTime(o.CreatedAt), UpdatedAt: fmtTime(o.UpdatedAt)}
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	var in userInput
	if err := decode(r, &in); err != nil {
		return err
	}
	o, err := s.svc.Operators.Add(r.Context(), operators.APIActor, operators.NewOperator{Name: in.Name, Role: park.Role(in.Role),
		Lots: in.Lots, Language: in.Language, Password: in.Password})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewUser(o))
	return nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	os, err := s.svc.Operators.List(r.Context())
	if err != nil {
		return err
	}
	out := make([]userView, len(os))
	for i, o := range os {
		out[i] = viewUser(o)
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out})
	return nil
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	o, err := s.svc.Operators.Get(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewUser(o))
	return nil
}

func (s *Server) patchUser(w http.ResponseWriter, r *http.Request) error {
	var in userPatch
	if err := decode(r, &in); err != nil {
		return err
	}
	p := operators.Patch{Lots: in.Lots, Language: in.Language, Password: in.Password, Disabled: in.Disabled}
	if in.Role != nil {
		role := park.Role(*in.Role)
		p.Role = &role
	}
	o, err := s.svc.Operators.Update(r.Context(), operators.APIActor, r.PathValue("name"), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewUser(o))
	return nil
}

func (s *Server) revokeUserSessions(w http.ResponseWriter, r *http.Request) error {
	n, err := s.svc.Operators.RevokeSessions(r.Context(), operators.APIActor, r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, revokedView{Revoked: n})
	return nil
}

type auditView struct {
	ID     string `json:"id"`
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Lot    string `json:"lot,omitempty"`
	Target string `json:"target"`
	Reason string `json:"reason,omitempty"`
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := park.AuditFilter{Lot: q.Get("lot"), Actor: q.Get("actor")}
	n, err := core.QueryLimitUpTo(q.Get("limit"), operators.MaxAuditPage)
	if err != nil {
		return err
	}
	f.Limit = n
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return park.Invalid("before", "%q is not a page cursor: pass the next of the previous page", v)
		}
		f.BeforeSeq = n
	}
	es, more, err := s.svc.Operators.AuditPage(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]auditView, len(es))
	for i, e := range es {
		out[i] = auditView{ID: e.ID, At: fmtTime(e.At), Actor: e.Actor, Action: e.Action, Lot: e.Lot, Target: e.Target,
			Reason: e.Reason, Before: e.Before, After: e.After}
	}
	resp := map[string]any{"entries": out}
	if more {
		resp["next"] = strconv.FormatInt(es[len(es)-1].Seq, 10)
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}
