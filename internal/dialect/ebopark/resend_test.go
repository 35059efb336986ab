package ebopark_test

import (
	"testing"
)

// TestAddMonthCarResendAnswersTheFirstPass: a partner whose AddMonthCar
// timed out sends it again as it was; it gets the first pass's monthId and
// nothing changes, even when the pass was renewed (UpdateMonthCar) before
// the resend arrived. The same plates with other details are still refused.
func TestAddMonthCarResendAnswersTheFirstPass(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	add := `{"ParkCode":"140123001","CarNo":"粤C12345,粤C54321","UserName":"王芳","UserMobile":"13800138000",` +
		`"UserCode":"U2001","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00","LotCount":1,"Plan":"monthly-standard"}`
	var first, again struct {
		MonthID string `json:"monthId"`
	}
	result(t, wantState(t, e.call("AddMonthCar", add), 0, "成功"), &first)
	before := e.snapshot(t)
	result(t, wantState(t, e.call("AddMonthCar", add), 0, "成功"), &again)
	if again.MonthID != first.MonthID || first.MonthID == "" {
		t.Fatalf("resend answered pass %q, the first was %q", again.MonthID, first.MonthID)
	}
	if after := e.snapshot(t); after != before {
		t.Fatalf("the resend changed the lot:\nbefore %s\nafter  %s", before, after)
	}
	// Plates in another order and "，" are the same pass.
	result(t, wantState(t, e.call("AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C54321，粤C12345","UserName":"王芳","UserMobile":"13800138000",`+
		`"UserCode":"U2001","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00","LotCount":1,"Plan":"monthly-standard"}`), 0, "成功"), &again)
	if again.MonthID != first.MonthID {
		t.Fatalf("resend with plates reordered answered %q, want %q", again.MonthID, first.MonthID)
	}
	// Another end is another request: the plates are taken.
	wantState(t, e.call("AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C12345,粤C54321","UserName":"王芳","UserMobile":"13800138000",`+
		`"UserCode":"U2001","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-05-01 00:00:00","LotCount":1,"Plan":"monthly-standard"}`), -1, "数据冲突")
	// The partner renews the pass by moving its end (04-01 to 06-01)
	// before its resend arrives: the resend is still the create's own,
	// answers the same monthId and leaves the pass ending 06-01.
	wantState(t, e.call("UpdateMonthCar", `{"ParkCode":"140123001","UserCode":"U2001","EndTime":"2026-06-01 00:00:00"}`), 0, "成功")
	renewed := e.snapshot(t)
	if renewed == before {
		t.Fatal("the update did not change the pass")
	}
	result(t, wantState(t, e.call("AddMonthCar", add), 0, "成功"), &again)
	if again.MonthID != first.MonthID {
		t.Fatalf("resend after the renewal answered pass %q, the first was %q", again.MonthID, first.MonthID)
	}
	if after := e.snapshot(t); after != renewed {
		t.Fatalf("the resend changed the renewed pass:\nbefore %s\nafter  %s", renewed, after)
	}
	var info struct {
		LotInfo []struct {
			EndTime string `json:"endTime"`
		} `json:"lotInfo"`
	}
	result(t, wantState(t, e.call("QueryMonthCarInfoV2", `{"ParkCode":"140123001","CarNo":"粤C12345","UserMobile":"13800138000"}`), 0, "成功"), &info)
	if len(info.LotInfo) != 1 || info.LotInfo[0].EndTime != "2026-06-01 00:00:00" {
		t.Fatalf("the pass after the resend %+v, want it to end 2026-06-01 00:00:00", info)
	}
	// A request that is neither the create nor the pass as it is now
	// (another holder) still finds the plates taken.
	wantState(t, e.call("AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C12345,粤C54321","UserName":"李四","UserMobile":"13800138000",`+
		`"UserCode":"U2001","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00","LotCount":1,"Plan":"monthly-standard"}`), -1, "数据冲突")
	// Nor is the pass as renewed a create that was made: asking for it
	// (end 06-01) is another request.
	wantState(t, e.call("AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C12345,粤C54321","UserName":"王芳","UserMobile":"13800138000",`+
		`"UserCode":"U2001","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-06-01 00:00:00","LotCount":1,"Plan":"monthly-standard"}`), -1, "数据冲突")
	if after := e.snapshot(t); after != renewed {
		t.Fatalf("a refused create changed the lot:\nbefore %s\nafter  %s", renewed, after)
	}
}

