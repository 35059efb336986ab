package gate_test

import (
	"testing"
	"time"

	"parkd/internal/park"
)

// TestLockedCarIsHeld: a locked car's exit is held (reason locked) even
// when nothing is due; unlocked, it leaves as before.
func TestLockedCarIsHeld(t *testing.T) {
	b := setup(t)
	entry := b.Event(t, park.EventEntry, "京A12345", t0)
	lk, err := b.Sys.Gate.LockCar(b.Ctx, "", b.Lot, "京a12345", "app")
	if err != nil || lk.PlateKey != "京A12345" || lk.By != "app" || !lk.LockedAt.Equal(b.Clock.Now()) {
		t.Fatalf("lock %+v, %v", lk, err)
	}
	// Locking again returns the existing lock.
	if again, err := b.Sys.Gate.LockCar(b.Ctx, "", b.Lot, "京A12345", "other"); err != nil || again.By != "app" {
		t.Fatalf("lock again %+v, %v", again, err)
	}
	// Within the grace period nothing is due, yet the car is held.
	d := b.Event(t, park.EventExit, "京A12345", t0.Add(10*time.Minute))
	wantDecision(t, d, park.DecisionHold, park.ReasonLocked, 0)
	if d.StayID != entry.StayID || b.Stay(t, entry.StayID).State != park.StayIn || b.Occupied(t) != 1 {
		t.Fatalf("held exit closed the stay: %+v", d)
	}
	// A whitelisted car too.
	if _, err := b.Sys.Access.CreateWhitelist(b.Ctx, b.Lot, &park.WhitelistEntry{Plate: "京B22222", ValidFrom: t0.Add(-time.Hour), ValidTo: t0.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	b.Event(t, park.EventEntry, "京B22222", t0)
	if _, err := b.Sys.Gate.LockCar(b.Ctx, "", b.Lot, "京B22222", ""); err != nil {
		t.Fatal(err)
	}
	wantDecision(t, b.Event(t, park.EventExit, "京B22222", t0.Add(2*time.Hour)), park.DecisionHold, park.ReasonLocked, 0)

	if l, err := b.Sys.Gate.CarLock(b.Ctx, b.Lot, "京A12345"); err != nil || l == nil {
		t.Fatalf("CarLock %+v, %v", l, err)
	}
	if _, err := b.Sys.Gate.UnlockCar(b.Ctx, "", b.Lot, "京A12345"); err != nil {
		t.Fatal(err)
	}
	if l, err := b.Sys.Gate.CarLock(b.Ctx, b.Lot, "京A12345"); err != nil || l != nil {
		t.Fatalf("CarLock after unlock %+v, %v", l, err)
	}
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(12*time.Minute)), park.DecisionOpen, park.ReasonFree, 0)
	_, err = b.Sys.Gate.UnlockCar(b.Ctx, "", b.Lot, "京A12345")
	wantCode(t, err, park.ENotFound)

	// Refusals.
	_, err = b.Sys.Gate.LockCar(b.Ctx, "", b.Lot, "not a plate", "")
	wantCode(t, err, park.EInvalid)
	_, err = b.Sys.Gate.LockCar(b.Ctx, "", "nope", "京A12345", "")
	wantCode(t, err, park.ENotFound)
	_, err = b.Sys.Gate.UnlockCar(b.Ctx, "", "nope", "京A12345")
	wantCode(t, err, park.ENotFound)
}
