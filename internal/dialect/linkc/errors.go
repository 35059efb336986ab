package linkc

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"parkd/internal/park"
	"parkd/internal/plate"
)

// codigo is an error code as Linkc replies carry it: the core's codes
// verbatim, and the dialect's own.
type codigo string

// The dialect's own codes, for errors only the dialect raises. They are
// not park.Code values: the core never returns them.
const (
	codigoNotAcceptable    codigo = "not_acceptable"     // Accept asks for another API version
	codigoMethodNotAllowed codigo = "method_not_allowed" // the route is served with other methods (Allow)
	codigoOtherCurrency    codigo = "currency_not_brl"   // the stay's garage prices in another currency than Currency
)

// resposta is how Linkc answers one code: the HTTP status, a Portuguese
// summary, and, for the core's codes, how the detail is worded from the
// error's code, its Linkc field and its values (never from the core's
// English message). The dialect's own errors carry their detail
// (problem), so their detalhe is nil.
type resposta struct {
	status   int
	mensagem string
	detalhe  func(e *park.Error, campo string) string
}

// respostas is the one table from error codes to Linkc replies. A code
// missing here answers as internal (a test checks every park.Code has a
// row).
var respostas = map[codigo]resposta{
	codigo(park.EInvalid):      {http.StatusBadRequest, "requisição inválida", invalido},
	codigo(park.EUnauthorized): {http.StatusUnauthorized, "credenciais inválidas", naoAutorizado},
	codigo(park.ENotFound):     {http.StatusNotFound, "não encontrado", naoEncontrado},
	codigo(park.EConflict): {http.StatusConflict, "conflito",
		fixo("a operação conflita com o estado atual dos dados; tente novamente")},
	codigo(park.EQuoteExpired): {http.StatusGone,
		"transação expirada: faça uma nova consulta (GET /api/estadias) para gerar nova transação", expirada},
	codigo(park.EQuotePaid): {http.StatusConflict, "transação já paga",
		fixo("esta transação já foi paga por outro pagamento; faça uma nova consulta para saber se resta valor devido")},
	codigo(park.EStaySettled): {http.StatusConflict,
		"nada a pagar nesta transação: a estadia foi paga depois da consulta; faça uma nova consulta",
		fixo("esta transação não tem valor a pagar: a estadia foi paga depois da consulta, ou nada era devido; faça uma nova consulta")},
	codigo(park.EStayClosed): {http.StatusConflict, "o veículo já saiu do estacionamento",
		fixo("o veículo já saiu do estacionamento; a transação não pode mais ser paga")},
	codigo(park.EAmountMismatch): {http.StatusUnprocessableEntity, "valor diferente do valor devido da transação", valorDevido},
	codigo(park.EIdempotencyKey): {http.StatusUnprocessableEntity, "transação já usada em outro pagamento",
		fixo("esta transação já foi paga com outro valor; envie o mesmo valor para receber o pagamento feito, ou faça uma nova consulta")},
	codigo(park.ELotFull): {http.StatusConflict, "estacionamento lotado",
		fixo("não há vaga para visitantes no estacionamento")},
	codigo(park.EEntryRefused): {http.StatusConflict, "entrada recusada",
		fixo("a entrada do veículo foi retida pelo estacionamento")},
	codigo(park.ECardData):    {http.StatusUnprocessableEntity, "dados de cartão não são aceitos", dadosDeCartao},
	codigo(park.ERateLimited): {http.StatusTooManyRequests, "muitas tentativas; aguarde e tente novamente", muitasTentativas},
	codigo(park.EReplayed): {http.StatusConflict, "requisição repetida",
		fixo("esta requisição assinada já foi atendida; envie uma nova")},
	codigoNotAcceptable:    {http.StatusNotAcceptable, "versão da API não suportada", nil},
	codigoMethodNotAllowed: {http.StatusMethodNotAllowed, "método não permitido nesta rota", nil},
	codigoOtherCurrency:    {http.StatusConflict, "a garagem não cobra em reais", nil},
	codigo(park.EUnavailable): {http.StatusServiceUnavailable, "serviço indisponível; tente novamente",
		fixo("o banco de dados está indisponível no momento; tente novamente em instantes")},
	codigo(park.EInternal): {http.StatusInternalServerError, "erro interno",
		fixo("o erro foi registrado; tente novamente mais tarde")},
}

// campos names the core's fields as Linkc's requests do. A core field
// with no Linkc counterpart (lot: the garage comes from the partner) is
// not shown.
var campos = map[string]string{
	"locator": "localizador", "plate": "placa", "partner": "parceiro_id", "amount": "valor", "quote_id": "transacao_id",
	"method": "forma_pagamento", "token": "Authorization",
}

