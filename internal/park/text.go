package park

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// BadText says why s is not text parkd keeps, or "" when it is. Refused:
//   - invalid UTF-8 and NUL: SQLite would store them and PostgreSQL
//     refuses them, so a row accepted on one engine could not be copied to
//     the other (parkd migrate --to);
//   - every other control character (C0 with CR, LF, TAB and the ESC of
//     ANSI escapes; DEL; C1), the Unicode line and paragraph separators
//     and the bidirectional overrides and isolates: they reach an
//     operator's terminal, log or screen as something other than what
//     they are (a forged log line, a recoloured terminal, a reversed name).
//
// Every free text parkd stores or looks up (names, ids, lanes, reasons,
// merchants, holder names, secrets, references...) passes through it, in
// the types' Validate methods and the subsystems' input checks, so every
// API refuses the same input the same way on both stores.
func BadText(s string) string {
	why, _, _ := badText(s)
	return why
}

// badText is BadText with the character refused (U+XXXX) and its byte
// offset, or "" for those when the text is not UTF-8.
func badText(s string) (why, char, at string) {
	for i, r := range s {
		var what string
		switch {
		case r == utf8.RuneError && !validRuneAt(s, i):
			return fmt.Sprintf("is not valid UTF-8 (byte %d)", i), "", ""
		case r == 0:
			return fmt.Sprintf("holds a NUL byte (byte %d)", i), fmt.Sprintf("%U", r), strconv.Itoa(i)
		case unicode.IsControl(r):
			what = "the control character"
		case r == '\u2028' || r == '\u2029':
			what = "the line separator"
		case unicode.Is(unicode.Bidi_Control, r):
			what = "the bidirectional control"
		default:
			continue
		}
		return fmt.Sprintf("holds %s %U (byte %d)", what, r, i), fmt.Sprintf("%U", r), strconv.Itoa(i)
	}
	return "", "", ""
}

// validRuneAt reports whether the U+FFFD decoded at s[i] is really there
// (written as its three bytes), not an invalid byte.
func validRuneAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 3
}

// CleanText is s with what BadText refuses replaced by '?': for outside
// text parkd records but cannot refuse (a partner's reply to a delivery),
// so that it is stored the same on both stores and shown as it is.
func CleanText(s string) string {
	if ValidText(s) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "?") {
		if r == 0 || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r) {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ValidText reports whether s is text parkd keeps (BadText).
func ValidText(s string) bool { return BadText(s) == "" }

// CheckText is BadText as an EInvalid error naming field, or nil: with
// ReasonControlCharacter and the character (U+001B) and its byte offset
// as Params, or ReasonFormat for text that is not UTF-8.
func CheckText(field, s string) error {
	why, char, at := badText(s)
	switch {
	case why == "":
		return nil
	case char == "":
		return Invalid(field, "%s", why).Because(ReasonFormat)
	}
	return Invalid(field, "%s", why).Because(ReasonControlCharacter, char, at)
}

// CheckTexts checks several fields in order, as field, value pairs, and
// returns the first error.
func CheckTexts(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := CheckText(pairs[i], pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// RequiredLen refuses an empty s as required and one over max bytes as
// too long, naming field; a value sent but too long is not missing.
// hint, when given, follows "is required" (an example of a value).
func RequiredLen(field, s string, max int, hint string) error {
	switch {
	case s == "":
		return Invalid(field, "is required%s", hint).Because(ReasonRequired)
	case len(s) > max:
		return Invalid(field, "must be at most %d bytes, not %d", max, len(s)).Because(ReasonLength, "1", strconv.Itoa(max))
	}
	return nil
}

// InvalidUTF8 is the offset of b's first byte that is not UTF-8, or -1.
// An API checks a body with it before decoding: a JSON decoder turns
// each such byte into U+FFFD, which BadText can no longer tell apart. For
// the same reason, b being JSON, the backslash of a \u escape of half a
// surrogate pair (a JavaScript client that cut an emoji in two) counts as
// such a byte.
func InvalidUTF8(b []byte) int {
	if utf8.Valid(b) && !bytes.Contains(b, []byte(`\u`)) {
		return -1 // most bodies: checked in bulk, no escape to read
	}
	inString := false
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return i
		case r == '"':
			inString = !inString
		case r == '\\' && inString && i+1 < len(b):
			if b[i+1] != 'u' {
				i += 2 // an escaped character: never a quote that ends the string
				continue
			}
			n, ok := surrogateEscape(b[i:])
			if !ok {
				return i
			}
			i += n
			continue
		}
		i += size
	}
	return -1
}

// surrogateEscape reads the \u escape that starts b: how many bytes it
// takes (12 for a surrogate pair, else 6, or 2 when it is malformed and
// left to the decoder), and false when it is half a surrogate pair.
func surrogateEscape(b []byte) (int, bool) {
	hex4 := func(b []byte) (rune, bool) {
		if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
			return 0, false
		}
		var v rune
		for _, c := range b[2:6] {
			switch {
			case '0' <= c && c <= '9':
				v = v<<4 | rune(c-'0')
			case 'a' <= c && c <= 'f':
				v = v<<4 | rune(c-'a'+10)
			case 'A' <= c && c <= 'F':
				v = v<<4 | rune(c-'A'+10)
			default:
				return 0, false
			}
		}
		return v, true
	}
	v, ok := hex4(b)
	switch {
	case !ok:
		return 2, true
	case 0xDC00 <= v && v <= 0xDFFF: // a low half alone
		return 0, false
	case 0xD800 <= v && v < 0xDC00:
		if lo, ok := hex4(b[6:]); ok && 0xDC00 <= lo && lo <= 0xDFFF {
			return 12, true
		}
		return 0, false
	}
	return 6, true
}
