package park_test

import (
	"testing"
	"time"

	"parkd/internal/park"
)

// TestRetryAfter: the wait is the whole seconds until At, rounded up, at
// least one.
func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		at   time.Time
		want int64
	}{
		{now.Add(60 * time.Second), 60},
		{now.Add(5*time.Second + 400*time.Microsecond), 6}, // a part of a second is a second more
		{now.Add(5*time.Second + 999*time.Millisecond), 6},
		{now.Add(300 * time.Millisecond), 1},
		{now, 1},
		{now.Add(-time.Minute), 1}, // already past: never 0 or less
		{time.Time{}, 1},           // unknown
	} {
		if got := (&park.Error{Code: park.ERateLimited, At: c.at}).RetryAfter(now); got != c.want {
			t.Errorf("At now%+v: %d, want %d", c.at.Sub(now), got, c.want)
		}
	}
	var none *park.Error
	if got := none.RetryAfter(now); got != 1 {
		t.Errorf("nil error: %d, want 1", got)
	}
}
