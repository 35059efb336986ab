package ebopark_test

import (
	"encoding/json"
	"testing"
)

// TestDeleteByDisagreeingKeysDeletesNothing: a delete that names a pass
// by MonthId and also by a UserCode (or CarNo) of another pass names no
// pass; neither is deleted, where the first key alone used to win.
func TestDeleteByDisagreeingKeysDeletesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	add := wantState(t, e.call("AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C10001","UserName":"甲","UserCode":"UB",`+
		`"BeginTime":"2026-03-01 00:00:00","EndTime":"2027-03-01 00:00:00"}`), 0, "成功")
	var b struct {
		MonthID string `json:"monthId"`
	}
	if err := json.Unmarshal(add.Result, &b); err != nil || b.MonthID == "" {
		t.Fatalf("added %s", add.Result)
	}
	save := wantState(t, e.call("SavePeriodMonthCar", `{"ParkCode":"140123001","RateId":"night","CarNo":"鲁N77771","UserName":"乙",`+
		`"BeginTime":"2026-03-01 00:00:00","EndTime":"2027-03-01 00:00:00"}`), 0, "成功")
	var s struct {
		LotInfo []struct {
			MonthID string `json:"monthId"`
		} `json:"lotInfo"`
	}
	if err := json.Unmarshal(save.Result, &s); err != nil || len(s.LotInfo) != 1 {
		t.Fatalf("saved %s", save.Result)
	}
	before := e.snapshot(t)
	for _, c := range []struct{ op, body, desc string }{
		{"DeleteMonthCar", `{"ParkCode":"140123001","MonthId":"` + b.MonthID + `","UserCode":"U1001"}`, "未找到 UserCode：月租不存在"},
		{"DeletePeriodMonthCar", `{"ParkCode":"140123001","MonthId":"` + s.LotInfo[0].MonthID + `","CarNo":"鲁N00001"}`, "未找到 CarNo"},
		{"DeletePeriodMonthCar", `{"ParkCode":"140123001","UserCode":"U1001","CarNo":"鲁N77771"}`, "未找到"},
	} {
		wantState(t, e.call(c.op, c.body), -1, c.desc)
		if e.snapshot(t) != before {
			t.Fatalf("%s %s changed data", c.op, c.body)
		}
	}
	wantState(t, e.call("DeleteMonthCar", `{"ParkCode":"140123001","MonthId":"`+b.MonthID+`","UserCode":"UB"}`), 0, "成功")
	wantState(t, e.call("QueryMonthCarInfoV2", `{"ParkCode":"140123001","CarNo":"京A12345","userMobile":"18679681247"}`), 0, "成功")
}
