package core

import "testing"

// FuzzIndexedPath: any text and offset give a path or "", never a panic
// (a client's body reaches it whenever a value has the wrong type).
func FuzzIndexedPath(f *testing.F) {
	f.Add([]byte(`{"a":[{"p":1},{"p":"x"}]}`), int64(22), "a.p")
	f.Add([]byte(`{"a":[}`), int64(6), "a")
	f.Add([]byte(`]]}}`), int64(1), "")
	f.Fuzz(func(t *testing.T, raw []byte, offset int64, field string) {
		_ = IndexedPath(raw, offset, field)
	})
}
