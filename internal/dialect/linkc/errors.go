package linkc

import (
	"encoding/json"
	"errors"
	"net/http"

	"parkd/internal/park"
)

// Dialect-level codes, beside the core's.
const (
	codeNotAcceptable park.Code = "not_acceptable" // Accept asks for an unknown API version
)

// replies is the one table from error codes to Linkc statuses and a
// Portuguese summary for the integrator; the detail says what exactly.
var replies = map[park.Code]struct {
	status  int
	message string
}{
	park.EInvalid:        {http.StatusBadRequest, "requisição inválida"},
	park.EUnauthorized:   {http.StatusUnauthorized, "credenciais inválidas"},
	park.ENotFound:       {http.StatusNotFound, "não encontrado"},
	park.EConflict:       {http.StatusConflict, "conflito"},
	park.EQuoteExpired:   {http.StatusGone, "transação expirada: faça uma nova consulta (GET /api/estadias) para gerar nova transação"},
	park.EQuotePaid:      {http.StatusConflict, "transação já paga"},
	park.EStaySettled:    {http.StatusConflict, "nada a pagar nesta transação: a estadia foi paga depois da consulta; faça uma nova consulta"},
	park.EStayClosed:     {http.StatusConflict, "o veículo já saiu do estacionamento"},
	park.EAmountMismatch: {http.StatusUnprocessableEntity, "valor diferente do valor devido da transação"},
	park.EIdempotencyKey: {http.StatusUnprocessableEntity, "transação já usada em outro pagamento"},
	park.ECardData:       {http.StatusUnprocessableEntity, "dados de cartão não são aceitos"},
	codeNotAcceptable:    {http.StatusNotAcceptable, "versão da API não suportada"},
	park.EUnavailable:    {http.StatusServiceUnavailable, "serviço indisponível; tente novamente"},
	park.EInternal:       {http.StatusInternalServerError, "erro interno"},
}

// fields names the core's fields as Linkc's requests do.
var fields = map[string]string{
	"locator": "localizador", "plate": "placa", "partner": "parceiro_id", "amount": "valor", "quote_id": "transacao_id",
	"method": "forma_pagamento",
}

// errorBody is Linkc's error reply (the vendor's own shape is not public).
type errorBody struct {
	Codigo   string `json:"codigo"`
	Mensagem string `json:"mensagem"`
	Detalhe  string `json:"detalhe,omitempty"`
	Campo    string `json:"campo,omitempty"`
}

// writeError renders err. Only internal errors are logged, with detail
// that is never shown; request bodies are never logged.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := park.ErrorCode(err)
	rep, ok := replies[code]
	if !ok {
		code, rep = park.EInternal, replies[park.EInternal]
	}
	body := errorBody{Codigo: string(code), Mensagem: rep.message}
	var pe *park.Error
	if errors.As(err, &pe) && code != park.EInternal {
		body.Detalhe, body.Campo = pe.Message, pe.Field
		if f, ok := fields[pe.Field]; ok {
			body.Campo = f
		}
	}
	switch code {
	case park.EInternal:
		h.log.Error("internal error", "dialect", "linkc", "method", r.Method, "path", r.URL.Path, "err", err)
	case park.EUnavailable:
		h.log.Warn("database unavailable", "dialect", "linkc", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "1")
	case park.EUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="linkc"`)
	}
	writeJSON(w, rep.status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
