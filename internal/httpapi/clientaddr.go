package httpapi

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddr is the address of the client a request comes from: its
// peer's, unless the peer is a trusted proxy, in which case the rightmost
// address of X-Forwarded-For that is not itself a trusted proxy (the
// left part of the header is whatever the client sent, so it is never
// believed). The limits on sign-in attempts count per client address.
func clientAddr(r *http.Request, trusted []netip.Prefix) string {
	if len(trusted) == 0 {
		return r.RemoteAddr
	}
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil || !inAny(peer.Addr().Unmap(), trusted) {
		return r.RemoteAddr
	}
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				return r.RemoteAddr // a malformed hop: trust nothing left of it
			}
			if !inAny(a.Unmap(), trusted) {
				return net.JoinHostPort(a.Unmap().String(), "0")
			}
		}
	}
	return r.RemoteAddr
}

func inAny(a netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
