package httpapi

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddr(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	for name, c := range map[string]struct {
		peer    string
		xff     []string
		trusted []netip.Prefix
		want    string
	}{
		"NoProxies":        {"203.0.113.7:5000", []string{"198.51.100.1"}, nil, "203.0.113.7:5000"},
		"UntrustedPeer":    {"203.0.113.7:5000", []string{"198.51.100.1"}, proxies, "203.0.113.7:5000"},
		"TrustedPeer":      {"10.1.2.3:5000", []string{"198.51.100.1"}, proxies, "198.51.100.1:0"},
		"SpoofedLeft":      {"10.1.2.3:5000", []string{"1.2.3.4, 198.51.100.1"}, proxies, "198.51.100.1:0"},
		"ProxyChain":       {"10.1.2.3:5000", []string{"198.51.100.1, 10.9.9.9"}, proxies, "198.51.100.1:0"},
		"TwoHeaders":       {"10.1.2.3:5000", []string{"1.2.3.4", "198.51.100.1"}, proxies, "198.51.100.1:0"},
		"IPv6Peer":         {"[::1]:5000", []string{"2001:db8::7"}, proxies, "[2001:db8::7]:0"},
		"NoHeader":         {"10.1.2.3:5000", nil, proxies, "10.1.2.3:5000"},
		"Malformed":        {"10.1.2.3:5000", []string{"198.51.100.1, garbage"}, proxies, "10.1.2.3:5000"},
		"AllHopsTrusted":   {"10.1.2.3:5000", []string{"10.0.0.1"}, proxies, "10.1.2.3:5000"},
		"MappedIPv4Client": {"10.1.2.3:5000", []string{"::ffff:198.51.100.1"}, proxies, "198.51.100.1:0"},
	} {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = c.peer
			for _, v := range c.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := clientAddr(r, c.trusted); got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}
