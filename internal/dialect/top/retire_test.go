package top_test

import (
	"encoding/json"
	"testing"
	"time"

	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/dialect/top"
	"parkd/internal/park"
	"parkd/internal/rental"
)

// TestStoreRuleReachesTheGateway: a store's rule goes out as parkd's
// store rule call, signed so the gateway takes it, with every field in
// its unit.
func TestStoreRuleReachesTheGateway(t *testing.T) {
	for _, m := range top.SignMethods() {
		t.Run(m, func(t *testing.T) {
			c := newChannel(t, m)
			_, err := c.Sys.Rental.PutStoreRule(c.Ctx, park.StoreRule{StoreCode: "10001", CrossCity: true,
				BannedCities: []string{"110100", "310100"}, Invoice: true, MinDays: 2, MaxDays: 30, AdvanceHours: 4, FreeCancelHours: 24})
			must(t, err)
			call := c.calls(t, top.MethodStoreRule, 1)[0]
			if call.Refused != "" {
				t.Fatalf("the gateway refused the call: %s", call.Refused)
			}
			want := `{"store_code":"10001","company_code":"122","allow_cross_city":true,"forbidden_city_codes":["110100","310100"],` +
				`"support_invoice":true,"min_rent_days":2,"max_rent_days":30,"advance_order_hours":4,"free_cancel_hours":24,"deleted":0}`
			if got := call.Param("store_rule_info"); got != want {
				t.Fatalf("store_rule_info\n got %s\nwant %s", got, want)
			}
			if call.Param("extra") != "{}" || call.Param("format") != "json" || call.Param("v") != "2.0" {
				t.Fatalf("common parameters %v", call.Params)
			}
		})
	}
}

// TestDeleteStoreReachesTheGateway: deleting a store tells the gateway,
// in order and each signed, of its terms, rule and car, then of the
// store, each with deleted 1; a model's deletion likewise.
func TestDeleteStoreReachesTheGateway(t *testing.T) {
	c := newChannel(t, top.SignHMACSHA256)
	r := c.Sys.Rental
	_, err := r.PutStoreModel(c.Ctx, park.StoreModel{StoreCode: "10001", ModelCode: "100001", DailyRate: 20000})
	must(t, err)
	_, err = r.PutStoreRule(c.Ctx, park.StoreRule{StoreCode: "10001", MinDays: 1})
	must(t, err)
	_, err = r.PutVehicle(c.Ctx, rental.VehicleInput{Plate: "浙A12345", VIN: "LSVAU2180N2123456", StoreCode: "10001",
		ModelCode: "100001", Mileage: 100})
	must(t, err)
	c.calls(t, top.MethodVehicle, 1) // the catalogue so far has arrived
	c.calls(t, top.MethodModel, 1)
	before := len(c.gw.Calls())
	must(t, r.DeleteStore(c.Ctx, "10001"))
	// The model's calls are ordered by the model, not the store: deleted
	// once the store's have arrived, its call comes last.
	c.calls(t, top.MethodStore, 1)
	must(t, r.DeleteModel(c.Ctx, "100001"))

	type sent struct{ method, param string }
	want := []sent{
		{top.MethodStoreModel, "store_vehicle_model_info_list"},
		{top.MethodStoreRule, "store_rule_info"},
		{top.MethodVehicle, "store_vehicle_info"},
		{top.MethodStore, "store_info"},
		{top.MethodModel, "company_vehicle_model_info"}, // the store's terms and car were retired already
	}
	var got []sentCall
	deliverytest.WaitFor(t, 10*time.Second, "the deletions", func() bool {
		got = got[:0]
		for _, call := range c.gw.Calls()[before:] {
			got = append(got, sentCall{call.Method, call.Params.Get, call.Refused})
		}
		return len(got) >= len(want)
	})
	if len(got) != len(want) {
		t.Fatalf("%d calls after the deletions, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].method != w.method || got[i].refused != "" {
			t.Fatalf("call %d: %s (refused %q), want %s", i, got[i].method, got[i].refused, w.method)
		}
		var obj map[string]any
		if err := json.Unmarshal([]byte(got[i].param(w.param)), &obj); err != nil {
			t.Fatalf("call %d %s: %v", i, w.param, err)
		}
		if obj["deleted"] != float64(1) {
			t.Fatalf("call %d %s: %s, want deleted 1", i, w.method, got[i].param(w.param))
		}
	}
}

type sentCall struct {
	method  string
	param   func(string) string
	refused string
}
