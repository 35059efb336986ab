package deliveries_test

import (
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// TestDeleteSubscriptionPrunedLater: a deleted subscription's deliveries
// are never sent, listed as the partner's or replayed, and Prune deletes
// them even with no retention; another partner's are sent as before.
func TestDeleteSubscriptionPrunedLater(t *testing.T) {
	b := systemtest.New(t) // no retention: only the deleted are pruned
	partner(t, b, "app")
	partner(t, b, "other")
	rc := deliverytest.New(t)
	gone := subscribe(t, b, "app", park.ReportEntry, rc.URL+"/gone")
	kept := subscribe(t, b, "other", park.ReportEntry, rc.URL+"/kept")
	const cars = 3
	visits(t, b, "D", cars)
	was := listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: gone.ID})
	if len(was) != cars {
		t.Fatalf("%d deliveries to delete, want %d", len(was), cars)
	}
	if err := b.Sys.Deliveries.DeleteSubscription(b.Ctx, "app", gone.ID); err != nil {
		t.Fatal(err)
	}
	if ds := listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"}); len(ds) != 0 {
		t.Fatalf("the partner still lists %d deliveries of its deleted subscription", len(ds))
	}
	_, err := b.Sys.Deliveries.Redeliver(b.Ctx, "app", gone.ID, was[0].ReportID, time.Time{})
	systemtest.WantCode(t, err, park.ENotFound)

	run(t, b)
	// Recorded, not only acknowledged.
	waitFor(t, "the kept subscription's entries", func() bool {
		return len(listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: kept.ID, State: park.DeliveryDelivered})) == cars
	})
	for _, r := range rc.Requests() {
		if r.Path != "/kept" {
			t.Fatalf("sent to %s after its subscription was deleted", r.Path)
		}
	}
	nd, _, err := b.Sys.Deliveries.Prune(b.Ctx)
	if err != nil || nd != cars {
		t.Fatalf("pruned %d deliveries, %v; want the deleted subscription's %d", nd, err, cars)
	}
	if ds := listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: kept.ID}); len(ds) != cars {
		t.Fatalf("the kept subscription has %d deliveries after the prune, want %d", len(ds), cars)
	}
	if nd, _, err := b.Sys.Deliveries.Prune(b.Ctx); err != nil || nd != 0 {
		t.Fatalf("a second prune deleted %d, %v; want none (no retention)", nd, err)
	}
}

// TestSubscriptionIDAgainAfterDelete: a partner that deletes a
// subscription it named and creates it again at once gets it (a rental
// channel's is always named so), without the old one's deliveries; a
// name held by a live subscription is still refused.
func TestSubscriptionIDAgainAfterDelete(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	in := deliveries.SubscriptionInput{ID: "app-entries", Report: park.ReportEntry, URL: rc.URL + "/old", Timeout: 5 * time.Second}
	subscribeWith(t, b, "app", in)
	visits(t, b, "D", 2)
	if err := b.Sys.Deliveries.DeleteSubscription(b.Ctx, "app", in.ID); err != nil {
		t.Fatal(err)
	}
	in.URL = rc.URL + "/new"
	again := subscribeWith(t, b, "app", in)
	if again.ID != in.ID || again.URL != in.URL {
		t.Fatalf("created again as %+v", again)
	}
	if ds := listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: in.ID}); len(ds) != 0 {
		t.Fatalf("the new subscription holds %d deliveries of the deleted one", len(ds))
	}
	_, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, "app", in)
	systemtest.WantCode(t, err, park.EConflict)

	visits(t, b, "E", 1)
	run(t, b)
	waitFor(t, "the new subscription's entry", func() bool {
		return len(listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: in.ID, State: park.DeliveryDelivered})) == 1
	})
	for _, r := range rc.Requests() {
		if r.Path != "/new" {
			t.Fatalf("sent to %s", r.Path)
		}
	}
}

// TestDeletePartnerPrunedLater: deleting a partner leaves its deliveries
// to the prune as deleting a subscription does: none is sent, listed or
// counted from then on, and Prune deletes them; another partner's are
// sent as before.
func TestDeletePartnerPrunedLater(t *testing.T) {
	b := systemtest.New(t) // no retention: only the deleted are pruned
	partner(t, b, "app")
	partner(t, b, "other")
	rc := deliverytest.New(t)
	gone := subscribe(t, b, "app", park.ReportEntry, rc.URL+"/gone")
	subscribe(t, b, "app", park.ReportExit, rc.URL+"/gone")
	kept := subscribe(t, b, "other", park.ReportEntry, rc.URL+"/kept")
	const cars = 3
	visits(t, b, "D", cars) // an entry and an exit each
	if ds := listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"}); len(ds) != 2*cars {
		t.Fatalf("%d deliveries to delete, want %d", len(ds), 2*cars)
	}
	if err := b.Sys.Partners.DeletePartner(b.Ctx, "app"); err != nil {
		t.Fatal(err)
	}
	// Gone as a filter too: its deliveries are not listed, and asking for
	// them is asking for an unknown partner or subscription.
	for _, q := range []deliveries.DeliveryQuery{{PartnerID: "app"}, {SubscriptionID: gone.ID}} {
		ds, _, err := b.Sys.Deliveries.DeliveryPage(b.Ctx, q)
		systemtest.WantCode(t, err, park.ENotFound)
		if len(ds) != 0 {
			t.Fatalf("%+v: the deleted partner still lists %d deliveries", q, len(ds))
		}
	}

	run(t, b)
	waitFor(t, "the other partner's entries", func() bool {
		return len(listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: kept.ID, State: park.DeliveryDelivered})) == cars
	})
	for _, r := range rc.Requests() {
		if r.Path != "/kept" {
			t.Fatalf("sent to %s after its partner was deleted", r.Path)
		}
	}
	nd, _, err := b.Sys.Deliveries.Prune(b.Ctx)
	if err != nil || nd != 2*cars {
		t.Fatalf("pruned %d deliveries, %v; want the deleted partner's %d", nd, err, 2*cars)
	}
	if ds := listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: kept.ID}); len(ds) != cars {
		t.Fatalf("the other partner has %d deliveries after the prune, want %d", len(ds), cars)
	}
}
