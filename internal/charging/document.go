package charging

import (
	"encoding/json"

	"parkd/internal/core"
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
	var d standardDoc
	if err := core.DecodeObject(doc, &d, ""); err != nil {
		return StandardInput{}, err
	}
	return StandardInput{Name: d.Name, Family: d.Family, Display: d.Display, Remark: d.Remark, Rules: d.Rules}, nil
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
