package gate_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/plate"
	"parkd/internal/systemtest"
)

// anomalyReads notes the plate of every anomaly its transactions
// (readsTx) read, once armed: which rows a replayed entry's search went
// through.
type anomalyReads struct {
	mu     sync.Mutex
	armed  bool
	plates []string
}

func (s *anomalyReads) note(as []*park.Anomaly) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.armed {
		for _, a := range as {
			s.plates = append(s.plates, a.Plate)
		}
	}
}

// read arms the store, runs do, and returns the plates of the anomalies
// read meanwhile.
func (s *anomalyReads) read(do func()) []string {
	s.mu.Lock()
	s.armed, s.plates = true, nil
	s.mu.Unlock()
	do()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.armed = false
	return s.plates
}

type readsTx struct {
	park.Tx
	s *anomalyReads
}

func (t readsTx) ListAnomalies(ctx context.Context, f park.AnomalyFilter) ([]*park.Anomaly, error) {
	as, err := t.Tx.ListAnomalies(ctx, f)
	t.s.note(as)
	return as, err
}

func (t readsTx) ListPlateAnomalies(ctx context.Context, f park.PlateAnomalyFilter) ([]*park.Anomaly, error) {
	as, err := t.Tx.ListPlateAnomalies(ctx, f)
	t.s.note(as)
	return as, err
}

// TestOfflineEntryReadsOnlyItsPlate: a replayed entry finds its exit
// recorded first among many other cars' exits that found no stay, dated
// between the entry and now, and reads none of theirs: only its own
// plate's, in either form a Brazilian plate is read in.
func TestOfflineEntryReadsOnlyItsPlate(t *testing.T) {
	now := t0.Add(5 * time.Hour)
	for _, c := range []struct {
		name, exit, entry string // the plate as read at the exit and at the entry
	}{
		{"SameText", "京G96408", "京G96408"},
		{"OldFormAtTheExit", "ABC1234", "ABC1C34"}, // C is 2: one car
	} {
		t.Run(c.name, func(t *testing.T) {
			rs := &anomalyReads{}
			b := &bundle{systemtest.NewWith(t, systemtest.Options{WrapTx: func(tx park.Tx) park.Tx { return readsTx{tx, rs} }})}
			b.Clock.Set(now.Add(time.Hour))
			// Its own exit an hour before the entry (another visit's), its
			// exit at now, and another half an hour later; 150 other cars'
			// exits a minute apart from 2 hours before now (the entry's
			// time) on, all recorded live with no stay inside.
			b.Event(t, park.EventExit, c.exit, now.Add(-3*time.Hour))
			for i := range 150 {
				b.Event(t, park.EventExit, fmt.Sprintf("京A1%04d", i), now.Add(-2*time.Hour+time.Duration(i)*time.Minute))
			}
			b.Event(t, park.EventExit, c.exit, now)
			b.Event(t, park.EventExit, c.exit, now.Add(30*time.Minute))

			var in park.Decision
			read := rs.read(func() { in = b.offline(t, "cam-in:1", park.EventEntry, c.entry, now.Add(-2*time.Hour)) })
			// Closed at the first exit after its entry (now): 2 hours
			// inside, 4 started half hours of 2.00, none of it paid.
			st := b.Stay(t, in.StayID)
			if st.State != park.StayOut || st.ExitAt == nil || !st.ExitAt.Equal(now) || st.Total != 800 || st.Paid != 0 {
				t.Fatalf("stay %+v, want it closed at %s, 800 unpaid", st, now)
			}
			p, err := plate.Normalize(c.entry)
			if err != nil {
				t.Fatal(err)
			}
			for _, text := range read {
				if q, err := plate.Normalize(text); err != nil || q.Key != p.Key {
					t.Fatalf("the entry read another car's anomaly (%q) among %d", text, len(read))
				}
			}
		})
	}
}
