package ebopark_test

import (
	"strings"
	"testing"
	"time"

	"parkd/internal/park"
)

const hotelAdd = `{"ParkCode":"140123001","CarNo":"浙A88888","RoomNo":"808","CheckInTime":"2026-02-28 14:00:00","CheckOutTime":"2026-03-02 12:00:00"}`

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// TestHotelCarFreeWhileGuestStays: the car enters and leaves free inside
// the stay window and pays for the time outside it.
func TestHotelCarFreeWhileGuestStays(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wantState(t, e.call("AddHotelCar", hotelAdd), 0, "成功")
	w, err := e.svc.Access.WhitelistByPlate(e.ctx, lotCode, "浙A88888")
	if err != nil || w.Kind != park.AccessAllow || w.Category != park.ListHotel || w.Reason != "808" || !w.ValidFrom.Equal(at("2026-02-28 14:00:00")) ||
		!w.ValidTo.Equal(at("2026-03-02 12:00:00")) {
		t.Fatalf("entry %+v, %v", w, err)
	}
	// Inside the window: in and out free.
	if d := e.event(t, park.EventEntry, "浙A88888", at("2026-03-01 07:00:00")); d.Decision != park.DecisionOpen || d.Reason != "whitelist" {
		t.Fatalf("entry %+v, want open/whitelist", d)
	}
	if d := e.event(t, park.EventExit, "浙A88888", now); d.Decision != park.DecisionOpen || d.Reason != "whitelist" || d.AmountDue != 0 {
		t.Fatalf("exit %+v, want open/whitelist", d)
	}

	// A guest who checked out at 08:00 and leaves at 10:00 pays for the
	// two hours after check-out.
	wantState(t, e.call("AddHotelCar", `{"ParkCode":"140123001","CarNo":"浙A88888","RoomNo":"808",
		"CheckInTime":"2026-02-28 14:00:00","CheckOutTime":"2026-03-01 08:00:00"}`), 0, "成功")
	if d := e.event(t, park.EventEntry, "浙A88888", at("2026-03-01 06:00:00")); d.Decision != park.DecisionOpen || d.Reason != "whitelist" {
		t.Fatalf("entry %+v, want open/whitelist", d)
	}
	// Billed from check-out, 08:00-10:00: the first hour 500, then two
	// day half-hours of 200 = 900.
	if d := e.event(t, park.EventExit, "浙A88888", now); d.Decision != park.DecisionHold || d.Reason != park.ReasonPaymentRequired || d.AmountDue != 900 {
		t.Fatalf("exit after check-out %+v, want hold/payment_required", d)
	}

	// A car that enters before check-in is a visitor.
	wantState(t, e.call("AddHotelCar", `{"ParkCode":"140123001","CarNo":"浙A66666","RoomNo":"1203",
		"CheckInTime":"2026-03-01 15:00:00","CheckOutTime":"2026-03-04 12:00:00"}`), 0, "成功")
	if d := e.event(t, park.EventEntry, "浙A66666", at("2026-03-01 08:00:00")); d.Reason != park.ReasonVisitor {
		t.Fatalf("entry before check-in %+v, want visitor", d)
	}
	// A visitor 08:00-10:00: 500 + 2 × 200 = 900.
	if d := e.event(t, park.EventExit, "浙A66666", now); d.Decision != park.DecisionHold || d.AmountDue != 900 {
		t.Fatalf("exit before check-in %+v, want payment", d)
	}

	// Deleted (early check-out): the car pays from then on.
	wantState(t, e.call("DeleteHotelCar", `{"ParkCode":"140123001","CarNo":"浙A66666"}`), 0, "成功")
	if _, err := e.svc.Access.WhitelistByPlate(e.ctx, lotCode, "浙A66666"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("still listed: %v", err)
	}
	// A second request, not a replay (it differs: docs/ebopark.md, "Signing").
	wantState(t, e.call("DeleteHotelCar", `{"ParkCode":"140123001","CarNo":"浙A66666","RequestId":"2"}`), -1, "未找到 CarNo：该车牌不是酒店车辆")
}

func TestHotelCarRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wantState(t, e.call("SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"京A99999","SpecialType":"ambulance"}`), 0, "成功")
	wantState(t, e.call("SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"京B66666","SpecialType":"blacklist"}`), 0, "成功")
	wantState(t, e.call("AddWhiteCar", `{"ParkCode":"140123001","CarNo":"苏E77777","BeginTime":"2026-03-01 00:00:00",
		"EndTime":"2026-12-31 23:59:59"}`), 0, "成功")
	wantState(t, e.call("AddHotelCar", hotelAdd), 0, "成功")
	hotel := func(car, room, in, out string) string {
		return `{"ParkCode":"140123001","CarNo":"` + car + `","RoomNo":"` + room + `","CheckInTime":"` + in + `","CheckOutTime":"` + out + `"}`
	}
	const in, out = "2026-03-01 14:00:00", "2026-03-02 12:00:00"
	before := e.snapshot(t)
	for _, c := range []struct{ op, body, desc string }{
		{"AddHotelCar", `{"ParkCode":"140123001","RoomNo":"1","CheckInTime":"` + in + `","CheckOutTime":"` + out + `"}`, "缺少参数 CarNo"},
		{"AddHotelCar", hotel("WUPAI", "1", in, out), "车牌号格式错误"},
		{"AddHotelCar", hotel("浙A11111", " ", in, out), "缺少参数 RoomNo"},
		// A room too long, or with a control character, is not a wrong
		// JSON type: the desc says what a room may be.
		{"AddHotelCar", hotel("浙A11111", strings.Repeat("8", 33), in, out), "参数错误 RoomNo：至多32个字符"},
		// The character is named with its byte: "8" is byte 0, U+0001 byte 1.
		{"AddHotelCar", hotel("浙A11111", `8\u00018`, in, out), "参数错误 RoomNo：不能含控制字符 U+0001（第1字节）"},
		{"AddHotelCar", `{"ParkCode":"140123001","CarNo":"浙A11111","RoomNo":808,"CheckInTime":"` + in + `","CheckOutTime":"` + out + `"}`, "参数类型错误 RoomNo"},
		{"AddHotelCar", hotel("浙A11111", "1", "", out), "缺少参数 CheckInTime"},
		{"AddHotelCar", hotel("浙A11111", "1", in, "2026/03/02"), "参数类型错误 CheckOutTime"},
		{"AddHotelCar", hotel("浙A11111", "1", out, in), "参数错误 CheckOutTime"},
		{"AddHotelCar", hotel("浙A11111", "1", in, in), "参数错误 CheckOutTime"},
		// Other kinds of list entry are not overwritten.
		{"AddHotelCar", hotel("京A99999", "1", in, out), "数据冲突 CarNo"},
		{"AddHotelCar", hotel("京B66666", "1", in, out), "数据冲突 CarNo"},
		{"AddHotelCar", hotel("苏E77777", "1", in, out), "数据冲突 CarNo"},
		{"AddHotelCar", `{"ParkCode":"140123002","CarNo":"浙A11111","RoomNo":"1","CheckInTime":"` + in + `","CheckOutTime":"` + out + `"}`, "无权操作该车场"},
		{"QueryHotelCar", `{"ParkCode":"140123001","CarNo":"WUPAI"}`, "车牌号格式错误"},
		{"QueryHotelCar", `{}`, "缺少参数 ParkCode"},
		{"DeleteHotelCar", `{"ParkCode":"140123001"}`, "缺少参数 CarNo"},
		{"DeleteHotelCar", `{"ParkCode":"140123001","CarNo":"京A99999"}`, "未找到 CarNo：该车牌不是酒店车辆"},
		{"DeleteHotelCar", `{"ParkCode":"140123001","CarNo":"苏E77777"}`, "未找到 CarNo：该车牌不是酒店车辆"},
		{"DeleteHotelCar", `{"ParkCode":"140123001","CarNo":"浙A11111"}`, "未找到 CarNo：该车牌不是酒店车辆"},
		// Whitelist operations leave hotel cars alone.
		{"AddWhiteCar", `{"ParkCode":"140123001","CarNo":"浙A88888","BeginTime":"` + in + `","EndTime":"` + out + `"}`, "数据冲突 CarNo"},
		{"DeleteWhiteCar", `{"ParkCode":"140123001","CarNo":"浙A88888"}`, "未找到"},
		{"SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"浙A88888","SpecialType":"police"}`, "数据冲突 CarNo"},
		{"DeleteSpecialCar", `{"ParkCode":"140123001","CarNo":"浙A88888"}`, "未找到"},
	} {
		wantState(t, e.call(c.op, c.body), -1, c.desc)
		if e.snapshot(t) != before {
			t.Fatalf("refused %s %s changed data", c.op, c.body)
		}
	}
	// Adding again replaces the room and window.
	wantState(t, e.call("AddHotelCar", hotel("浙A88888", "909", in, out)), 0, "成功")
	env := wantState(t, e.call("QueryHotelCar", `{"ParkCode":"140123001","RoomNo":"909"}`), 0, "成功")
	var res []struct{ CarNo, RoomNo, CheckInTime string }
	result(t, env, &res)
	if env.Total != 1 || len(res) != 1 || res[0].CarNo != "浙A88888" || res[0].CheckInTime != in {
		t.Fatalf("query %s", env.Result)
	}
	env = wantState(t, e.call("QueryHotelCar", `{"ParkCode":"140123001","CarNo":"苏E77777"}`), 0, "成功")
	if env.Total != 0 || string(env.Result) != "[]" {
		t.Fatalf("whitelist car listed as hotel car: %s", env.Result)
	}
}

// TestListWindowAlreadyOver: a whitelist car, special vehicle or hotel
// car whose window ended before the request (a year typed wrong, a
// check-out already past) would be acknowledged yet never let the car
// in free; it is refused, naming the end, and changes nothing. A window
// that has begun and not ended is taken (the fixtures' clock is
// 2026-03-01 10:00).
func TestListWindowAlreadyOver(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.snapshot(t)
	for _, c := range []struct{ op, body, desc string }{
		{"AddWhiteCar", `{"ParkCode":"140123001","CarNo":"苏E77777","BeginTime":"2025-03-01 00:00:00","EndTime":"2025-12-31 23:59:59"}`,
			"参数错误 EndTime：须晚于 BeginTime，且不能已过去"},
		{"AddWhiteCar", `{"ParkCode":"140123001","CarNo":"苏E77777","BeginTime":"2026-02-01 00:00:00","EndTime":"2026-03-01 10:00:00"}`,
			"参数错误 EndTime：须晚于 BeginTime，且不能已过去"},
		{"SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"京A99999","SpecialType":"ambulance","BeginTime":"2025-03-01 00:00:00","EndTime":"2025-04-01 00:00:00"}`,
			"参数错误 EndTime：须晚于 BeginTime，且不能已过去"},
		{"AddHotelCar", `{"ParkCode":"140123001","CarNo":"浙A88888","RoomNo":"808","CheckInTime":"2026-02-27 14:00:00","CheckOutTime":"2026-02-28 12:00:00"}`,
			"参数错误 CheckOutTime：须晚于 CheckInTime，且不能已过去"},
	} {
		wantState(t, e.call(c.op, c.body), -1, c.desc)
		if e.snapshot(t) != before {
			t.Fatalf("refused %s %s changed data", c.op, c.body)
		}
	}
	env := wantState(t, e.call("QuerySpecialCar", `{"ParkCode":"140123001"}`), 0, "成功")
	if env.Total != 0 {
		t.Fatalf("special vehicles after refused syncs: %s", env.Result)
	}
	env = wantState(t, e.call("QueryHotelCar", `{"ParkCode":"140123001"}`), 0, "成功")
	if env.Total != 0 {
		t.Fatalf("hotel cars after a refused add: %s", env.Result)
	}
	// Begun and not over: taken.
	wantState(t, e.call("AddWhiteCar", `{"ParkCode":"140123001","CarNo":"苏E77777","BeginTime":"2026-02-01 00:00:00","EndTime":"2026-03-01 10:00:01"}`), 0, "成功")
}
