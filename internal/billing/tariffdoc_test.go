package billing_test

import (
	"errors"
	"strings"
	"testing"

	"parkd/internal/billing"
	"parkd/internal/park"
)

// A refused tariff keeps the parser's rule and, for text that is not
// JSON, where it stops being JSON: a transport words both in its own
// language.
func TestCanonicalTariffNamesTheRule(t *testing.T) {
	for _, c := range []struct {
		doc, field, reason string
		offset             int64
	}{
		{`{"every":{"minutes":60}}`, "tariff.every.price", park.ReasonRequired, 0},
		{`{"every":{"minutes":"60","price":1}}`, "tariff.every.minutes", park.ReasonType, 0},
		// Reading stops after the x.
		{"{\n \"every\": x}", "tariff.every", park.ReasonSyntax, int64(strings.Index("{\n \"every\": x}", "x") + 1)},
	} {
		_, err := billing.CanonicalTariff(&park.Lot{Tariff: []byte(c.doc)})
		var pe *park.Error
		if !errors.As(err, &pe) || pe.Code != park.EInvalid || pe.Field != c.field || pe.Reason != c.reason || pe.Offset != c.offset {
			t.Errorf("%s: %+v, want field %s, reason %s, offset %d", c.doc, pe, c.field, c.reason, c.offset)
		}
	}
}
