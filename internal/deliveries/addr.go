package deliveries

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"parkd/internal/park"
)

// private reports whether an address is one a partner's receiver should
// not have: loopback, private (RFC 1918, RFC 4193), link-local,
// unspecified, multicast, or in an IANA special-purpose range not
// globally reachable (special). A webhook naming one would let whoever
// manages subscriptions reach parkd's own network, or hosts no public
// receiver is.
//
// An IPv6 address that carries an IPv4 one, which a translator or tunnel
// on the way reaches (NAT64, 6to4, IPv4-compatible or -translated), is
// judged by the IPv4 address it carries.
func private(a netip.Addr) bool {
	a = a.Unmap().WithZone("") // a prefix never contains an address with a zone
	if v4, ok := embedded(a); ok && private(v4) {
		return true
	}
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsUnspecified() || a.IsMulticast() || a.IsInterfaceLocalMulticast() || !specialGlobal(a)
}

// specialRange is an entry of the IANA IPv4 and IPv6 special-purpose
// address registries (RFC 6890) that the netip helpers above do not
// cover: whether its addresses are globally reachable. Teredo's and
// 6to4's are "N/A" there: Teredo's is refused (it hides the IPv4 address
// it reaches), 6to4 is judged by the IPv4 address it carries (embedded).
type specialRange struct {
	prefix netip.Prefix
	global bool
}

// special is the one table of special-purpose ranges; the longest prefix
// containing an address decides (PCP's anycast 192.0.0.9 is reachable
// inside 192.0.0.0/24, which is not).
var special = []specialRange{
	{netip.MustParsePrefix("0.0.0.0/8"), false},       // "this network" (RFC 791)
	{netip.MustParsePrefix("100.64.0.0/10"), false},   // shared address space, CGNAT (RFC 6598)
	{netip.MustParsePrefix("192.0.0.0/24"), false},    // IETF protocol assignments (RFC 6890)
	{netip.MustParsePrefix("192.0.0.9/32"), true},     // PCP anycast (RFC 7723)
	{netip.MustParsePrefix("192.0.0.10/32"), true},    // TURN anycast (RFC 8155)
	{netip.MustParsePrefix("192.0.2.0/24"), false},    // documentation, TEST-NET-1 (RFC 5737)
	{netip.MustParsePrefix("198.18.0.0/15"), false},   // benchmarking (RFC 2544)
	{netip.MustParsePrefix("198.51.100.0/24"), false}, // documentation, TEST-NET-2 (RFC 5737)
	{netip.MustParsePrefix("203.0.113.0/24"), false},  // documentation, TEST-NET-3 (RFC 5737)
	{netip.MustParsePrefix("240.0.0.0/4"), false},     // reserved, and the limited broadcast (RFC 1112, RFC 919)
	{netip.MustParsePrefix("64:ff9b:1::/48"), false},  // local-use IPv4/IPv6 translation (RFC 8215)
	{netip.MustParsePrefix("100::/64"), false},        // discard-only (RFC 6666)
	{netip.MustParsePrefix("100:0:0:1::/64"), false},  // dummy IPv6 prefix (RFC 9780)
	{netip.MustParsePrefix("2001::/23"), false},       // IETF protocol assignments (RFC 2928)
	{netip.MustParsePrefix("2001::/32"), false},       // Teredo (RFC 4380)
	{netip.MustParsePrefix("2001:1::1/128"), true},    // PCP anycast (RFC 7723)
	{netip.MustParsePrefix("2001:1::2/128"), true},    // TURN anycast (RFC 8155)
	{netip.MustParsePrefix("2001:1::3/128"), true},    // DNS-SD SRP anycast (RFC 9665)
	{netip.MustParsePrefix("2001:2::/48"), false},     // benchmarking (RFC 5180)
	{netip.MustParsePrefix("2001:3::/32"), true},      // AMT (RFC 7450)
	{netip.MustParsePrefix("2001:4:112::/48"), true},  // AS112-v6 (RFC 7535)
	{netip.MustParsePrefix("2001:10::/28"), false},    // ORCHID, deprecated (RFC 4843)
	{netip.MustParsePrefix("2001:20::/28"), true},     // ORCHIDv2 (RFC 7343)
	{netip.MustParsePrefix("2001:30::/28"), true},     // drone remote ID entity tags (RFC 9374)
	{netip.MustParsePrefix("2001:db8::/32"), false},   // documentation (RFC 3849)
	{netip.MustParsePrefix("3fff::/20"), false},       // documentation (RFC 9637)
	{netip.MustParsePrefix("5f00::/16"), false},       // SRv6 SIDs (RFC 9602)
	{netip.MustParsePrefix("fec0::/10"), false},       // site-local, deprecated (RFC 3879)
}

