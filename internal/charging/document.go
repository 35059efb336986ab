package charging

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"parkd/internal/park"
)

// standardDoc is a price standard as one JSON document: what an operator
// types in the console, every field of a standard but its id (the page's
// address gives it, or the store the next one).
type standardDoc struct {
	Name    string           `json:"name"`
	Family  int              `json:"family"`
	Display string           `json:"display"`
	Remark  string           `json:"remark"`
	Rules   park.ChargeRules `json:"rules"`
}

// ParseStandard reads a standard typed as one JSON document (name,
// family, display, remark, rules); CreateStandard and ReplaceStandard
// check what it returns. Errors are EInvalid naming the document's field
// ("" for the whole), with the rule that refused it (park.Error.Reason)
// and, for text that is not JSON, where it stops being JSON (Offset).
func ParseStandard(doc []byte) (StandardInput, error) {
	if i := park.InvalidUTF8(doc); i >= 0 {
		return StandardInput{}, park.Invalid("", "is not valid UTF-8 (byte %d)", i).Because(park.ReasonSyntax)
	}
	var d standardDoc
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	err := dec.Decode(&d)
	if err == nil {
		if _, end := dec.Token(); end != io.EOF {
			e := park.Invalid("", "must hold exactly one JSON object").Because(park.ReasonSyntax)
			e.Offset = dec.InputOffset()
			return StandardInput{}, e
		}
		return StandardInput{Name: d.Name, Family: d.Family, Display: d.Display, Remark: d.Remark, Rules: d.Rules}, nil
	}
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.Is(err, io.EOF):
		return StandardInput{}, park.Invalid("", "is empty; a JSON object is required").Because(park.ReasonRequired)
	case errors.Is(err, io.ErrUnexpectedEOF):
		e := park.Invalid("", "unexpected end of JSON").Because(park.ReasonSyntax)
		e.Offset = int64(len(doc))
		return StandardInput{}, e
	case errors.As(err, &syn):
		e := park.Invalid("", "malformed JSON at byte %d", syn.Offset).Because(park.ReasonSyntax)
		e.Offset = syn.Offset
		return StandardInput{}, e
	case errors.As(err, &typ):
		return StandardInput{}, park.Invalid(typ.Field, "must be a JSON %s, not %s", typ.Type.Kind(), typ.Value).Because(park.ReasonType)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return StandardInput{}, park.Invalid(name, "unknown field").Because(park.ReasonUnknown)
	}
	return StandardInput{}, park.Invalid("", "%s", strings.TrimPrefix(err.Error(), "json: ")).Because(park.ReasonSyntax)
}

// StandardDocument writes p as the document ParseStandard reads.
func StandardDocument(p *park.PriceStandard) []byte {
	d := standardDoc{Name: p.Name, Family: p.Family, Display: p.Display, Remark: p.Remark, Rules: p.Rules}
	if d.Rules.Segments == nil {
		d.Rules.Segments = []park.ChargeSegment{}
	}
	b, _ := json.MarshalIndent(d, "", "  ")
	return b
}
