package loadgen

// serialChars are the 34 characters of a Chinese plate serial: digits and
// letters without I and O, which read as 1 and 0.
const serialChars = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// authorityLetters are the letters used after the province character.
const authorityLetters = "ABCDEFGHJKLMNPQRSTUVWXYZ"

// provinces are mainland province characters, the first of a plate.
var provinces = []rune("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼")

// serialSpace is how many plates one province and letter hold.
const serialSpace = 34 * 34 * 34 * 34 * 34

// Plate returns the n-th plate of a deterministic sequence of valid,
// distinct ordinary Chinese plates: 京A00000, 京A00001, ... then the next
// authority letter, then the next province (about 34 billion in all, after
// which the sequence wraps).
func Plate(n uint64) string {
	serial := n % serialSpace
	rest := n / serialSpace
	province := provinces[(rest/uint64(len(authorityLetters)))%uint64(len(provinces))]
	out := make([]byte, 0, 3+1+5) // a province rune is 3 bytes in UTF-8
	out = append(out, string(province)...)
	out = append(out, authorityLetters[rest%uint64(len(authorityLetters))])
	var s [5]byte
	for i := 4; i >= 0; i-- {
		s[i] = serialChars[serial%34]
		serial /= 34
	}
	return string(append(out, s[:]...))
}
