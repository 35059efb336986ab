package charging_test

import (
	"testing"
	"time"

	"parkd/internal/park"
)

// TestSessionsInvertedRange: a list asked for sessions updated in a
// window that ends before it starts is refused naming the end, not
// answered with an empty page the caller would take for "no sessions".
func TestSessionsInvertedRange(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	r.start(t, local(0, 10, 0), 500, 1000)
	from := r.Clock.Now().Add(-time.Hour)
	for name, to := range map[string]time.Time{"Before": from.Add(-time.Minute), "Equal": from} {
		t.Run(name, func(t *testing.T) {
			_, err := r.cs.Sessions(r.Ctx, park.ChargeSessionFilter{UpdatedFrom: from, UpdatedTo: to, Limit: 10}, 0)
			pe, ok := err.(*park.Error)
			if !ok || pe.Code != park.EInvalid || pe.Field != "updated_to" || pe.Reason != park.ReasonOrder {
				t.Fatalf("%v: want EInvalid on updated_to, reason order", err)
			}
		})
	}
	pg, err := r.cs.Sessions(r.Ctx, park.ChargeSessionFilter{UpdatedFrom: from, Limit: 10}, 0)
	if err != nil || len(pg.Sessions) != 1 {
		t.Fatalf("%v %v: an open-ended window lists the session", pg, err)
	}
}