// TestCouponResendWithoutDeduNo: a coupon grant without DeduNo that timed
// out and is sent again as it was answers the first coupon (repeated) and
// grants nothing more; a grant that differs is a new coupon.
func TestCouponResendWithoutDeduNo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, c := range []struct{ op, body string }{
		{"AddDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","DeduType":2,"DeduValue":300}`},
		{"AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","Minutes":30}`},
	} {
		first := e.dedu(t, c.op, c.body)
		before := e.couponSnapshot(t)
		again := e.dedu(t, c.op, c.body)
		if again.DeduNo != first.DeduNo || !again.Repeated || first.Repeated {
			t.Fatalf("%s resend %+v, first %+v", c.op, again, first)
		}
		if after := e.couponSnapshot(t); after != before {
			t.Fatalf("%s resend granted more:\nbefore %s\nafter  %s", c.op, before, after)
		}
	}
	// 300 fen, then 400 fen: two grants, two coupons.
	other := e.dedu(t, "AddDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","DeduType":2,"DeduValue":400}`)
	if other.Repeated || other.DeduValue != 400 {
		t.Fatalf("another grant %+v", other)
	}
	// 粤B12345, 07:00-10:00 is 1300 (first hour 500, then 4 day half-hours
	// of 200). 30 coupon minutes take one half-hour: 1100; then 300 and
	// 400 fen: 1100-700 = 400. A second 300 or 30 minutes would show 200
	// or less.
	if f := e.fee(t, `{"ParkCode":"140123001","CarNo":"粤B12345"}`); f.PayFee != 400 {
		t.Fatalf("fee with the coupons %+v, want payFee 400", f)
	}
}

// TestAddMonthCarResendAfterItsPlatesWereEdited: the pass an AddMonthCar
// made had its plates replaced (UpdateMonthCar) before the create's resend
// arrived. The resend is still that create's: it answers the first monthId
// and changes nothing (no second pass for the freed plates).
func TestAddMonthCarResendAfterItsPlatesWereEdited(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	add := `{"ParkCode":"140123001","CarNo":"粤C12345,粤C54321","UserName":"王芳","UserMobile":"13800138000",` +
		`"UserCode":"U2001","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00","LotCount":1,"Plan":"monthly-standard"}`
	var first, again struct {
		MonthID string `json:"monthId"`
	}
	result(t, wantState(t, e.call("AddMonthCar", add), 0, "成功"), &first)
	for _, plates := range []string{
		"粤C54321",         // the first plate edited off
		"粤C77777,粤C88888", // then every plate replaced
	} {
		wantState(t, e.call("UpdateMonthCar", `{"ParkCode":"140123001","MonthId":"`+first.MonthID+`","CarNo":"`+plates+`"}`), 0, "成功")
		edited := e.snapshot(t)
		result(t, wantState(t, e.call("AddMonthCar", add), 0, "成功"), &again)
		if again.MonthID != first.MonthID {
			t.Fatalf("resend after the plates became %s answered pass %q, the first was %q", plates, again.MonthID, first.MonthID)
		}
		if after := e.snapshot(t); after != edited {
			t.Fatalf("the resend after the plates became %s changed the lot:\nbefore %s\nafter  %s", plates, edited, after)
		}
	}
	// A new request for the freed plates (another holder, no user code)
	// is a new pass.
	var other struct {
		MonthID string `json:"monthId"`
	}
	result(t, wantState(t, e.call("AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C12345","UserName":"李四",`+
		`"BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00","Plan":"monthly-standard"}`), 0, "成功"), &other)
	if other.MonthID == "" || other.MonthID == first.MonthID {
		t.Fatalf("a new pass on the freed plate answered %q (the first %q)", other.MonthID, first.MonthID)
	}
}
