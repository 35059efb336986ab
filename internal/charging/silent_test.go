package charging_test

import (
	"sync"
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// holder is a node's Remote that holds the connections in held.
type holder struct {
	*fakeRemote
	mu   sync.Mutex
	held map[string]string // charger id -> connection
}

func (h *holder) Holds(id, conn string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.held[id] == conn
}

// TestSilentCharger: a charger whose node died (no disconnect recorded)
// is recorded offline by another node's sweep once it has been unseen for
// charging.SilentAfter, and not before; any message it sent counts as
// seen. The node holding its connection never records it offline for
// silence.
func TestSilentCharger(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	online := func() bool {
		t.Helper()
		c, err := r.cs.Charger(r.Ctx, "CP1")
		if err != nil {
			t.Fatal(err)
		}
		return c.Online
	}
	sweep := func(s *charging.Service) {
		t.Helper()
		if err := s.Sweep(r.Ctx); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("NodeDied", func(t *testing.T) {
		t0 := local(0, 10, 0)
		r.Clock.Set(t0)
		dead := charging.New(charging.Config{Store: r.Store, Now: r.Clock.Now})
		if _, err := dead.Connected(r.Ctx, "CP1"); err != nil {
			t.Fatal(err)
		}
		if _, err := dead.Booted(r.Ctx, "CP1", "v", "m", "1"); err != nil {
			t.Fatal(err)
		}
		r.Clock.Set(t0.Add(charging.SilentAfter))
		sweep(r.cs)
		if !online() {
			t.Fatal("offline after exactly SilentAfter; want online until it has passed")
		}
		r.Clock.Set(t0.Add(charging.SilentAfter + time.Second))
		sweep(r.cs)
		c, _ := r.cs.Charger(r.Ctx, "CP1")
		if c.Online || c.LastHeartbeat == nil || !c.LastHeartbeat.Equal(t0) {
			t.Fatalf("after SilentAfter: online %v, last heartbeat %v; want offline, seen at %v", c.Online, c.LastHeartbeat, t0)
		}
	})
	t.Run("HeldHere", func(t *testing.T) {
		t0 := local(1, 10, 0)
		r.Clock.Set(t0)
		h := &holder{fakeRemote: r.remote, held: map[string]string{}}
		r.cs.SetRemote(h)
		defer r.cs.SetRemote(r.remote)
		conn, err := r.cs.Connected(r.Ctx, "CP1")
		if err != nil {
			t.Fatal(err)
		}
		h.held["CP1"] = conn
		other := charging.New(charging.Config{Store: r.Store, Now: r.Clock.Now})
		// A message other than Heartbeat, 4 minutes in, is its sign of
		// life: written by the holding node's sweep, seen by the other's.
		r.Clock.Set(t0.Add(4 * time.Minute))
		r.cs.Seen("CP1")
		r.Clock.Set(t0.Add(charging.SilentAfter + time.Second))
		sweep(r.cs)
		sweep(other)
		if !online() {
			t.Fatal("offline, though seen 4 minutes in")
		}
		// Silent since: the node holding its connection leaves it online,
		// any other records it offline.
		r.Clock.Set(t0.Add(4*time.Minute + charging.SilentAfter + time.Second))
		sweep(r.cs)
		if !online() {
			t.Fatal("the node holding its connection recorded it offline")
		}
		sweep(other)
		if online() {
			t.Fatal("another node left a silent charger online")
		}
	})
}
