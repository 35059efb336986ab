package tariff

import (
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the host's zoneinfo
)

func mustParse(t testing.TB, doc string) *Tariff {
	t.Helper()
	tf, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, doc)
	}
	return tf
}

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at reads "2006-01-02 15:04[:05]" as wall time in loc.
func at(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	layout := "2006-01-02 15:04"
	if len(s) > len(layout) {
		layout += ":05"
	}
	v, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// checkLines asserts the breakdown invariants every result must keep:
// charge lines tile [entry, exit] in order and add up to Gross, and the
// deduction lines add up to -Discount.
func checkLines(t testing.TB, in *Input, r Result) {
	t.Helper()
	var gross, disc int64
	var prev time.Time
	charges := 0
	for i, l := range r.Lines {
		if l.Amount < 0 {
			disc -= l.Amount
			continue
		}
		if disc != 0 {
			t.Fatalf("line %d: charge line after a deduction line: %+v", i, r.Lines)
		}
		if l.To.Before(l.From) {
			t.Fatalf("line %d runs backwards: %+v", i, l)
		}
		if charges > 0 && !l.From.Equal(prev) {
			t.Fatalf("line %d does not start where line %d ended: %+v", i, i-1, r.Lines)
		}
		prev = l.To
		charges++
		gross += l.Amount
	}
	if gross != r.Gross || disc != r.Discount {
		t.Fatalf("lines add up to gross %d discount %d, result says %d and %d: %+v", gross, disc, r.Gross, r.Discount, r.Lines)
	}
	if r.Total != r.Gross-r.Discount || r.Total < 0 || r.Due < 0 || r.Discount < 0 {
		t.Fatalf("inconsistent result %+v", r)
	}
	if charges > 0 {
		entry := unixOf(in.Entry)
		if got := r.Lines[0].From.Unix(); got != entry {
			t.Fatalf("first line starts %v, entry is %v", r.Lines[0].From, time.Unix(entry, 0).UTC())
		}
		exit := min(max(unixOf(in.Exit), entry), entry+maxStay)
		if got := prev.Unix(); got != exit {
			t.Fatalf("charge lines end at %v, exit is %v", prev, time.Unix(exit, 0).UTC())
		}
	}
}

// mustParseStored parses a random document as a stored one: the engine
// must price a daily cap below a block's price, which only new documents
// may not have.
func mustParseStored(t testing.TB, doc string) *Tariff {
	t.Helper()
	tf, err := ParseStored([]byte(doc))
	if err != nil {
		t.Fatalf("ParseStored: %v\n%s", err, doc)
	}
	return tf
}
