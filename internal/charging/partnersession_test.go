package charging_test

import (
	"testing"

	"parkd/internal/park"
)

// TestPartnerSession: a partner reads and stops only its own sessions;
// the operator's (or another partner's) is not found, as one that does
// not exist; the operator reads every session.
func TestPartnerSession(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	sess := r.start(t, local(0, 10, 0), 500, 1000) // the operator's
	if got, err := r.cs.PartnerSession(r.Ctx, sess.ID, ""); err != nil || got.ID != sess.ID {
		t.Fatalf("the operator's read: %+v, %v", got, err)
	}
	for _, read := range []func() error{
		func() error { _, err := r.cs.PartnerSession(r.Ctx, sess.ID, "app1"); return err },
		func() error { _, err := r.cs.StopSession(r.Ctx, sess.ID, "app1"); return err },
		func() error { _, err := r.cs.PartnerSession(r.Ctx, "20261123000000000001", "app1"); return err },
	} {
		if err := read(); !park.IsCode(err, park.ENotFound) {
			t.Fatalf("a partner reached a session not its own: %v", err)
		}
	}
	if s, _ := r.cs.Session(r.Ctx, sess.ID); s.Status != park.SessionCharging {
		t.Fatalf("a partner's refused stop changed the session: %+v", s)
	}
}
