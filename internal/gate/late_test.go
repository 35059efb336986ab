package gate_test

import (
	"strings"
	"testing"
	"time"

	"parkd/internal/gate"
	"parkd/internal/park"
)

// offline replays a lane's stored record (the car passed while the lane
// could not reach parkd), dated when it passed, as event id.
func (b *bundle) offline(t *testing.T, id, typ, plateText string, at time.Time) park.Decision {
	t.Helper()
	lane := "in-1"
	if typ == park.EventExit {
		lane = "out-1"
	}
	d, err := b.Sys.Gate.HandleEvent(b.Ctx, gate.EventInput{LotCode: b.Lot, ID: id, Type: typ, Plate: plateText, Lane: lane, At: at, Passed: true})
	if err != nil {
		t.Fatalf("offline %s %s at %s: %v", typ, plateText, at, err)
	}
	return d
}

// anomalyOf returns the lot's anomaly of kind about event id.
func (b *bundle) anomalyOf(t *testing.T, kind, eventID string) *park.Anomaly {
	t.Helper()
	as, err := b.Sys.Gate.ListAnomalies(b.Ctx, b.Lot, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.Kind == kind && a.EventID == eventID {
			return a
		}
	}
	t.Fatalf("no %s anomaly for event %s among %+v", kind, eventID, as)
	return nil
}

// TestLateOfflineExitOfAnEarlierVisit: an exit camera replays, after the
// car came back, the exit of its earlier visit. The car inside keeps its
// stay and pays for it when it leaves.
func TestLateOfflineExitOfAnEarlierVisit(t *testing.T) {
	b := setup(t)
	now := t0.Add(5 * time.Hour)
	b.Clock.Set(now.Add(-2 * time.Hour))
	b.Event(t, park.EventEntry, "京E96076", now.Add(-5*time.Hour))
	cur := b.Event(t, park.EventEntry, "京E96076", now.Add(-2*time.Hour)) // closes the first stay (reentry)

	b.Clock.Set(now.Add(-30 * time.Minute))
	late := b.offline(t, "cam-out:1", park.EventExit, "京E96076", now.Add(-3*time.Hour))
	wantDecision(t, late, park.DecisionOpen, park.ReasonOffline, 0)
	if late.StayID != "" {
		t.Fatalf("the late exit was put with stay %s", late.StayID)
	}
	if st := b.Stay(t, cur.StayID); st.State != park.StayIn || st.ExitAt != nil || st.Anomaly != "" {
		t.Fatalf("the stay inside became %+v", st)
	}
	if b.Occupied(t) != 1 {
		t.Fatalf("occupied %d, want 1", b.Occupied(t))
	}
	if a := b.anomalyOf(t, park.AnomalyLateRecord, "cam-out:1"); !a.At.Equal(now.Add(-3 * time.Hour)) {
		t.Fatalf("anomaly %+v, want it dated when that car left", a)
	}

	// Leaving now, after 2 hours inside: 4 started half hours of 2.00.
	b.Clock.Set(now)
	wantDecision(t, b.Event(t, park.EventExit, "京E96076", now), park.DecisionHold, park.ReasonPaymentRequired, 800)
}

