package jobs

import (
	"testing"
	"time"
)

// TestDailyUTC: due at the next midnight UTC, from any time of day, in
// any zone, and a day on from a midnight itself.
func TestDailyUTC(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	for _, c := range []struct{ from, want time.Time }{
		{time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC), time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 10, 23, 59, 59, 0, time.UTC), time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 11, 7, 0, 0, 0, shanghai), time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)},
	} {
		if got := (dailyUTC{}).Next(c.from); !got.Equal(c.want) {
			t.Errorf("Next(%s) = %s, want %s", c.from, got, c.want)
		}
	}
}
