package tariff

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"

	"parkd/internal/park"
)

// The parking document is decoded into a generic tree first, instead of
// straight into structs, so that every error (unknown or duplicate field,
// wrong type, bad value) can name the exact field path; encoding/json's
// own "unknown field" error carries no path.

// maxDocDepth is far deeper than a valid document (4 levels) and stops
// hostile nesting early.
const maxDocDepth = 16

func decodeTree(doc []byte) (any, *Error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	v, err := readTree(dec, "", 0)
	if err != nil {
		if err.Offset > 0 {
			// The decoder counts from the value it was reading; a scan of
			// the whole document says where in it the text stops being JSON.
			var se *json.SyntaxError
			if errors.As(json.Unmarshal(doc, new(any)), &se) {
				err.Msg, err.Offset = syntaxMsg(se), se.Offset
			}
		}
		return nil, err
	}
	if _, e := dec.Token(); e != io.EOF {
		return nil, fieldErr("document", park.ReasonSyntax, "unexpected data after the JSON object")
	}
	return v, nil
}

func readTree(dec *json.Decoder, path string, depth int) (any, *Error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxErr(path, err)
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil // string, json.Number, bool or nil
	}
	if depth >= maxDocDepth {
		return nil, fieldErr(pathOr(path), park.ReasonRange, "nested too deeply")
	}
	if d == '[' {
		a := []any{}
		for i := 0; dec.More(); i++ {
			v, e := readTree(dec, path+"["+strconv.Itoa(i)+"]", depth+1)
			if e != nil {
				return nil, e
			}
			a = append(a, v)
		}
		if _, err := dec.Token(); err != nil { // the closing ']'
			return nil, syntaxErr(path, err)
		}
		return a, nil
	}
	m := map[string]any{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, syntaxErr(path, err)
		}
		k, _ := kt.(string)
		fp := joinPath(path, k)
		if _, dup := m[k]; dup {
			return nil, fieldErr(fp, park.ReasonDuplicate, "duplicate field")
		}
		v, e := readTree(dec, fp, depth+1)
		if e != nil {
			return nil, e
		}
		m[k] = v
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, syntaxErr(path, err)
	}
	return m, nil
}

func syntaxErr(path string, err error) *Error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		e := fieldErr(pathOr(path), park.ReasonSyntax, syntaxMsg(se))
		e.Offset = max(se.Offset, 1) // decodeTree makes it the document's
		return e
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return fieldErr(pathOr(path), park.ReasonSyntax, "unexpected end of JSON")
	}
	return fieldErr(pathOr(path), park.ReasonSyntax, "invalid JSON: "+err.Error())
}

func syntaxMsg(se *json.SyntaxError) string {
	return "invalid JSON at byte " + strconv.FormatInt(se.Offset, 10) + ": " + se.Error()
}

func joinPath(path, key string) string {
	if key == "" {
		key = `""` // an empty key must still show in the error
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func pathOr(path string) string {
	if path == "" {
		return "document"
	}
	return path
}

// object is one decoded JSON object with its path, for typed field access.
type object struct {
	m    map[string]any
	path string
}

func asObject(v any, path string) (object, *Error) {
	m, ok := v.(map[string]any)
	if !ok {
		return object{}, fieldErr(pathOr(path), park.ReasonType, "want object")
	}
	return object{m: m, path: path}, nil
}

// only rejects fields outside known, reporting the alphabetically first one
// so the error is stable.
func (o object) only(known ...string) *Error {
	bad := ""
	for k := range o.m {
		found := false
		for _, n := range known {
			if k == n {
				found = true
				break
			}
		}
		if !found && (bad == "" || k < bad) {
			bad = k
		}
	}
	if bad != "" {
		return fieldErr(joinPath(o.path, bad), park.ReasonUnknown, "unknown field")
	}
	return nil
}

func (o object) int(key string, lo, hi int64) (v int64, present bool, err *Error) {
	raw, ok := o.m[key]
	if !ok {
		return 0, false, nil
	}
	fp := joinPath(o.path, key)
	n, ok := raw.(json.Number)
	if !ok {
		return 0, true, fieldErr(fp, park.ReasonType, "want integer")
	}
	v, e := strconv.ParseInt(string(n), 10, 64)
	if e != nil {
		return 0, true, fieldErr(fp, park.ReasonType, "want integer")
	}
	if v < lo || v > hi {
		return 0, true, fieldErr(fp, park.ReasonRange, "want "+strconv.FormatInt(lo, 10)+".."+strconv.FormatInt(hi, 10),
			strconv.FormatInt(lo, 10), strconv.FormatInt(hi, 10))
	}
	return v, true, nil
}

func (o object) bool(key string) (v, present bool, err *Error) {
	raw, ok := o.m[key]
	if !ok {
		return false, false, nil
	}
	b, ok := raw.(bool)
	if !ok {
		return false, true, fieldErr(joinPath(o.path, key), park.ReasonType, "want true or false")
	}
	return b, true, nil
}

func (o object) string(key string) (v string, present bool, err *Error) {
	raw, ok := o.m[key]
	if !ok {
		return "", false, nil
	}
	s, ok := raw.(string)
	if !ok {
		return "", true, fieldErr(joinPath(o.path, key), park.ReasonType, "want string")
	}
	return s, true, nil
}
