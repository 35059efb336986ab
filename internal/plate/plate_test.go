package plate_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"parkd/internal/plate"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, text, key string
		kind                plate.Kind
		newEnergy, large    bool
	}{
		{name: "CN", in: "京A12345", text: "京A12345", kind: plate.KindCN},
		{name: "CNLetters", in: "沪BX7Z2Y", text: "沪BX7Z2Y", kind: plate.KindCN},
		{name: "CNCityLetterO", in: "粤O12345", text: "粤O12345", kind: plate.KindCN},
		{name: "CNFullWidth", in: "京Ａ１２３４５", text: "京A12345", kind: plate.KindCN},
		{name: "CNFullWidthLower", in: "京ａｂ１２３４", text: "京AB1234", kind: plate.KindCN},
		{name: "CNMiddleDot", in: "京A·12345", text: "京A12345", kind: plate.KindCN},
		{name: "CNKatakanaDot", in: "京A・12345", text: "京A12345", kind: plate.KindCN},
		{name: "CNIdeographicSpace", in: "京A\u300012345", text: "京A12345", kind: plate.KindCN},
		{name: "CNFullWidthDashDot", in: "京A－１２．３４５", text: "京A12345", kind: plate.KindCN},
		{name: "CNLowerSpaces", in: "  京 a 1 2 3 4 5\t", text: "京A12345", kind: plate.KindCN},
		{name: "CNEnDash", in: "京A–12345", text: "京A12345", kind: plate.KindCN},
		{name: "CNBOM", in: "\uFEFF京A12345", text: "京A12345", kind: plate.KindCN},
		{name: "CNSchool", in: "京A1234学", text: "京A1234学", kind: plate.KindCN},
		{name: "CNTrailer", in: "冀B1234挂", text: "冀B1234挂", kind: plate.KindCN},
		{name: "CNPolice", in: "京A1234警", text: "京A1234警", kind: plate.KindCN},
		{name: "CNHongKong", in: "粤Z1234港", text: "粤Z1234港", kind: plate.KindCN},
		{name: "CNMacau", in: "粤Z1234澳", text: "粤Z1234澳", kind: plate.KindCN},
		{name: "CNConsulate", in: "沪A1234领", text: "沪A1234领", kind: plate.KindCN},
		{name: "CNEveryProvince", in: "琼A12345", text: "琼A12345", kind: plate.KindCN},
		{name: "NEVSmallD", in: "京AD12345", text: "京AD12345", kind: plate.KindCNNewEnergy, newEnergy: true},
		{name: "NEVSmallF", in: "京AF12345", text: "京AF12345", kind: plate.KindCNNewEnergy, newEnergy: true},
		{name: "NEVSmallLetter", in: "沪ADK1234", text: "沪ADK1234", kind: plate.KindCNNewEnergy, newEnergy: true},
		{name: "NEVSmallLower", in: "京a·d12345", text: "京AD12345", kind: plate.KindCNNewEnergy, newEnergy: true},
		{name: "NEVLargeD", in: "粤B12345D", text: "粤B12345D", kind: plate.KindCNNewEnergy, newEnergy: true, large: true},
		{name: "NEVLargeF", in: "粤B12345F", text: "粤B12345F", kind: plate.KindCNNewEnergy, newEnergy: true, large: true},
		{name: "Embassy", in: "使014578", text: "使014578", kind: plate.KindCNEmbassy},
		{name: "EmbassyDot", in: "使014·578", text: "使014578", kind: plate.KindCNEmbassy},
		{name: "ArmedPolice", in: "WJ京12345", text: "WJ京12345", kind: plate.KindCNArmedPolice},
		{name: "ArmedPoliceService", in: "wj 京 1234x", text: "WJ京1234X", kind: plate.KindCNArmedPolice},
		{name: "BROld", in: "ABC1234", text: "ABC1234", key: "ABC1C34", kind: plate.KindBROld},
		{name: "BROldDash", in: "abc-1234", text: "ABC1234", key: "ABC1C34", kind: plate.KindBROld},
		{name: "BROldDot", in: "abc.1234", text: "ABC1234", key: "ABC1C34", kind: plate.KindBROld},
		{name: "BROldIO", in: "OIA1034", text: "OIA1034", key: "OIA1A34", kind: plate.KindBROld},
		{name: "BRMercosul", in: "ABC1D23", text: "ABC1D23", key: "ABC1D23", kind: plate.KindBRMercosul},
		{name: "BRMercosulLower", in: "abc 1d23", text: "ABC1D23", key: "ABC1D23", kind: plate.KindBRMercosul},
		{name: "BRMercosulFullWidth", in: "ＡＢＣ１Ｄ２３", text: "ABC1D23", key: "ABC1D23", kind: plate.KindBRMercosul},
		{name: "BRMercosulBeyondJ", in: "ABC1Z23", text: "ABC1Z23", key: "ABC1Z23", kind: plate.KindBRMercosul},
		{name: "BRLooksLikeWJ", in: "WJA1234", text: "WJA1234", key: "WJA1C34", kind: plate.KindBROld},
		{name: "Temporary", in: "临7KQ2M9X", text: "临7KQ2M9X", kind: plate.KindNoPlate},
		{name: "TemporaryLower", in: "临7kq2m9x", text: "临7KQ2M9X", kind: plate.KindNoPlate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := plate.Normalize(tt.in)
			if err != nil {
				t.Fatalf("Normalize(%q): %v", tt.in, err)
			}
			key := tt.key
			if key == "" {
				key = tt.text
			}
			want := plate.Plate{Text: tt.text, Kind: tt.kind, NewEnergy: tt.newEnergy, Large: tt.large, Key: key}
			if p != want {
				t.Errorf("Normalize(%q) = %#v, want %#v", tt.in, p, want)
			}
		})
	}
}

func TestNormalizeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, reason string }{
		{"Empty", "", "empty plate"},
		{"OnlySeparators", " ·-.\u3000", "empty plate"},
		{"InvalidUTF8", "京A\xff2345", "not valid UTF-8"},
		{"TooLong", "京A123451234512345", "too long to be a plate"},
		{"TooLongInput", strings.Repeat(" ", 300) + "京A12345", "too long to be a plate"},
		{"UnknownProvince", "港A12345", "unknown province character '港'"},
		{"UnknownProvinceHan", "中A12345", "unknown province character '中'"},
		{"UnexpectedFirst", "#A12345", "unexpected character '#'"},
		// No letter or digit: no country's plate, so none is named.
		{"Punctuation", "!!!", "unexpected character '!'"},
		{"UnexpectedSymbolFirst", "★A12345", "unexpected character '★'"},
		{"CNLetterI", "京A1234I", "letters I and O are not used on Chinese plates"},
		{"CNLetterO", "京AO2345", "letters I and O are not used on Chinese plates"},
		{"CNShort", "京A1234", "wrong length 6 for a Chinese plate"},
		{"CNLong", "京A1234567", "wrong length 9 for a Chinese plate"},
		{"CNSecondNotLetter", "京112345", "the second character of a Chinese plate must be a letter A–Z, not '1'"},
		{"CNSuffixNotLast", "京A12学45", "'学' may only be the last character of a Chinese plate"},
		{"CNBadChar", "京A12#45", "unexpected character '#' in a Chinese plate"},
		{"CNEmbassySuffix", "京A1234使", "unexpected character '使' in a Chinese plate"},
		{"NEVNoMarker", "京A123456", "a new-energy plate has D or F first or last of its six characters"},
		{"NEVSmallLetters", "京ADA1B34", "a small new-energy plate ends in four digits (e.g. 京AD12345)"},
		{"NEVLargeLetters", "粤BA2345D", "a large new-energy plate has five digits before its D or F (e.g. 粤B12345D)"},
		{"NEVLetterO", "京ADO1234", "letters I and O are not used on Chinese plates"},
		{"NEVSuffix", "京AD1234学", "unexpected character '学' in a new-energy plate"},
		{"EmbassyShort", "使01457", "wrong length 6 for an embassy plate (使 and six digits)"},
		{"EmbassyLetter", "使01457A", "an embassy plate has six digits after 使"},
		{"ArmedPoliceNoProvince", "WJ12345", "a Brazilian plate starts with three letters, not '1'"},
		{"ArmedPoliceBadProvince", "WJ中12345", "unknown province character '中' after WJ"},
		{"ArmedPoliceShort", "WJ京1234", "wrong length 7 for an armed police plate (WJ, province and five characters)"},
		{"ArmedPoliceLetterI", "WJ京1234I", "letters I and O are not used on Chinese plates"},
		{"BRShort", "ABC123", "wrong length 6 for a plate without a province character (seven letters and digits, e.g. ABC1234; a Chinese plate starts with its province, e.g. 京A12345)"},
		{"BRLong", "ABC12345", "wrong length 8 for a plate without a province character (seven letters and digits, e.g. ABC1234; a Chinese plate starts with its province, e.g. 京A12345)"},
		{"BRDigitFirst", "1BC1234", "a Brazilian plate starts with three letters, not '1'"},
		{"BRFourthLetter", "ABCD123", "the 4th character of a Brazilian plate must be a digit, not 'D'"},
		{"BRFifthSymbol", "ABC1#23", "unexpected character '#'"},
		{"BRTailLetter", "ABC1D2E", "a Brazilian plate ends in two digits, not 'E'"},
		{"CNWithoutProvince", "A12345", "wrong length 6 for a plate without a province character (seven letters and digits, e.g. ABC1234; a Chinese plate starts with its province, e.g. 京A12345)"},
		{"NoPlate", "无牌车", "no plate (无牌车): a plate-less car gets a temporary identity at entry"},
		{"NoPlateASCII", "no-plate", "no plate (无牌车): a plate-less car gets a temporary identity at entry"},
		{"TemporaryShort", "临7KQ2M9", "wrong length 7 for a temporary identity (临 and seven characters)"},
		{"TemporaryLetterU", "临7KQ2M9U", "a temporary identity has seven characters from 0-9 and A-Z without I, L, O, U after 临"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := plate.Normalize(tt.in)
			var perr *plate.Error
			if !errors.As(err, &perr) {
				t.Fatalf("Normalize(%q) = %#v, %v; want *plate.Error", tt.in, p, err)
			}
			if p != (plate.Plate{}) {
				t.Errorf("Normalize(%q) returned %#v with its error", tt.in, p)
			}
			if perr.Input != tt.in {
				t.Errorf("Input = %q, want %q", perr.Input, tt.in)
			}
			if !strings.HasPrefix(perr.Reason, tt.reason) {
				t.Errorf("Reason = %q, want %q", perr.Reason, tt.reason)
			}
			if !strings.Contains(err.Error(), perr.Reason) {
				t.Errorf("Error() = %q does not say why", err.Error())
			}
		})
	}
}