// dicas say what a Linkc field must hold; they are the detail of every
// invalid error about it, the core's or the dialect's.
var dicas = map[string]string{
	"localizador":      "envie o localizador (1 a 32 letras ou dígitos) ou a placa, apenas um dos dois",
	"placa":            "envie a placa no formato antigo (ABC1234) ou Mercosul (ABC1D23)",
	"parceiro_id":      "envie um dos parceiros do usuário (veja GET /api/parceiros), ou omita parceiro_id para usar o padrão",
	"transacao_id":     "envie a transacao devolvida por GET /api/estadias (até 64 caracteres)",
	"valor":            `envie o valor_devido da consulta, em reais, com ponto decimal e no máximo duas casas, ex.: "5.0"`,
	"forma_pagamento":  "envie de 1 a 32 letras, dígitos, '_' ou '-', ex.: CREDITO, DEBITO, PIX",
	"documento_fiscal": "envie um CPF (11 dígitos) ou um CNPJ (14 dígitos), com ou sem pontuação",
}

// motivosPlaca word why a plate was refused (plate.Why), with its values
// (plate.Error.Params) for each %s; the field's dica follows.
var motivosPlaca = map[plate.Why]string{
	plate.WhyEmpty:     "a placa está vazia",
	plate.WhyTooLong:   "longa demais para ser uma placa",
	plate.WhyEncoding:  "a placa não está em UTF-8 válido",
	plate.WhyLength:    "a placa tem %s caracteres, deveria ter %s",
	plate.WhyProvince:  `"%s" não é sigla de província (placas chinesas)`,
	plate.WhyCharacter: `o caractere "%s" não é permitido nessa posição, onde vai %s`,
	plate.WhyForm:      "os caracteres não estão na ordem de uma placa",
	plate.WhyNoPlate:   "veículo sem placa: use a identidade temporária recebida na entrada",
	plate.WhyShort:     "envie pelo menos %s caracteres da placa",
}

// querPlaca word what the place of a refused character takes
// (plate.Want, a plate.WhyCharacter's second value).
var querPlaca = map[plate.Want]string{
	plate.WantLetter:        "uma letra",
	plate.WantDigit:         "um dígito",
	plate.WantLetterOrDigit: "uma letra ou um dígito",
	plate.WantSerial:        "uma letra (exceto I e O) ou um dígito",
	plate.WantPlateStart:    "uma sigla de província chinesa, uma letra ou um dígito",
	plate.WantSearch:        "uma letra, um dígito ou um caractere chinês",
}

// motivoPlaca words why e refused a plate; "" when e is no plate's
// refusal, or its values are not what the words take.
func motivoPlaca(e *park.Error) string {
	if e == nil {
		return ""
	}
	w, ok := motivosPlaca[plate.Why(e.Reason)]
	if !ok || strings.Count(w, "%s") != len(e.Params) {
		return ""
	}
	args := make([]any, len(e.Params))
	for i, p := range e.Params {
		args[i] = p
	}
	if plate.Why(e.Reason) == plate.WhyCharacter {
		q, ok := querPlaca[plate.Want(e.Params[1])]
		if !ok {
			return ""
		}
		args[1] = q
	}
	return fmt.Sprintf(w, args...)
}

// naoEncontrados word a not-found error by the Linkc field it is about.
var naoEncontrados = map[string]string{
	"localizador": "nenhuma estadia com este localizador no pátio das garagens do parceiro " +
		"(veículos que já saíram não podem ser consultados; parceiros OSA veem apenas as entradas que registraram)",
	"placa":        "nenhum veículo com esta placa no pátio das garagens do parceiro (veículos que já saíram não podem ser consultados)",
	"transacao_id": "transação não encontrada para este parceiro; faça uma nova consulta (GET /api/estadias)",
}

func fixo(s string) func(*park.Error, string) string {
	return func(*park.Error, string) string { return s }
}

func invalido(e *park.Error, campo string) string {
	if e != nil && e.Reason == park.ReasonControlCharacter && len(e.Params) == 2 && campo != "" {
		return "o campo " + campo + " contém o caractere de controle " + e.Params[0] + " (byte " + e.Params[1] + "), que não é aceito"
	}
	if d, ok := dicas[campo]; ok {
		if m := motivoPlaca(e); m != "" {
			return m + "; " + d
		}
		return d
	}
	if campo != "" {
		return "o campo " + campo + " é inválido"
	}
	return "a requisição não pôde ser entendida"
}

