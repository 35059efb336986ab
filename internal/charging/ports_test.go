package charging_test

import (
	"testing"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// TestPortStates: a connector with an open session is busy, as
// StartSession finds it, though the charger sent no StatusNotification
// and even while it is offline; the other connector follows the charger:
// offline, then free once it is online, a fault when reported Faulted.
func TestPortStates(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	sess := r.start(t, local(0, 10, 0), 500, 0)
	r.offline(t)
	states := func() []charging.PortState {
		t.Helper()
		c, err := r.cs.Charger(r.Ctx, "CP1")
		if err != nil {
			t.Fatal(err)
		}
		st, err := r.cs.PortStates(r.Ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	want := []charging.PortState{{Connector: 1, State: charging.PortBusy, Session: sess.ID}, {Connector: 2, State: charging.PortOffline}}
	if got := states(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("offline: %+v, want %+v", got, want)
	}
	if _, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CP1", Connector: 1, Prepaid: 500}); !park.IsCode(err, park.EConflict) {
		t.Fatalf("a second session on connector 1: %v, want busy", err)
	}
	if err := r.cs.Heartbeat(r.Ctx, "CP1"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.cs.ConnectorStatus(r.Ctx, "CP1", 1, "Available", "NoError"); err != nil {
		t.Fatal(err)
	}
	want[1].State = charging.PortFree
	if got := states(); got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("online: %+v, want %+v", got, want)
	}
	if _, err := r.cs.ConnectorStatus(r.Ctx, "CP1", 2, "Faulted", "GroundFailure"); err != nil {
		t.Fatal(err)
	}
	want[1].State = charging.PortFault
	if got := states(); got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("connector 2 faulted: %+v, want %+v", got, want)
	}
}
