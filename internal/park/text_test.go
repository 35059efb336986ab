package park_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

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

// TestInvalidUTF8: a body's first byte that is no UTF-8 is found, and so
// is a JSON escape of half a surrogate pair, which a decoder would keep
// as U+FFFD (a JavaScript client that cut an emoji in two) where the
// text's owner wrote something else.
func TestInvalidUTF8(t *testing.T) {
	for body, want := range map[string]int{
		`{"a":"张伟 🚗"}`:           -1,
		`{"a":"\ud83d\ude97"}`:   -1, // a whole pair: 🚗
		`{"a":"\uD83D\uDE97"}`:   -1,
		`{"a":"\\ud800"}`:        -1, // a backslash, then the letters ud800
		`{"a":"\u00e9\"\ud800"}`: 14,
		`{"a":"x\ud800"}`:        7,
		`{"a":"\udc00"}`:         6,
		`{"a":"\ud800\u0041"}`:   6,
		`{"a":"\ud800"}`:         6,
		"{\"a\":\"caf\xe9\"}":    9,
		`{"a":"ok"} "\ud800"`:    12,
		`{"\ud800":1}`:           2,
	} {
		if got := park.InvalidUTF8([]byte(body)); got != want {
			t.Errorf("InvalidUTF8(%s) = %d, want %d", body, got, want)
		}
	}
}

// FuzzInvalidUTF8: any body is scanned without a panic, and one it
// passes decodes to text without an invented U+FFFD.
func FuzzInvalidUTF8(f *testing.F) {
	for _, s := range []string{`"\ud83d\ude97"`, `"\ud800"`, `"\\u"`, `"\u12"`, `"\ud800\u"`, "\"\xff\"", `"\`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if park.InvalidUTF8(b) >= 0 {
			return
		}
		var s string
		if json.Unmarshal(b, &s) == nil && strings.ContainsRune(s, utf8.RuneError) &&
			!strings.ContainsRune(string(b), utf8.RuneError) && !bytes.Contains(bytes.ToLower(b), []byte(`\ufffd`)) {
			t.Errorf("%q passed, but decodes to %q", b, s)
		}
	})
}