// specialGlobal reports whether an address is globally reachable as far
// as special says: true outside every range of it.
func specialGlobal(a netip.Addr) bool {
	best, global := -1, true
	for _, r := range special {
		if r.prefix.Bits() > best && r.prefix.Contains(a) {
			best, global = r.prefix.Bits(), r.global
		}
	}
	return global
}

var (
	nat64      = netip.MustParsePrefix("64:ff9b::/96")    // RFC 6052
	sixToFour  = netip.MustParsePrefix("2002::/16")       // RFC 3056: the IPv4 address is bytes 2-5
	compatible = netip.MustParsePrefix("::/96")           // IPv4-compatible (RFC 4291, deprecated)
	translated = netip.MustParsePrefix("::ffff:0:0:0/96") // IPv4-translated (SIIT, RFC 2765)
)

// embedded returns the IPv4 address an IPv6 one carries, if it is of a
// form that carries one.
func embedded(a netip.Addr) (netip.Addr, bool) {
	if !a.Is6() {
		return netip.Addr{}, false
	}
	b := a.As16()
	switch {
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	case nat64.Contains(a), translated.Contains(a),
		compatible.Contains(a) && !a.IsUnspecified() && !a.IsLoopback(): // not :: nor ::1
		return netip.AddrFrom4([4]byte(b[12:16])), true
	}
	return netip.Addr{}, false
}

var errPrivate = errors.New("the address is loopback or private")

// checkURL refuses a subscription URL whose host is, or resolves to, a
// private address, unless allowed. It may look the host up (lookup; nil:
// the system's resolver), for up to 5 s: never call it in a write
// transaction, which on SQLite holds the writer every gate event needs.
// A URL that is not an http(s) URL with a host is left to
// Subscription.Validate, which says so. Errors: EInvalid (field url;
// ReasonUnresolved, ReasonPrivate).
func checkURL(ctx context.Context, raw string, allow bool, lookup func(ctx context.Context, host string) ([]netip.Addr, error)) error {
	u, err := url.Parse(raw)
	if err != nil {
		return park.Invalid("url", "is not a URL").Because(park.ReasonFormat)
	}
	if allow || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return nil
	}
	if lookup == nil {
		lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	host := u.Hostname()
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		ips, err := lookup(rctx, host)
		if err != nil {
			return park.Invalid("url", "host %s does not resolve", host).Because(park.ReasonUnresolved)
		}
		addrs = ips
	}
	for _, a := range addrs {
		if private(a) {
			return park.Invalid("url", "host %s is a loopback, private or other special-purpose address, not a public one; the operator may allow those (--allow-private-webhooks)", host).
				Because(park.ReasonPrivate)
		}
	}
	return nil
}

// CheckURL checks a receiver's URL as a subscription's is checked: not a
// loopback or private address unless the operator allows those. It may
// look the host up: call it before a write transaction, never in one.
// Errors: EInvalid (field url).
func (s *Service) CheckURL(ctx context.Context, raw string) error {
	return checkURL(ctx, raw, s.opts.AllowPrivate, s.opts.Lookup)
}

// newClient is the HTTP client of deliveries. Unless allow, it refuses to
// connect to a private address whatever the name resolved to at the time
// (a name can be pointed elsewhere after the subscription was checked).
func newClient(allow bool) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !allow {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("deliveries: dial %s: %w", address, err)
			}
			if private(ap.Addr()) {
				return fmt.Errorf("deliveries: dial %s: %w", address, errPrivate)
			}
			return nil
		}
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = d.DialContext
	t.Proxy = nil // a proxy would hide the address checked above
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse // a redirect is an answer, not a new target
	}}
}
