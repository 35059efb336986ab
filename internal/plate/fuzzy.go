package plate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// MinFuzzyQuery is the fewest characters a fuzzy search accepts: fewer
// (two or three characters) match too many cars to help a driver.
const MinFuzzyQuery = 4

// MaxFuzzyQuery is the most characters a fuzzy search accepts.
const MaxFuzzyQuery = maxRunes

// FuzzyQuery is a parsed reading to search for: a whole plate (perhaps
// misread) or the part of one a driver remembers.
type FuzzyQuery struct {
	key   string // the plate's Key when the reading is a valid plate, else ""
	fuzzy []rune // every character through Confusable
}

// ParseFuzzy folds a reading as Normalize does and maps it through
// Confusable. It accepts MinFuzzyQuery to 16 letters, digits and Chinese
// characters; anything else is an *Error.
func ParseFuzzy(s string) (FuzzyQuery, error) {
	var buf [maxRunes]rune
	n, e := fold(s, &buf)
	if e != nil {
		return FuzzyQuery{}, e.of(s)
	}
	if n < MinFuzzyQuery {
		e := bad(WhyShort, fmt.Sprintf("give at least %d characters of the plate", MinFuzzyQuery), strconv.Itoa(MinFuzzyQuery))
		e.Short = true
		return FuzzyQuery{}, e.of(s)
	}
	for _, r := range buf[:n] {
		if !isDigit(r) && !isLetter(r) && !unicode.Is(unicode.Han, r) {
			return FuzzyQuery{}, badCharacter(r, WantSearch, fmt.Sprintf("unexpected character %q", r)).of(s)
		}
	}
	q := FuzzyQuery{}
	if p, err := Normalize(s); err == nil {
		q.key = p.Key
		q.fuzzy = []rune(FuzzyKey(p.Key)) // a Brazilian plate is searched in its key's form
		return q, nil
	}
	q.fuzzy = make([]rune, n)
	for i, r := range buf[:n] {
		q.fuzzy[i] = Confusable(r)
	}
	return q, nil
}

// Key is the plate's Key when the reading is a whole valid plate, else "".
func (q FuzzyQuery) Key() string { return q.key }

// String returns the query's fuzzy form.
func (q FuzzyQuery) String() string { return string(q.fuzzy) }

// WithinOneEdit reports whether a becomes b by changing, deleting or
// inserting at most one character.
func WithinOneEdit(a, b []rune) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		diff := 0
		for i := range a {
			if a[i] != b[i] {
				if diff++; diff > 1 {
					return false
				}
			}
		}
		return true
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		return slices.Equal(a[i:], b[i+1:])
	}
	return false
}

// Rank orders fuzzy matches, best first.
type Rank uint8

const (
	RankExact      Rank = iota // the same plate
	RankConfusable             // equal once 0/D/Q/O, 8/B, 1/I, 5/S, 2/Z, 6/G are taken as one
	RankOneEdit                // one wrong, missing or extra character (confusions aside)
	RankSuffix                 // the query is how the plate ends (what drivers remember)
	RankPartial                // the query appears inside the plate
)

// FuzzyMatch is one plate of a FuzzyIndex that matches a query.
type FuzzyMatch struct {
	Pos  int // the plate's position, as returned by Add
	Rank Rank
}

// gram is the length of the substrings indexed for partial queries; it
// equals MinFuzzyQuery so every accepted partial query has one.
const gram = MinFuzzyQuery

// maxMatches bounds one search's candidates (a 4-character query could
// otherwise gather every car of a huge lot).
const maxMatches = 2000

type entry struct {
	h   uint64
	pos int32
}

// FuzzyIndex finds plate keys near a query without scanning them: each
// plate is indexed by its fuzzy key, its one-character deletions (so one
// wrong, missing or extra character meets at a shared deletion) and its
// 4-character substrings. Lookups cost a few binary searches. Plates added
// after construction go to a short unsorted tail; rebuild to fold it in.
// It is not safe for concurrent use with Add.
type FuzzyIndex struct {
	keys    []string
	fuzzy   [][]rune
	entries []entry // sorted by h up to sorted, then the tail in Add order
	sorted  int
}

