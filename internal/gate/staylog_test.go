package gate_test

import (
	"fmt"
	"testing"
	"time"

	"parkd/internal/park"
)

// TestStayLogOfAnOldStay: a stay's anomalies and the barrier commands at
// its lanes around its visit are found however many came after it (the
// lot's 500 newest anomalies no longer hold them).
func TestStayLogOfAnOldStay(t *testing.T) {
	b := setup(t)
	b.Clock.Set(t0.Add(-30 * time.Minute))
	b.Event(t, park.EventEntry, "京B00001", t0.Add(-2*time.Hour)) // in-1 is a lane the cameras reported
	if _, err := b.gate(t, "in-1", park.GateOpen); err != nil {  // 20 minutes before the window
		t.Fatal(err)
	}
	b.Clock.Set(t0)
	first := b.Event(t, park.EventEntry, "京A12345", t0)
	b.Clock.Set(t0.Add(5 * time.Minute))
	if _, err := b.gate(t, "in-1", park.GateOpen); err != nil { // an operator's lift for it
		t.Fatal(err)
	}
	b.Clock.Set(t0.Add(time.Hour))
	b.Event(t, park.EventEntry, "京A12345", t0.Add(time.Hour)) // closes the first stay: reentry
	b.Clock.Set(t0.Add(2 * time.Hour))
	for i := range 510 {
		b.Event(t, park.EventExit, fmt.Sprintf("京C%05d", i), t0.Add(2*time.Hour)) // missed_entry, each
	}
	b.Clock.Set(t0.Add(3 * time.Hour))
	newest, err := b.Sys.Gate.ListAnomalies(b.Ctx, b.Lot, 500)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range newest {
		if a.StayID == first.StayID {
			t.Fatal("the stay's anomaly is among the lot's 500 newest: the test shows nothing")
		}
	}
	st := b.Stay(t, first.StayID)
	as, cmds, err := b.Sys.Gate.StayLog(b.Ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 || as[0].Kind != park.AnomalyReentry || as[0].StayID != first.StayID {
		t.Fatalf("anomalies %+v: want the stay's reentry", as)
	}
	if len(cmds) != 1 || cmds[0].Lane != "in-1" || cmds[0].Command != park.GateOpen || !cmds[0].At.Equal(t0.Add(5*time.Minute)) {
		t.Fatalf("barrier commands %+v: want the open at 5 minutes, not the one 30 minutes before", cmds)
	}
}
