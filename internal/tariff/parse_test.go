package tariff

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"parkd/internal/park"
)

func TestParse(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		for _, doc := range []string{docIssue, docGrace, docFirst, docNight, docClasses, docCal2000,
			`{"bands":[{"name":"all","from":"00:00","to":"24:00","every":{"minutes":15,"price":1}}]}`,
			`{"bands":[{"name":"all","from":"07:00","to":"07:00","every":{"minutes":15,"price":1}}]}`,
			`{"every":{"minutes":1,"price":0},"bands":[]}`,
		} {
			mustParse(t, doc)
		}
	})
	t.Run("DocRoundTrip", func(t *testing.T) {
		tf := mustParse(t, docIssue)
		doc := tf.Doc()
		again := mustParse(t, string(doc))
		if !bytes.Equal(again.Doc(), doc) {
			t.Fatalf("canonical form is not stable:\n%s\n%s", doc, again.Doc())
		}
		want := `{"grace_minutes":15,"grace_deducted":false,"first":{"minutes":60,"price":500},` +
			`"every":{"minutes":30,"price":200},"bands":[` +
			`{"name":"day","from":"08:00","to":"20:00","every":{"minutes":30,"price":200},"cap":2000},` +
			`{"name":"night","from":"20:00","to":"08:00","every":{"minutes":60,"price":100},"cap":500}],` +
			`"daily_cap":3000,"daily_cap_window":"rolling","stay_cap":0,` +
			`"classes":{"large":{"every":{"minutes":30,"price":400}},"new_energy":{"grace_minutes":120}}}`
		if string(doc) != want {
			t.Fatalf("Doc() =\n%s\nwant\n%s", doc, want)
		}
		if d := mustParse(t, `{"every":{"minutes":30,"price":200}}`).Doc(); string(d) !=
			`{"grace_minutes":0,"grace_deducted":false,"every":{"minutes":30,"price":200},"daily_cap":0,"daily_cap_window":"rolling","stay_cap":0}` {
			t.Fatalf("defaults not written out: %s", d)
		}
	})
	t.Run("DocIsACopy", func(t *testing.T) {
		tf := mustParse(t, docGrace)
		d := tf.Doc()
		d[0] = 'x'
		if tf.Doc()[0] != '{' {
			t.Fatal("Doc() exposes internal state")
		}
	})
	t.Run("ClassOverrideEmptyBands", func(t *testing.T) {
		tf := mustParse(t, `{"every":{"minutes":60,"price":100},"bands":[
			{"name":"day","from":"08:00","to":"20:00","every":{"minutes":30,"price":200}},
			{"name":"night","from":"20:00","to":"08:00"}],
			"classes":{"motorcycle":{"bands":[]}}}`)
		if !bytes.Contains(tf.Doc(), []byte(`"motorcycle":{"bands":[]}`)) {
			t.Fatalf("an empty bands override must survive Doc(): %s", tf.Doc())
		}
		p := tf.planFor("motorcycle")
		if len(p.bands) != 1 || p.bands[0].name != noBandsLabel {
			t.Fatalf("motorcycle should have no bands: %+v", p.bands)
		}
	})
}

