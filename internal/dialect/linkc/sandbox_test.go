package linkc_test

import (
	"net/http"
	"testing"
	"time"

	"parkd/internal/gate"
	"parkd/internal/park"
)

// TestSandboxLeftIsNotFound: a made-up sandbox stay whose car has left is
// not found (404), however often it is asked for: never made up again
// over its locator, never a conflict.
func TestSandboxLeftIsNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, sp)
	e.clock.Set(now)
	e.token = e.login(t, "ana", password)
	const q = "parceiro_id=sandbox&localizador=1234567890"
	tx, due := lookup(t, e, q)
	want(t, e.post("/api/estadias/pagamentos?parceiro_id=sandbox", payBody(tx, due)), 200)

	// The car leaves through the core, inside the exit grace.
	inside, err := e.svc.Gate.ListStays(e.ctx, gate.StayQuery{LotCode: "sbx", State: park.StayIn})
	if err != nil || len(inside) != 1 || inside[0].Locator != "1234567890" {
		t.Fatalf("stays inside the sandbox: %v %v", inside, err)
	}
	out := now.Add(5 * time.Minute)
	e.clock.Set(out)
	if dec, err := e.svc.Gate.HandleEvent(e.ctx, gate.EventInput{LotCode: "sbx", ID: "sbx-out", Type: park.EventExit,
		Plate: inside[0].Plate, Lane: "out-1", At: out}); err != nil || dec.Decision != park.DecisionOpen {
		t.Fatalf("exit: %+v %v", dec, err)
	}
	for i := range 2 {
		r := e.get("/api/estadias?" + q)
		m := wantError(t, r, 404, "not_found")
		if m["campo"] != "localizador" {
			t.Fatalf("lookup %d after the exit: %s", i+1, r.body)
		}
	}
	if inside, _ := e.svc.Gate.ListStays(e.ctx, gate.StayQuery{LotCode: "sbx", State: park.StayIn}); len(inside) != 0 {
		t.Fatalf("a stay was made up again: %+v", inside[0])
	}
}

// TestSandboxFullGarage: a full sandbox garage makes no stay up, as a
// visitor is held at a full lot: the lookup answers 409 lot_full.
func TestSandboxFullGarage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, sp)
	e.clock.Set(now)
	e.token = e.login(t, "ana", password)
	e.admin(t, "PATCH", "/v1/lots/sbx", `{"capacity":1}`, http.StatusOK)
	lookup(t, e, "parceiro_id=sandbox&localizador=1234567890")
	wantError(t, e.get("/api/estadias?parceiro_id=sandbox&localizador=1234567891"), 409, "lot_full")
	if o, err := e.svc.Gate.Occupancy(e.ctx, "sbx"); err != nil || o.Occupied != 1 {
		t.Fatalf("sandbox occupancy: %+v, %v; want 1", o, err)
	}
}

// TestSandboxPlateLeftIsNotFound: a car that left the sandbox garage is
// not made up again by its plate with an entry before its exit: that
// stay would overlap the one just paid, and the driver would be asked
// to pay again for time already paid.
func TestSandboxPlateLeftIsNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, sp)
	e.clock.Set(now)
	e.token = e.login(t, "ana", password)
	const q = "parceiro_id=sandbox&placa=ABC1D23"
	tx, due := lookup(t, e, q)
	want(t, e.post("/api/estadias/pagamentos?parceiro_id=sandbox", payBody(tx, due)), 200)
	out := now.Add(5 * time.Minute)
	e.clock.Set(out)
	if dec, err := e.svc.Gate.HandleEvent(e.ctx, gate.EventInput{LotCode: "sbx", ID: "sbx-out", Type: park.EventExit,
		Plate: "ABC1D23", Lane: "out-1", At: out}); err != nil || dec.Decision != park.DecisionOpen {
		t.Fatalf("exit: %+v %v", dec, err)
	}
	for _, spelling := range []string{"ABC1D23", "abc-1d23"} {
		r := e.get("/api/estadias?parceiro_id=sandbox&placa=" + spelling)
		m := wantError(t, r, 404, "not_found")
		if m["campo"] != "placa" {
			t.Fatalf("%s after the exit: %s", spelling, r.body)
		}
	}
	if inside, _ := e.svc.Gate.ListStays(e.ctx, gate.StayQuery{LotCode: "sbx", State: park.StayIn}); len(inside) != 0 {
		t.Fatalf("a stay was made up again: %+v", inside[0])
	}
	// Once every made-up entry time (at most 12 hours back) is after the
	// exit, the car may be "inside" again, as a car that came back.
	e.clock.Set(out.Add(12*time.Hour + time.Second))
	want(t, e.get("/api/estadias?"+q), 200)
}
