package park_test

import (
	"testing"

	"parkd/internal/park"
)

func TestMajorUnit(t *testing.T) {
	for code, want := range map[string]int64{"CNY": 100, "BRL": 100, "JPY": 1, "KWD": 1000} {
		if got := park.MajorUnit(code); got != want {
			t.Errorf("MajorUnit(%s) = %d, want %d", code, got, want)
		}
	}
}
