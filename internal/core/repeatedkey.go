package core

import (
	"bytes"
	"encoding/json"
)

// RepeatedKey is the dotted path of the first key that one object of raw,
// valid JSON names twice, "" when none is. Keys compare as encoding/json
// matches them to fields, without regard to case: {"price":100,"Price":1}
// would be read as 1, and another reader of the same body might keep 100,
// so such a body is refused rather than read either way.
func RepeatedKey(raw []byte) string {
	// One list of keys for all open objects: an object's keys are those
	// from its start, as a closed child's are dropped.
	type frame struct {
		object bool
		key    bool // an object's next string is a key
		start  int  // its first key in keys
		at     int  // the key it is the value of, -1 for none
	}
	var (
		sbuf  [8]frame
		kbuf  [16][]byte
		stack = sbuf[:0]
		keys  = kbuf[:0]
		last  = -1 // the key whose value comes next
	)
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; c {
		case '{', '[':
			at := -1
			if n := len(stack); n > 0 {
				at = stack[n-1].at
				if stack[n-1].object {
					at = last
				}
			}
			stack = append(stack, frame{object: c == '{', key: c == '{', start: len(keys), at: at})
		case '}', ']':
			if n := len(stack); n > 0 {
				keys = keys[:stack[n-1].start]
				stack = stack[:n-1]
			}
		case ',':
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].key = true
			}
		case '"':
			j, escaped := i+1, false
			for j < len(raw) && raw[j] != '"' {
				if raw[j] == '\\' {
					escaped = true
					j++
				}
				j++
			}
			if j >= len(raw) {
				return "" // not valid JSON: the decoder says so
			}
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].key {
				k := raw[i+1 : j]
				if escaped {
					var s string
					if json.Unmarshal(raw[i:j+1], &s) != nil {
						return ""
					}
					k = []byte(s)
				}
				for x := stack[n-1].start; x < len(keys); x++ {
					if bytes.EqualFold(keys[x], k) {
						path, prev := "", -1
						for _, f := range stack[:n] {
							if f.at >= 0 && f.at != prev {
								path += string(keys[f.at]) + "."
							}
							prev = f.at
						}
						return path + string(keys[x])
					}
				}
				keys = append(keys, k)
				stack[n-1].key = false
				last = len(keys) - 1
			}
			i = j
		}
	}
	return ""
}
