package billing_test

import (
	"testing"

	"parkd/internal/billing"
	"parkd/internal/park"
)

func TestCheckNoCardData(t *testing.T) {
	// The field names of an API that sends card data in Portuguese.
	fields := billing.CardFields{Card: []string{"numero", "codigo_seguranca"}, NotCard: []string{"documento_fiscal"}}
	for _, c := range []struct {
		body string
		want bool
	}{
		{`{"cartao_credito":{"numero":"4111111111111111"}}`, true},
		{`{"cartao_credito":{"codigo_seguranca":"123"}}`, true},
		{`{"x":"5500 0000 0000 0004"}`, true},
		{`{"x":4111111111111111}`, true},
		{`{"x":["a",{"y":"4111-1111-1111-1111"}]}`, true},
		{`{"cartao_credito":{"numero":""}}`, false},
		{`{"documento_fiscal":"4111111111111111"}`, false},
		{`{"transacao_id":"73b4cab7-ea27-426c-b247-bf0f006e0f05","valor":"5.0"}`, false},
		{`{"x":"4111111111111112"}`, false}, // fails Luhn
		{`{"x":"411111111111"}`, false},     // 12 digits
		{`{"card_number":"1"}`, true},       // a card field of any API
		{`not json 4111111111111111`, false},
	} {
		err := billing.CheckNoCardData([]byte(c.body), fields)
		if got := park.IsCode(err, park.ECardData); got != c.want || (err != nil && !got) {
			t.Errorf("CheckNoCardData(%s) = %v, want card data %v", c.body, err, c.want)
		}
	}
}
