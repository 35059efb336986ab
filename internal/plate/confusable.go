package plate

// Confusable returns the representative of r's plate-reader confusion
// class: cameras misread 0/O/D/Q, 8/B, 1/I, 5/S, 2/Z and 6/G, so two
// readings of one car agree once every character goes through Confusable.
// The representative is the digit. Other characters come back folded
// (full-width to ASCII, upper case) and otherwise unchanged.
func Confusable(r rune) rune {
	r = foldRune(r)
	switch r {
	case 'O', 'D', 'Q':
		return '0'
	case 'B':
		return '8'
	case 'I':
		return '1'
	case 'S':
		return '5'
	case 'Z':
		return '2'
	case 'G':
		return '6'
	}
	return r
}

// FuzzyKey maps every character of a Key through Confusable, for an index
// that finds a car whose plate was misread.
func FuzzyKey(key string) string {
	b := make([]rune, 0, len(key))
	for _, r := range key {
		b = append(b, Confusable(r))
	}
	return string(b)
}
