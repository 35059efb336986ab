package core

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestSecretIDs(t *testing.T) {
	// Ids made a millisecond apart sort in the order they were made, so
	// an index of them is appended to.
	var made []string
	for range 5 {
		made = append(made, NewSecretID())
		time.Sleep(2 * time.Millisecond)
	}
	if !slices.IsSorted(made) {
		t.Fatalf("ids a millisecond apart are not in time order: %v", made)
	}
	// Within one millisecond they are still all different: 74 random bits.
	seen := map[string]bool{}
	for range 10_000 {
		id := NewSecretID()
		if seen[id] {
			t.Fatalf("%s made twice", id)
		}
		seen[id] = true
		u, err := uuid.Parse(id)
		if err != nil || !IsID(id) {
			t.Fatalf("%q is not an id: %v", id, err)
		}
		if u.Version() != 7 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("%s: version %d variant %v, want 7 and RFC 4122", id, u.Version(), u.Variant())
		}
		var ms int64
		for _, b := range u[:6] {
			ms = ms<<8 | int64(b)
		}
		if at := time.UnixMilli(ms); time.Since(at) < 0 || time.Since(at) > time.Minute {
			t.Fatalf("%s carries the time %v, not now", id, at)
		}
	}
}
