package plate

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Kind is the plate system a Plate belongs to. Its values are stored, so
// they never change.
type Kind string

const (
	KindCN            Kind = "cn"              // mainland ordinary: province + letter + 5
	KindCNNewEnergy   Kind = "cn_new_energy"   // province + letter + 6
	KindCNEmbassy     Kind = "cn_embassy"      // 使 + 6 digits
	KindCNArmedPolice Kind = "cn_armed_police" // WJ + province + 5
	KindBROld         Kind = "br_old"          // ABC1234
	KindBRMercosul    Kind = "br_mercosul"     // ABC1D23
	KindNoPlate       Kind = "noplate"         // 无牌车 temporary identity
)

// Plate is a validated plate. The zero Plate is not valid.
type Plate struct {
	Text      string // normalised display form, e.g. "京AD12345", "ABC1D23"
	Kind      Kind
	NewEnergy bool // implies vehicle class new_energy
	// Large is set for large new-energy plates (D or F last): buses and
	// trucks, which tariffs usually price as large vehicles.
	Large bool
	// Key is equal for two readings of the same car: the Brazilian old and
	// Mercosul forms of one car share a key. Use it for lookups, Text for
	// display.
	Key string
}

// String returns the display form.
func (p Plate) String() string { return p.Text }

// Error explains why an input is not a plate. Reason is meant for people
// (operators, partner developers), so it names the rule that failed.
type Error struct {
	Input  string
	Reason string // in English
	// Why is the kind of rule that failed, and Params its values, so a
	// caller can word Reason in its own language.
	Why    Why
	Params []string
	// Short: a search of fewer than MinFuzzyQuery characters, which a
	// caller may word on its own.
	Short bool
}

func (e *Error) Error() string {
	in := e.Input
	if len(in) > 64 {
		in = in[:64] + "…"
	}
	return fmt.Sprintf("invalid plate %q: %s", in, e.Reason)
}

// Why is the kind of rule that refused a plate. Its values are stable,
// as error codes are: callers key their words on them.
type Why string

const (
	WhyEmpty     Why = "plate_empty"     // nothing but separators
	WhyTooLong   Why = "plate_too_long"  // more characters than any plate has
	WhyEncoding  Why = "plate_encoding"  // not valid UTF-8
	WhyLength    Why = "plate_length"    // Params: the length read, the length wanted ("7", "7–8")
	WhyProvince  Why = "plate_province"  // Params: the character where a province should be
	WhyCharacter Why = "plate_character" // Params: the character not allowed where it is, and what is wanted there (a Want)
	WhyForm      Why = "plate_form"      // allowed characters in an order no plate has
	WhyNoPlate   Why = "plate_no_plate"  // 无牌车 typed for a plate
	WhyShort     Why = "plate_short"     // a search: Params the fewest characters taken
)

// Whys returns every Why, so callers' tables can be checked complete.
func Whys() []Why {
	return []Why{WhyEmpty, WhyTooLong, WhyEncoding, WhyLength, WhyProvince, WhyCharacter, WhyForm, WhyNoPlate, WhyShort}
}

// Want is what the place of a character refused for WhyCharacter takes:
// the refusal's second value, so a caller can say what is wanted there
// in its own words. Its values are stable, as Why's are.
type Want string

const (
	WantLetter        Want = "letter"          // A–Z
	WantDigit         Want = "digit"           // 0–9
	WantLetterOrDigit Want = "letter_or_digit" // A–Z or 0–9
	WantSerial        Want = "serial"          // A–Z but I and O, or 0–9: a Chinese plate's serial
	WantPlateStart    Want = "plate_start"     // a province character, or A–Z or 0–9: what a plate starts with
	WantSearch        Want = "search"          // A–Z, 0–9 or a Chinese character: a plate search's
)

// Wants returns every Want, so callers' tables can be checked complete.
func Wants() []Want {
	return []Want{WantLetter, WantDigit, WantLetterOrDigit, WantSerial, WantPlateStart, WantSearch}
}

// badCharacter refuses r, where want is wanted, for reason.
func badCharacter(r rune, want Want, reason string) *Error {
	return bad(WhyCharacter, reason, string(r), string(want))
}

// bad is a refusal with its English reason; of sets the input.
func bad(why Why, reason string, params ...string) *Error {
	return &Error{Reason: reason, Why: why, Params: params}
}

