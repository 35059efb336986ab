package top

import (
	"parkd/internal/park"
	"parkd/internal/rental"
)

// The channel's replies as structs, not maps: encoding/json writes a
// struct's fields in their order and a map's keys sorted, and the
// replies follow seed 003's examples and docs/rental.md key by key
// (TestReplyKeyOrder).

// success is {"message_code":0,"message":"success","result":...}, the
// seed's response example with the call's result after it.
type success struct {
	MessageCode int    `json:"message_code"`
	Message     string `json:"message"`
	Result      any    `json:"result"`
}

// errorReply is the seed's exception example's error_response.
type errorReply struct {
	Code    int    `json:"code"`
	Msg     string `json:"msg"`
	SubCode string `json:"sub_code"`
	SubMsg  string `json:"sub_msg"`
}

type storeModelsResult struct {
	List []storeVehicleModelInfo `json:"store_vehicle_model_info_list"`
}

type fee struct {
	FeeCode   int    `json:"fee_code"`
	Amount    string `json:"amount"`
	Quantity  int    `json:"quantity"`
	UnitPrice string `json:"unit_price"`
}

type checkReply struct {
	Available   bool   `json:"available"`
	Stock       int    `json:"stock"`
	Days        int    `json:"days"`
	TotalAmount string `json:"total_amount"`
	FeeList     []fee  `json:"fee_list"`
}

type orderReply struct {
	OrderID          string `json:"order_id"`
	OutOrderID       string `json:"out_order_id"`
	OrderStatus      int    `json:"order_status"`
	StoreCode        string `json:"store_code"`
	VehicleModelCode string `json:"vehicle_model_code"`
	PlateNo          string `json:"plate_no"`
	PickupTime       string `json:"pickup_time"`
	ReturnTime       string `json:"return_time"`
	TotalAmount      string `json:"total_amount"`
}

func checkResult(q *rental.OrderQuote) checkReply {
	return checkReply{Available: q.Available > 0, Stock: q.Available, Days: q.Days, TotalAmount: Yuan(q.Rent),
		FeeList: []fee{{FeeCode: feeRent, Amount: Yuan(q.Rent), Quantity: q.Days, UnitPrice: Yuan(q.Terms.DailyRate)}}}
}

func orderResult(o *park.RentalOrder) orderReply {
	return orderReply{OrderID: o.ID, OutOrderID: o.ChannelOrderID, OrderStatus: orderStatus[o.Status],
		StoreCode: o.StoreCode, VehicleModelCode: o.ModelCode, PlateNo: o.Plate,
		PickupTime: Timestamp(o.PickupAt), ReturnTime: Timestamp(o.ReturnAt), TotalAmount: Yuan(o.Rent)}
}
