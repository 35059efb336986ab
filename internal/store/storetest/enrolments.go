package storetest

import (
	"testing"
	"time"

	"parkd/internal/park"
)

// testEnrolments: plates a partner pays for at a held exit, found only
// for a lot the partner may use and while it has an enabled
// sensorless_exit subscription.
func testEnrolments(t *testing.T, s park.Store) {
	b := newReportBundle(t, s)
	ctx := b.ctx
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	b.partner("P1", "L1")
	b.partner("P2", "L1", "L2")
	enrol := func(partner, key string, at int) error {
		return update(t, s, func(tx park.Tx) error {
			return tx.PutEnrolment(ctx, &park.Enrolment{PartnerID: partner, Plate: "plate " + key, PlateKey: key,
				CreatedAt: base.Add(time.Duration(at) * time.Second)})
		})
	}
	find := func(lot, key string) *park.Enrolment {
		t.Helper()
		var e *park.Enrolment
		must(t, s.View(ctx, func(tx park.Tx) (err error) { e, err = tx.FindEnrolment(ctx, lot, key); return }))
		return e
	}
	must(t, enrol("P2", "K1", 2))
	must(t, enrol("P1", "K1", 1))
	must(t, enrol("P1", "K1", 5)) // again: nothing changes
	again := &park.Enrolment{PartnerID: "P1", Plate: "written again", PlateKey: "K1", CreatedAt: base.Add(9 * time.Second)}
	must(t, update(t, s, func(tx park.Tx) error { return tx.PutEnrolment(ctx, again) }))
	if again.Plate != "plate K1" || !again.CreatedAt.Equal(base.Add(time.Second)) {
		t.Fatalf("enrolled again: %+v, want the enrolment as it stands (plate K1, enrolled at 1 s)", again)
	}
	wantCode(t, enrol("nobody", "K1", 1), park.ENotFound)
	if e := find("L1", "K1"); e != nil {
		t.Fatalf("found %+v without a sensorless_exit subscription", e)
	}
	b.subscribe("p2-sl", "P2", park.ReportSensorlessExit, true)
	off := b.subscribe("p1-sl", "P1", park.ReportSensorlessExit, false)
	b.subscribe("p1-entry", "P1", park.ReportEntry, true)
	if e := find("L1", "K1"); e == nil || e.PartnerID != "P2" || e.SubscriptionID != "p2-sl" {
		t.Fatalf("L1: %+v, want P2's (P1's subscription is disabled)", e)
	}
	off.Enabled = true
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateSubscription(ctx, off) }))
	if e := find("L1", "K1"); e == nil || e.PartnerID != "P1" || e.SubscriptionID != "p1-sl" || e.Plate != "plate K1" ||
		!e.CreatedAt.Equal(base.Add(time.Duration(1)*time.Second)) {
		t.Fatalf("L1: %+v, want P1's, enrolled first", e)
	}
	if e := find("L2", "K1"); e == nil || e.PartnerID != "P2" {
		t.Fatalf("L2: %+v, want P2's (P1 may not use L2)", e)
	}
	if e := find("L1", "K9"); e != nil {
		t.Fatalf("an unknown plate: %+v", e)
	}
	var list []*park.Enrolment
	must(t, s.View(ctx, func(tx park.Tx) (err error) { list, err = tx.ListEnrolments(ctx, "P1"); return }))
	if len(list) != 1 || list[0].PlateKey != "K1" {
		t.Fatalf("P1's enrolments %+v", list)
	}
	must(t, update(t, s, func(tx park.Tx) error { return tx.DeleteEnrolment(ctx, "P1", "K1") }))
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.DeleteEnrolment(ctx, "P1", "K1") }), park.ENotFound)
	if e := find("L1", "K1"); e == nil || e.PartnerID != "P2" {
		t.Fatalf("after P1 withdrew: %+v, want P2's", e)
	}
}
