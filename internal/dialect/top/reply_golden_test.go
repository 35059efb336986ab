package top

import (
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/rental"
)

// TestReplyKeyOrder: the channel's replies carry their keys in the order
// of seed 003's examples and docs/rental.md, byte for byte, not in the
// alphabetical order of an encoded map. Seed 003's response example is
// message_code, then message; its exception example is code, msg,
// sub_code, sub_msg (code 50, "Remote service error",
// isv.invalid-parameter, 非法参数). The check is docs/rental.md's
// example: 3 days at 200.00 is 600.00 (60000 fen), one car free.
func TestReplyKeyOrder(t *testing.T) {
	pickup := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC) // 15:00 GMT+8
	ret := pickup.Add(49 * time.Hour)                       // 2026-11-27 16:00 GMT+8
	order := &park.RentalOrder{ID: "ro_1", ChannelOrderID: "FZ1", Status: park.OrderAwaitingPickup, StoreCode: "10001",
		ModelCode: "100001", Plate: "浙A12345", PickupAt: pickup, ReturnAt: ret, Rent: 60000}
	for _, tc := range []struct {
		name, method string
		out          any
		err          error
		want         string
	}{
		{"Check", CallOrderCheck, checkResult(&rental.OrderQuote{Available: 1, Days: 3, Rent: 60000,
			Terms: &park.StoreModel{DailyRate: 20000}}), nil,
			`{"alitrip_rentcar_order_check_response":{"message_code":0,"message":"success","result":{` +
				`"available":true,"stock":1,"days":3,"total_amount":"600.00",` +
				`"fee_list":[{"fee_code":11,"amount":"600.00","quantity":3,"unit_price":"200.00"}]}}}`},
		{"Order", CallOrderQuery, orderResult(order), nil,
			`{"alitrip_rentcar_order_query_response":{"message_code":0,"message":"success","result":{` +
				`"order_id":"ro_1","out_order_id":"FZ1","order_status":111,"store_code":"10001","vehicle_model_code":"100001",` +
				`"plate_no":"浙A12345","pickup_time":"2026-11-25 15:00:00","return_time":"2026-11-27 16:00:00","total_amount":"600.00"}}}`},
		{"StoreModels", CallStoreModels, storeModelsResult{List: []storeVehicleModelInfo{}}, nil,
			`{"alitrip_rentcar_storevehmodel_query_response":{"message_code":0,"message":"success","result":{"store_vehicle_model_info_list":[]}}}`},
		{"SeedException", CallOrderCheck, nil, &callError{code: 50, msg: "Remote service error", sub: "isv.invalid-parameter", sm: "非法参数"},
			`{"error_response":{"code":50,"msg":"Remote service error","sub_code":"isv.invalid-parameter","sub_msg":"非法参数"}}`},
		{"CoreError", CallOrderCheck, nil, park.Invalid("pickup_at", "too early"),
			`{"error_response":{"code":50,"msg":"Remote service error","sub_code":"isv.invalid-parameter","sub_msg":"参数错误 (pickup_time): ` +
				invalidReasons["pickup_time"] + `"}}`},
		{"Internal", CallOrderCheck, nil, errors.New("disk on fire"),
			`{"error_response":{"code":15,"msg":"Remote service error","sub_code":"isp.unknown-error","sub_msg":"服务内部错误"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			New(Config{}).answer(w, tc.method, tc.out, tc.err)
			if got := w.Body.String(); got != tc.want+"\n" {
				t.Errorf("reply\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
