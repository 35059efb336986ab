package top

import (
	"context"
	"io"
	"net/url"
	"testing"
	"time"

	"parkd/internal/park"
)

// TestRequestFromSeed: the request is written here from the seed and the
// gateway's rules, not from parkd's output. The seed's Java example sets
// vehicle_model_code 100001; mileage_limit_info exist_mileage_limit true,
// mileage_limit 5000 (km a day), over_mileage_fee 50L (yuan a km, a Long);
// credit_deposit_info illegal_amount "1000.00", support_credit true,
// damage_amount "1000.00" (yuan strings, two decimals); and deleted 0L,
// company_code "122", store_code "10001" on the object itself; extra
// "{}". The common parameters are method, app_key, timestamp (GMT+8,
// yyyy-MM-dd HH:mm:ss: 09:20:00 UTC is 17:20:00), v 2.0, sign_method,
// format json, sign. The signatures were computed with Python's hashlib
// and hmac over the names sorted in byte order, name1value1..., secret
// helloworld:
//
//	app_key12345678 extra{} formatjson method<the seed's method>
//	sign_method<m> store_vehicle_model_info_list<the object>
//	timestamp2026-12-03 17:20:00 v2.0   (joined without the spaces)
func TestRequestFromSeed(t *testing.T) {
	object := `{"vehicle_model_code":"100001",` +
		`"mileage_limit_info":{"exist_mileage_limit":true,"mileage_limit":5000,"over_mileage_fee":50},` +
		`"credit_deposit_info":{"illegal_amount":"1000.00","support_credit":true,"damage_amount":"1000.00"},` +
		`"deleted":0,"company_code":"122","store_code":"10001"}`
	signs := map[string]string{
		SignMD5:        "1D579D2D4AC712C3CE9A564815A527B1",
		SignHMAC:       "BBB3F7E036898F4FE60401ECEFB4560B",
		SignHMACSHA256: "2F02A0BE2495362CCBD7285BF68D9D211A5472A5660F546C7CC2911331720109",
	}
	// The seed's terms in parkd's units: 50 yuan a km is 5000 fen, 1000.00
	// yuan is 100000 fen.
	store := &park.RentalStore{Code: "10001", CompanyCode: "122", Kind: park.RentalStoreKind, LotCode: "L1"}
	terms := &park.StoreModel{StoreCode: "10001", ModelCode: "100001", MileageLimited: true, MileageLimit: 5000,
		OverMileageFee: 5000, CreditDeposit: true, ViolationDeposit: 100000, DamageDeposit: 100000}
	at := time.Date(2026, 12, 3, 9, 20, 0, 0, time.UTC)
	for m, sign := range signs {
		t.Run(m, func(t *testing.T) {
			want := url.Values{
				"method":                        {"alitrip.rentcar.commodity.storevehmodel.base.change.notify"},
				"app_key":                       {"12345678"},
				"timestamp":                     {"2026-12-03 17:20:00"},
				"v":                             {"2.0"},
				"sign_method":                   {m},
				"format":                        {"json"},
				"store_vehicle_model_info_list": {object},
				"extra":                         {"{}"},
				"sign":                          {sign},
			}
			a := attempt(&park.RentalChange{Item: park.RentalItemStoreModel, Store: store, StoreModel: terms}, m, at)
			req, err := Reports{}.Request(context.Background(), a, "https://gw.example/router/rest")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(req.Body)
			got, err := url.ParseQuery(string(body))
			if err != nil {
				t.Fatal(err)
			}
			for k, w := range want {
				if len(got[k]) != 1 || got[k][0] != w[0] {
					t.Errorf("%s = %q, want %q", k, got[k], w[0])
				}
			}
			for k := range got {
				if want[k] == nil {
					t.Errorf("parameter %s=%q is not the seed's", k, got.Get(k))
				}
			}
		})
	}
	// The seed's reply and error shapes.
	if r := parseReply(200, []byte(`{"alitrip_rentcar_commodity_storevehmodel_base_change_notify_response":{"message_code":0,"message":"错误信息"}}`)); !r.ok {
		t.Error("the seed's success reply is not taken")
	}
	if r := parseReply(200, []byte(`{"error_response":{"code":50,"msg":"Remote service error","sub_code":"isv.invalid-parameter","sub_msg":"非法参数"}}`)); r.ok || r.retry {
		t.Errorf("the seed's error: ok %v retry %v, want a refusal not retried", r.ok, r.retry)
	}
}
