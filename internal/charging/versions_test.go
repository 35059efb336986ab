package charging_test

import (
	"testing"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// TestEditedStandardKeepsOpenSessionsPrice: a driver charging when the
// operator raises the standard's price goes on paying the price the
// session started at; a session started after the edit pays the new one.
// Flat hours: 60 + 40 fen a kWh, raised to 120 + 40, then 160 + 40.
func TestEditedStandardKeepsOpenSessionsPrice(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	c, err := r.cs.Charger(r.Ctx, "CP1")
	if err != nil {
		t.Fatal(err)
	}
	raise := func(price int64) {
		t.Helper()
		rules := energyRules
		rules.Segments = []park.ChargeSegment{rules.Segments[0], rules.Segments[1]}
		rules.Segments[1].Price = price
		if _, err := r.cs.ReplaceStandard(r.Ctx, c.StandardID, charging.StandardInput{Name: "test", Family: park.FamilyCar, Rules: rules}); err != nil {
			t.Fatal(err)
		}
	}
	a := r.start(t, local(0, 10, 0), 1000, 0)
	if got := r.meter(t, a, local(0, 10, 30), 2000, 7000); got.Amount != 200 {
		t.Fatalf("2 kWh at 1.00: %d, want 200", got.Amount)
	}
	raise(120)
	raise(160)
	if got := r.meter(t, a, local(0, 11, 0), 4000, 7000); got.Amount != 400 {
		t.Fatalf("4 kWh after two raises: %d, want 400 at the price it started at", got.Amount)
	}
	if got := r.stop(t, a, local(0, 11, 30), 5000, park.EndManual); got.Amount != 500 || got.Refund != 500 {
		t.Fatalf("ended: amount %d refund %d, want 500 and 500", got.Amount, got.Refund)
	}
	b := r.start(t, local(0, 12, 0), 1000, 5000)
	if got := r.meter(t, b, local(0, 12, 30), 6000, 7000); got.Amount != 200 {
		t.Fatalf("1 kWh started after the raises: %d, want 200 (160 + 40)", got.Amount)
	}
}
