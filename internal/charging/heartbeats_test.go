package charging_test

import (
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// TestHeartbeatBatch: a charger that booted has its later heartbeats
// written in batches: this node shows the newest at once, another node
// sees it once the sweep wrote it (online, even after a late disconnect
// recorded by the node of its previous connection), and the disconnect of
// its connection writes the last one with the charger offline.
func TestHeartbeatBatch(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	other := charging.New(charging.Config{Store: r.Store, Now: r.Clock.Now}) // a second node on the same database
	t0 := local(0, 10, 0)
	r.Clock.Set(t0)
	conn, err := r.cs.Connected(r.Ctx, "CP1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.cs.Booted(r.Ctx, "CP1", "v", "m", "1"); err != nil {
		t.Fatal(err)
	}
	lastSeen := func(s *charging.Service) time.Time {
		t.Helper()
		c, err := s.Charger(r.Ctx, "CP1")
		if err != nil || c.LastHeartbeat == nil {
			t.Fatalf("charger %+v, %v", c, err)
		}
		return *c.LastHeartbeat
	}
	r.Clock.Set(t0.Add(time.Minute))
	if err := r.cs.Heartbeat(r.Ctx, "CP1"); err != nil {
		t.Fatal(err)
	}
	if got := lastSeen(r.cs); !got.Equal(t0.Add(time.Minute)) {
		t.Fatalf("this node shows last heartbeat %v, want %v", got, t0.Add(time.Minute))
	}
	if got := lastSeen(other); !got.Equal(t0) {
		t.Fatalf("before the sweep another node reads %v, want the boot at %v", got, t0)
	}
	if err := r.cs.Sweep(r.Ctx); err != nil {
		t.Fatal(err)
	}
	if got := lastSeen(other); !got.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after the sweep another node reads %v, want %v", got, t0.Add(time.Minute))
	}
	// The node that held the charger's previous connection records its
	// end late: the charger, connected here, stays online.
	if err := other.Disconnected(r.Ctx, "CP1", "an older connection"); err != nil {
		t.Fatal(err)
	}
	if c, _ := other.Charger(r.Ctx, "CP1"); !c.Online {
		t.Fatal("the end of an older connection took the charger offline")
	}
	r.Clock.Set(t0.Add(2 * time.Minute))
	if err := r.cs.Heartbeat(r.Ctx, "CP1"); err != nil {
		t.Fatal(err)
	}
	if err := r.cs.Sweep(r.Ctx); err != nil {
		t.Fatal(err)
	}
	if c, _ := other.Charger(r.Ctx, "CP1"); !c.Online || !c.LastHeartbeat.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("after a late disconnect elsewhere and a heartbeat here: online %v, last heartbeat %v", c.Online, c.LastHeartbeat)
	}
	r.Clock.Set(t0.Add(3 * time.Minute))
	if err := r.cs.Disconnected(r.Ctx, "CP1", conn); err != nil {
		t.Fatal(err)
	}
	c, _ := other.Charger(r.Ctx, "CP1")
	if c.Online || c.LastHeartbeat == nil || !c.LastHeartbeat.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("after the disconnect: online %v, last heartbeat %v; want offline, seen at %v", c.Online, c.LastHeartbeat,
			t0.Add(2*time.Minute))
	}
	// Offline now: the next heartbeat (a reconnect without a boot) is
	// written at once, online again.
	r.Clock.Set(t0.Add(4 * time.Minute))
	if err := r.cs.Heartbeat(r.Ctx, "CP1"); err != nil {
		t.Fatal(err)
	}
	if c, _ := other.Charger(r.Ctx, "CP1"); !c.Online || !c.LastHeartbeat.Equal(t0.Add(4*time.Minute)) {
		t.Fatalf("after a heartbeat of an offline charger: online %v, last heartbeat %v", c.Online, c.LastHeartbeat)
	}
}