func TestErrorMessageBounded(t *testing.T) {
	t.Parallel()
	_, err := plate.Normalize(strings.Repeat("A", 10000))
	if err == nil || len(err.Error()) > 200 {
		t.Fatalf("error for a huge input: %v", err)
	}
}

func TestBrazilianFormsShareKey(t *testing.T) {
	t.Parallel()
	for d := range 10 {
		old := "ABC1" + string(rune('0'+d)) + "34"
		merc := "ABC1" + string(rune('A'+d)) + "34"
		po, err := plate.Normalize(old)
		if err != nil {
			t.Fatal(err)
		}
		pm, err := plate.Normalize(merc)
		if err != nil {
			t.Fatal(err)
		}
		if po.Kind != plate.KindBROld || pm.Kind != plate.KindBRMercosul {
			t.Errorf("kinds %s %s", po.Kind, pm.Kind)
		}
		if po.Key != pm.Key || po.Key != merc {
			t.Errorf("keys of %s and %s: %q and %q, want both %q", old, merc, po.Key, pm.Key, merc)
		}
		if po.Text != old {
			t.Errorf("Text = %q, want the form that was read, %q", po.Text, old)
		}
	}
	// K..Z have no old form and must not share a key with any old plate.
	pk, _ := plate.Normalize("ABC1K34")
	for d := range 10 {
		po, _ := plate.Normalize("ABC1" + string(rune('0'+d)) + "34")
		if po.Key == pk.Key {
			t.Errorf("%s shares a key with ABC1K34", po.Text)
		}
	}
}

func TestKeysDoNotCollideAcrossKinds(t *testing.T) {
	t.Parallel()
	// One car reading per kind; all keys must differ.
	ins := []string{"京A12345", "京AD12345", "使014578", "WJ京12345", "ABC1234", "ABC1D23", "临7KQ2M9X"}
	seen := map[string]string{}
	for _, in := range ins {
		p, err := plate.Normalize(in)
		if err != nil {
			t.Fatal(err)
		}
		if prev, ok := seen[p.Key]; ok {
			t.Errorf("%s and %s share key %q", prev, in, p.Key)
		}
		seen[p.Key] = in
	}
}

