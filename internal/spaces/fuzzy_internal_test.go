package spaces

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/google/uuid"
)

// v7At is a UUIDv7 string for an instant (random bits zero).
func v7At(t time.Time) string {
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[:8], uint64(t.UnixMilli())<<16|0x7000)
	u[8] = 0x80
	return u.String()
}

// TestOverlapFrom: the catch-up re-reads the ids drawn up to fuzzyOverlap
// before the newest indexed one, and only those.
func TestOverlapFrom(t *testing.T) {
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	from := overlapFrom(v7At(at))
	for _, c := range []struct {
		ago  time.Duration
		read bool
	}{{0, true}, {fuzzyOverlap - time.Millisecond, true}, {fuzzyOverlap + time.Millisecond, false}, {time.Hour, false}} {
		if id := v7At(at.Add(-c.ago)); (id > from) != c.read {
			t.Errorf("id %v before: read %v, want %v (from %s, id %s)", c.ago, id > from, c.read, from, id)
		}
	}
	// Other ids (imported, tests) are read strictly after themselves.
	for _, id := range []string{"s0000042", "", "not-a-uuid"} {
		if got := overlapFrom(id); got != id {
			t.Errorf("overlapFrom(%q) = %q", id, got)
		}
	}
	if u := uuid.Must(uuid.NewV7()).String(); overlapFrom(u) >= u {
		t.Errorf("a fresh id %s is not above its overlap %s", u, overlapFrom(u))
	}
}