// badLength refuses rs for its length: format words it with the length.
func badLength(rs []rune, want, format string) *Error {
	n := strconv.Itoa(len(rs))
	return bad(WhyLength, fmt.Sprintf(format, len(rs)), n, want)
}

func (e *Error) of(input string) *Error {
	e.Input = input
	return e
}

const (
	maxInputBytes = 256 // far above any plate with separators; bounds work on hostile input
	maxRunes      = 16  // the longest valid plate has 8 characters
)

// Normalize folds s (see the package comment) and validates it. Errors are
// *Error. It costs one allocation, for the returned strings.
func Normalize(s string) (Plate, error) {
	var buf [maxRunes]rune
	n, e := fold(s, &buf)
	if e != nil {
		return Plate{}, e.of(s)
	}
	rs := buf[:n]
	p, e := classify(rs)
	if e != nil {
		return Plate{}, e.of(s)
	}

	// Text and Key share one allocation: the key of a Brazilian plate is
	// written after its text and sliced off.
	var out [64]byte
	b := out[:0]
	for _, r := range rs {
		b = utf8.AppendRune(b, r)
	}
	textLen := len(b)
	if p.Kind == KindBROld || p.Kind == KindBRMercosul {
		b = append(b, b[:textLen]...)
		if c := b[textLen+4]; c >= '0' && c <= '9' {
			b[textLen+4] = 'A' + (c - '0')
		}
	}
	str := string(b)
	p.Text = str[:textLen]
	if len(str) > textLen {
		p.Key = str[textLen:]
	} else {
		p.Key = p.Text
	}
	return p, nil
}

// fold writes the folded characters of s into buf and returns how many
// there are, or a reason why s cannot be a plate.
func fold(s string, buf *[maxRunes]rune) (n int, e *Error) {
	if len(s) > maxInputBytes {
		return 0, bad(WhyTooLong, "too long to be a plate")
	}
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return 0, bad(WhyEncoding, "not valid UTF-8")
			}
		}
		r = foldRune(r)
		if isSeparator(r) {
			continue
		}
		if n == maxRunes {
			return 0, bad(WhyTooLong, "too long to be a plate")
		}
		buf[n] = r
		n++
	}
	if n == 0 {
		return 0, bad(WhyEmpty, "empty plate")
	}
	return n, nil
}

// foldRune maps full-width forms to ASCII and upper-cases ASCII letters.
// Only ASCII is upper-cased: unicode.ToUpper would turn 'ı' or 'ſ' into
// plate letters and hide a bad read.
func foldRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFF01 - '!'
	case r == 0x3000:
		r = ' '
	}
	if r >= 'a' && r <= 'z' {
		r -= 'a' - 'A'
	}
	return r
}

// isSeparator reports whether r only decorates a plate: spaces, dots,
// dashes and middle dots as cameras and people write them (京A·12345,
// abc-1234), and invisible characters that copy-paste leaves behind.
func isSeparator(r rune) bool {
	switch r {
	case '.', '-', '\u00B7', '\u2022', '\u2027', '\u30FB', '\uFF65', '\u3002',
		'\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212',
		'\u200B', '\uFEFF':
		return true
	}
	return unicode.IsSpace(r)
}

// classify validates folded characters. Text and Key are left empty.
func classify(rs []rune) (Plate, *Error) {
	first := rs[0]
	switch {
	case isNoPlatePhrase(rs):
		return Plate{}, bad(WhyNoPlate, "no plate (无牌车): a plate-less car gets a temporary identity at entry")
	case isProvince(first):
		return chinese(rs)
	case first == '使':
		return embassy(rs)
	case first == temporaryPrefix:
		return temporary(rs)
	case len(rs) > 2 && first == 'W' && rs[1] == 'J' && rs[2] >= utf8.RuneSelf:
		return armedPolice(rs)
	case first < utf8.RuneSelf:
		return latin(rs)
	case unicode.Is(unicode.Han, first):
		return Plate{}, bad(WhyProvince, fmt.Sprintf("unknown province character %q", first), string(first))
	default:
		return Plate{}, badCharacter(first, WantPlateStart, fmt.Sprintf("unexpected character %q", first))
	}
}

func isDigit(r rune) bool  { return r >= '0' && r <= '9' }
func isLetter(r rune) bool { return r >= 'A' && r <= 'Z' }
