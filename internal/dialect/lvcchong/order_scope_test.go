package lvcchong_test

import (
	"net/url"
	"testing"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// TestQueryOrderOfAnotherApp: an app asking for an order by number sees
// only its own: another app's order (or the operator's) reads as no
// order, as when it does not exist; but a failure to read the order is
// an error, never "no such order" (the app would take a live charge for
// one that does not exist).
func TestQueryOrderOfAnotherApp(t *testing.T) {
	r := newRig(t)
	tok := r.token(t)
	empty := func(q map[string]any) bool {
		d, _ := q["data"].(map[string]any)
		l, _ := d["list"].([]any)
		return q["success"] == true && len(l) == 0
	}
	if q := r.post(t, "queryChargeOrder", tok, url.Values{"orderNum": {"20261123000000000001"}}); !empty(q) {
		t.Fatalf("an unknown order: %v", q)
	}
	// The operator's session on CAB1 is not the app's.
	r.cabinet(t)
	sess, err := r.Sys.Charging.StartSession(r.Ctx, charging.StartInput{ChargerID: "CAB1", Connector: 2, Prepaid: 300,
		Source: park.SourceNative})
	if err != nil {
		t.Fatal(err)
	}
	if q := r.post(t, "queryChargeOrder", tok, url.Values{"orderNum": {sess.ID}}); !empty(q) {
		t.Fatalf("the operator's session shown to the app: %v", q)
	}

	if err := r.Store.Close(); err != nil {
		t.Fatal(err)
	}
	if q := r.post(t, "queryChargeOrder", tok, url.Values{"orderNum": {sess.ID}}); q["success"] != false {
		t.Fatalf("an order read while the database is down: %v", q)
	}
}

// TestChargeOnAnotherLotsCharger: charge on a charger of a lot the app
// is not registered for answers 查询无数据, as for a charger that does not
// exist, whatever port is asked for (one the charger lacks included), and
// starts nothing.
func TestChargeOnAnotherLotsCharger(t *testing.T) {
	r := newRig(t)
	tok := r.token(t)
	for _, port := range []string{"3", "11"} {
		wantErr(t, r.post(t, "charge", tok, url.Values{"deviceId": {"FAR1"}, "portNum": {port}, "payMoney": {"300"}}),
			"-1", "查询无数据")
	}
	q := r.post(t, "queryChargeOrder", tok, url.Values{"pageSize": {"100"}})
	if l, _ := q["data"].(map[string]any)["list"].([]any); q["success"] != true || len(l) != 0 {
		t.Fatalf("orders after refused charges: %v", q)
	}
}
