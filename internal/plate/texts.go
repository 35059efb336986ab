package plate

// Texts returns the Text of every reading whose Key is key, so a record
// kept by its text (an anomaly's plate) can be found by key: the key, and
// for a Brazilian key whose fifth letter is A–J the old form too, that
// letter read as the digit 0–9.
func Texts(key string) []string {
	p, err := Normalize(key)
	if err != nil || p.Kind != KindBRMercosul || p.Key != key {
		return []string{key}
	}
	if c := key[4]; c >= 'A' && c <= 'J' {
		return []string{key, key[:4] + string('0'+(c-'A')) + key[5:]}
	}
	return []string{key}
}
