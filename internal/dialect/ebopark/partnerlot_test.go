package ebopark_test

import (
	"fmt"
	"testing"

	"parkd/internal/park"
)

// TestLotTakenFromPartnerElsewhere: when another node takes a lot from a
// partner's registration (here the store is changed behind this node's
// back, as that node's change reaches it), the partner's next request
// for that lot is refused at once, whatever this node remembers of the
// partner from checking its sign: which lots a partner uses is the
// core's answer, read with the request, not the dialect's copy.
func TestLotTakenFromPartnerElsewhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wantState(t, e.call("QueryRemainingSpaces", `{"ParkCode":"140123001"}`), 0, "成功") // the partner is remembered
	err := e.svc.Store.Update(e.ctx, func(tx park.Tx) error {
		p, err := tx.GetPartner(e.ctx, partnerID)
		if err != nil {
			return err
		}
		if err := tx.DeletePartner(e.ctx, partnerID); err != nil {
			return err
		}
		p.Lots = []string{otherLot}
		return tx.CreatePartner(e.ctx, p)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ op, body string }{
		{"QueryRemainingSpaces", `{"ParkCode":"140123001"}`},
		{"QueryInParkCars", `{"ParkCode":"140123001"}`},
		{"getProStopWithDeductionV3", `{"ParkCode":"140123001","CarNo":"粤B12345"}`},
		{"AddWhiteCar", `{"ParkCode":"140123001","CarNo":"粤B99999","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`},
	} {
		wantState(t, e.call(c.op, c.body), -1, "无权操作该车场")
	}
	if w, err := e.svc.Access.WhitelistByPlate(e.ctx, lotCode, "粤B99999"); err == nil {
		t.Fatalf("a whitelist entry added after the lot was taken: %+v", w)
	}
}

// TestAnotherLotWordedAlike: a lot that is not the partner's (or does not
// exist) is worded the same whichever part of the core refused it: the
// lot read for the operation, or the use case itself (a barrier command,
// a lock, a plate-less entry, a removal, a reservation, a payment report).
func TestAnotherLotWordedAlike(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const want = "无权操作该车场或车场不存在 ParkCode"
	for _, c := range []struct{ op, body string }{
		{"QueryRemainingSpaces", `{"ParkCode":"140123002"}`},
		{"OpenGate", `{"ParkCode":"140123002","ChannelId":"in-1","Remark":"人工开闸"}`},
		{"OpenGate", `{"ParkCode":"999999999","ChannelId":"in-1","Remark":"人工开闸"}`},
		{"LockCar", `{"ParkCode":"140123002","CarNo":"苏E77777"}`},
		{"NoPlateCarEntry", `{"ParkCode":"140123002","ChannelId":"in-1"}`},
		{"DeleteInParkCar", `{"ParkCode":"140123002","CarNo":"苏E6X789"}`},
		{"ShareOrderTerminate", `{"ParkCode":"140123002","OrderNo":"SO-1"}`},
	} {
		if env := wantState(t, e.call(c.op, c.body), -1, want); env.Desc != want {
			t.Errorf("%s %s: desc %q, want %q", c.op, c.body, env.Desc, want)
		}
	}
}

