package billing

import (
	"encoding/json"
	"slices"
	"strings"

	"parkd/internal/park"
)

// cardKeys are field names that carry a card number or security code,
// whatever the API; a dialect adds its vendor's own.
var cardKeys = []string{"card_number", "cardnumber", "number", "pan", "security_code", "cvv", "cvv2", "cvc", "cvc2", "cid"}

// CardFields are a request's field names beside cardKeys: Card names more
// fields that carry card data, NotCard fields whose digits are known not
// to be a card (a tax number of 14 digits can pass the Luhn check).
type CardFields struct {
	Card, NotCard []string
}

// CheckNoCardData refuses a request body that carries raw card data:
// parkd never takes it (the partner charges the card with its acquirer,
// or holds a token for it; parkd records the payment). Card data is a
// card-number or security-code field (cardKeys and f.Card), or anywhere
// what looks like a card number (park.HasCardNumber). Only well-formed JSON is looked at: the
// caller refuses anything else. Errors: ECardData.
func CheckNoCardData(body []byte, f CardFields) error {
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	keys := map[string]bool{}
	for _, k := range append(slices.Clone(cardKeys), f.Card...) {
		keys[k] = true
	}
	not := map[string]bool{}
	for _, k := range f.NotCard {
		not[k] = true
	}
	if walkCard(v, keys, not) {
		return park.Errorf(park.ECardData, "the request carries a card number or security code; parkd never takes raw card data: "+
			"charge the card with your acquirer and send only the payment method (and, if any, the acquirer's card token)")
	}
	return nil
}

func walkCard(v any, cardKeys, notCard map[string]bool) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			lk := strings.ToLower(k)
			if cardKeys[lk] && !empty(c) {
				return true
			}
			if !notCard[lk] && walkCard(c, cardKeys, notCard) {
				return true
			}
		}
	case []any:
		for _, c := range v {
			if walkCard(c, cardKeys, notCard) {
				return true
			}
		}
	case string:
		return park.HasCardNumber(v)
	case json.Number:
		return park.HasCardNumber(v.String())
	}
	return false
}

func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	}
	return false
}
