package park_test

import (
	"testing"

	"parkd/internal/park"
)

func TestHasCardNumber(t *testing.T) {
	// Issuers' published test numbers: every brand's prefix, Luhn-valid.
	cards := map[string]string{
		"Visa": "4111111111111111", "Visa13": "4222222222222", "Mastercard": "5500000000000004",
		"Mastercard2": "2223000048400011", "Amex": "378282246310005", "Discover": "6011111111111117",
		"Diners": "30569309025904", "JCB": "3530111333300000", "UnionPay": "6200000000000005",
		"UnionPay19": "6212345678901234569", "Elo": "6362970000457013", "Hipercard": "6062825624254001",
		"Maestro": "6759649826438453", "Mir": "2200000000000004",
		"Spaces": "4111 1111 1111 1111", "Dashes": "4111-1111-1111-1111", "Dots": "4111.1111.1111.1111",
		"FullWidth": "４１１１１１１１１１１１１１１１", "InText": "paid with 5500000000000004 today",
		"AfterLetters": "ref:4111111111111111/x",
	}
	for name, s := range cards {
		t.Run(name, func(t *testing.T) {
			if !park.HasCardNumber(s) {
				t.Fatalf("%q is a card number", s)
			}
			if err := park.CheckNoCardNumber("reference", s); !park.IsCode(err, park.ECardData) {
				t.Fatalf("CheckNoCardNumber(%q) = %v", s, err)
			}
		})
	}
	// Real trade numbers and references, and near misses.
	notCards := map[string]string{
		"WeChatTransaction":  "4200001234202301011234567890",     // 28 digits
		"AlipayTradeNo":      "2023010122001412341234567890",     // 28 digits
		"UnionPayQueryID":    "512301011234567890123",            // 21 digits
		"ThirtyTwoDigits":    "42000012342023010112345678901234", // a merchant's 32-digit order number
		"SpacedTradeNo":      "4200 0012 3420 2301 0112 3456 7890",
		"PixEndToEnd":        "E1234567820230101123412345678901",
		"Short":              "wx-0001",
		"TwelveDigits":       "411111111111",
		"LuhnFails":          "4111111111111112",
		"NoBrandPrefix":      withCheckDigit("123456789012345"), // Luhn-valid, prefix 1
		"NoBrandPrefix9":     withCheckDigit("999999999999999"),
		"QuoteID":            "73b4cab7-ea27-426c-b247-bf0f006e0f05",
		"DigitsOnlyUUID":     "41111111-1111-4111-8111-111111111111",
		"Date":               "2026-11-23 10:04:19",
		"BoletoLine":         "23790.12345 60000.123456 78901.234567 8 12340000012345",
		"TwoShortSeparated":  "4111 1111",
		"DoubleSpaceBreaks":  "4111  1111  1111  1111",
		"LeadingSeparatorNo": "-",
	}
	for name, s := range notCards {
		t.Run(name, func(t *testing.T) {
			if park.HasCardNumber(s) {
				t.Fatalf("%q is not a card number", s)
			}
		})
	}
}

// withCheckDigit appends the Luhn check digit to digits.
func withCheckDigit(digits string) string {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		n := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return digits + string(rune('0'+(10-sum%10)%10))
}
