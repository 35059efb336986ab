package httpapi

import (
	"net/http"

	"parkd/internal/core"
	"parkd/internal/park"
)

type passInput struct {
	HolderName *string     `json:"holder_name"`
	Mobile     *string     `json:"mobile"`
	UserCode   *string     `json:"user_code"`
	Plates     []string    `json:"plates"`
	Spaces     *int        `json:"spaces"`
	ValidFrom  *string     `json:"valid_from"`
	ValidTo    *string     `json:"valid_to"`
	Plan       *string     `json:"plan"`
	Slots      []park.Slot `json:"slots"` // absent: unchanged; [] clears them
}

// apply copies the fields present in the input onto p.
func (in *passInput) apply(p *park.Pass) error {
	setIf(&p.HolderName, in.HolderName)
	setIf(&p.Mobile, in.Mobile)
	setIf(&p.UserCode, in.UserCode)
	setIf(&p.Plan, in.Plan)
	setIf(&p.Spaces, in.Spaces)
	if in.Plates != nil {
		p.Plates = in.Plates
	}
	// The core reads 0 as "one per plate"; sent, it meant no free space.
	if in.Spaces != nil && *in.Spaces < 1 {
		return park.SpacesRange(len(p.Plates))
	}
	if in.Slots != nil {
		p.Slots = in.Slots
	}
	if err := optTime("valid_from", in.ValidFrom, &p.ValidFrom); err != nil {
		return err
	}
	return optTime("valid_to", in.ValidTo, &p.ValidTo)
}

type passView struct {
	ID         string      `json:"id"`
	LotCode    string      `json:"lot_code"`
	HolderName string      `json:"holder_name"`
	Mobile     string      `json:"mobile,omitempty"`
	UserCode   string      `json:"user_code,omitempty"`
	Plates     []string    `json:"plates"`
	Spaces     int         `json:"spaces"`
	ValidFrom  string      `json:"valid_from"`
	ValidTo    string      `json:"valid_to"`
	Plan       string      `json:"plan,omitempty"`
	Slots      []park.Slot `json:"slots,omitempty"`
}

func viewPass(p *park.Pass) passView {
	return passView{ID: p.ID, LotCode: p.LotCode, HolderName: p.HolderName, Mobile: p.Mobile, UserCode: p.UserCode,
		Plates: p.Plates, Spaces: p.Spaces, ValidFrom: fmtTime(p.ValidFrom), ValidTo: fmtTime(p.ValidTo), Plan: p.Plan,
		Slots: p.Slots}
}

func (s *Server) createPass(w http.ResponseWriter, r *http.Request) error {
	var in passInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p := &park.Pass{}
	if err := in.apply(p); err != nil {
		return err
	}
	out, err := s.svc.Access.CreatePass(r.Context(), "", r.PathValue("code"), p)
	if err != nil {
		return err
	}
	if out != p { // a resend: the pass it made before
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeJSON(w, http.StatusCreated, viewPass(out))
	return nil
}

// listPasses answers one page of a lot's passes, as listStays pages
// stays: limit, after, and next while more follow.
func (s *Server) listPasses(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := core.QueryLimit(q.Get("limit"))
	if err != nil {
		return err
	}
	ps, more, err := s.svc.Access.PassPage(r.Context(), "", r.PathValue("code"), q.Get("after"), limit)
	if err != nil {
		return err
	}
	out := make([]passView, len(ps))
	for i, p := range ps {
		out[i] = viewPass(p)
	}
	resp := map[string]any{"passes": out}
	if more {
		resp["next"] = ps[len(ps)-1].ID
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (s *Server) getPass(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.Access.GetPass(r.Context(), r.PathValue("code"), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewPass(p))
	return nil
}

func (s *Server) patchPass(w http.ResponseWriter, r *http.Request) error {
	var in passInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.svc.Access.UpdatePass(r.Context(), r.PathValue("code"), r.PathValue("id"), in.apply)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewPass(p))
	return nil
}

func (s *Server) deletePass(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Access.DeletePass(r.Context(), r.PathValue("code"), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type whitelistInput struct {
	Plate     *string `json:"plate"`
	Kind      *string `json:"kind"`
	Category  *string `json:"category"`
	ValidFrom *string `json:"valid_from"`
	ValidTo   *string `json:"valid_to"`
	Reason    *string `json:"reason"`
}

func (in *whitelistInput) apply(e *park.WhitelistEntry) error {
	setIf(&e.Plate, in.Plate)
	setIf(&e.Kind, in.Kind)
	setIf(&e.Category, in.Category)
	setIf(&e.Reason, in.Reason)
	if err := optTime("valid_from", in.ValidFrom, &e.ValidFrom); err != nil {
		return err
	}
	return optTime("valid_to", in.ValidTo, &e.ValidTo)
}

type whitelistView struct {
	ID        string `json:"id"`
	LotCode   string `json:"lot_code"`
	Plate     string `json:"plate"`
	Kind      string `json:"kind"`
	Category  string `json:"category"`
	ValidFrom string `json:"valid_from"`
	ValidTo   string `json:"valid_to"`
	Reason    string `json:"reason"`
}

func viewWhitelist(e *park.WhitelistEntry) whitelistView {
	return whitelistView{ID: e.ID, LotCode: e.LotCode, Plate: e.Plate, Kind: e.Kind, Category: e.Category,
		ValidFrom: fmtTime(e.ValidFrom), ValidTo: fmtTime(e.ValidTo), Reason: e.Reason}
}

func (s *Server) createWhitelist(w http.ResponseWriter, r *http.Request) error {
	var in whitelistInput
	if err := decode(r, &in); err != nil {
		return err
	}
	e := &park.WhitelistEntry{}
	if err := in.apply(e); err != nil {
		return err
	}
	out, err := s.svc.Access.CreateWhitelist(r.Context(), r.PathValue("code"), e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewWhitelist(out))
	return nil
}

// listWhitelist answers one page of a lot's entries, as listPasses.
func (s *Server) listWhitelist(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := core.QueryLimit(q.Get("limit"))
	if err != nil {
		return err
	}
	es, more, err := s.svc.Access.WhitelistPage(r.Context(), r.PathValue("code"), q.Get("after"), limit)
	if err != nil {
		return err
	}
	out := make([]whitelistView, len(es))
	for i, e := range es {
		out[i] = viewWhitelist(e)
	}
	resp := map[string]any{"whitelist": out}
	if more {
		resp["next"] = es[len(es)-1].ID
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (s *Server) getWhitelist(w http.ResponseWriter, r *http.Request) error {
	e, err := s.svc.Access.GetWhitelist(r.Context(), r.PathValue("code"), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewWhitelist(e))
	return nil
}

func (s *Server) patchWhitelist(w http.ResponseWriter, r *http.Request) error {
	var in whitelistInput
	if err := decode(r, &in); err != nil {
		return err
	}
	e, err := s.svc.Access.UpdateWhitelist(r.Context(), r.PathValue("code"), r.PathValue("id"), in.apply)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewWhitelist(e))
	return nil
}

func (s *Server) deleteWhitelist(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Access.DeleteWhitelist(r.Context(), r.PathValue("code"), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