func naoEncontrado(_ *park.Error, campo string) string {
	if d, ok := naoEncontrados[campo]; ok {
		return d
	}
	return "o recurso pedido não existe ou não é deste parceiro"
}

// naoAutorizado tells a bad token (the core's field token) from a bad
// sign-in (no field), without saying which of user and password was
// wrong. A token's time is written in UTC: a token belongs to no garage.
func naoAutorizado(e *park.Error, campo string) string {
	switch {
	case campo != "Authorization":
		return "usuário ou senha incorretos"
	case !e.At.IsZero():
		return "o token deixou de valer em " + formatTime(e.At, time.UTC) +
			" (expirou ou foi revogado); obtenha um novo com POST /api/autenticacao"
	}
	return "token desconhecido; obtenha um com POST /api/autenticacao"
}

// expirada gives the transaction's expiry in the garage's offset (the core
// sets At in the lot's time zone).
func expirada(e *park.Error, _ string) string {
	if e.At.IsZero() {
		return "a transação não vale mais; faça uma nova consulta"
	}
	return "a transação expirou em " + e.At.Format(timeLayout) + "; faça uma nova consulta"
}

// valorDevido gives the amount due in reais, as the lookup wrote it.
func valorDevido(e *park.Error, _ string) string {
	return "o valor devido desta transação é " + FormatAmount(e.Amount, e.Currency)
}

// muitasTentativas says when to try again, in UTC like a token's times:
// the limit belongs to no garage.
func muitasTentativas(e *park.Error, _ string) string {
	if e.At.IsZero() {
		return "muitas tentativas de autenticação; aguarde alguns segundos e tente novamente"
	}
	return "muitas tentativas de autenticação; tente novamente a partir de " + formatTime(e.At, time.UTC) +
		" (veja o cabeçalho Retry-After)"
}

func dadosDeCartao(_ *park.Error, campo string) string {
	const comoPagar = "o parkd não recebe dados de cartão: cobre o cartão pelo seu adquirente e envie só a " +
		"forma_pagamento (e, se houver, o token do cartão no adquirente)"
	if campo != "" {
		return "o campo " + campo + " parece conter um número de cartão; " + comoPagar
	}
	return "a requisição traz número ou código de segurança de cartão; " + comoPagar
}

// problem is an error the dialect itself raises, already worded in
// Portuguese; its status and summary come from respostas.
type problem struct {
	codigo  codigo
	campo   string
	detalhe string
}

func (p *problem) Error() string { return string(p.codigo) + " " + p.campo + ": " + p.detalhe }

// invalid is a dialect-raised invalid-input error about a Linkc field;
// its detail is the field's hint unless one is given.
func invalid(campo string, detalhe ...string) *problem {
	d := invalido(nil, campo)
	if len(detalhe) > 0 {
		d = detalhe[0]
	}
	return &problem{codigo: codigo(park.EInvalid), campo: campo, detalhe: d}
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
	var (
		p    *problem
		pe   *park.Error
		body errorBody
		cod  = codigo(park.EInternal)
	)
	switch {
	case errors.As(err, &p):
		cod, body.Campo, body.Detalhe = p.codigo, p.campo, p.detalhe
	case errors.As(err, &pe):
		cod, body.Campo = codigo(pe.Code), campos[pe.Field]
	}
	rep, ok := respostas[cod]
	if !ok {
		cod, rep = codigo(park.EInternal), respostas[codigo(park.EInternal)]
	}
	if cod == codigo(park.EInternal) {
		body.Campo, body.Detalhe = "", rep.detalhe(&park.Error{Code: park.EInternal}, "")
	} else if pe != nil && rep.detalhe != nil {
		body.Detalhe = rep.detalhe(pe, body.Campo)
	}
	body.Codigo, body.Mensagem = string(cod), rep.mensagem
	switch cod {
	case codigo(park.EInternal):
		h.log.Error("internal error", "dialect", "linkc", "method", r.Method, "path", r.URL.Path, "err", err)
	case codigo(park.EUnavailable):
		h.log.Warn("database unavailable", "dialect", "linkc", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "1")
	case codigoOtherCurrency: // the operator's set-up is wrong, not the request
		h.log.Warn("stay priced in another currency than the dialect's", "dialect", "linkc", "path", r.URL.Path, "err", err)
	case codigo(park.EUnauthorized):
		w.Header().Set("WWW-Authenticate", `Bearer realm="linkc"`)
	case codigo(park.ERateLimited):
		w.Header().Set("Retry-After", strconv.FormatInt(pe.RetryAfter(h.svc.Partners.Now()), 10))
	}
	writeJSON(w, rep.status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // detalhe is read by people: "<token>" stays "<token>"
	_ = enc.Encode(v)
}
