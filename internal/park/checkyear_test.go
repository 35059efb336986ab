package park_test

import (
	"testing"
	"time"

	"parkd/internal/park"
)

// TestCheckYear: the year is read as written, in the time's own zone.
func TestCheckYear(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	for _, c := range []struct {
		t  time.Time
		ok bool
	}{
		{time.Date(2000, 1, 1, 0, 0, 0, 0, shanghai), true}, // 1999 in UTC, 2000 as written
		{time.Date(1999, 12, 31, 23, 59, 59, 0, shanghai), false},
		{time.Date(9000, 12, 31, 23, 59, 59, 0, time.UTC), true},
		{time.Date(9001, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(9999, 12, 31, 23, 59, 59, 0, shanghai), false},
		{time.Date(1, 1, 1, 0, 0, 0, 0, shanghai), false},
	} {
		err := park.CheckYear("valid_to", c.t)
		if (err == nil) != c.ok {
			t.Errorf("%v: %v, want ok %v", c.t, err, c.ok)
		}
		if pe, _ := err.(*park.Error); err != nil && (pe.Code != park.EInvalid || pe.Field != "valid_to") {
			t.Errorf("%v: %#v", c.t, err)
		}
	}
}
