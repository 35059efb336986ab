package charging_test

import (
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// TestChargingParksFree: the lot's tariff (15 free minutes, then 2.00 per
// started 30 minutes) says a car charging parks free for its charging time
// plus 30 minutes. 粤B12345 enters at 10:00 and charges 10:00-11:00: at
// 11:20 it owes nothing (10:00-11:30 is free). 粤C54321, which did not
// charge, owes 80 minutes: 3 blocks, 600. Without the rule 粤B12345 would
// owe the same 600.
func TestChargingParksFree(t *testing.T) {
	for _, c := range []struct {
		name   string
		tariff string
		want   int64
	}{
		{"with the rule", `{"grace_minutes":15,"every":{"minutes":30,"price":200},"charging_free_minutes":30}`, 0},
		{"without", systemtest.TestTariff, 600},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, park.FamilyCar, energyRules)
			if _, err := r.Sys.Gate.SetTariff(r.Ctx, r.Lot, []byte(c.tariff)); err != nil {
				t.Fatal(err)
			}
			t0 := local(0, 10, 0)
			r.Event(t, park.EventEntry, "粤B12345", t0)
			r.Event(t, park.EventEntry, "粤C54321", t0)
			r.Clock.Set(t0)
			sess, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CP1", Connector: 1, Prepaid: 2000, Plate: "粤B12345"})
			if err != nil {
				t.Fatal(err)
			}
			if _, ok, err := r.cs.ChargerStarted(r.Ctx, charging.Started{ChargerID: "CP1", Connector: 1, IDTag: sess.IDTag, At: t0}); err != nil || ok.Status != charging.TagAccepted {
				t.Fatalf("start %v %v", ok, err)
			}
			sess, _ = r.cs.Session(r.Ctx, sess.ID)
			r.stop(t, sess, t0.Add(time.Hour), 7000, 0)
			r.Clock.Set(t0.Add(80 * time.Minute))
			d := r.Event(t, park.EventExit, "粤B12345", t0.Add(80*time.Minute))
			if d.AmountDue != c.want {
				t.Fatalf("charging car owes %d, want %d (%s/%s)", d.AmountDue, c.want, d.Decision, d.Reason)
			}
			systemtest.WantDecision(t, r.Event(t, park.EventExit, "粤C54321", t0.Add(80*time.Minute)),
				park.DecisionHold, park.ReasonPaymentRequired, 600)
		})
	}
}
