package plate_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"parkd/internal/plate"
)

func keyOf(t testing.TB, s string) string {
	t.Helper()
	p, err := plate.Normalize(s)
	if err != nil {
		t.Fatal(err)
	}
	return p.Key
}

func TestWithinOneEdit(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"粤B12345", "粤B12345", true},
		{"粤B12345", "粤B12346", true},  // one wrong
		{"粤B12345", "粤B1235", true},   // one missing
		{"粤B12345", "粤B123945", true}, // one extra
		{"粤B12345", "粤B12354", false}, // two wrong (a swap)
		{"粤B12345", "粤B123", false},   // two missing
		{"", "1", true},
	} {
		if got := plate.WithinOneEdit([]rune(c.a), []rune(c.b)); got != c.want {
			t.Errorf("WithinOneEdit(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestParseFuzzy(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"粤B1234S": "粤812345", // B→8 and S→5 once folded
		"b12-345": "812345",
		"ABC1234": "A8C1C34", // a whole Brazilian plate is searched in its key (Mercosul) form
		"２３４５":    "2345",
		"京a 0d0q": "京A0000",
	} {
		q, err := plate.ParseFuzzy(in)
		if err != nil || q.String() != want {
			t.Errorf("ParseFuzzy(%q) = %q, %v; want %q", in, q.String(), err, want)
		}
	}
	for in, reason := range map[string]string{
		"":                      "empty",
		"123":                   "at least 4",
		"12#45":                 "unexpected character '#'",
		strings.Repeat("1", 17): "too long",
	} {
		_, err := plate.ParseFuzzy(in)
		if err == nil || !strings.Contains(err.Error(), reason) {
			t.Errorf("ParseFuzzy(%q) = %v, want an error containing %q", in, err, reason)
		}
	}
}

func TestFuzzyIndexSearch(t *testing.T) {
	t.Parallel()
	plates := []string{"粤B12345", "粤B12346", "粤B54321", "京A12345", "粤BS2345", "苏E6X789", "粤B1234D", "ABC1D23"}
	keys := make([]string, len(plates))
	for i, p := range plates {
		keys[i] = keyOf(t, p)
	}
	x := plate.NewFuzzyIndex(keys[:5])
	for _, k := range keys[5:] { // the rest through the unsorted tail
		x.Add(k)
	}
	if x.Len() != len(plates) || x.Tail() == 0 {
		t.Fatalf("len %d tail %d", x.Len(), x.Tail())
	}
	show := func(q string) string {
		t.Helper()
		fq, err := plate.ParseFuzzy(q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range x.Search(fq) {
			out = append(out, fmt.Sprintf("%s:%d", x.Key(m.Pos), m.Rank))
		}
		return strings.Join(out, " ")
	}
	// Ranks: 0 exact, 1 confusable, 2 one edit, 3 suffix, 4 inside.
	for q, want := range map[string]string{
		// Exact first, then one edit away, newest first: 粤BS2345 (S≡5 for
		// 1), 粤B12346 (6 for 5), 粤B1234D (D≡0 for 5). 京A12345 differs in
		// two characters, so it is absent.
		"粤B12345": "粤B12345:0 粤B1234D:2 粤BS2345:2 粤B12346:2",
		// A misread S for 5: equal under confusions.
		"粤B1234S": "粤B12345:1 粤B1234D:2 粤BS2345:2 粤B12346:2",
		// One character missing, or one extra.
		"粤B1245":   "粤B12345:2",
		"粤B123945": "粤B12345:2",
		// What a driver remembers: the end (suffix), or a part.
		"2345":   "粤BS2345:3 京A12345:3 粤B12345:3",
		"4321":   "粤B54321:3",
		"B543":   "粤B54321:4",
		"X789":   "苏E6X789:3",
		"1D23":   "ABC1D23:3",
		"9999":   "",
		"粤B9999": "",
	} {
		if got := show(q); got != want {
			t.Errorf("search %q = %q, want %q", q, got, want)
		}
	}
}

// TestFuzzyIndexAgreesWithScan: over random plates, the index finds
// exactly what comparing the query with every plate finds.
func TestFuzzyIndexAgreesWithScan(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	const alnum = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	randomPlate := func() string {
		b := []rune("粤B")
		for range 5 {
			b = append(b, rune(alnum[r.IntN(10)])) // digits only: many near neighbours
		}
		return string(b)
	}
	var keys []string
	for range 3000 {
		keys = append(keys, keyOf(t, randomPlate()))
	}
	x := plate.NewFuzzyIndex(keys)
	for range 200 {
		q := []rune(randomPlate())
		switch r.IntN(3) {
		case 0:
			q = append(q[:4], q[5:]...) // one missing
		case 1:
			q[3] = 'S'
		}
		fq, err := plate.ParseFuzzy(string(q))
		if err != nil {
			t.Fatal(err)
		}
		got := map[int]bool{}
		for _, m := range x.Search(fq) {
			if m.Rank <= plate.RankOneEdit {
				got[m.Pos] = true
			}
		}
		want := 0
		for i, k := range keys {
			if plate.WithinOneEdit([]rune(plate.FuzzyKey(k)), []rune(fq.String())) {
				want++
				if !got[i] {
					t.Fatalf("query %q misses %q", string(q), k)
				}
			}
		}
		if len(got) != want {
			t.Fatalf("query %q: index found %d, scan %d", string(q), len(got), want)
		}
	}
}

// FuzzParseFuzzy: any reading is parsed or refused, never a panic, and a
// parsed one can be searched.
func FuzzParseFuzzy(f *testing.F) {
	x := plate.NewFuzzyIndex([]string{"粤B12345", "京AD12345", "ABC1D23", "使014578"})
	for _, s := range []string{"粤B1234S", "2345", "abc-1234", "\xff\xfe", "京A·0D0Q", "临7KQ2M9X", "１２３４"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := plate.ParseFuzzy(s)
		if err != nil {
			return
		}
		for _, m := range x.Search(q) {
			if m.Pos < 0 || m.Pos >= x.Len() {
				t.Fatalf("position %d out of range", m.Pos)
			}
		}
	})
}
