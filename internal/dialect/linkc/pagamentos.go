package linkc

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"

	"parkd/internal/billing"
	"parkd/internal/park"
)

// pagamentoInput is POST /api/estadias/pagamentos. valor is the decimal
// string of the lookup (a JSON number is read the same way, exactly).
type pagamentoInput struct {
	TransacaoID     string          `json:"transacao_id"`
	Valor           json.RawMessage `json:"valor"`
	FormaPagamento  string          `json:"forma_pagamento"`
	DocumentoFiscal string          `json:"documento_fiscal"`
	Token           string          `json:"token"`
	CartaoCredito   *cartaoInput    `json:"cartao_credito"`
}

// cartaoInput admits only a card token kept by the integrator's acquirer.
type cartaoInput struct {
	Token string `json:"token"`
}

type pagamentoReply struct {
	Pagamento pagamentoView `json:"pagamento"`
}

type pagamentoView struct {
	ID                string `json:"id"`
	TransacaoID       string `json:"transacao_id"`
	Valor             string `json:"valor"`
	FormaPagamento    string `json:"forma_pagamento"`
	PagamentoDataHora string `json:"pagamento_datahora"`
	ValidadeDataHora  string `json:"validade_datahora"`
}

// cardFields are Linkc's card fields (cartao_credito) and its payer's tax
// number, whose digits are not a card's.
var cardFields = billing.CardFields{
	Card:    []string{"numero", "numero_cartao", "cartao_numero", "codigo_seguranca", "cod_seguranca"},
	NotCard: []string{"documento_fiscal"},
}

var (
	formaRE     = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)
	documentoRE = regexp.MustCompile(`^[0-9./-]{11,18}$`)
)

// pagamento settles the transaction of a lookup, once: a repeated
// submission of the same transacao_id returns the first payment.
func (h *Handler) pagamento(w http.ResponseWriter, r *http.Request) error {
	q, err := query(r.URL.RawQuery, "parceiro_id")
	if err != nil {
		return err
	}
	c, err := h.caller(r, q.Get("parceiro_id"))
	if err != nil {
		return err
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	// Before anything else reads the body: card data is refused whole,
	// and neither it nor the body is logged or stored.
	if err := billing.CheckNoCardData(body, cardFields); err != nil {
		return err
	}
	var in pagamentoInput
	if err := decode(body, &in); err != nil {
		return err
	}
	switch {
	case in.TransacaoID == "" || len(in.TransacaoID) > 64:
		return invalid("transacao_id")
	case !formaRE.MatchString(in.FormaPagamento):
		return invalid("forma_pagamento")
	case in.DocumentoFiscal != "" && !validDocumento(in.DocumentoFiscal):
		return invalid("documento_fiscal")
	}
	valor := valorText(in.Valor)
	if valor == "" {
		return invalid("valor")
	}
	res, err := h.svc.Billing.Pay(r.Context(), park.PaymentRequest{
		QuoteID: in.TransacaoID, AmountText: valor, Method: in.FormaPagamento, Payer: c.Partner.ID,
	})
	if err != nil {
		return err
	}
	loc, p := res.Lot.Location(), res.Payment
	if res.Replay {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeJSON(w, http.StatusOK, pagamentoReply{Pagamento: pagamentoView{
		ID: p.ID, TransacaoID: p.QuoteID, Valor: FormatAmount(p.Amount, p.Currency), FormaPagamento: strings.ToUpper(p.Method),
		PagamentoDataHora: formatTime(p.PaidAt, loc), ValidadeDataHora: formatTime(res.LeaveBy, loc), // as a lookup now says
	}})
	return nil
}

// valorText turns valor's JSON (a string or a number) into its text.
func valorText(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	if strings.HasPrefix(s, `"`) {
		var v string
		if json.Unmarshal(raw, &v) == nil {
			return v
		}
		return "?"
	}
	if s == "null" {
		return ""
	}
	return s
}

func validDocumento(s string) bool {
	if !documentoRE.MatchString(s) {
		return false
	}
	n := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			n++
		}
	}
	return n == 11 || n == 14
}
