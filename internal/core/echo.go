package core

import (
	"strings"
	"unicode/utf8"
)

// Echo makes a caller's own text safe to send back in an error: valid
// UTF-8 and at most 32 runes, so a name nobody would choose is not
// returned whole.
func Echo(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if utf8.RuneCountInString(s) > 32 {
		s = string([]rune(s)[:32]) + "…"
	}
	return s
}
