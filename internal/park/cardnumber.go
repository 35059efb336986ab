package park

import "regexp"

// Card data: parkd never takes a payment card's number (PAN). Partners
// charge cards with their acquirer and send parkd the payment method and
// their own reference; a card number in any payment field is refused
// (ECardData), before it is stored, logged or echoed.

// HasCardNumber reports whether s holds what looks like a card number: a
// run of 13 to 19 digits (ASCII or full-width, optionally grouped by
// single spaces, dashes or dots, as numbers are written on cards and
// receipts) that starts with a card brand's prefix (Visa, Mastercard,
// American Express, Discover, Diners, JCB, UnionPay, Maestro, Elo,
// Hipercard, Mir, RuPay) and passes the Luhn check. parkd's own ids
// (UUIDs) are never card numbers. Real trade numbers pass: WeChat's and
// Alipay's are 28 to 32 digits, a run too long for a card.
func HasCardNumber(s string) bool {
	if uuidRE.MatchString(s) {
		return false
	}
	var digits []byte
	flush := func() bool {
		d := digits
		digits = digits[:0]
		return len(d) >= 13 && len(d) <= 19 && cardBrand(d) && luhn(d)
	}
	rs := []rune(s)
	for i, r := range rs {
		if d, ok := digit(r); ok {
			digits = append(digits, d)
			continue
		}
		if (r == ' ' || r == '-' || r == '.') && len(digits) > 0 && i+1 < len(rs) {
			if _, ok := digit(rs[i+1]); ok {
				continue // a separator inside a number
			}
		}
		if flush() {
			return true
		}
	}
	return flush()
}

// CheckNoCardNumber is ECardData naming field when s holds a card number,
// or nil. Its message never repeats the value.
func CheckNoCardNumber(field, s string) error {
	if HasCardNumber(s) {
		return &Error{Code: ECardData, Field: field, Message: "holds what looks like a card number; parkd never takes raw card data"}
	}
	return nil
}

// CheckNoCardNumbers checks several fields, as field, value pairs.
func CheckNoCardNumbers(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := CheckNoCardNumber(pairs[i], pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// uuidRE matches parkd's ids (quote ids): hex groups that can line up
// digits by chance, never a card number.
var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// digit reads an ASCII or full-width decimal digit as its ASCII byte.
func digit(r rune) (byte, bool) {
	switch {
	case r >= '0' && r <= '9':
		return byte(r), true
	case r >= '０' && r <= '９':
		return byte('0' + r - '０'), true
	}
	return 0, false
}

// cardPrefixes are the issuer identification ranges of the card brands
// parkd's markets see, as inclusive [lo, hi] on the number's first
// len(lo) digits.
var cardPrefixes = [][2]string{
	{"4", "4"},                 // Visa (and Elo's, Visa Electron)
	{"51", "55"},               // Mastercard
	{"2221", "2720"},           // Mastercard 2-series
	{"2200", "2204"},           // Mir
	{"34", "34"}, {"37", "37"}, // American Express
	{"300", "305"}, {"3095", "3095"}, {"36", "36"}, {"38", "39"}, // Diners Club
	{"3528", "3589"}, // JCB
	{"3841", "3841"}, // Hipercard
	{"50", "50"},     // Maestro, Elo (5041, 5066, 5067, 509)
	{"56", "58"},     // Maestro
	{"60", "60"},     // Discover 6011, Hipercard 606282, RuPay
	{"62", "65"},     // UnionPay 62, Maestro 63, Discover 64-65, Elo 6277, 636x, 650, 6516, 6550
	{"67", "67"},     // Maestro
	{"81", "82"},     // UnionPay 81, RuPay
}

func cardBrand(d []byte) bool {
	for _, p := range cardPrefixes {
		n := len(p[0])
		if len(d) >= n && string(d[:n]) >= p[0] && string(d[:n]) <= p[1] {
			return true
		}
	}
	return false
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
