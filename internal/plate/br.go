package plate

import "fmt"

// brazilian validates ABC1234 (old) and ABC1D23 (Mercosul, since 2018).
// Brazil uses all 26 letters, I and O included.
func brazilian(rs []rune) (Plate, *Error) {
	if len(rs) != 7 {
		return Plate{}, badLength(rs, "7", "no province character, and wrong length %d for a Brazilian plate")
	}
	for _, r := range rs[:3] {
		if !isLetter(r) {
			return Plate{}, bad(WhyCharacter, fmt.Sprintf("a Brazilian plate starts with three letters, not %q", r), string(r))
		}
	}
	if !isDigit(rs[3]) {
		return Plate{}, bad(WhyCharacter, fmt.Sprintf("the 4th character of a Brazilian plate must be a digit, not %q", rs[3]), string(rs[3]))
	}
	for _, r := range rs[5:] {
		if !isDigit(r) {
			return Plate{}, bad(WhyCharacter, fmt.Sprintf("a Brazilian plate ends in two digits, not %q", r), string(r))
		}
	}
	switch r := rs[4]; {
	case isDigit(r):
		return Plate{Kind: KindBROld}, nil
	case isLetter(r):
		return Plate{Kind: KindBRMercosul}, nil
	default:
		return Plate{}, bad(WhyCharacter, fmt.Sprintf("the 5th character of a Brazilian plate must be a digit or a letter, not %q", r), string(r))
	}
}
