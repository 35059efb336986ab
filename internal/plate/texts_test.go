package plate

import (
	"slices"
	"testing"
)

// TestTexts: the texts a plate key is recorded as are its readings' Text:
// one for a Chinese plate or a Mercosul plate whose fifth character has
// no digit form (K–Z), two for a Brazilian key whose fifth letter A–J is
// also read as the old form's digit 0–9 (ABC1C34: C is 2, ABC1234).
func TestTexts(t *testing.T) {
	for _, c := range []struct {
		key  string
		want []string
	}{
		{"京A12345", []string{"京A12345"}},
		{"ABC1C34", []string{"ABC1C34", "ABC1234"}},
		{"ABC1A34", []string{"ABC1A34", "ABC1034"}},
		{"ABC1J34", []string{"ABC1J34", "ABC1934"}},
		{"ABC1K34", []string{"ABC1K34"}},
	} {
		got := Texts(c.key)
		if !slices.Equal(got, c.want) {
			t.Errorf("Texts(%q) = %q, want %q", c.key, got, c.want)
		}
		for _, text := range got { // each reads back as the key
			if p, err := Normalize(text); err != nil || p.Key != c.key {
				t.Errorf("Texts(%q): %q normalises to %+v, %v", c.key, text, p, err)
			}
		}
	}
}
