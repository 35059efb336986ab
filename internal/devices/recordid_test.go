package devices_test

import (
	"strings"
	"testing"
	"time"

	"parkd/internal/devices"
	"parkd/internal/park"
)

// TestUnusableRecordIDStillKeptOnce: a camera's record id is the
// camera's own text. One that cannot be part of an event id (a control
// character, or longer than fits) must neither leave a car's offline
// record stuck in the camera, resent for ever, nor keep it twice when
// the camera resends it: the record is kept once, under an id made from
// the record id, the same at every resend.
func TestUnusableRecordIDStillKeptOnce(t *testing.T) {
	b := setup(t)
	b.register(t, "cam-in", "in-1")
	passed := b.Clock.Now().Add(-20 * time.Minute)
	for _, rec := range []string{"12\a34", strings.Repeat("9", 80)} {
		for i := range 2 {
			ans, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: rec, Offline: true, At: passed})
			if err != nil || !ans.Recorded {
				t.Fatalf("plate-less record %q, sent %d times: %+v %v; want it recorded", rec, i+1, ans, err)
			}
		}
	}
	as, err := b.Sys.Gate.ListAnomalies(b.Ctx, b.Lot, 100)
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, a := range as {
		if a.Kind == park.AnomalyPlatelessRecord {
			kept++
		}
	}
	if kept != 2 {
		t.Fatalf("%d plate-less records kept, want 2: each of the two records once, though each came twice", kept)
	}
}
