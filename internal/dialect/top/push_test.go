package top

import (
	"context"
	"flag"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/park"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// seedStore and seedTerms are the seed's example: store 10001 of company
// 122, model 100001, 5000 km a day then 50 yuan a km, credit deposits of
// 1000.00 yuan each, not deleted.
func seedStore() *park.RentalStore {
	return &park.RentalStore{Code: "10001", CompanyCode: "122", Kind: park.RentalStoreKind, LotCode: "L1"}
}

func seedTerms() *park.StoreModel {
	return &park.StoreModel{StoreCode: "10001", ModelCode: "100001", MileageLimited: true, MileageLimit: 5000,
		OverMileageFee: 5000, CreditDeposit: true, ViolationDeposit: 100000, DamageDeposit: 100000}
}

func attempt(ch *park.RentalChange, method string, at time.Time) *deliveries.Attempt {
	return &deliveries.Attempt{
		Report:  &park.Report{ID: "r1", Kind: park.ReportRental},
		Data:    &park.ReportData{Rental: ch},
		Partner: &park.Partner{ID: "12345678", Secret: "helloworld", SignMode: method},
		At:      at,
	}
}

// TestStoreModelSeed: the seed's Java example, as parkd sends it.
func TestStoreModelSeed(t *testing.T) {
	c, err := callOf(&park.RentalChange{Item: park.RentalItemStoreModel, Store: seedStore(), StoreModel: seedTerms()})
	if err != nil {
		t.Fatal(err)
	}
	if c.method != "alitrip.rentcar.commodity.storevehmodel.base.change.notify" {
		t.Fatalf("method %q", c.method)
	}
	// The seed's object, field for field: its fields sit where its Java
	// example sets them (deleted, company_code and store_code on the
	// object itself), with its units (km a day, yuan a km as a number,
	// deposits as yuan strings with two decimals).
	want := `{"vehicle_model_code":"100001","mileage_limit_info":{"exist_mileage_limit":true,"mileage_limit":5000,` +
		`"over_mileage_fee":50},"credit_deposit_info":{"illegal_amount":"1000.00","support_credit":true,` +
		`"damage_amount":"1000.00"},"deleted":0,"company_code":"122","store_code":"10001"}`
	if got := c.params["store_vehicle_model_info_list"]; got != want {
		t.Fatalf("store_vehicle_model_info_list\n got %s\nwant %s", got, want)
	}
	if c.params["extra"] != "{}" {
		t.Fatalf("extra %q, want {}", c.params["extra"])
	}
}

// TestStoreModelUnits: no mileage limit sends only its flag; fen become
// yuan exactly; a deletion is deleted 1.
func TestStoreModelUnits(t *testing.T) {
	terms := &park.StoreModel{StoreCode: "S", ModelCode: "M", ViolationDeposit: 123405, DamageDeposit: 7, Deleted: true}
	c, err := callOf(&park.RentalChange{Item: park.RentalItemStoreModel, Store: &park.RentalStore{Code: "S"}, StoreModel: terms})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"vehicle_model_code":"M","mileage_limit_info":{"exist_mileage_limit":false},"credit_deposit_info":` +
		`{"illegal_amount":"1234.05","support_credit":false,"damage_amount":"0.07"},"deleted":1,"store_code":"S"}`
	if got := c.params["store_vehicle_model_info_list"]; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// TestOverMileageFeeWholeYuan: the seed types over_mileage_fee a Number
// (its SDK a Long), so the fee goes out as whole yuan, an integer: 5000
// fen is 50, 100 fen is 1. A fraction, which the core refuses to store,
// is never rounded into a price the store did not set: the call is not
// built.
func TestOverMileageFeeWholeYuan(t *testing.T) {
	for fen, want := range map[int64]int64{5000: 50, 100: 1, 0: 0, 1_000_000_00: 1_000_000} {
		if got, err := WholeYuan(fen); err != nil || got != want {
			t.Errorf("WholeYuan(%d) = %d, %v; want %d", fen, got, err, want)
		}
	}
	for _, fen := range []int64{150, 5, 99, 101} {
		if got, err := WholeYuan(fen); err == nil {
			t.Errorf("WholeYuan(%d) = %d, want an error", fen, got)
		}
	}
	terms := seedTerms()
	terms.OverMileageFee = 100
	c, err := callOf(&park.RentalChange{Item: park.RentalItemStoreModel, Store: seedStore(), StoreModel: terms})
	if err != nil {
		t.Fatal(err)
	}
	want := `"mileage_limit_info":{"exist_mileage_limit":true,"mileage_limit":5000,"over_mileage_fee":1}`
	if got := c.params["store_vehicle_model_info_list"]; !strings.Contains(got, want) {
		t.Fatalf("got %s\nwant it to hold %s", got, want)
	}
	terms.OverMileageFee = 150
	if _, err := callOf(&park.RentalChange{Item: park.RentalItemStoreModel, Store: seedStore(), StoreModel: terms}); err == nil ||
		!strings.Contains(err.Error(), "over_mileage_fee") {
		t.Fatalf("1.50 yuan a km: %v, want an error naming over_mileage_fee", err)
	}
}

// TestRequestGolden: the whole call as it goes on the wire, for each sign
// method, and its signature checked the gateway's way.
func TestRequestGolden(t *testing.T) {
	at := time.Date(2026, 12, 3, 9, 20, 0, 0, time.UTC) // 17:20:00 in Beijing
	for _, m := range SignMethods() {
		t.Run(m, func(t *testing.T) {
			a := attempt(&park.RentalChange{Item: park.RentalItemStoreModel, Store: seedStore(), StoreModel: seedTerms()}, m, at)
			req, err := Reports{}.Request(context.Background(), a, "https://gw.example/router/rest")
			if err != nil {
				t.Fatal(err)
			}
			if req.Method != "POST" || req.Header.Get("Content-Type") != "application/x-www-form-urlencoded;charset=utf-8" {
				t.Fatalf("%s with %q", req.Method, req.Header.Get("Content-Type"))
			}
			body, _ := io.ReadAll(req.Body)
			form, err := url.ParseQuery(string(body))
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range map[string]string{"method": MethodStoreModel, "app_key": "12345678",
				"timestamp": "2026-12-03 17:20:00", "v": "2.0", "sign_method": m, "format": "json"} {
				if form.Get(k) != want {
					t.Errorf("%s = %q, want %q", k, form.Get(k), want)
				}
			}
			p := map[string]string{}
			for k := range form {
				p[k] = form.Get(k)
			}
			if sign, _ := Sign(m, "helloworld", p); sign != form.Get("sign") {
				t.Errorf("sign %s, the gateway computes %s", form.Get("sign"), sign)
			}
			golden(t, "storevehmodel_"+m+".form", body)
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs\n got %s\nwant %s", name, got, want)
	}
}

func TestReplies(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		ok     bool
		retry  bool
	}{
		{"success", 200, `{"alitrip_rentcar_commodity_storevehmodel_base_change_notify_response":{"message_code":0,"message":"ok"}}`, true, false},
		{"refused by message_code", 200, `{"alitrip_rentcar_commodity_storevehmodel_base_change_notify_response":{"message_code":1,"message":"门店不存在"}}`, false, true},
		{"no message_code", 200, `{"x_response":{}}`, false, true},
		{"isv", 200, `{"error_response":{"code":50,"msg":"Remote service error","sub_code":"isv.invalid-parameter","sub_msg":"非法参数"}}`, false, false},
		{"invalid signature", 200, `{"error_response":{"code":25,"msg":"Invalid signature","sub_code":"isv.invalid-signature","sub_msg":"签名错误"}}`, false, true},
		{"invalid signature without sub_code", 200, `{"error_response":{"code":25,"msg":"Invalid signature"}}`, false, true},
		{"unknown app key", 200, `{"error_response":{"code":29,"msg":"Invalid app Key","sub_code":"isv.appkey-not-exists"}}`, false, true},
		{"stale timestamp", 200, `{"error_response":{"code":31,"msg":"Invalid timestamp","sub_code":"isv.invalid-timestamp"}}`, false, true},
		// The gateway's own refusals of the call's shape come without a
		// sub_code: a parameter missing (40) or invalid (41), a method
		// it does not know (22). Sent again unchanged they fail again:
		// dead at once, as an isv.* is, not retried for a day with the
		// store's later changes held behind them.
		{"missing arguments without sub_code", 200, `{"error_response":{"code":40,"msg":"Missing required arguments:store_vehicle_model_info_list","request_id":"r1"}}`, false, false},
		{"invalid arguments without sub_code", 200, `{"error_response":{"code":41,"msg":"Invalid arguments:store_vehicle_model_info_list","request_id":"r1"}}`, false, false},
		{"invalid method without sub_code", 200, `{"error_response":{"code":22,"msg":"Invalid method"}}`, false, false},
		// An app not yet granted the API may be granted it: retried.
		{"insufficient permissions", 200, `{"error_response":{"code":11,"msg":"Insufficient isv permissions","sub_code":"isv.permission-api-package-limit"}}`, false, true},
		{"service unavailable without sub_code", 200, `{"error_response":{"code":10,"msg":"Service currently unavailable"}}`, false, true},
		{"isp", 200, `{"error_response":{"code":15,"msg":"Remote service error","sub_code":"isp.unknown-error"}}`, false, true},
		{"rate limit", 200, `{"error_response":{"code":7,"msg":"App Call Limited","sub_code":"accesscontrol.limited-by-app-access-count"}}`, false, true},
		{"rate limit by api", 200, `{"error_response":{"code":7,"msg":"App Call Limited","sub_code":"accesscontrol.limited-by-api-access-count"}}`, false, true},
		// A data error about a field whose name holds "limit" (the seed's
		// mileage_limit, mileage_limit_info, exist_mileage_limit) is the
		// caller's like any other, not a call-rate limit: retried, it
		// would fail again for a day and hold the store's later changes
		// behind it.
		{"isv about mileage_limit", 200, `{"error_response":{"code":40,"msg":"Invalid arguments","sub_code":"isv.invalid-parameter:mileage_limit","sub_msg":"里程限制非法"}}`, false, false},
		{"isv about mileage_limit_info", 200, `{"error_response":{"code":41,"msg":"Missing required arguments","sub_code":"isv.missing-parameter:mileage_limit_info"}}`, false, false},
		// A key given twice, or two envelopes, could be read either way:
		// never taken as delivered (the change would be lost at the
		// channel), retried instead.
		{"message_code twice", 200, `{"alitrip_rentcar_commodity_storevehmodel_base_change_notify_response":{"message_code":1,"message":"失败","message_code":0}}`, false, true},
		{"envelope twice", 200, `{"alitrip_rentcar_commodity_storevehmodel_base_change_notify_response":{"message_code":1},"alitrip_rentcar_commodity_storevehmodel_base_change_notify_response":{"message_code":0}}`, false, true},
		{"two envelopes", 200, `{"alitrip_rentcar_commodity_storevehmodel_base_change_notify_response":{"message_code":1},"other_response":{"message_code":0}}`, false, true},
		{"sub_code twice", 200, `{"error_response":{"code":50,"sub_code":"isp.unknown-error","sub_code":"isv.invalid-parameter"}}`, false, true},
		// Another API's success is not the gateway taking this change (a
		// gateway_url that points elsewhere).
		{"another method's success", 200, `{"taobao_time_get_response":{"message_code":0,"message":"success"}}`, false, true},
		{"http error", 502, `bad gateway`, false, true},
		{"not json", 200, `<html>`, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := parseReply(tc.status, []byte(tc.body))
			if r.ok != tc.ok || r.retry != tc.retry {
				t.Fatalf("ok %v retry %v, want ok %v retry %v", r.ok, r.retry, tc.ok, tc.retry)
			}
			if ok, _ := (Reports{}).Judge(tc.status, []byte(tc.body)); ok != tc.ok {
				t.Fatal("Judge disagrees with the reply")
			}
		})
	}
}

// TestJudgeSaysWhy: a gateway answer that is not the pushed call's
// success is refused naming the reply expected (the call's own envelope
// when the answer names it); the gateway's error_response says why in
// its own words, and an HTTP error by its status.
func TestJudgeSaysWhy(t *testing.T) {
	const env = "alitrip_rentcar_commodity_storevehmodel_base_change_notify_response"
	const generic = `reply is not {"<method with _>_response":{"message_code":0,…}}`
	for _, tc := range []struct {
		name   string
		status int
		body   string
		ok     bool
		why    string
	}{
		{"success", 200, `{"` + env + `":{"message_code":0,"message":"success"}}`, true, ""},
		{"message_code 1", 200, `{"` + env + `":{"message_code":1,"message":"失败"}}`, false,
			`reply is not {"` + env + `":{"message_code":0,…}}`},
		{"no message_code", 200, `{"` + env + `":{"message":"success"}}`, false, `reply is not {"` + env + `":{"message_code":0,…}}`},
		{"no envelope", 200, `{"message_code":0}`, false, generic},
		{"another method's success", 200, `{"taobao_time_get_response":{"message_code":0,"message":"success"}}`, false, generic},
		{"two envelopes", 200, `{"` + env + `":{"message_code":1},"other_response":{"message_code":0}}`, false, generic},
		{"not json", 200, `<html>`, false, generic},
		{"gateway error", 200, `{"error_response":{"code":50,"msg":"Remote service error","sub_code":"isv.invalid-parameter","sub_msg":"非法参数"}}`, false, ""},
		{"success with 201", 201, `{"` + env + `":{"message_code":0,"message":"success"}}`, false,
			"the success reply counts only with HTTP 200, not HTTP 201"},
		{"http error", 502, `bad gateway`, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, why := (Reports{}).Judge(tc.status, []byte(tc.body))
			if ok != tc.ok || why != tc.why {
				t.Fatalf("%v %q, want %v %q", ok, why, tc.ok, tc.why)
			}
		})
	}
}

// TestVehicleDeleted: a retired car is pushed with deleted 1.
func TestVehicleDeleted(t *testing.T) {
	c, err := callOf(&park.RentalChange{Item: park.RentalItemVehicle, Store: seedStore(), Deleted: true,
		Vehicle: &park.RentalVehicle{Plate: "浙A12345", VIN: "LSVAU2180N2123456", StoreCode: "10001", ModelCode: "100001", Mileage: 5}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"store_code":"10001","company_code":"122","vehicle_model_code":"100001","plate_no":"浙A12345",` +
		`"vin":"LSVAU2180N2123456","mileage":5,"support_one_way":false,"deleted":1}`
	if c.method != MethodVehicle || c.params["store_vehicle_info"] != want {
		t.Fatalf("%s %s", c.method, c.params["store_vehicle_info"])
	}
}