func TestParseErrors(t *testing.T) {
	const every = `"every":{"minutes":30,"price":200}`
	for _, c := range []struct {
		name, doc, field, msg string
	}{
		{"NotJSON", `{"every":`, "every", "unexpected end of JSON"},
		{"NotObject", `[]`, "document", "want object"},
		{"Trailing", `{` + every + `} {}`, "document", "unexpected data after the JSON object"},
		{"UnknownField", `{` + every + `,"grace":5}`, "grace", "unknown field"},
		{"DuplicateField", `{` + every + `,` + every + `}`, "every", "duplicate field"},
		{"NegativePrice", `{"every":{"minutes":30,"price":-1}}`, "every.price", "want 0..1000000000000"},
		{"ZeroBlock", `{"every":{"minutes":0,"price":1}}`, "every.minutes", "want 1..527040"},
		{"FractionalMinutes", `{"every":{"minutes":1.5,"price":1}}`, "every.minutes", "want integer"},
		{"StringPrice", `{"every":{"minutes":1,"price":"1"}}`, "every.price", "want integer"},
		{"MissingPrice", `{"every":{"minutes":1}}`, "every.price", "required"},
		{"UnknownBlockField", `{"every":{"minutes":1,"price":1,"unit":"h"}}`, "every.unit", "unknown field"},
		{"NoEvery", `{"grace_minutes":10}`, "every", "required when there are no bands"},
		{"NegativeGrace", `{` + every + `,"grace_minutes":-1}`, "grace_minutes", "want 0..527040"},
		{"GraceDeductedNotBool", `{` + every + `,"grace_deducted":1}`, "grace_deducted", "want true or false"},
		{"BadWindow", `{` + every + `,"daily_cap_window":"weekly"}`, "daily_cap_window", `want "rolling" or "calendar"`},
		{"NegativeCap", `{` + every + `,"daily_cap":-5}`, "daily_cap", "want 0..1000000000000"},
		{"BandTime", `{` + every + `,"bands":[{"name":"a","from":"08:00","to":"20:00"},{"name":"b","from":"8pm","to":"08:00"}]}`,
			"bands[1].from", "want HH:MM"},
		{"BandTime24From", `{` + every + `,"bands":[{"name":"a","from":"24:00","to":"20:00"}]}`, "bands[0].from", "want HH:MM"},
		{"BandMinute60", `{` + every + `,"bands":[{"name":"a","from":"00:60","to":"20:00"}]}`, "bands[0].from", "want HH:MM"},
		{"BandMissingTo", `{` + every + `,"bands":[{"name":"a","from":"00:00"}]}`, "bands[0].to", "want HH:MM"},
		{"BandOverlap", `{` + every + `,"bands":[{"name":"a","from":"08:00","to":"20:00"},{"name":"b","from":"19:00","to":"08:00"}]}`,
			"bands[1]", "overlaps bands[0] at 19:00"},
		{"BandGap", `{` + every + `,"bands":[{"name":"a","from":"08:00","to":"20:00"},{"name":"b","from":"21:00","to":"08:00"}]}`,
			"bands", "gap at 20:00: bands must cover the whole day"},
		{"BandNoName", `{` + every + `,"bands":[{"from":"00:00","to":"00:00"}]}`, "bands[0].name", "want a name of 1..64 bytes"},
		{"BandDuplicateName", `{` + every + `,"bands":[{"name":"a","from":"08:00","to":"20:00"},{"name":"a","from":"20:00","to":"08:00"}]}`,
			"bands[1].name", `duplicate band name "a"`},
		{"BandNoEvery", `{"bands":[{"name":"a","from":"08:00","to":"20:00","every":{"minutes":1,"price":1}},{"name":"b","from":"20:00","to":"08:00"}]}`,
			"bands[1].every", "required when the top-level every is absent"},
		{"BandUnknownField", `{` + every + `,"bands":[{"name":"a","from":"00:00","to":"00:00","price":3}]}`, "bands[0].price", "unknown field"},
		{"BandZeroBlock", `{"bands":[{"name":"a","from":"00:00","to":"00:00","every":{"minutes":0,"price":1}}]}`, "bands[0].every.minutes", "want 1..527040"},
		{"BandsNotArray", `{` + every + `,"bands":{}}`, "bands", "want array"},
		{"UnknownClass", `{` + every + `,"classes":{"truck":{}}}`, "classes.truck", "unknown vehicle class (want small, large, new_energy or motorcycle)"},
		{"ClassUnknownField", `{` + every + `,"classes":{"large":{"price":3}}}`, "classes.large.price", "unknown field"},
		{"ClassNested", `{` + every + `,"classes":{"large":{"classes":{}}}}`, "classes.large.classes", "unknown field"},
		{"ClassBadValue", `{` + every + `,"classes":{"large":{"every":{"minutes":30,"price":-4}}}}`, "classes.large.every.price", "want 0..1000000000000"},
		{"ClassBandsWithoutEvery", `{"bands":[{"name":"a","from":"00:00","to":"00:00","every":{"minutes":1,"price":1}}],` +
			`"classes":{"large":{"bands":[{"name":"x","from":"00:00","to":"00:00"}]}}}`,
			"classes.large.bands[0].every", "required when the top-level every is absent"},
		{"ClassNoBandsNoEvery", `{"bands":[{"name":"a","from":"00:00","to":"00:00","every":{"minutes":1,"price":1}}],` +
			`"classes":{"large":{"bands":[]}}}`,
			"classes.large.every", "required when there are no bands"},
		{"Deep", `{"classes":` + string(bytes.Repeat([]byte(`{"a":`), 20)) + `1` + string(bytes.Repeat([]byte(`}`), 21)),
			"classes.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a", "nested too deeply"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.doc))
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if te.Field != c.field || te.Msg != c.msg {
				t.Fatalf("err = %q, want field %q msg %q", err, c.field, c.msg)
			}
			if te.Reason == "" { // a reader in another language is told the rule by it
				t.Errorf("err = %q names no reason", err)
			}
			if want := "tariff: " + c.field + ": " + c.msg; err.Error() != want {
				t.Fatalf("Error() = %q, want %q", err.Error(), want)
			}
		})
	}
}

