package lvcchong

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"parkd/internal/core"
	"parkd/internal/tariff"
)

// DecodePriceStandard decodes one standard (an element of
// getPriceStandard's data.list) without checking its values. Unknown
// fields, trailing data, values of the wrong JSON type and a key given
// twice are rejected; errors are *Error.
func DecodePriceStandard(doc []byte) (*PriceStandard, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	var d PriceStandard
	if err := dec.Decode(&d); err != nil {
		return nil, decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &Error{Msg: "trailing data after the standard"}
	}
	// A key given twice (in any case) is read here as its last value and
	// may be read as its first by the system the document came from.
	if k := core.RepeatedKey(doc); k != "" {
		return nil, &Error{Field: k, Msg: "同一参数只能出现一次（参数名不区分大小写）"}
	}
	return &d, nil
}

// ParsePriceStandard decodes, validates and translates one standard into
// the charging model; errors are *Error.
func ParsePriceStandard(doc []byte) (*tariff.ChargeStandard, error) {
	d, err := DecodePriceStandard(doc)
	if err != nil {
		return nil, err
	}
	return d.Standard()
}

// decodeError names the field of a decoding error where json says it.
func decodeError(err error) *Error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &Error{Field: te.Field, Msg: "must be a JSON " + te.Type.String() + ", not " + te.Value}
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if u, err := strconv.Unquote(f); err == nil {
			f = u
		}
		return &Error{Field: f, Msg: "unknown field"}
	}
	if err == io.EOF {
		return &Error{Msg: "empty document"}
	}
	return &Error{Msg: "malformed JSON: " + strings.TrimPrefix(err.Error(), "json: ")}
}