// TestOfflineEntryAfterItsExit: an entry camera replays an entry whose
// exit parkd has already recorded with no stay. The stay is closed at
// that exit, unpaid, and the car is not counted inside.
func TestOfflineEntryAfterItsExit(t *testing.T) {
	now := t0.Add(5 * time.Hour)
	t.Run("LiveExitFirst", func(t *testing.T) {
		b := setup(t)
		b.Clock.Set(now)
		wantDecision(t, b.Event(t, park.EventExit, "京G96408", now), park.DecisionHold, park.ReasonMissedEntry, 0)

		b.Clock.Set(now.Add(time.Minute))
		in := b.offline(t, "cam-in:1", park.EventEntry, "京G96408", now.Add(-2*time.Hour))
		wantDecision(t, in, park.DecisionOpen, park.ReasonVisitor, 0)
		// 2 hours inside: 4 started half hours of 2.00, none of it paid.
		st := b.Stay(t, in.StayID)
		if st.State != park.StayOut || !st.EntryAt.Equal(now.Add(-2*time.Hour)) || st.ExitAt == nil || !st.ExitAt.Equal(now) ||
			st.ExitLane != "out-1" || st.Total != 800 || st.Paid != 0 || st.Anomaly != park.AnomalyLateRecord {
			t.Fatalf("stay %+v", st)
		}
		if b.Occupied(t) != 0 {
			t.Fatalf("occupied %d, want 0: the car has left", b.Occupied(t))
		}
		a := b.anomalyOf(t, park.AnomalyLateRecord, "cam-in:1")
		if a.StayID != in.StayID || !strings.Contains(a.Detail, "800 left unpaid") {
			t.Fatalf("anomaly %+v", a)
		}
	})
	t.Run("OfflineExitFirst", func(t *testing.T) {
		b := setup(t)
		b.Clock.Set(now)
		wantDecision(t, b.offline(t, "cam-out:1", park.EventExit, "京G96408", now.Add(-time.Hour)), park.DecisionOpen, park.ReasonOffline, 0)
		in := b.offline(t, "cam-in:1", park.EventEntry, "京G96408", now.Add(-2*time.Hour))
		// 1 hour inside: 2 started half hours of 2.00.
		st := b.Stay(t, in.StayID)
		if st.State != park.StayOut || st.ExitAt == nil || !st.ExitAt.Equal(now.Add(-time.Hour)) || st.Total != 400 || st.Paid != 0 {
			t.Fatalf("stay %+v", st)
		}
		if b.Occupied(t) != 0 {
			t.Fatalf("occupied %d, want 0", b.Occupied(t))
		}
	})
	t.Run("ExitBeforeTheEntry", func(t *testing.T) {
		// An exit before the entry is another visit's: the car is inside.
		b := setup(t)
		b.Clock.Set(now)
		b.offline(t, "cam-out:1", park.EventExit, "京G96408", now.Add(-3*time.Hour))
		in := b.offline(t, "cam-in:1", park.EventEntry, "京G96408", now.Add(-2*time.Hour))
		if st := b.Stay(t, in.StayID); st.State != park.StayIn || b.Occupied(t) != 1 {
			t.Fatalf("stay %+v, %d inside; want it inside", st, b.Occupied(t))
		}
	})
	t.Run("ExitPagesBack", func(t *testing.T) {
		// Three other cars' exits share its exit's time (recorded after
		// it) and two more come a minute later: the entry still closes at
		// its own exit, not at a later one nor another car's.
		b := setup(t)
		b.Clock.Set(now.Add(time.Minute))
		b.Event(t, park.EventExit, "京G96408", now)
		for _, p := range []string{"京A11111", "京A22222", "京A33333"} {
			b.Event(t, park.EventExit, p, now)
		}
		for _, p := range []string{"京B11111", "京B22222"} {
			b.Event(t, park.EventExit, p, now.Add(time.Minute))
		}
		in := b.offline(t, "cam-in:1", park.EventEntry, "京G96408", now.Add(-2*time.Hour))
		// 2 hours inside: 4 started half hours of 2.00, none of it paid.
		st := b.Stay(t, in.StayID)
		if st.State != park.StayOut || st.ExitAt == nil || !st.ExitAt.Equal(now) || st.Total != 800 || st.Paid != 0 {
			t.Fatalf("stay %+v, want it closed at its exit two pages back", st)
		}
		if b.Occupied(t) != 0 {
			t.Fatalf("occupied %d, want 0", b.Occupied(t))
		}
	})
	t.Run("ExitClosesOneStay", func(t *testing.T) {
		// Two replayed entries before one exit: the exit is the first's.
		b := setup(t)
		b.Clock.Set(now)
		b.Event(t, park.EventExit, "京G96408", now)
		first := b.offline(t, "cam-in:1", park.EventEntry, "京G96408", now.Add(-3*time.Hour))
		second := b.offline(t, "cam-in:2", park.EventEntry, "京G96408", now.Add(-2*time.Hour))
		if st := b.Stay(t, first.StayID); st.State != park.StayOut || !st.ExitAt.Equal(now) {
			t.Fatalf("first stay %+v, want it closed at the exit", st)
		}
		if st := b.Stay(t, second.StayID); st.ExitAt != nil && st.ExitAt.Equal(now) {
			t.Fatalf("second stay %+v closed at the same exit", st)
		}
	})
}

// TestLateOfflineEntryOfAnEarlierVisit: an entry camera replays, after the
// car came back through another lane, the entry of its earlier visit. The
// stay inside is neither closed nor shortened; the record is noted.
func TestLateOfflineEntryOfAnEarlierVisit(t *testing.T) {
	b := setup(t)
	now := t0.Add(5 * time.Hour)
	b.Clock.Set(now.Add(-2 * time.Hour))
	cur := b.Event(t, park.EventEntry, "京H96077", now.Add(-2*time.Hour))

	b.Clock.Set(now.Add(-30 * time.Minute))
	late := b.offline(t, "cam-in:9", park.EventEntry, "京H96077", now.Add(-5*time.Hour))
	wantDecision(t, late, park.DecisionOpen, park.ReasonOffline, 0)
	if late.StayID != "" {
		t.Fatalf("the late entry made stay %s", late.StayID)
	}
	if st := b.Stay(t, cur.StayID); st.State != park.StayIn || st.ExitAt != nil || !st.EntryAt.Equal(now.Add(-2*time.Hour)) {
		t.Fatalf("the stay inside became %+v", st)
	}
	if b.Occupied(t) != 1 {
		t.Fatalf("occupied %d, want 1", b.Occupied(t))
	}
	b.anomalyOf(t, park.AnomalyLateRecord, "cam-in:9")
	b.Clock.Set(now)
	wantDecision(t, b.Event(t, park.EventExit, "京H96077", now), park.DecisionHold, park.ReasonPaymentRequired, 800)
}

// TestReentryNeverEndsAStayBeforeItBegan: a live entry dated seconds
// before the open stay's own entry (two lanes' clocks disagree) closes
// that stay at its entry, not before it, and its own stay starts there
// too: the two never overlap.
func TestReentryNeverEndsAStayBeforeItBegan(t *testing.T) {
	b := setup(t)
	now := t0.Add(time.Hour)
	b.Clock.Set(now)
	old := b.Event(t, park.EventEntry, "京H96078", now)
	again := b.Event(t, park.EventEntry, "京H96078", now.Add(-10*time.Second))
	if st := b.Stay(t, old.StayID); st.State != park.StayOut || st.ExitAt == nil || !st.ExitAt.Equal(now) {
		t.Fatalf("old stay %+v: want closed at its entry %s", st, now)
	}
	if st := b.Stay(t, again.StayID); !st.EntryAt.Equal(now) {
		t.Fatalf("new stay entered %s, before the old one ended at %s", st.EntryAt, now)
	}
}
