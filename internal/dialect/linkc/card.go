package linkc

import (
	"encoding/json"
	"regexp"
	"strings"
)

// uuidRE matches parkd's ids (transacao): hex groups that can line up
// digits by chance, never a card number.
var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// cardKeys are field names that carry a card number or security code.
// parkd never takes raw card data: the integrator charges the card (or
// holds a token for it); parkd records the payment.
var cardKeys = map[string]bool{
	"numero": true, "numero_cartao": true, "cartao_numero": true, "card_number": true, "cardnumber": true,
	"number": true, "pan": true, "codigo_seguranca": true, "cod_seguranca": true, "security_code": true,
	"cvv": true, "cvv2": true, "cvc": true, "cvc2": true, "cid": true,
}

// notCard are fields whose digits are known not to be a card: a CPF/CNPJ
// (14 digits can pass the Luhn check by chance).
var notCard = map[string]bool{"documento_fiscal": true}

// carriesCard reports whether a JSON body holds card data: a card-number
// or security-code field, or anywhere a run of 13-19 digits (spaces and
// dashes between them allowed) that passes the Luhn check. It answers for
// well-formed JSON only; the caller refuses anything else without echoing it.
func carriesCard(body []byte) bool {
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return false
	}
	return walkCard(v, "")
}

func walkCard(v any, key string) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			lk := strings.ToLower(k)
			if cardKeys[lk] && !empty(c) {
				return true
			}
			if !notCard[lk] && walkCard(c, lk) {
				return true
			}
		}
	case []any:
		for _, c := range v {
			if walkCard(c, key) {
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
