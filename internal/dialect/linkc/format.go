package linkc

import (
	"strconv"
	"strings"
	"time"

	"parkd/internal/park"
)

// timeLayout is the seed's ISO-8601 form: seconds, and the garage's own
// offset (never "Z"): 2019-08-31T01:26:44-03:00.
const timeLayout = "2006-01-02T15:04:05-07:00"

// formatTime writes an instant in a lot's time zone.
func formatTime(t time.Time, loc *time.Location) string { return t.In(loc).Format(timeLayout) }

// FormatAmount writes minor units as the seed's decimal string: a dot, the
// fewest decimals that keep the value exact, and at least one, so 1050 BRL
// centavos is "10.5", 550 is "5.5", 500 is "5.0", 1234 is "12.34" and 0
// is "0.0". This is the one place where parkd's integers become Linkc's
// strings.
func FormatAmount(minor int64, currency string) string {
	exp := park.MinorUnits(currency)
	sign := ""
	u := uint64(minor)
	if minor < 0 {
		sign, u = "-", uint64(-minor)
	}
	digits := strconv.FormatUint(u, 10)
	if len(digits) <= exp {
		digits = strings.Repeat("0", exp-len(digits)+1) + digits
	}
	whole, frac := digits[:len(digits)-exp], strings.TrimRight(digits[len(digits)-exp:], "0")
	if frac == "" {
		frac = "0"
	}
	return sign + whole + "." + frac
}
