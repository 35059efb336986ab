package httpapi

import (
	"net/http"

	"parkd/internal/park"
	"parkd/internal/partners"
)

type partnerInput struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Dialect  string   `json:"dialect"`
	Type     string   `json:"type"`
	Secret   string   `json:"secret"`
	SignMode string   `json:"sign_mode"`
	Lots     []string `json:"lots"`
}

// partnerView never shows the secret, only whether one is set.
type partnerView struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Dialect   string   `json:"dialect"`
	Type      string   `json:"type"`
	SecretSet bool     `json:"secret_set"`
	SignMode  string   `json:"sign_mode,omitempty"`
	Lots      []string `json:"lots"`
	CreatedAt string   `json:"created_at"`
}

func viewPartner(p *park.Partner) partnerView {
	return partnerView{ID: p.ID, Name: p.Name, Dialect: p.Dialect, Type: p.Type, SecretSet: p.Secret != "",
		SignMode: p.SignMode, Lots: p.Lots, CreatedAt: fmtTime(p.CreatedAt)}
}

func (s *Server) createPartner(w http.ResponseWriter, r *http.Request) error {
	var in partnerInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Type == "" {
		in.Type = park.PartnerNormal
	}
	p, err := s.svc.Partners.CreatePartner(r.Context(), &park.Partner{ID: in.ID, Name: in.Name, Dialect: in.Dialect,
		Type: in.Type, Secret: in.Secret, SignMode: in.SignMode, Lots: in.Lots})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewPartner(p))
	return nil
}

func (s *Server) listPartners(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.svc.Partners.ListPartners(r.Context())
	if err != nil {
		return err
	}
	out := make([]partnerView, len(ps))
	for i, p := range ps {
		out[i] = viewPartner(p)
	}
	writeJSON(w, http.StatusOK, map[string]any{"partners": out})
	return nil
}

func (s *Server) getPartner(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.Partners.GetPartner(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewPartner(p))
	return nil
}

func (s *Server) deletePartner(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Partners.DeletePartner(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type integratorInput struct {
	Username       string   `json:"username"`
	Password       string   `json:"password"`
	Partners       []string `json:"partners"`
	DefaultPartner string   `json:"default_partner"`
}

type integratorView struct {
	Username       string   `json:"username"`
	Partners       []string `json:"partners"`
	DefaultPartner string   `json:"default_partner"`
	CreatedAt      string   `json:"created_at"`
}

func (s *Server) createIntegrator(w http.ResponseWriter, r *http.Request) error {
	var in integratorInput
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.svc.Partners.CreateIntegrator(r.Context(), partners.IntegratorInput{Username: in.Username, Password: in.Password,
		Partners: in.Partners, DefaultPartner: in.DefaultPartner})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, integratorView{Username: u.Username, Partners: u.Partners,
		DefaultPartner: u.DefaultPartner, CreatedAt: fmtTime(u.CreatedAt)})
	return nil
}

type revokedView struct {
	Revoked int `json:"revoked"`
}

func (s *Server) revokeTokens(w http.ResponseWriter, r *http.Request) error {
	n, err := s.svc.Partners.RevokeTokens(r.Context(), r.PathValue("username"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, revokedView{Revoked: n})
	return nil
}
