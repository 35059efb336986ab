package rental_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/rental"
	"parkd/internal/systemtest"
)

// drained is one delivery the claim let out, with the round it became
// due in (everything due in one round may be sent at once).
type drained struct {
	round  int
	change *park.RentalChange
}

// drain claims, round after round, everything the claim lets out and
// acknowledges it, as a worker with room for all would, until nothing is
// left; it returns what came out, by report id.
func drain(t *testing.T, b *systemtest.Bundle) map[string]drained {
	t.Helper()
	out := map[string]drained{}
	now := b.Clock.Now()
	for round := 1; ; round++ {
		if round > 100 {
			t.Fatal("deliveries never drained")
		}
		var ds []*park.Delivery
		err := b.Store.Update(b.Ctx, func(tx park.Tx) error {
			seqs, err := tx.DueDeliveries(b.Ctx, now, 1000, nil)
			if err != nil || len(seqs) == 0 {
				return err
			}
			if ds, err = tx.ClaimDueDeliveries(b.Ctx, seqs, now, now.Add(time.Minute)); err != nil {
				return err
			}
			for _, d := range ds {
				d.State, d.Attempts, d.LastAttemptAt, d.DeliveredAt, d.LastStatus = park.DeliveryDelivered, 1, &now, &now, 200
				var rep *park.Report
				if rep, err = tx.GetReport(b.Ctx, d.ReportID); err != nil {
					return err
				}
				var data park.ReportData
				if err := json.Unmarshal(rep.Data, &data); err != nil || data.Rental == nil {
					return fmt.Errorf("report %s: %v: %s", rep.ID, err, rep.Data)
				}
				out[d.ReportID] = drained{round, data.Rental}
			}
			_, err = tx.FinishDeliveries(b.Ctx, ds)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) == 0 {
			return out
		}
	}
}

// TestResyncDeletedModelLast: a resync of a catalogue holding a deleted
// model (it had terms and a car at store 10001) and a live one with a
// car comes out, drained as the claim allows, in an order a channel
// can take: the deleted model's terms and car are withdrawn in rounds
// before the model's deletion, and the live model is announced in a
// round before its car.
func TestResyncDeletedModelLast(t *testing.T) {
	b := fleet(t) // store 10001, model 100001 with terms and car 浙A12345
	r := b.Sys.Rental
	if _, err := r.PutModel(b.Ctx, park.VehicleModel{Code: "200002", Name: "Civic", Seats: 5, Fuel: "petrol",
		Transmission: "automatic"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.PutVehicle(b.Ctx, rental.VehicleInput{Plate: "浙A54321", VIN: "LSVAU2180N2654321", StoreCode: "10001",
		ModelCode: "200002", Mileage: 500}); err != nil {
		t.Fatal(err)
	}
	if err := r.DeleteModel(b.Ctx, "100001"); err != nil {
		t.Fatal(err)
	}
	drain(t, b) // the channel has heard everything so far

	sum, err := r.Resync(b.Ctx, "12345678", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Two models (one deleted), store 10001, its terms for 100001
	// (deleted), two cars (浙A12345 retired): 2+1+1+2 = 6 calls.
	if sum != (rental.ResyncSummary{Stores: 1, Models: 2, Terms: 1, Vehicles: 2}) {
		t.Fatalf("summary %+v", sum)
	}
	got := drain(t, b)
	if len(got) != 6 {
		t.Fatalf("%d deliveries drained after the resync, want 6", len(got))
	}
	round := map[string]int{}
	for _, d := range got {
		c := d.change
		switch {
		case c.Item == park.RentalItemModel:
			round["model "+c.Model.Code] = d.round
		case c.Item == park.RentalItemStoreModel:
			round["terms "+c.StoreModel.ModelCode] = d.round
		case c.Item == park.RentalItemVehicle:
			round["car "+c.Vehicle.ModelCode] = d.round
		}
	}
	t.Logf("rounds %v", round)
	if !(round["terms 100001"] < round["model 100001"] && round["car 100001"] < round["model 100001"]) {
		t.Errorf("deleted model 100001 went out in round %d, its terms in %d and its car in %d: the withdrawals must come first",
			round["model 100001"], round["terms 100001"], round["car 100001"])
	}
	if !(round["model 200002"] < round["car 200002"]) {
		t.Errorf("model 200002 went out in round %d, its car in %d: the model must come first", round["model 200002"], round["car 200002"])
	}
}

// TestResyncDeletedStoreLast: a resync of a deleted store the channel
// still sells (it had terms, a rule and a car) withdraws them before it
// deletes the store, as deleting the store did: the channel is never told
// to delete a store that still has offers. The store's changes share its
// key, so each goes out in a round of its own, in queue order.
func TestResyncDeletedStoreLast(t *testing.T) {
	b := fleet(t) // store 10001 with terms for 100001 and car 浙A12345
	r := b.Sys.Rental
	if _, err := r.PutStoreRule(b.Ctx, park.StoreRule{StoreCode: "10001", MinDays: 1}); err != nil {
		t.Fatal(err)
	}
	if err := r.DeleteStore(b.Ctx, "10001"); err != nil {
		t.Fatal(err)
	}
	drain(t, b)

	if _, err := r.Resync(b.Ctx, "12345678", nil); err != nil {
		t.Fatal(err)
	}
	got := drain(t, b)
	round := map[string]int{}
	for _, d := range got {
		round[d.change.Item] = d.round
	}
	t.Logf("rounds %v", round)
	for _, item := range []string{park.RentalItemStoreRule, park.RentalItemStoreModel, park.RentalItemVehicle} {
		if round[item] == 0 || round[item] >= round[park.RentalItemStore] {
			t.Errorf("deleted store went out in round %d, its %s in %d: the withdrawals must come first",
				round[park.RentalItemStore], item, round[item])
		}
	}
}
