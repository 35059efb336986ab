package linkc

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"parkd/internal/park"
)

// readBody reads the whole (bounded) body.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, park.Invalid("body", "is larger than %d bytes", mbe.Limit)
	}
	if err != nil {
		return nil, park.Invalid("body", "could not be read")
	}
	return b, nil
}

// decode reads one strict JSON object: unknown fields, trailing data and
// wrong types are refused with the field named. Messages never echo the
// input's values.
func decode(body []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var (
			syn *json.SyntaxError
			typ *json.UnmarshalTypeError
		)
		switch {
		case errors.Is(err, io.EOF):
			return park.Invalid("body", "is empty; a JSON object is required")
		case errors.As(err, &syn):
			return park.Invalid("body", "malformed JSON at byte %d", syn.Offset)
		case errors.As(err, &typ):
			field := typ.Field
			if field == "" {
				field = "body"
			}
			return park.Invalid(field, "has the wrong JSON type (%s)", typ.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return park.Invalid(name, "unknown field")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return park.Invalid("body", "truncated JSON")
		}
		return park.Invalid("body", "is not the expected JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return park.Invalid("body", "must hold exactly one JSON object")
	}
	return nil
}
