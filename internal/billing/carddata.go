package billing

import (
	"encoding/json"
	"parkd/internal/park"
	"regexp"
	"slices"
	"strings"
)

// uuidRE matches parkd's ids (quote ids): hex groups that can line up
// digits by chance, never a card number.
var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

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
// a run of 13-19 digits (single spaces or dashes between them allowed)
// that passes the Luhn check. Only well-formed JSON is looked at: the
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

// checkNoPAN refuses a payment field holding a card number.
func checkNoPAN(field, s string) error {
	if !uuidRE.MatchString(s) && hasPAN(s) {
		return &park.Error{Code: park.ECardData, Field: field, Message: "holds what looks like a card number; parkd never takes raw card data"}
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
		return !uuidRE.MatchString(v) && hasPAN(v)
	case json.Number:
		return hasPAN(v.String())
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

// hasPAN looks for a run of 13-19 digits not starting with 0, optionally separated by single spaces or
// dashes, that pass the Luhn check.
func hasPAN(s string) bool {
	var digits []byte
	flush := func() bool {
		d := digits
		digits = digits[:0]
		// The whole run, as a card number is written; no card number
		// starts with 0.
		return len(d) >= 13 && len(d) <= 19 && d[0] != '0' && luhn(d)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case (c == ' ' || c == '-') && len(digits) > 0 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			// a separator inside a number
		default:
			if flush() {
				return true
			}
		}
	}
	return flush()
}

func luhn(d []byte) bool {
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if (len(d)-1-i)%2 == 1 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}