func TestParseSlot(t *testing.T) {
	s, err := ParseSlot("19:00", "08:00")
	if err != nil || s != (Slot{From: 19 * 60, To: 8 * 60}) {
		t.Fatalf("ParseSlot = %+v, %v", s, err)
	}
	if s, err := ParseSlot("00:00", "24:00"); err != nil || s.From != s.To {
		t.Fatalf("00:00-24:00 should be the whole day: %+v, %v", s, err)
	}
	if _, err := ParseSlot("7:00", "08:00"); err == nil || err.Error() != "tariff: from: want HH:MM" {
		t.Fatalf("err = %v", err)
	}
	if _, err := ParseSlot("07:00", "24:01"); err == nil || err.Error() != "tariff: to: want HH:MM" {
		t.Fatalf("err = %v", err)
	}
}

func TestValidClass(t *testing.T) {
	for _, c := range []string{"", "small", "large", "new_energy", "motorcycle"} {
		if !ValidClass(c) {
			t.Errorf("ValidClass(%q) = false", c)
		}
	}
	for _, c := range []string{"truck", "Small", " small"} {
		if ValidClass(c) {
			t.Errorf("ValidClass(%q) = true", c)
		}
	}
}

// A document that is not JSON says where reading stopped, so an editor
// can point at the line.
func TestParseErrorOffset(t *testing.T) {
	const doc = "{\n  \"every\": x\n}"
	_, err := Parse([]byte(doc))
	var te *Error
	if !errors.As(err, &te) || te.Reason != park.ReasonSyntax {
		t.Fatalf("err = %v, want a syntax error", err)
	}
	// Reading stops after the x, the first byte that is no JSON value.
	if want := int64(strings.Index(doc, "x") + 1); te.Offset != want {
		t.Errorf("offset %d, want %d", te.Offset, want)
	}
}

// TestDailyCapBelowABlock: a daily cap below the price of a block means
// that block is never charged its price (every day costs at most the cap),
// so the price written in the tariff never applies: almost always a typo
// (100 for 1000) or the wrong unit. A new document is refused, naming
// daily_cap; a document stored before the rule still prices.
func TestDailyCapBelowABlock(t *testing.T) {
	const why = ": no block would ever be charged its price; a flat daily rate is a block priced at the cap"
	for _, c := range []struct{ name, doc, field, msg string }{
		{"Every", `{"every":{"minutes":60,"price":250},"daily_cap":100}`, "daily_cap", "below every.price 250" + why},
		{"First", `{"first":{"minutes":60,"price":500},"every":{"minutes":60,"price":100},"daily_cap":300}`,
			"daily_cap", "below first.price 500" + why},
		{"Band", `{"every":{"minutes":60,"price":100},"daily_cap":200,"bands":[{"name":"day","from":"08:00","to":"20:00","every":{"minutes":60,"price":250}},` +
			`{"name":"night","from":"20:00","to":"08:00"}]}`, "daily_cap", "below bands[0].every.price 250" + why},
		{"ClassCap", `{"every":{"minutes":60,"price":250},"daily_cap":3000,"classes":{"motorcycle":{"daily_cap":100}}}`,
			"classes.motorcycle.daily_cap", "below every.price 250" + why},
		{"ClassPrice", `{"every":{"minutes":60,"price":100},"daily_cap":1000,"classes":{"large":{"every":{"minutes":60,"price":1500}}}}`,
			"daily_cap", "below classes.large.every.price 1500" + why},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.doc))
			var te *Error
			if !errors.As(err, &te) || te.Field != c.field || te.Msg != c.msg || te.Reason != park.ReasonRange {
				t.Fatalf("err = %v, want %s: %s (range)", err, c.field, c.msg)
			}
		})
	}
	// A cap equal to a block's price, no cap, and a class that lowers its
	// own cap below nothing it pays are fine.
	for _, doc := range []string{
		`{"every":{"minutes":60,"price":250},"daily_cap":250}`,
		`{"every":{"minutes":60,"price":250},"daily_cap":0}`,
		`{"every":{"minutes":60,"price":250},"daily_cap":3000,"classes":{"motorcycle":{"every":{"minutes":60,"price":50},"daily_cap":100}}}`,
	} {
		mustParse(t, doc)
	}
	// Stored before the rule: 10:00-13:00 is three blocks of 250, each cut
	// to what is left of the cap of 100: 100 + 0 + 0.
	tf, err := ParseStored([]byte(`{"every":{"minutes":60,"price":250},"daily_cap":100}`))
	if err != nil {
		t.Fatal(err)
	}
	e := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	if r := tf.Price(&Input{Entry: e, Exit: e.Add(3 * time.Hour)}, nil); r.Total != 100 {
		t.Fatalf("stored tariff prices 3 h at %d, want 100", r.Total)
	}
}
