package web

import "testing"

func TestWords(t *testing.T) {
	for key, w := range words {
		for i, lang := range []string{"en", "zh", "pt"} {
			if w[i] == "" {
				t.Errorf("%q has no %s word", key, lang)
			}
		}
	}
}

func TestFormatMoney(t *testing.T) {
	for _, c := range []struct {
		amount   int64
		currency string
		want     string
	}{
		{400, "CNY", "4.00 CNY"}, {5, "BRL", "0.05 BRL"}, {-1250, "CNY", "-12.50 CNY"}, {0, "CNY", "0.00 CNY"},
		{1500, "JPY", "1500 JPY"}, {1, "KWD", "0.001 KWD"},
	} {
		if got := formatMoney(c.amount, c.currency); got != c.want {
			t.Errorf("%d %s: %q, want %q", c.amount, c.currency, got, c.want)
		}
	}
}

func TestFormatKWh(t *testing.T) {
	for wh, want := range map[int64]string{0: "0.000", 7: "0.007", 12345: "12.345", 1000: "1.000", -1500: "-1.500"} {
		if got := formatKWh(wh); got != want {
			t.Errorf("%d Wh: %q, want %q", wh, got, want)
		}
	}
}