// NewFuzzyIndex indexes keys (plate Keys); positions are their indexes.
func NewFuzzyIndex(keys []string) *FuzzyIndex {
	x := &FuzzyIndex{keys: make([]string, 0, len(keys)), fuzzy: make([][]rune, 0, len(keys)),
		entries: make([]entry, 0, len(keys)*14)}
	for _, k := range keys {
		x.Add(k)
	}
	slices.SortFunc(x.entries, func(a, b entry) int {
		switch {
		case a.h < b.h:
			return -1
		case a.h > b.h:
			return 1
		}
		return int(a.pos - b.pos)
	})
	x.sorted = len(x.entries)
	return x
}

// Len is the number of plates added.
func (x *FuzzyIndex) Len() int { return len(x.keys) }

// Tail is the number of entries outside the sorted part.
func (x *FuzzyIndex) Tail() int { return len(x.entries) - x.sorted }

// Key returns the plate key at pos.
func (x *FuzzyIndex) Key(pos int) string { return x.keys[pos] }

// Add indexes one more plate key and returns its position.
func (x *FuzzyIndex) Add(key string) int {
	pos := int32(len(x.keys))
	f := []rune(FuzzyKey(key))
	x.keys = append(x.keys, key)
	x.fuzzy = append(x.fuzzy, f)
	x.entries = append(x.entries, entry{hashRunes('K', f, -1), pos})
	for i := range f {
		x.entries = append(x.entries, entry{hashRunes('D', f, i), pos})
	}
	for i := 0; i+gram <= len(f); i++ {
		x.entries = append(x.entries, entry{hashRunes('G', f[i:i+gram], -1), pos})
	}
	return int(pos)
}

// Search returns the plates matching q, best rank first; within a rank,
// the most recently added first. At most maxMatches are considered.
func (x *FuzzyIndex) Search(q FuzzyQuery) []FuzzyMatch {
	found := map[int32]Rank{}
	f := q.fuzzy
	note := func(pos int32, r Rank) {
		if cur, ok := found[pos]; (!ok && len(found) < maxMatches) || (ok && r < cur) {
			found[pos] = r
		}
	}
	edit := func(pos int32) {
		if g := x.fuzzy[pos]; slices.Equal(g, f) {
			if x.keys[pos] == q.key {
				note(pos, RankExact)
			} else {
				note(pos, RankConfusable)
			}
		} else if WithinOneEdit(g, f) {
			note(pos, RankOneEdit)
		}
	}
	x.lookup(hashRunes('K', f, -1), edit) // the same, confusions aside
	x.lookup(hashRunes('D', f, -1), edit) // the query misses a character
	for i := range f {
		d := hashRunes('K', f, i) // the query has an extra character
		x.lookup(d, edit)
		x.lookup(hashRunes('D', f, i), edit) // one character differs
	}
	qs := string(f)
	x.lookup(hashRunes('G', f[:gram], -1), func(pos int32) {
		g := string(x.fuzzy[pos])
		switch {
		case len(f) >= len(x.fuzzy[pos]):
		case strings.HasSuffix(g, qs):
			note(pos, RankSuffix)
		case strings.Contains(g, qs):
			note(pos, RankPartial)
		}
	})
	out := make([]FuzzyMatch, 0, len(found))
	for pos, r := range found {
		out = append(out, FuzzyMatch{Pos: int(pos), Rank: r})
	}
	slices.SortFunc(out, func(a, b FuzzyMatch) int {
		if a.Rank != b.Rank {
			return int(a.Rank) - int(b.Rank)
		}
		return b.Pos - a.Pos
	})
	return out
}

// lookup calls fn for every position with an entry of hash h.
func (x *FuzzyIndex) lookup(h uint64, fn func(pos int32)) {
	base := x.entries[:x.sorted]
	i, _ := slices.BinarySearchFunc(base, h, func(e entry, h uint64) int {
		switch {
		case e.h < h:
			return -1
		case e.h > h:
			return 1
		}
		return 0
	})
	for ; i < len(base) && base[i].h == h; i++ {
		fn(base[i].pos)
	}
	for _, e := range x.entries[x.sorted:] {
		if e.h == h {
			fn(e.pos)
		}
	}
}

// hashRunes is FNV-1a over a tag and rs without the character at skip
// (-1: none). Collisions only cost a wasted check: matches are verified.
func hashRunes(tag byte, rs []rune, skip int) uint64 {
	h := uint64(14695981039346656037)
	h = (h ^ uint64(tag)) * 1099511628211
	for i, r := range rs {
		if i == skip {
			continue
		}
		for v := uint32(r); ; v >>= 8 {
			h = (h ^ uint64(v&0xFF)) * 1099511628211
			if v < 0x100 {
				break
			}
		}
	}
	return h
}
