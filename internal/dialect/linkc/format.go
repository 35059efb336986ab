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

// ParseAmount reads a decimal amount exactly (never through a float): digits,
// optionally a dot and decimals. Decimals beyond the currency's minor unit
// are refused unless they are zeros ("5.00" is 500 centavos; "5.001" is
// refused), so no amount is ever rounded.
func ParseAmount(field, s, currency string) (int64, error) {
	exp := park.MinorUnits(currency)
	whole, frac, hasDot := strings.Cut(s, ".")
	switch {
	case s == "":
		return 0, park.Invalid(field, "is required, a decimal string with a dot, e.g. \"5.0\"")
	case strings.Contains(s, ","):
		return 0, park.Invalid(field, "must use a dot as the decimal separator, e.g. \"5.50\"")
	case whole == "" || !allDigits(whole) || (hasDot && (frac == "" || !allDigits(frac))):
		return 0, park.Invalid(field, "must be a non-negative decimal number with a dot, e.g. \"5.50\"")
	case len(whole) > 12:
		return 0, park.Invalid(field, "is too large")
	}
	if len(frac) > exp {
		if strings.Trim(frac[exp:], "0") != "" {
			return 0, park.Invalid(field, "has more decimal places than %s allows (%d)", currency, exp)
		}
		frac = frac[:exp]
	}
	frac += strings.Repeat("0", exp-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n > park.MaxAmount {
		return 0, park.Invalid(field, "is too large")
	}
	return n, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
