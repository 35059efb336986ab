package plate

import "fmt"

// latin validates a plate with no province character: of the plates
// known, only a Brazilian one. A plate that cannot be one (a character
// no plate has, a length no such plate has) is refused without naming
// Brazil alone, as a Chinese lot's operator may have typed it.
func latin(rs []rune) (Plate, *Error) {
	for _, r := range rs {
		if !isLetter(r) && !isDigit(r) {
			return Plate{}, badCharacter(r, WantLetterOrDigit, fmt.Sprintf("unexpected character %q", r))
		}
	}
	if len(rs) != 7 {
		// 7: a plate without a province character has only the
		// Brazilian plate's length; a Chinese plate needs its province.
		return Plate{}, badLength(rs, "7", "wrong length %d for a plate without a province character (seven letters and digits, e.g. ABC1234; a Chinese plate starts with its province, e.g. 京A12345)")
	}
	return brazilian(rs)
}

// brazilian validates seven letters and digits as ABC1234 (old) and ABC1D23 (Mercosul, since 2018).
// Brazil uses all 26 letters, I and O included.
func brazilian(rs []rune) (Plate, *Error) {
	for _, r := range rs[:3] {
		if !isLetter(r) {
			return Plate{}, badCharacter(r, WantLetter, fmt.Sprintf("a Brazilian plate starts with three letters, not %q", r))
		}
	}
	if !isDigit(rs[3]) {
		return Plate{}, badCharacter(rs[3], WantDigit, fmt.Sprintf("the 4th character of a Brazilian plate must be a digit, not %q", rs[3]))
	}
	for _, r := range rs[5:] {
		if !isDigit(r) {
			return Plate{}, badCharacter(r, WantDigit, fmt.Sprintf("a Brazilian plate ends in two digits, not %q", r))
		}
	}
	if isDigit(rs[4]) { // latin let only letters and digits through
		return Plate{Kind: KindBROld}, nil
	}
	return Plate{Kind: KindBRMercosul}, nil
}
