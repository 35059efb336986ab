package gate_test

import (
	"testing"
	"time"

	"parkd/internal/gate"
	"parkd/internal/park"
)

func TestRemoveInside(t *testing.T) {
	b := setup(t)
	now := b.Clock.Now()
	in := b.Event(t, park.EventEntry, "粤B12345", now.Add(-time.Hour))
	b.Event(t, park.EventEntry, "苏E6X789", now.Add(-time.Hour))
	if got := b.Occupied(t); got != 2 {
		t.Fatalf("occupied %d, want 2", got)
	}
	if err := b.Sys.Gate.RemoveInside(b.Ctx, "", b.Lot, "粤b 12345", "guard-1", "car towed"); err != nil {
		t.Fatal(err)
	}
	st := b.Stay(t, in.StayID)
	if st.State != park.StayOut || st.Anomaly != gate.AnomalyRemoved || st.ExitAt == nil || !st.ExitAt.Equal(now) {
		t.Fatalf("stay after removal: state %s anomaly %q exit %v", st.State, st.Anomaly, st.ExitAt)
	}
	if got := b.Occupied(t); got != 1 {
		t.Fatalf("occupied %d after removal, want 1", got)
	}
	inside, err := b.Sys.Gate.ListStays(b.Ctx, gate.StayQuery{LotCode: b.Lot, State: park.StayIn})
	if err != nil {
		t.Fatal(err)
	}
	if len(inside) != 1 || inside[0].Plate != "苏E6X789" {
		t.Fatalf("inside after removal: %+v", inside)
	}
	as, err := b.Sys.Gate.ListAnomalies(b.Ctx, b.Lot, 10)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range as {
		found = found || (a.Kind == gate.AnomalyRemoved && a.StayID == in.StayID && a.Detail == "removed from the cars inside by guard-1: car towed")
	}
	if !found {
		t.Fatalf("no removal anomaly in %+v", as)
	}
	// Removed twice: the car is no longer inside; nothing changes.
	wantCode(t, b.Sys.Gate.RemoveInside(b.Ctx, "", b.Lot, "粤B12345", "", ""), park.ENotFound)
	if got := b.Occupied(t); got != 1 {
		t.Fatalf("occupied %d after a refused removal, want 1", got)
	}
	// Its next exit read is a missed entry, not a charge.
	wantDecision(t, b.Event(t, park.EventExit, "粤B12345", now), park.DecisionHold, park.ReasonMissedEntry, 0)
}

func TestRemoveInsideTemporaryIdentity(t *testing.T) {
	b := setup(t)
	d := b.Event(t, park.EventEntry, "无牌车", b.Clock.Now().Add(-time.Minute))
	if err := b.Sys.Gate.RemoveInside(b.Ctx, "", b.Lot, d.Plate, "", ""); err != nil {
		t.Fatal(err)
	}
	if got := b.Occupied(t); got != 0 {
		t.Fatalf("occupied %d, want 0", got)
	}
}

func TestRemoveInsideRefusals(t *testing.T) {
	b := setup(t)
	b.Event(t, park.EventEntry, "粤B12345", b.Clock.Now().Add(-time.Minute))
	wantCode(t, b.Sys.Gate.RemoveInside(b.Ctx, "", b.Lot, "not a plate", "", ""), park.EInvalid)
	wantCode(t, b.Sys.Gate.RemoveInside(b.Ctx, "", b.Lot, "京A99999", "", ""), park.ENotFound)
	wantCode(t, b.Sys.Gate.RemoveInside(b.Ctx, "", "999999999", "粤B12345", "", ""), park.ENotFound)
	long := make([]rune, gate.MaxRemoveReason+1)
	for i := range long {
		long[i] = '原'
	}
	wantCode(t, b.Sys.Gate.RemoveInside(b.Ctx, "", b.Lot, "粤B12345", "", string(long)), park.EInvalid)
	if got := b.Occupied(t); got != 1 {
		t.Fatalf("occupied %d after refusals, want 1", got)
	}
}
