package linkc

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/plate"
)

// TestMotivosPlacaWordEveryKind: every kind of plate refusal is worded
// in Portuguese.
func TestMotivosPlacaWordEveryKind(t *testing.T) {
	for _, why := range plate.Whys() {
		if motivosPlaca[why] == "" {
			t.Errorf("plate refusal %q has no words", why)
		}
	}
	for _, want := range plate.Wants() {
		if querPlaca[want] == "" {
			t.Errorf("what a refused character's place takes, %q, has no words", want)
		}
	}
}

// TestEveryCodeHasAReply: a core code missing from respostas would answer
// as an internal error, so every code of park.Codes() needs a row with a
// status, a summary and a way to word its detail.
func TestEveryCodeHasAReply(t *testing.T) {
	core := map[codigo]bool{}
	for _, c := range park.Codes() {
		core[codigo(c)] = true
		rep, ok := respostas[codigo(c)]
		switch {
		case !ok:
			t.Errorf("park.%s (%q) has no row in respostas", c, c)
		case rep.status < 400 || rep.status > 599 || rep.mensagem == "" || rep.detalhe == nil:
			t.Errorf("row of %q is incomplete: %+v", c, rep)
		case rep.detalhe(&park.Error{Code: c}, "") == "":
			t.Errorf("row of %q words no detail", c)
		}
	}
	// The dialect's own codes are not the core's, and carry their detail.
	for _, c := range []codigo{codigoNotAcceptable, codigoMethodNotAllowed, codigoOtherCurrency} {
		rep, ok := respostas[c]
		if core[c] || !ok || rep.mensagem == "" || rep.detalhe != nil {
			t.Errorf("dialect code %q: core %v, row %+v", c, core[c], rep)
		}
	}
	if len(respostas) != len(core)+3 {
		t.Errorf("respostas has %d rows, want the %d core codes and the dialect's 3", len(respostas), len(core))
	}
}

// TestDetails words core errors from code, Linkc field and value, whatever
// the core's English message says.
func TestDetails(t *testing.T) {
	manaus, err := time.LoadLocation("America/Manaus")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		err   *park.Error
		campo string
		want  string
	}{
		// 5000 centavos are R$ 50,00, written as the lookup writes it.
		{"AmountMismatch", &park.Error{Code: park.EAmountMismatch, Field: "amount", Amount: 5000, Currency: "BRL"}, "valor",
			"o valor devido desta transação é 50.0"},
		{"AmountMismatchCentavos", &park.Error{Code: park.EAmountMismatch, Field: "amount", Amount: 1234, Currency: "BRL"}, "valor",
			"o valor devido desta transação é 12.34"},
		// The core gives the expiry in the lot's zone: Manaus is -04:00.
		{"QuoteExpired", &park.Error{Code: park.EQuoteExpired, At: time.Date(2019, 8, 31, 0, 56, 30, 0, manaus)}, "",
			"a transação expirou em 2019-08-31T00:56:30-04:00; faça uma nova consulta"},
		{"QuoteWithdrawn", &park.Error{Code: park.EQuoteExpired}, "", "a transação não vale mais; faça uma nova consulta"},
		{"BadLogin", &park.Error{Code: park.EUnauthorized}, "", "usuário ou senha incorretos"},
		{"UnknownToken", &park.Error{Code: park.EUnauthorized, Field: "token"}, "Authorization",
			"token desconhecido; obtenha um com POST /api/autenticacao"},
		{"NotFoundTransaction", &park.Error{Code: park.ENotFound, Field: "quote_id"}, "transacao_id",
			"transação não encontrada para este parceiro; faça uma nova consulta (GET /api/estadias)"},
		{"InvalidValor", &park.Error{Code: park.EInvalid, Field: "amount"}, "valor", dicas["valor"]},
		{"InvalidUnnamed", &park.Error{Code: park.EInvalid, Field: "lot"}, "", "a requisição não pôde ser entendida"},
		// A control character is named with its byte, in Portuguese:
		// "PIX" is bytes 0-2, the ESC byte 3.
		{"ControlCharacter", park.CheckText("method", "PIX\x1b").(*park.Error), "forma_pagamento",
			"o campo forma_pagamento contém o caractere de controle U+001B (byte 3), que não é aceito"},
		{"CardDataInMethod", &park.Error{Code: park.ECardData, Field: "method"}, "forma_pagamento",
			"o campo forma_pagamento parece conter um número de cartão; o parkd não recebe dados de cartão: " +
				"cobre o cartão pelo seu adquirente e envie só a forma_pagamento (e, se houver, o token do cartão no adquirente)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.err.Message = "an English message no reply may show"
			if got := campos[c.err.Field]; got != c.campo {
				t.Fatalf("campo %q, want %q", got, c.campo)
			}
			if got := respostas[codigo(c.err.Code)].detalhe(c.err, c.campo); got != c.want {
				t.Fatalf("detalhe %q, want %q", got, c.want)
			}
		})
	}
}

// TestDocumentedTable: docs/linkc.md lists every row of respostas, with
// its status and mensagem, and nothing else.
func TestDocumentedTable(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "linkc.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| ([0-9]{3}) \\| `([a-z_]+)` \\| (.+) \\|$")
	seen := map[codigo]bool{}
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		c := codigo(m[2])
		rep, ok := respostas[c]
		if !ok || strconv.Itoa(rep.status) != m[1] || rep.mensagem != m[3] {
			t.Errorf("docs/linkc.md: %s %s %q; respostas: %d %q", m[1], c, m[3], rep.status, rep.mensagem)
		}
		seen[c] = true
	}
	for c, rep := range respostas {
		if !seen[c] {
			t.Errorf("docs/linkc.md lacks the row | %d | `%s` | %s |", rep.status, c, rep.mensagem)
		}
	}
}
