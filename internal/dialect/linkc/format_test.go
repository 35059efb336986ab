package linkc

import (
	"parkd/internal/park"
	"testing"
)

func TestFormatAmount(t *testing.T) {
	for _, c := range []struct {
		minor    int64
		currency string
		want     string
	}{
		{1050, "BRL", "10.5"}, {550, "BRL", "5.5"}, {500, "BRL", "5.0"}, {1234, "BRL", "12.34"}, {0, "BRL", "0.0"},
		{5, "BRL", "0.05"}, {100000, "BRL", "1000.0"}, {500, "JPY", "500.0"}, {1005, "KWD", "1.005"}, {-250, "BRL", "-2.5"},
	} {
		if got := FormatAmount(c.minor, c.currency); got != c.want {
			t.Errorf("FormatAmount(%d, %s) = %q, want %q", c.minor, c.currency, got, c.want)
		}
	}
}

func TestParseAmount(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"10.5", 1050, true}, {"5.0", 500, true}, {"5", 500, true}, {"5.00", 500, true}, {"5.000", 500, true},
		{"0.05", 5, true}, {"5.001", 0, false}, {"5,50", 0, false}, {"", 0, false}, {".5", 0, false}, {"5.", 0, false},
		{"-1", 0, false}, {"1e3", 0, false}, {" 5", 0, false}, {"99999999999999", 0, false},
	} {
		got, err := park.ParseDecimal("valor", c.in, "BRL")
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func FuzzAmountRoundTrip(f *testing.F) {
	for _, n := range []int64{0, 1, 50, 500, 1050, 123456789} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		if n < 0 || n > 10_000_000_000 {
			return
		}
		for _, cur := range []string{"BRL", "JPY", "KWD"} {
			s := FormatAmount(n, cur)
			back, err := park.ParseDecimal("valor", s, cur)
			if err != nil || back != n {
				t.Fatalf("%d %s -> %q -> %d, %v", n, cur, s, back, err)
			}
		}
	})
}

func TestAcceptable(t *testing.T) {
	for _, c := range []struct {
		accept []string
		ok     bool
	}{
		{nil, true}, {[]string{""}, true}, {[]string{"*/*"}, true}, {[]string{"application/json"}, true},
		{[]string{"application/vnd.linkc.com.br; version=1"}, true}, {[]string{"application/vnd.linkc.com.br"}, true},
		{[]string{"application/vnd.linkc.com.br; version=2"}, false},
		{[]string{"application/vnd.linkc.com.br; version=2, application/vnd.linkc.com.br; version=1"}, true},
		{[]string{"garbage;;;"}, true},
	} {
		if err := acceptable(c.accept); (err == nil) != c.ok {
			t.Errorf("acceptable(%q) = %v, want ok=%v", c.accept, err, c.ok)
		}
	}
}
