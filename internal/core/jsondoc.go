package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"parkd/internal/park"
)

// DecodeObject decodes raw, one strict JSON object, into v: bytes that
// are not UTF-8, malformed JSON, unknown fields, wrong types, trailing
// data and a field named twice (RepeatedKey) are refused as EInvalid
// naming the field (whole for the document itself), with the reason and,
// where the text stops being JSON, its byte.
//
// Bytes that are not UTF-8 are refused before decoding: encoding/json
// would store each as U+FFFD, so text such as a GBK lane name would be
// kept changed instead of refused (park.BadText).
func DecodeObject(raw []byte, v any, whole string) error {
	if i := park.InvalidUTF8(raw); i >= 0 {
		return park.Invalid(whole, "is not valid UTF-8 (byte %d)", i).Because(park.ReasonSyntax)
	}
	// encoding/json reads null into a struct as nothing at all: a create
	// would name its first missing field, a patch change nothing. (Into a
	// raw document, null stays a value: PUT null clears a tariff.)
	if t := reflect.TypeOf(v); t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return park.Invalid(whole, "must be an object, not null").Because(park.ReasonType)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) && typ.Field != "" {
			if path := IndexedPath(raw, typ.Offset, typ.Field); path != "" {
				return park.Invalid(path, "must be %s, not %s", JSONType(typ.Type), typ.Value).Because(park.ReasonType)
			}
			// The decoder's path has no index: say that an item, not
			// the array itself, has the wrong type.
			if ft := fieldType(reflect.TypeOf(v), typ.Field); ft != nil && isList(ft) && deref(ft) != deref(typ.Type) {
				return park.Invalid(typ.Field, "each item must be %s, not %s", JSONType(typ.Type), typ.Value).Because(park.ReasonType)
			}
		}
		return JSONError(err, whole, int64(len(raw)))
	}
	if _, err := dec.Token(); err != io.EOF {
		e := park.Invalid(whole, "must hold exactly one JSON object").Because(park.ReasonSyntax)
		e.Offset = dec.InputOffset()
		return e
	}
	if k := RepeatedKey(raw); k != "" {
		return park.Invalid(k, "is named twice in one object; send it once").Because(park.ReasonDuplicate)
	}
	return nil
}

// JSONError explains a decoding failure of a document of size bytes in
// terms of its fields (whole: the document itself).
func JSONError(err error, whole string, size int64) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		pe  *park.Error
	)
	switch {
	case errors.Is(err, io.EOF):
		return park.Invalid(whole, "is empty; a JSON object is required").Because(park.ReasonRequired)
	case errors.As(err, &syn):
		e := park.Invalid(whole, "malformed JSON at byte %d", syn.Offset).Because(park.ReasonSyntax)
		e.Offset = syn.Offset
		return e
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = whole
		}
		return park.Invalid(field, "must be %s, not %s", JSONType(typ.Type), typ.Value).Because(park.ReasonType)
	case IsUnknownField(err):
		name, _ := UnknownField(err)
		return park.Invalid(name, "unknown field").Because(park.ReasonUnknown)
	case errors.Is(err, io.ErrUnexpectedEOF):
		e := park.Invalid(whole, "truncated JSON").Because(park.ReasonSyntax)
		e.Offset = size
		return e
	case errors.As(err, &pe):
		return err
	}
	return park.Invalid(whole, "%v", strings.TrimPrefix(err.Error(), "json: ")).Because(park.ReasonSyntax)
}

// JSONType names the JSON type a Go type is decoded from, as a client's
// document names it ("an integer", "an object"): never parkd's own Go
// type names (core.doc, float64), which tell a client nothing.
func JSONType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[time.Time]() {
		return "an RFC 3339 time"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "another JSON type"
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func isList(t reflect.Type) bool {
	t = deref(t)
	return (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && t.Elem().Kind() != reflect.Uint8
}

// fieldType is the Go type of the field at a decoder's dotted path (JSON
// names, an embedded struct's Go name, no indexes) within t; nil when the
// path does not resolve.
func fieldType(t reflect.Type, path string) reflect.Type {
	for i, part := range strings.Split(path, ".") {
		t = deref(t)
		for i > 0 && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
			t = deref(t.Elem()) // the next part is in the list's or map's items
		}
		if t.Kind() != reflect.Struct {
			return nil
		}
		var next reflect.Type
		for j := range t.NumField() {
			f := t.Field(j)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == part || (name == "" && strings.EqualFold(f.Name, part)) || (f.Anonymous && f.Name == part) {
				next = f.Type
				break
			}
		}
		if next == nil {
			return nil
		}
		t = next
	}
	return t
}

// UnknownField is the name of the field a decoder with
// DisallowUnknownFields refused: encoding/json has no typed error for it,
// and its text names the field, quoted.
func UnknownField(err error) (string, bool) {
	f, ok := strings.CutPrefix(err.Error(), "json: unknown field ")
	if !ok {
		return "", false
	}
	if u, err := strconv.Unquote(f); err == nil {
		return u, true
	}
	return strings.Trim(f, `"`), true
}

// IsUnknownField says whether err is a refused unknown field (UnknownField).
func IsUnknownField(err error) bool { _, ok := UnknownField(err); return ok }