// TestPassesListsCouponsInALotTakenFromThePartner: monthly passes,
// whitelist, special and hotel cars, plans and renewals, coupons and
// invoices are the core's to refuse in a lot taken from the partner on
// another node: every operation answers the dialect's words for a lot
// that is not the partner's and changes nothing, even a renewal order
// the partner was given while the lot was still its own.
func TestPassesListsCouponsInALotTakenFromThePartner(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var fee struct {
		OrderNo string `json:"orderNo"`
		PayFee  int64  `json:"payFee"`
	}
	result(t, wantState(t, e.call("GetMonthCarRechargeFee", `{"ParkCode":"140123001","UserCode":"U1001","Months":1}`), 0, "成功"), &fee)
	err := e.svc.Store.Update(e.ctx, func(tx park.Tx) error {
		p, err := tx.GetPartner(e.ctx, partnerID)
		if err != nil {
			return err
		}
		if err := tx.DeletePartner(e.ctx, partnerID); err != nil {
			return err
		}
		p.Lots = []string{otherLot}
		return tx.CreatePartner(e.ctx, p)
	})
	if err != nil {
		t.Fatal(err)
	}
	before := e.couponSnapshot(t)
	const want = "无权操作该车场或车场不存在 ParkCode"
	const month = `"BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"`
	for _, c := range []struct{ op, body string }{
		{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C12345","UserName":"王芳",` + month + `}`},
		{"UpdateMonthCar", `{"ParkCode":"140123001","UserCode":"U1001","UserName":"x"}`},
		{"DeleteMonthCar", `{"ParkCode":"140123001","UserCode":"U1001"}`},
		{"QueryAllMonthCar", `{"ParkCode":"140123001"}`},
		{"SyncMonthCar", `{"ParkCode":"140123001","MonthCars":[{"UserCode":"A","UserName":"n","CarNo":"鲁B11111",` + month + `}]}`},
		{"QueryMonthCarInfoV2", `{"ParkCode":"140123001","CarNo":"京A12345","userMobile":"18679681247"}`},
		{"AddWhiteCar", `{"ParkCode":"140123001","CarNo":"京A99999",` + month + `}`},
		{"DeleteWhiteCar", `{"ParkCode":"140123001","CarNo":"沪B88888"}`},
		{"SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"京A99999","SpecialType":"police"}`},
		{"QuerySpecialCar", `{"ParkCode":"140123001"}`},
		{"DeleteSpecialCar", `{"ParkCode":"140123001","CarNo":"京A99999"}`},
		{"AddHotelCar", `{"ParkCode":"140123001","CarNo":"浙A11111","RoomNo":"1","CheckInTime":"2026-03-01 14:00:00","CheckOutTime":"2026-03-02 12:00:00"}`},
		{"QueryHotelCar", `{"ParkCode":"140123001"}`},
		{"DeleteHotelCar", `{"ParkCode":"140123001","CarNo":"浙A11111"}`},
		{"QueryMonthRates", `{"ParkCode":"140123001"}`},
		{"GetMonthCarRechargeFee", `{"ParkCode":"140123001","UserCode":"U1001","Months":1}`},
		{"MonthCarRechargeResult", fmt.Sprintf(`{"ParkCode":"140123001","OrderNo":%q,"PayFee":%d,"PayType":"WX","TradeNo":"T-R1"}`, fee.OrderNo, fee.PayFee)},
		{"QueryPeriodMonthRates", `{"ParkCode":"140123001"}`},
		{"SavePeriodMonthCar", `{"ParkCode":"140123001","RateId":"night","CarNo":"鲁N77777","UserName":"X",` + month + `}`},
		{"DeletePeriodMonthCar", `{"ParkCode":"140123001","CarNo":"鲁N77777"}`},
		{"QueryInnerCarByPlate", `{"ParkCode":"140123001","CarNo":"京A12345"}`},
		{"AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"苏E6X789","Minutes":30,"DeduNo":"M-9"}`},
		{"DeleteMinuteDeduction", `{"ParkCode":"140123001","DeduNo":"CAFE-200"}`},
		{"QueryDeduDetail", `{"ParkCode":"140123001","DeduNo":"CAFE-200"}`},
		{"QueryDeduList", `{"parkCode":"140123001"}`},
		{"QueryInvoice", `{"ParkCode":"140123001","TradeNo":"T-1"}`},
	} {
		want := want
		if c.op == "QueryDeduList" { // the vendor spells its keys so
			want = "无权操作该车场或车场不存在 parkCode"
		}
		if env := wantState(t, e.call(c.op, c.body), -1, want); env.Desc != want {
			t.Errorf("%s: desc %q, want %q", c.op, env.Desc, want)
		}
	}
	if after := e.couponSnapshot(t); after != before {
		t.Fatalf("refused operations changed the lot:\nbefore %s\nafter  %s", before, after)
	}
	if r, err := e.svc.Access.GetRenewal(e.ctx, lotCode, fee.OrderNo); err != nil || r.PaidAt != nil {
		t.Fatalf("the renewal order after a refused payment report: %+v, %v", r, err)
	}
}
