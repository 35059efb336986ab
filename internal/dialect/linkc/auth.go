package linkc

import (
	"errors"
	"net/http"

	"parkd/internal/park"
	"parkd/internal/partners"
)

type loginInput struct {
	Usuario string `json:"usuario"`
	Senha   string `json:"senha"`
}

type loginReply struct {
	Token             string `json:"token"`
	ExpiracaoDataHora string `json:"expiracao_datahora"`
}

// login is POST /api/autenticacao: parkd's own sign-in (the vendor's is
// not public). The token's expiry is written in UTC with a +00:00 offset:
// a token belongs to no garage.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	if _, err := query(r.URL.RawQuery); err != nil {
		return err
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	var in loginInput
	if err := decode(body, &in); err != nil {
		return err
	}
	// A missing field is a malformed request (400), not wrong credentials.
	if in.Usuario == "" {
		return invalid("usuario", "informe o usuario")
	}
	if in.Senha == "" {
		return invalid("senha", "informe a senha")
	}
	tok, t, err := h.svc.Partners.Login(r.Context(), partners.SignIn{Username: in.Usuario, Password: in.Senha, Source: r.RemoteAddr})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, loginReply{Token: tok, ExpiracaoDataHora: t.ExpiresAt.UTC().Format(timeLayout)})
	return nil
}

// caller authenticates the request's bearer token and picks the partner
// (parceiro_id, or the user's default; "-" for none).
func (h *Handler) caller(r *http.Request, partnerID string) (*partners.Caller, error) {
	tok := bearer(r)
	if tok == "" {
		return nil, &problem{codigo: codigo(park.EUnauthorized), campo: "Authorization",
			detalhe: "envie o cabeçalho Authorization: Bearer <token>; obtenha um token com POST /api/autenticacao"}
	}
	c, err := h.svc.Partners.Authenticate(r.Context(), tok, partnerID)
	var pe *park.Error
	if partnerID == "" && errors.As(err, &pe) && pe.Code == park.EInvalid && pe.Field == "partner" {
		// Only the default partner can be refused when none is named:
		// it was taken from the user. The field's hint ("omit
		// parceiro_id") would not help.
		return nil, invalid("parceiro_id", "o parceiro padrão do usuário não está mais disponível; "+
			"informe parceiro_id com um dos parceiros do usuário (veja GET /api/parceiros)")
	}
	return c, err
}

type parceiroView struct {
	ID     string `json:"id"`
	Nome   string `json:"nome"`
	Tipo   string `json:"tipo"`
	Padrao bool   `json:"padrao"`
}

type parceirosReply struct {
	Parceiros []parceiroView `json:"parceiros"`
}

// tipos are the partner types as Linkc names them.
var tipos = map[string]string{park.PartnerNormal: "NORMAL", park.PartnerOwnEntries: "OSA"}

// parceiros is GET /api/parceiros: the caller's partners, so that
// parceiro_id can be chosen. tipo is "NORMAL" or "OSA"; padrao marks the
// partner used when a request names none.
func (h *Handler) parceiros(w http.ResponseWriter, r *http.Request) error {
	if _, err := query(r.URL.RawQuery); err != nil {
		return err
	}
	c, err := h.caller(r, "-")
	if err != nil {
		return err
	}
	ps, err := h.svc.Partners.PartnersOf(r.Context(), c.Integrator)
	if err != nil {
		return err
	}
	out := parceirosReply{Parceiros: make([]parceiroView, 0, len(ps))}
	for _, p := range ps {
		out.Parceiros = append(out.Parceiros, parceiroView{ID: p.ID, Nome: p.Name, Tipo: tipos[p.Type],
			Padrao: p.ID == c.Integrator.DefaultPartner})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
