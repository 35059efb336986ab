package web

import (
	"testing"

	"parkd/internal/plate"
)

func TestWords(t *testing.T) {
	for key, w := range words {
		for i, lang := range []string{"en", "zh", "pt"} {
			if w[i] == "" {
				t.Errorf("%q has no %s word", key, lang)
			}
		}
	}
	// Every reason the plate package refuses a plate for has words.
	for _, why := range plate.Whys() {
		if _, ok := words[string(why)]; !ok {
			t.Errorf("no words for plate refusal %q", why)
		}
	}
	// And every thing a refused character's place may want.
	for _, want := range plate.Wants() {
		if _, ok := words[plateWantKey(want)]; !ok {
			t.Errorf("no words for what a plate's place wants, %q", want)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	for _, c := range []struct {
		lang     string
		amount   int64
		currency string
		want     string
	}{
		{"en", 400, "CNY", "4.00 CNY"}, {"en", 5, "BRL", "0.05 BRL"}, {"en", -1250, "CNY", "-12.50 CNY"},
		{"en", 0, "CNY", "0.00 CNY"}, {"en", 1500, "JPY", "1500 JPY"}, {"en", 1, "KWD", "0.001 KWD"},
		// Chinese: yuan with its sign, thousands grouped.
		{"zh", 400, "CNY", "¥4.00"}, {"zh", 12345678, "CNY", "¥123,456.78"}, {"zh", -1250, "CNY", "-¥12.50"},
		{"zh", 150050, "BRL", "1,500.50 BRL"},
		// Portuguese as written in Brazil: R$ 1.234,50.
		{"pt", 123450, "BRL", "R$ 1.234,50"}, {"pt", 5, "BRL", "R$ 0,05"}, {"pt", 0, "BRL", "R$ 0,00"},
		{"pt", -1250, "BRL", "-R$ 12,50"}, {"pt", 100000000, "BRL", "R$ 1.000.000,00"}, {"pt", 99999, "BRL", "R$ 999,99"},
		{"pt", 400, "CNY", "4,00 CNY"}, {"pt", 1234567, "JPY", "1.234.567 JPY"},
	} {
		if got := formatMoney(c.lang, c.amount, c.currency); got != c.want {
			t.Errorf("%s %d %s: %q, want %q", c.lang, c.amount, c.currency, got, c.want)
		}
	}
}

func TestFormatKWh(t *testing.T) {
	for wh, want := range map[int64]string{0: "0.000", 7: "0.007", 12345: "12.345", 1000: "1.000", -1500: "-1.500"} {
		for _, lang := range []string{"en", "zh"} {
			if got := formatKWh(lang, wh); got != want {
				t.Errorf("%s %d Wh: %q, want %q", lang, wh, got, want)
			}
		}
	}
	// Portuguese: a decimal comma; a point groups thousands.
	for wh, want := range map[int64]string{0: "0,000", 7: "0,007", 12345: "12,345", 1000: "1,000", -1500: "-1,500",
		1234567: "1.234,567", 123456789: "123.456,789"} {
		if got := formatKWh("pt", wh); got != want {
			t.Errorf("pt %d Wh: %q, want %q", wh, got, want)
		}
	}
}

// Brazilian car parks call the free minutes after entry tolerância (not
// carência, a waiting period of a contract); a report given up on has
// exhausted its attempts; a settled stay's report is its billing, not an
// order placed.
func TestParkingTerms(t *testing.T) {
	for _, c := range []struct{ lang, key, want string }{
		{"pt", "line_grace", "tolerância"},
		{"pt", "delivery_dead", "tentativas esgotadas"},
		{"pt", "report_order", "cobrança da estadia"},
		{"zh", "report_order", "结算订单"},
		// A car park's entry and exit lanes are pistas (faixas are a
		// road's); what is left to pay is "a pagar".
		{"pt", "lanes", "Pistas"}, {"pt", "lane", "Pista"}, {"pt", "due", "A pagar"},
	} {
		if got := translate(c.lang, c.key); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.lang, c.key, got, c.want)
		}
	}
}
