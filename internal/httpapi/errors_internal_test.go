package httpapi

import (
	"net/http"
	"testing"

	"parkd/internal/park"
)

// TestEveryCodeHasAStatus: a core code missing from the table would
// answer 500 and be logged as a bug.
func TestEveryCodeHasAStatus(t *testing.T) {
	for _, c := range park.Codes() {
		st, ok := statusOf[c]
		if !ok {
			t.Errorf("code %q has no HTTP status", c)
		}
		if st == http.StatusInternalServerError && c != park.EInternal {
			t.Errorf("code %q answers 500, which says parkd has a bug", c)
		}
	}
	if len(statusOf) != len(park.Codes()) {
		t.Errorf("the table has %d rows for %d codes: a row for a code that no longer exists", len(statusOf), len(park.Codes()))
	}
}
