package core

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// IndexedPath is the decoder's path of a wrong-typed value (field: its
// JSON names, dotted, without indexes) with the index of every array on
// the way, read from raw where the value starts (offset: just after its
// first token, as json.UnmarshalTypeError gives it):
// "rules.segments[1].price" rather than "rules.segments.price", which
// does not say which of six segments. field's own names are kept (a key
// is matched without regard to case); "" when raw does not lead there.
func IndexedPath(raw []byte, offset int64, field string) string {
	var stack []pathFrame
	done := func() { // a value of the innermost container is complete
		if n := len(stack); n > 0 {
			if stack[n-1].object {
				stack[n-1].expectKey = true
			} else {
				stack[n-1].index++
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		d, isDelim := tok.(json.Delim)
		n := len(stack)
		if isDelim && (d == '}' || d == ']') {
			stack = stack[:n-1]
			done()
			continue
		}
		if n > 0 && stack[n-1].object && stack[n-1].expectKey {
			stack[n-1].key, stack[n-1].expectKey = tok.(string), false
			continue
		}
		if dec.InputOffset() >= offset {
			return withNames(stack, field)
		}
		switch {
		case isDelim && d == '{':
			stack = append(stack, pathFrame{object: true, expectKey: true})
		case isDelim && d == '[':
			stack = append(stack, pathFrame{})
		default:
			done()
		}
	}
}

// pathFrame is an open object (its current key) or array (its current
// index) on the way to a value.
type pathFrame struct {
	object    bool
	expectKey bool // the object's next token is a key
	key       string
	index     int
}

// withNames writes the path of frames, its keys named as field names
// them when it names as many (else as raw spelled them).
func withNames(frames []pathFrame, field string) string {
	names := strings.Split(field, ".")
	keys := 0
	for _, f := range frames {
		if f.object {
			keys++
		}
	}
	var b strings.Builder
	k := 0
	for _, f := range frames {
		if !f.object {
			b.WriteString("[" + strconv.Itoa(f.index) + "]")
			continue
		}
		key := f.key
		if keys == len(names) {
			key = names[k]
		}
		k++
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(key)
	}
	return b.String()
}
