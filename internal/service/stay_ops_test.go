package service_test

import (
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/service"
)

func TestRemoveInside(t *testing.T) {
	b := setup(t)
	now := b.clock.Now()
	in := b.event(t, park.EventEntry, "粤B12345", now.Add(-time.Hour))
	b.event(t, park.EventEntry, "苏E6X789", now.Add(-time.Hour))
	if got := b.occupied(t); got != 2 {
		t.Fatalf("occupied %d, want 2", got)
	}
	if err := b.svc.RemoveInside(b.ctx, b.lot, "粤b 12345", "car towed"); err != nil {
		t.Fatal(err)
	}
	st := b.stay(t, in.StayID)
	if st.State != park.StayOut || st.Anomaly != service.AnomalyRemoved || st.ExitAt == nil || !st.ExitAt.Equal(now) {
		t.Fatalf("stay after removal: state %s anomaly %q exit %v", st.State, st.Anomaly, st.ExitAt)
	}
	if got := b.occupied(t); got != 1 {
		t.Fatalf("occupied %d after removal, want 1", got)
	}
	inside, err := b.svc.ListStays(b.ctx, service.StayQuery{LotCode: b.lot, State: park.StayIn})
	if err != nil {
		t.Fatal(err)
	}
	if len(inside) != 1 || inside[0].Plate != "苏E6X789" {
		t.Fatalf("inside after removal: %+v", inside)
	}
	as, err := b.svc.ListAnomalies(b.ctx, b.lot, 10)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range as {
		found = found || (a.Kind == service.AnomalyRemoved && a.StayID == in.StayID && a.Detail != "")
	}
	if !found {
		t.Fatalf("no removal anomaly in %+v", as)
	}
	// Removed twice: the car is no longer inside; nothing changes.
	wantCode(t, b.svc.RemoveInside(b.ctx, b.lot, "粤B12345", ""), park.ENotFound)
	if got := b.occupied(t); got != 1 {
		t.Fatalf("occupied %d after a refused removal, want 1", got)
	}
	// Its next exit read is a missed entry, not a charge.
	wantDecision(t, b.event(t, park.EventExit, "粤B12345", now), park.DecisionHold, park.ReasonMissedEntry, 0)
}

func TestRemoveInsideTemporaryIdentity(t *testing.T) {
	b := setup(t)
	d := b.event(t, park.EventEntry, "无牌车", b.clock.Now().Add(-time.Minute))
	if err := b.svc.RemoveInside(b.ctx, b.lot, d.Plate, ""); err != nil {
		t.Fatal(err)
	}
	if got := b.occupied(t); got != 0 {
		t.Fatalf("occupied %d, want 0", got)
	}
}

func TestRemoveInsideRefusals(t *testing.T) {
	b := setup(t)
	b.event(t, park.EventEntry, "粤B12345", b.clock.Now().Add(-time.Minute))
	wantCode(t, b.svc.RemoveInside(b.ctx, b.lot, "not a plate", ""), park.EInvalid)
	wantCode(t, b.svc.RemoveInside(b.ctx, b.lot, "京A99999", ""), park.ENotFound)
	wantCode(t, b.svc.RemoveInside(b.ctx, "999999999", "粤B12345", ""), park.ENotFound)
	long := make([]rune, service.MaxRemoveReason+1)
	for i := range long {
		long[i] = '原'
	}
	wantCode(t, b.svc.RemoveInside(b.ctx, b.lot, "粤B12345", string(long)), park.EInvalid)
	if got := b.occupied(t); got != 1 {
		t.Fatalf("occupied %d after refusals, want 1", got)
	}
}
