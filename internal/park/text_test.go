package park_test

import (
	"testing"

	"parkd/internal/park"
)

func TestBadText(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		for _, s := range []string{"", "Demo Mall Car Park", "张伟", "São Paulo – Centro", "B1-A-017", "coupon #12 (50% off)",
			"emoji 🚗", "\uFFFD written out", "wx-4200001234202301011234567890"} {
			if why := park.BadText(s); why != "" {
				t.Errorf("BadText(%q) = %q, want none", s, why)
			}
		}
	})
	for name, s := range map[string]string{
		"ErrNUL":           "lot\x00",
		"ErrCRLF":          "in-1\r\nforged log line",
		"ErrTab":           "a\tb",
		"ErrANSI":          "\x1b[31min-1",
		"ErrDEL":           "a\x7f",
		"ErrC1":            "a\u0085b",
		"ErrLineSeparator": "a\u2028b",
		"ErrBidiOverride":  "name\u202egnp.exe",
		"ErrBidiIsolate":   "a\u2066b",
		"ErrInvalidUTF8":   "caf\xe9",
	} {
		t.Run(name, func(t *testing.T) {
			if park.ValidText(s) {
				t.Fatalf("ValidText(%q) is true", s)
			}
			err := park.CheckText("name", s)
			var pe *park.Error
			if !park.IsCode(err, park.EInvalid) || !asError(err, &pe) || pe.Field != "name" {
				t.Fatalf("CheckText(%q) = %v, want invalid on field name", s, err)
			}
		})
	}
}

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"ok: 张伟":               "ok: 张伟",
		"\x00\x1b[31mboom\r\n": "??[31mboom??",
		"caf\xe9 \u202e":       "caf? ?",
	} {
		if got := park.CleanText(in); got != want || !park.ValidText(got) {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

func asError(err error, pe **park.Error) bool {
	e, ok := err.(*park.Error)
	*pe = e
	return ok
}
