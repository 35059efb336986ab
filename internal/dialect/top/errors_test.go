package top

import (
	"strings"
	"testing"

	"parkd/internal/park"
)

// TestEveryCodeMapped: each core error code has the gateway's words, and
// only parkd's own failures are isp (retry) errors.
func TestEveryCodeMapped(t *testing.T) {
	for _, c := range park.Codes() {
		row, ok := errorSubCodes[c]
		if !ok {
			t.Errorf("code %s has no row in errorSubCodes", c)
			continue
		}
		isp := c == park.EUnavailable || c == park.EInternal || c == park.ERateLimited
		if strings.HasPrefix(row.sub, "isp.") != isp {
			t.Errorf("code %s is %s: the caller's fault must be isv, parkd's isp", c, row.sub)
		}
		ce := callErrorOf(&park.Error{Code: c, Message: "english"})
		if strings.Contains(ce.sm, "english") {
			t.Errorf("code %s: the core's English reached the channel: %q", c, ce.sm)
		}
	}
}
