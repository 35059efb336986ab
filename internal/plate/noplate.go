package plate

import "crypto/rand"

// NoPlate is what parkd itself sends as the plate of a car without one.
const NoPlate = "NOPLATE"

// noPlatePhrases are what cameras and partners send for a car without a
// plate, in folded form. A failed read ("未识别") is not among them: the
// car has a plate, and guessing it is a plate-less car would split one
// car into two identities.
var noPlatePhrases = [...]string{"无牌车", "无牌", "无车牌", "无牌照", "NOPLATE", "SEMPLACA"}

// IsNoPlate reports whether s says the car has no plate (无牌车,
// "NO-PLATE", Portuguese "sem placa", ...), after the same folding as Normalize.
// Such a car needs NewTemporary. An empty string is not a no-plate: it is
// a missing field, and Normalize rejects it. A temporary identity is a
// real identity, so IsNoPlate reports false for it.
func IsNoPlate(s string) bool {
	var buf [maxRunes]rune
	n, e := fold(s, &buf)
	return e == nil && isNoPlatePhrase(buf[:n])
}

func isNoPlatePhrase(rs []rune) bool {
	for _, p := range noPlatePhrases {
		if equalRunes(rs, p) {
			return true
		}
	}
	return false
}

func equalRunes(rs []rune, s string) bool {
	i := 0
	for _, r := range s {
		if i >= len(rs) || rs[i] != r {
			return false
		}
		i++
	}
	return i == len(rs)
}

const temporaryPrefix = '临'

// crockford is Crockford's base 32: no I, L, O or U, so a driver can read
// the identity off a screen without the 1/I/L and 0/O confusions.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

const temporaryLen = 7

// NewTemporary returns a fresh identity for a plate-less car: 临 and seven
// random base-32 characters (35 bits from crypto/rand), e.g. 临7KQ2M9X.
// Eight characters is the length of the longest real plate, so it fits
// wherever partners keep plates. Among the cars inside one lot a collision
// is unlikely but possible; a store should treat a duplicate as a reason
// to draw again.
func NewTemporary() Plate {
	var r [5]byte
	rand.Read(r[:]) // never fails since Go 1.24
	v := uint64(r[0])<<32 | uint64(r[1])<<24 | uint64(r[2])<<16 | uint64(r[3])<<8 | uint64(r[4])
	var b [3 + temporaryLen]byte
	n := copy(b[:], string(temporaryPrefix))
	for i := range temporaryLen {
		b[n+i] = crockford[v&31]
		v >>= 5
	}
	s := string(b[:])
	return Plate{Text: s, Kind: KindNoPlate, Key: s}
}

// temporary validates an identity made by NewTemporary, so partners can
// echo it back.
func temporary(rs []rune) (Plate, *Error) {
	if len(rs) != 1+temporaryLen {
		return Plate{}, badLength(rs, "8", "wrong length %d for a temporary identity (临 and seven characters)")
	}
	for _, r := range rs[1:] {
		if r >= 0x80 || !containsByte(crockford, byte(r)) {
			return Plate{}, bad(WhyForm, "a temporary identity has seven characters from 0-9 and A-Z without I, L, O, U after 临")
		}
	}
	return Plate{Kind: KindNoPlate}, nil
}

func containsByte(s string, c byte) bool {
	for i := range len(s) {
		if s[i] == c {
			return true
		}
	}
	return false
}
