package vzenith

import (
	"os"
	"testing"
)

// FuzzParsePush: no body crashes the parser, and what it accepts names a
// camera within the registry's bounds.
func FuzzParsePush(f *testing.F) {
	if b, err := os.ReadFile("testdata/push_entry.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"AlarmInfoPlate":{"serialno":"x","result":{"PlateResult":{"license":"_无_","plateid":"3","isoffline":"1"}}}}`))
	f.Add([]byte(`{"AlarmInfoPlate":null}`))
	f.Add([]byte(`{"AlarmInfoPlate":{"serialno":"x","result":{"PlateResult":{"timeStamp":{"Timeval":{"sec":-1,"usec":99999999}}}}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := parsePush(body)
		if err != nil {
			return
		}
		if r.Serial == "" || len(r.Serial) > 64 || r.PlateID < 0 {
			t.Fatalf("accepted %+v", r)
		}
		if r.HasPlate != (r.License != "") {
			t.Fatalf("HasPlate %v with license %q", r.HasPlate, r.License)
		}
	})
}

// FuzzFlexInt: a number or a numeric string, never a crash.
func FuzzFlexInt(f *testing.F) {
	for _, s := range []string{`1`, `"12"`, `null`, `""`, `"x"`, `1e3`, `-5`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var n flexInt
		_ = n.UnmarshalJSON(b)
	})
}
