package access

import (
	"fmt"
	"math/rand"
	"testing"
	"time"
	_ "time/tzdata"

	"parkd/internal/park"
	"parkd/internal/tariff"
)

// TestSlotWindowsPriceAsTheTariffsSlots: a time-slot pass frees the same
// time whether it covers the stay (the tariff reads its slots) or ends
// during it (slotWindows lists them), in zones whose clocks change,
// by an hour or by half of one, at midnight or not.
func TestSlotWindowsPriceAsTheTariffsSlots(t *testing.T) {
	tf, err := tariff.Parse([]byte(`{"every":{"minutes":7,"price":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	zones := []string{"Europe/Berlin", "America/New_York", "America/Santiago", "Australia/Lord_Howe", "America/Havana", "Asia/Shanghai"}
	for i := range 600 {
		loc, err := time.LoadLocation(zones[i%len(zones)])
		if err != nil {
			t.Fatal(err)
		}
		// Stays of up to three days starting within a few days of a clock
		// change (most zones change in March/April and October/November).
		month := []time.Month{time.March, time.April, time.September, time.October, time.November}[rng.Intn(5)]
		entry := time.Date(2026, month, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.Intn(30*24*60)) * time.Minute)
		exit := entry.Add(time.Duration(1+rng.Intn(3*24*60)) * time.Minute)
		clock := func() string { return fmt.Sprintf("%02d:%02d", rng.Intn(24), rng.Intn(4)*15) }
		slots := []park.Slot{{From: clock(), To: clock()}}
		if rng.Intn(2) == 0 {
			slots = append(slots, park.Slot{From: clock(), To: clock()})
		}
		whole := tariff.Input{Entry: entry, Exit: exit, Loc: loc}
		for _, s := range slots {
			whole.FreeSlots = append(whole.FreeSlots, tariffSlot(s))
		}
		listed := tariff.Input{Entry: entry, Exit: exit, Loc: loc, FreeWindows: slotWindows(slots, loc, entry, exit)}
		if a, b := tf.Price(&whole, nil).Total, tf.Price(&listed, nil).Total; a != b {
			t.Fatalf("%s %v to %v, slots %v: %d read as slots, %d as listed windows", loc, entry, exit, slots, a, b)
		}
	}
}
