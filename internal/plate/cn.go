package plate

import (
	"fmt"
	"strings"
)

// provinces are the first characters of mainland plates.
const provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

// suffixes may replace the last serial character of an ordinary plate.
const suffixes = "学挂警港澳领"

func isProvince(r rune) bool { return r >= 0x4E00 && strings.ContainsRune(provinces, r) }
func isSuffix(r rune) bool   { return r >= 0x4E00 && strings.ContainsRune(suffixes, r) }

// isSerial reports whether r may appear in a Chinese serial: I and O are
// left out because they read as 1 and 0.
func isSerial(r rune) bool {
	return isDigit(r) || (isLetter(r) && r != 'I' && r != 'O')
}

// isEnergy reports the D (battery electric) or F (other new energy)
// marker of new-energy plates.
func isEnergy(r rune) bool { return r == 'D' || r == 'F' }

func reasonIO(r rune) *Error {
	return badCharacter(r, WantSerial, "letters I and O are not used on Chinese plates")
}

// chinese validates province + letter + 5 (ordinary) or + 6 (new energy).
func chinese(rs []rune) (Plate, *Error) {
	if len(rs) != 7 && len(rs) != 8 {
		return Plate{}, badLength(rs, "7–8", "wrong length %d for a Chinese plate")
	}
	if !isLetter(rs[1]) {
		return Plate{}, badCharacter(rs[1], WantLetter, fmt.Sprintf("the second character of a Chinese plate must be a letter A–Z, not %q", rs[1]))
	}
	if len(rs) == 7 {
		if e := serial(rs[2:], "a Chinese plate"); e != nil {
			return Plate{}, e
		}
		return Plate{Kind: KindCN}, nil
	}
	return newEnergy(rs)
}

// serial checks the five characters after the authority letter (or after
// WJ and the province); the last may be a suffix such as 学.
func serial(rs []rune, what string) *Error {
	for i, r := range rs {
		switch {
		case isSerial(r):
		case r == 'I' || r == 'O':
			return reasonIO(r)
		case isSuffix(r) && i == len(rs)-1:
		case isSuffix(r):
			return badCharacter(r, WantSerial, fmt.Sprintf("%q may only be the last character of %s", r, what))
		default:
			return badCharacter(r, WantSerial, fmt.Sprintf("unexpected character %q in %s", r, what))
		}
	}
	return nil
}

func newEnergy(rs []rune) (Plate, *Error) {
	six := rs[2:]
	for _, r := range six {
		switch {
		case isSerial(r):
		case r == 'I' || r == 'O':
			return Plate{}, reasonIO(r)
		default:
			return Plate{}, badCharacter(r, WantSerial, fmt.Sprintf("unexpected character %q in a new-energy plate", r))
		}
	}
	switch {
	case isEnergy(six[0]):
		// Small: D/F, a digit or letter, four digits.
		for _, r := range six[2:] {
			if !isDigit(r) {
				return Plate{}, bad(WhyForm, "a small new-energy plate ends in four digits (e.g. 京AD12345)")
			}
		}
		return Plate{Kind: KindCNNewEnergy, NewEnergy: true}, nil
	case isEnergy(six[5]):
		// Large: five digits, D/F.
		for _, r := range six[:5] {
			if !isDigit(r) {
				return Plate{}, bad(WhyForm, "a large new-energy plate has five digits before its D or F (e.g. 粤B12345D)")
			}
		}
		return Plate{Kind: KindCNNewEnergy, NewEnergy: true, Large: true}, nil
	default:
		return Plate{}, bad(WhyForm, "a new-energy plate has D or F first or last of its six characters")
	}
}

// embassy validates 使 + six digits.
func embassy(rs []rune) (Plate, *Error) {
	if len(rs) != 7 {
		return Plate{}, badLength(rs, "7", "wrong length %d for an embassy plate (使 and six digits)")
	}
	for _, r := range rs[1:] {
		if !isDigit(r) {
			return Plate{}, bad(WhyForm, "an embassy plate has six digits after 使")
		}
	}
	return Plate{Kind: KindCNEmbassy}, nil
}

// armedPolice validates WJ + province + five serial characters.
func armedPolice(rs []rune) (Plate, *Error) {
	if !isProvince(rs[2]) {
		return Plate{}, bad(WhyProvince, fmt.Sprintf("unknown province character %q after WJ", rs[2]), string(rs[2]))
	}
	if len(rs) != 8 {
		return Plate{}, badLength(rs, "8", "wrong length %d for an armed police plate (WJ, province and five characters)")
	}
	if e := serial(rs[3:], "an armed police plate"); e != nil {
		return Plate{}, e
	}
	return Plate{Kind: KindCNArmedPolice}, nil
}