func TestIsNoPlate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"无牌车", true},
		{"无牌", true},
		{"无车牌", true},
		{" 无牌照 ", true},
		{"NOPLATE", true},
		{"no plate", true},
		{"ｎｏ－ｐｌａｔｅ", true},
		{"Sem placa", true},
		{"", false},
		{"   ", false},
		{"京A12345", false},
		{"未识别", false},
		{"临7KQ2M9X", false},
		{"无牌车无牌车", false},
		{"\xff无牌车", false},
	}
	for _, tt := range tests {
		if got := plate.IsNoPlate(tt.in); got != tt.want {
			t.Errorf("IsNoPlate(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestNewTemporary(t *testing.T) {
	t.Parallel()
	a, b := plate.NewTemporary(), plate.NewTemporary()
	if a.Text == b.Text {
		t.Errorf("two calls gave the same identity %q", a.Text)
	}
	for _, p := range []plate.Plate{a, b} {
		if p.Kind != plate.KindNoPlate || p.Key != p.Text || p.NewEnergy {
			t.Errorf("NewTemporary() = %#v", p)
		}
		if n := utf8.RuneCountInString(p.Text); n != 8 {
			t.Errorf("%q has %d characters, want 8 like the longest plate", p.Text, n)
		}
		back, err := plate.Normalize(p.Text)
		if err != nil {
			t.Fatalf("Normalize(%q): %v", p.Text, err)
		}
		if back != p {
			t.Errorf("Normalize(%q) = %#v, want %#v", p.Text, back, p)
		}
		if plate.IsNoPlate(p.Text) {
			t.Errorf("IsNoPlate(%q) = true for an identity", p.Text)
		}
	}
}

func TestNewTemporaryUsesWholeAlphabet(t *testing.T) {
	t.Parallel()
	// A biased or stuck generator shows up as characters that never occur.
	seen := map[rune]bool{}
	for range 2000 {
		for _, r := range []rune(plate.NewTemporary().Text)[1:] {
			seen[r] = true
		}
	}
	if len(seen) != 32 {
		t.Errorf("saw %d distinct characters in 2000 identities, want 32", len(seen))
	}
}

func TestConfusable(t *testing.T) {
	t.Parallel()
	classes := []string{"0ODQ", "8B", "1I", "5S", "2Z", "6G"}
	for _, c := range classes {
		rep := rune(c[0])
		for _, r := range c {
			if got := plate.Confusable(r); got != rep {
				t.Errorf("Confusable(%q) = %q, want %q", r, got, rep)
			}
		}
	}
	for _, tt := range []struct{ in, want rune }{
		{'d', '0'}, {'Ｓ', '5'}, {'A', 'A'}, {'7', '7'}, {'京', '京'}, {'ｋ', 'K'},
	} {
		if got := plate.Confusable(tt.in); got != tt.want {
			t.Errorf("Confusable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFuzzyKey(t *testing.T) {
	t.Parallel()
	a, _ := plate.Normalize("京AB0125")
	b, _ := plate.Normalize("京A8D1Z5")
	if a.Key == b.Key {
		t.Fatal("test plates should differ")
	}
	if plate.FuzzyKey(a.Key) != plate.FuzzyKey(b.Key) {
		t.Errorf("FuzzyKey(%q) = %q, FuzzyKey(%q) = %q; want equal", a.Key, plate.FuzzyKey(a.Key), b.Key, plate.FuzzyKey(b.Key))
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"京A12345", "京Ａ１２３４５", "京AD12345", "粤B12345D", "使014578", "WJ京1234X",
		"abc-1234", "ABC1D23", "临7KQ2M9X", "无牌车", "", "\xff", "京A·1234学", "ｗｊ京12345",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := plate.Normalize(s)
		if err != nil {
			var perr *plate.Error
			if !errors.As(err, &perr) || perr.Reason == "" {
				t.Fatalf("Normalize(%q): error %v is not a *plate.Error with a reason", s, err)
			}
			if p != (plate.Plate{}) {
				t.Fatalf("Normalize(%q) returned %#v with an error", s, p)
			}
			return
		}
		if p.Key == "" || p.Text == "" || p.Kind == "" {
			t.Fatalf("Normalize(%q) = %#v: empty field", s, p)
		}
		if !utf8.ValidString(p.Text) || !utf8.ValidString(p.Key) {
			t.Fatalf("Normalize(%q) = %#v: invalid UTF-8", s, p)
		}
		again, err := plate.Normalize(p.Text)
		if err != nil {
			t.Fatalf("Normalize(%q) = %q, which does not normalise: %v", s, p.Text, err)
		}
		if again != p {
			t.Fatalf("not idempotent: %q -> %#v -> %#v", s, p, again)
		}
		if p.NewEnergy != (p.Kind == plate.KindCNNewEnergy) {
			t.Fatalf("Normalize(%q) = %#v: NewEnergy disagrees with Kind", s, p)
		}
		if plate.IsNoPlate(s) {
			t.Fatalf("IsNoPlate(%q) but Normalize accepted it as %#v", s, p)
		}
	})
}

var sink plate.Plate

func BenchmarkNormalize(b *testing.B) {
	for _, in := range []string{"京A12345", "京a·d12345", "abc-1234", "ABC1D23"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p, err := plate.Normalize(in)
				if err != nil {
					b.Fatal(err)
				}
				sink = p
			}
		})
	}
}

// TestErrorWhy: a refusal names its kind and values, so callers can word
// it in their language; the English reason stays as it was.
func TestErrorWhy(t *testing.T) {
	for _, c := range []struct {
		in     string
		why    plate.Why
		params string
		reason string
	}{
		{"京A12", plate.WhyLength, "4 7–8", "wrong length 4 for a Chinese plate"},
		// 7: without a province character only the Brazilian plate's length.
		{"ABC12", plate.WhyLength, "5 7", "wrong length 5 for a plate without a province character (seven letters and digits, e.g. ABC1234; a Chinese plate starts with its province, e.g. 京A12345)"},
		// A character refused names what its place wants: on a plate
		// without a province character any letter or digit; a Brazilian
		// plate's three letters first, a digit 4th, two digits last; a
		// Chinese plate's letter 2nd, then serial characters (no I, O).
		{"!!!", plate.WhyCharacter, "! letter_or_digit", "unexpected character '!'"},
		{"1234567", plate.WhyCharacter, "1 letter", "a Brazilian plate starts with three letters, not '1'"},
		{"ABCD123", plate.WhyCharacter, "D digit", "the 4th character of a Brazilian plate must be a digit, not 'D'"},
		{"ABC1D2E", plate.WhyCharacter, "E digit", "a Brazilian plate ends in two digits, not 'E'"},
		{"京1A2345", plate.WhyCharacter, "1 letter", "the second character of a Chinese plate must be a letter A–Z, not '1'"},
		{"卫A12345", plate.WhyProvince, "卫", `unknown province character '卫'`},
		{"京AI2345", plate.WhyCharacter, "I serial", "letters I and O are not used on Chinese plates"},
		{"京A学2345", plate.WhyCharacter, "学 serial", "'学' may only be the last character of a Chinese plate"},
		{"éABC123", plate.WhyCharacter, "é plate_start", "unexpected character 'é'"},
		{"京AD1234A", plate.WhyForm, "", "a small new-energy plate ends in four digits (e.g. 京AD12345)"},
		{" - ", plate.WhyEmpty, "", "empty plate"},
		{"无牌车", plate.WhyNoPlate, "", "no plate (无牌车): a plate-less car gets a temporary identity at entry"},
	} {
		_, err := plate.Normalize(c.in)
		var pe *plate.Error
		if !errors.As(err, &pe) || pe.Why != c.why || strings.Join(pe.Params, " ") != c.params || pe.Reason != c.reason {
			t.Errorf("%q: %#v, want %s %q %q", c.in, err, c.why, c.params, c.reason)
		}
	}
	_, err := plate.ParseFuzzy("A12!")
	if pe, ok := err.(*plate.Error); !ok || pe.Why != plate.WhyCharacter || strings.Join(pe.Params, " ") != "! search" {
		t.Errorf("a search with !: %#v, want ! search", err)
	}
	_, err = plate.ParseFuzzy("A12")
	if pe, ok := err.(*plate.Error); !ok || pe.Why != plate.WhyShort || !pe.Short || strings.Join(pe.Params, " ") != "4" {
		t.Errorf("a 3-character search: %#v, want short 4", err)
	}
}
