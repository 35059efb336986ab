package ebopark

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"parkd/internal/park"
	"parkd/internal/plate"
)

// TestRepliesMapEveryCode: every core code has its row (state -1, a
// Chinese desc), and so has every refusal of the dialect.
func TestRepliesMapEveryCode(t *testing.T) {
	for _, c := range park.Codes() {
		rep, ok := replies[c]
		if !ok {
			t.Errorf("core code %q has no row in replies", c)
			continue
		}
		if rep.state != -1 || rep.desc == "" {
			t.Errorf("%q: state %d desc %q, want -1 and a desc", c, rep.state, rep.desc)
		}
	}
	if len(replies) != len(park.Codes()) {
		t.Errorf("replies has %d rows for %d core codes: the dialect's own errors are refusals", len(replies), len(park.Codes()))
	}
	for k := refusedSign; k <= refusedNoResult; k++ {
		if rep, ok := refusals[k]; !ok || rep.state != -1 || rep.desc == "" {
			t.Errorf("refusal %d: %+v, %v", k, rep, ok)
		}
	}
}

// TestPlateWhysWordEveryKind: every kind of plate refusal is worded in
// Chinese.
func TestPlateWhysWordEveryKind(t *testing.T) {
	for _, why := range plate.Whys() {
		if plateWhys[why] == "" {
			t.Errorf("plate refusal %q has no words", why)
		}
	}
	for _, want := range plate.Wants() {
		if plateWants[want] == "" {
			t.Errorf("what a refused character's place takes, %q, has no words", want)
		}
	}
}

var asciiWord = regexp.MustCompile(`[A-Za-z]{2,}`)

// contractNames are the names docs/ebopark.md gives in code spans
// (parameters, operations, codes); JSON is the body's format.
func contractNames(t *testing.T) map[string]bool {
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "ebopark.md"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{"JSON": true}
	for _, m := range regexp.MustCompile("`([A-Za-z][A-Za-z0-9]*)`").FindAllSubmatch(doc, -1) {
		names[string(m[1])] = true
	}
	return names
}

// TestTextsAreChinese: every desc and hint a partner may read is Chinese
// but for the contract's names: no English, no Go type names.
func TestTextsAreChinese(t *testing.T) {
	names := contractNames(t)
	check := func(where, s string) {
		for _, w := range asciiWord.FindAllString(s, -1) {
			if !names[w] {
				t.Errorf("%s: %q has %q", where, s, w)
			}
		}
	}
	for c, r := range replies {
		check(string(c), r.desc)
	}
	for k, r := range refusals {
		check("refusal "+r.desc, refusals[k].desc)
	}
	for f, h := range validHints {
		check("validHints "+f, h)
	}
	for c, m := range codeHints {
		for f, h := range m {
			check("codeHints "+string(c)+" "+f, h)
		}
	}
	for name, op := range New(Config{}).ops {
		for c, m := range op.hints {
			for f, h := range m {
				check(name+" "+string(c)+" "+f, h)
			}
		}
		for _, f := range op.fields {
			check(name+" field", f)
		}
		for _, f := range op.about {
			check(name+" about", f)
		}
	}
	for _, f := range coreFields {
		check("coreFields", f)
	}
}

// TestVendorField: core fields are named as the operation's parameters,
// items of a list keep their index, unknown fields are not shown.
func TestVendorField(t *testing.T) {
	hotel := &operation{fields: map[string]string{"valid_to": "CheckOutTime"}}
	plain := &operation{}
	for _, c := range []struct {
		op         *operation
		core, want string
	}{
		{plain, "valid_to", "EndTime"},
		{hotel, "valid_to", "CheckOutTime"},
		{plain, "passes[1].valid_to", "MonthCars[1].EndTime"},
		{plain, "passes[12]", "MonthCars[12]"},
		{plain, "passes[0].no_such_field", "MonthCars[0]"},
		{plain, "no_such_field", ""},
		{plain, "nope[1].valid_to", ""},
		{plain, "", ""},
	} {
		if got := c.op.vendorField(c.core); got != c.want {
			t.Errorf("vendorField(%q) = %q, want %q", c.core, got, c.want)
		}
	}
	if got := leaf("MonthCars[1].EndTime"); got != "EndTime" {
		t.Errorf("leaf = %q", got)
	}
	if got := leaf("MonthCars[1]"); got != "MonthCars" {
		t.Errorf("leaf = %q", got)
	}
}
