package ebopark_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/gate"
	"parkd/internal/park"
)

var listEventSeq atomic.Int64

// event runs a lane event through the core and returns its decision.
func (e *env) event(t *testing.T, typ, plateText string, at time.Time) park.Decision {
	t.Helper()
	lane := "in-1"
	if typ == park.EventExit {
		lane = "out-1"
	}
	d, err := e.svc.Gate.HandleEvent(e.ctx, gate.EventInput{LotCode: lotCode, ID: fmt.Sprintf("l-%d", listEventSeq.Add(1)),
		Type: typ, Plate: plateText, Lane: lane, At: at})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func result(t *testing.T, env envelope, v any) {
	t.Helper()
	if err := json.Unmarshal(env.Result, v); err != nil {
		t.Fatalf("%v: %s", err, env.Result)
	}
}

func TestAddMonthCarHonouredAtExit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	env := wantState(t, e.call("AddMonthCar", `{"ParkCode":"140123001","CarNo":["粤C12345","粤C54321"],"UserName":"王芳",
		"UserCode":"U2001","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`), 0, "成功")
	var res struct{ MonthID string }
	result(t, env, &res)
	ps, err := e.svc.Access.GetPass(e.ctx, lotCode, res.MonthID)
	if err != nil || ps.Spaces != 2 || ps.ValidFrom != time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai).UTC() || ps.UserCode != "U2001" {
		t.Fatalf("pass %+v, %v", ps, err)
	}
	if d := e.event(t, park.EventEntry, "粤C54321", now.Add(-3*time.Hour)); d.Decision != park.DecisionOpen {
		t.Fatalf("entry %+v", d)
	}
	if d := e.event(t, park.EventExit, "粤C54321", now); d.Decision != park.DecisionOpen || d.Reason != "pass" {
		t.Fatalf("exit %+v, want open/pass", d)
	}
	// The same user code again is a conflict.
	wantState(t, e.call("AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C99999","UserName":"X","UserCode":"U2001",
		"BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`), -1, "数据冲突 UserCode")
}

func TestUpdateDeleteMonthCar(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fixturePass, err := e.svc.Access.PassByUserCode(e.ctx, lotCode, "U1001")
	if err != nil {
		t.Fatal(err)
	}
	// By MonthId: the holder's mobile and plan change, the rest stays.
	wantState(t, e.call("UpdateMonthCar", `{"ParkCode":"140123001","MonthId":"`+fixturePass.ID+`","UserMobile":"13900000000","RateId":"r-2"}`), 0, "成功")
	ps, err := e.svc.Access.GetPass(e.ctx, lotCode, fixturePass.ID)
	if err != nil || ps.Mobile != "13900000000" || ps.Plan != "r-2" || len(ps.Plates) != 2 || ps.HolderName != "张伟" {
		t.Fatalf("after update %+v, %v", ps, err)
	}
	// End before begin is refused by the core, named as the vendor names it.
	before := e.snapshot(t)
	wantState(t, e.call("UpdateMonthCar", `{"ParkCode":"140123001","UserCode":"U1001","EndTime":"2026-01-01 00:00:00"}`), -1, "参数错误 EndTime")
	if e.snapshot(t) != before {
		t.Fatal("refused update changed data")
	}
	wantState(t, e.call("UpdateMonthCar", `{"ParkCode":"140123001","UserCode":"nobody","UserName":"x"}`), -1, "未找到")
	wantState(t, e.call("DeleteMonthCar", `{"ParkCode":"140123001"}`), -1, "缺少参数 MonthId/UserCode")
	// Deleted: the car pays as a visitor from then on.
	wantState(t, e.call("DeleteMonthCar", `{"ParkCode":"140123001","MonthId":"`+fixturePass.ID+`"}`), 0, "成功")
	if _, err := e.svc.Access.PassByPlate(e.ctx, lotCode, "京A12345"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("pass still there: %v", err)
	}
	if d := e.event(t, park.EventEntry, "京AD12345", now.Add(-3*time.Hour)); d.Reason == "pass" {
		t.Fatalf("deleted pass honoured: %+v", d)
	}
	// A second request, not a replay (it differs: docs/ebopark.md, "Signing").
	wantState(t, e.call("DeleteMonthCar", `{"ParkCode":"140123001","MonthId":"`+fixturePass.ID+`","RequestId":"2"}`), -1, "未找到")
}

func TestQueryAllMonthCar(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i := range 3 {
		wantState(t, e.call("AddMonthCar", fmt.Sprintf(`{"ParkCode":"140123001","CarNo":"粤C1234%d","UserName":"U%d",
			"BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`, i, i)), 0, "成功")
	}
	var page struct {
		Records []struct {
			CarNo []string `json:"carNo"`
		} `json:"records"`
	}
	env := wantState(t, e.call("QueryAllMonthCar", `{"ParkCode":"140123001","PageNum":2,"PageSize":3}`), 0, "成功")
	result(t, env, &page)
	if env.Total != 4 || len(page.Records) != 1 {
		t.Fatalf("page 2: total %d, %s", env.Total, env.Result)
	}
	env = wantState(t, e.call("QueryAllMonthCar", `{"ParkCode":"140123001","PageNum":3,"PageSize":3}`), 0, "成功")
	result(t, env, &page)
	if len(page.Records) != 0 {
		t.Fatalf("page 3: %s", env.Result)
	}
	// The last page number there can be is an empty page; one past it, or
	// one whose offset would overflow, is refused.
	env = wantState(t, e.call("QueryAllMonthCar", `{"ParkCode":"140123001","PageNum":1000000,"PageSize":1000}`), 0, "成功")
	result(t, env, &page)
	if env.Total != 4 || len(page.Records) != 0 {
		t.Fatalf("page 1000000: total %d, %s", env.Total, env.Result)
	}
	for _, n := range []string{"0", "1000001", "9223372036854775807"} {
		wantState(t, e.call("QueryAllMonthCar", `{"ParkCode":"140123001","PageNum":`+n+`}`), -1, "参数类型错误 PageNum")
	}
	wantState(t, e.call("QueryAllMonthCar", `{"ParkCode":"140123001","PageSize":1001}`), -1, "参数类型错误 PageSize")
}

func TestSyncMonthCar(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	item := func(code, plates, end string) string {
		return fmt.Sprintf(`{"UserCode":%q,"UserName":"n","CarNo":%s,"BeginTime":"2026-03-01 00:00:00","EndTime":%q}`, code, plates, end)
	}
	before := e.snapshot(t)
	for _, c := range []struct{ body, desc string }{
		{`{"ParkCode":"140123001","MonthCars":[]}`, "缺少参数 MonthCars"},
		{`{"ParkCode":"140123001","MonthCars":[` + item("A", `"鲁B11111"`, "2026-04-01 00:00:00") + `,` +
			item("B", `"鲁B22222"`, "2026-02-01 00:00:00") + `]}`, "参数错误 MonthCars[1].EndTime"},
		{`{"ParkCode":"140123001","MonthCars":[` + item("A", `"鲁B11111"`, "2026-04-01 00:00:00") + `,` +
			item("", `"鲁B22222"`, "2026-04-01 00:00:00") + `]}`, "缺少参数 MonthCars[1].UserCode"},
		{`{"ParkCode":"140123001","MonthCars":[` + item("A", `"WUPAI"`, "2026-04-01 00:00:00") + `]}`, "车牌号格式错误"},
		{`{"ParkCode":"140123001","MonthCars":[` + item("A", `"鲁B11111"`, "2026-04-01 00:00:00") + `,` +
			item("A", `"鲁B22222"`, "2026-04-01 00:00:00") + `]}`, "参数错误 MonthCars[1].UserCode"},
		// A plate already held by the fixture pass (another user code).
		{`{"ParkCode":"140123001","MonthCars":[` + item("A", `"鲁B11111"`, "2026-04-01 00:00:00") + `,` +
			item("B", `"京A12345"`, "2026-04-01 00:00:00") + `]}`, "数据冲突 MonthCars[1]"},
		{`{"ParkCode":"140123002","MonthCars":[` + item("A", `"鲁B11111"`, "2026-04-01 00:00:00") + `]}`, "无权操作该车场"},
	} {
		wantState(t, e.call("SyncMonthCar", c.body), -1, c.desc)
		if e.snapshot(t) != before {
			t.Fatalf("refused %s changed data", c.body)
		}
	}
	env := wantState(t, e.call("SyncMonthCar", `{"ParkCode":"140123001","MonthCars":[`+item("U1001", `["京A12345"]`, "2030-01-01 00:00:00")+`,`+
		item("N1", `"鲁B11111,鲁B22222"`, "2026-04-01 00:00:00")+`]}`), 0, "成功")
	var out []struct{ UserCode, MonthID, Action string }
	result(t, env, &out)
	if len(out) != 2 || out[0].Action != "updated" || out[1].Action != "created" {
		t.Fatalf("outcomes %s", env.Result)
	}
	ps, err := e.svc.Access.PassByUserCode(e.ctx, lotCode, "U1001")
	if err != nil || ps.ID != out[0].MonthID || len(ps.Plates) != 1 || ps.ValidTo.Year() != 2029 && ps.ValidTo.Year() != 2030 {
		t.Fatalf("U1001 %+v, %v", ps, err)
	}
	if ps, err := e.svc.Access.PassByPlate(e.ctx, lotCode, "鲁B22222"); err != nil || ps.ID != out[1].MonthID {
		t.Fatalf("N1 %+v, %v", ps, err)
	}
	if d := e.event(t, park.EventEntry, "鲁B22222", now.Add(-time.Hour)); d.Decision != park.DecisionOpen {
		t.Fatalf("entry %+v", d)
	}
	if d := e.event(t, park.EventExit, "鲁B22222", now); d.Reason != "pass" {
		t.Fatalf("exit %+v, want pass", d)
	}
}

func TestWhiteCar(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wantState(t, e.call("AddWhiteCar", `{"ParkCode":"140123001","CarNo":"苏E77777","BeginTime":"2026-03-01 00:00:00",
		"EndTime":"2026-12-31 23:59:59","Reason":"物业车辆"}`), 0, "成功")
	w, err := e.svc.Access.WhitelistByPlate(e.ctx, lotCode, "苏E77777")
	if err != nil || w.Kind != park.AccessAllow || w.Reason != "物业车辆" {
		t.Fatalf("entry %+v, %v", w, err)
	}
	if d := e.event(t, park.EventEntry, "苏E77777", now.Add(-time.Hour)); d.Reason != "whitelist" {
		t.Fatalf("entry %+v", d)
	}
	if d := e.event(t, park.EventExit, "苏E77777", now); d.Decision != park.DecisionOpen || d.Reason != "whitelist" {
		t.Fatalf("exit %+v", d)
	}
	// Adding again replaces the window.
	wantState(t, e.call("AddWhiteCar", `{"ParkCode":"140123001","CarNo":"苏E77777","BeginTime":"2026-03-01 00:00:00",
		"EndTime":"2027-12-31 23:59:59"}`), 0, "成功")
	if w, _ := e.svc.Access.WhitelistByPlate(e.ctx, lotCode, "苏E77777"); w.ValidTo.Year() != 2027 {
		t.Fatalf("not replaced: %+v", w)
	}
	wantState(t, e.call("DeleteWhiteCar", `{"ParkCode":"140123001","CarNo":"苏E77777"}`), 0, "成功")
	if _, err := e.svc.Access.WhitelistByPlate(e.ctx, lotCode, "苏E77777"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("still listed: %v", err)
	}
	// A second request, not a replay (it differs: docs/ebopark.md, "Signing").
	wantState(t, e.call("DeleteWhiteCar", `{"ParkCode":"140123001","CarNo":"苏E77777","RequestId":"2"}`), -1, "未找到")
	// A special vehicle is not removed as a whitelist car.
	wantState(t, e.call("SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"京A99999","SpecialType":"fire"}`), 0, "成功")
	wantState(t, e.call("DeleteWhiteCar", `{"ParkCode":"140123001","CarNo":"京A99999"}`), -1, "未找到")
	wantState(t, e.call("AddWhiteCar", `{"ParkCode":"140123001","CarNo":"京A99999","BeginTime":"2026-03-01 00:00:00",
		"EndTime":"2027-12-31 23:59:59"}`), -1, "数据冲突 CarNo")
}

func TestSpecialCar(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wantState(t, e.call("SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"京B66666","SpecialType":"blacklist"}`), 0, "成功")
	w, err := e.svc.Access.WhitelistByPlate(e.ctx, lotCode, "京B66666")
	if err != nil || w.Kind != park.AccessDeny {
		t.Fatalf("entry %+v, %v", w, err)
	}
	if d := e.event(t, park.EventEntry, "京B66666", now); d.Decision != park.DecisionHold || d.Reason != "refused" {
		t.Fatalf("blacklisted entry %+v, want hold/refused", d)
	}
	// Fill the lot: a visitor is held, an ambulance enters.
	occ, err := e.svc.Gate.Occupancy(e.ctx, lotCode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Gate.UpdateLot(e.ctx, lotCode, func(l *park.Lot) error { l.Capacity = occ.Occupied; return nil }); err != nil {
		t.Fatal(err)
	}
	if d := e.event(t, park.EventEntry, "京C11111", now); d.Reason != "lot_full" {
		t.Fatalf("visitor %+v, want lot_full", d)
	}
	wantState(t, e.call("SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"京A99999","SpecialType":"ambulance"}`), 0, "成功")
	if d := e.event(t, park.EventEntry, "京A99999", now); d.Decision != park.DecisionOpen || d.Reason != "whitelist" {
		t.Fatalf("ambulance %+v, want open/whitelist", d)
	}
	// Re-sync changes the type in place; query shows both, or one.
	wantState(t, e.call("SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"京B66666","SpecialType":"police"}`), 0, "成功")
	env := wantState(t, e.call("QuerySpecialCar", `{"ParkCode":"140123001"}`), 0, "成功")
	var recs []struct{ CarNo, SpecialType string }
	result(t, env, &recs)
	if env.Total != 2 || recs[0].CarNo != "京A99999" || recs[1].SpecialType != "police" {
		t.Fatalf("query %s", env.Result)
	}
	env = wantState(t, e.call("QuerySpecialCar", `{"ParkCode":"140123001","CarNo":"京A99999"}`), 0, "成功")
	if env.Total != 1 {
		t.Fatalf("query one %s", env.Result)
	}
	// The fixture whitelist car is not special.
	env = wantState(t, e.call("QuerySpecialCar", `{"ParkCode":"140123001","CarNo":"沪B88888"}`), 0, "成功")
	if env.Total != 0 || string(env.Result) != "[]" {
		t.Fatalf("query plain %s", env.Result)
	}
	wantState(t, e.call("DeleteSpecialCar", `{"ParkCode":"140123001","CarNo":"沪B88888"}`), -1, "未找到")
	wantState(t, e.call("SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"沪B88888","SpecialType":"police"}`), -1, "数据冲突 CarNo")
	wantState(t, e.call("DeleteSpecialCar", `{"ParkCode":"140123001","CarNo":"京A99999"}`), 0, "成功")
	if _, err := e.svc.Access.WhitelistByPlate(e.ctx, lotCode, "京A99999"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("still listed: %v", err)
	}
}

// TestListsBadInput: every refusal is state -1 with a specific desc, HTTP
// 200, and changes nothing.
func TestListsBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const times = `"BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"`
	cases := []struct{ op, body, desc string }{
		{"AddMonthCar", `{"CarNo":"粤C12345","UserName":"a",` + times + `}`, "缺少参数 ParkCode"},
		{"AddMonthCar", `{"ParkCode":"140123001","UserName":"a",` + times + `}`, "缺少参数 CarNo"},
		{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C12345",` + times + `}`, "缺少参数 UserName"},
		{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C12345","UserName":"a","EndTime":"2026-04-01 00:00:00"}`, "缺少参数 BeginTime"},
		{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C12345","UserName":"a","BeginTime":"2026/03/01","EndTime":"2026-04-01 00:00:00"}`, "参数类型错误 BeginTime"},
		{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"hello world","UserName":"a",` + times + `}`, "车牌号格式错误"},
		{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C12345,??","UserName":"a",` + times + `}`, "车牌号格式错误"},
		{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"无牌车","UserName":"a",` + times + `}`, "车牌号格式错误"},
		{"AddMonthCar", `{"ParkCode":"140123001","CarNo":12,"UserName":"a",` + times + `}`, "参数类型错误 CarNo"},
		{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C12345","UserName":"a","BeginTime":"2026-04-01 00:00:00","EndTime":"2026-03-01 00:00:00"}`, "参数错误 EndTime"},
		{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C12345","UserName":"a","LotCount":3,` + times + `}`, "参数错误 LotCount"},
		{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C12345","UserName":"a","LotCount":0,` + times + `}`, "参数类型错误 LotCount"},
		{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C12345","UserName":"a","UserMobile":"abc",` + times + `}`, "参数错误 UserMobile"},
		{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"京A12345","UserName":"a",` + times + `}`, "数据冲突"},
		{"AddMonthCar", `{"ParkCode":"140123002","CarNo":"粤C12345","UserName":"a",` + times + `}`, "无权操作该车场或车场不存在"},
		{"AddMonthCar", `[]`, "请求体不是JSON对象"},
		{"UpdateMonthCar", `{"ParkCode":"140123001","UserCode":"U1001","CarNo":"无牌车"}`, "车牌号格式错误"},
		{"UpdateMonthCar", `{"ParkCode":"140123001","UserCode":"U1001","UserName":""}`, "缺少参数 UserName"},
		{"UpdateMonthCar", `{"ParkCode":"140123002","UserCode":"U1001","UserName":"x"}`, "无权操作该车场"},
		{"DeleteMonthCar", `{"ParkCode":"140123001","MonthId":"nope"}`, "未找到"},
		{"QueryAllMonthCar", `{"ParkCode":"140123002"}`, "无权操作该车场"},
		{"SyncMonthCar", `{"ParkCode":"140123001","MonthCars":{}}`, "参数类型错误"},
		{"AddWhiteCar", `{"ParkCode":"140123001","CarNo":"苏E77777","EndTime":"2026-04-01 00:00:00"}`, "缺少参数 BeginTime"},
		{"AddWhiteCar", `{"ParkCode":"140123001","CarNo":"苏E77777","BeginTime":"2026-04-01 00:00:00","EndTime":"2026-03-01 00:00:00"}`, "参数错误 EndTime"},
		{"AddWhiteCar", `{"ParkCode":"140123001","CarNo":"无牌车",` + times + `}`, "车牌号格式错误"},
		{"AddWhiteCar", `{"ParkCode":"140123002","CarNo":"苏E77777",` + times + `}`, "无权操作该车场"},
		{"DeleteWhiteCar", `{"ParkCode":"140123001"}`, "缺少参数 CarNo"},
		{"DeleteWhiteCar", `{"ParkCode":"140123002","CarNo":"沪B88888"}`, "无权操作该车场"},
		{"SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"京A99999"}`, "缺少参数 SpecialType"},
		{"SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"京A99999","SpecialType":"vip"}`, "参数错误 SpecialType：应为 police、ambulance、fire 或 blacklist"},
		{"SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"京A99999","SpecialType":"police","EndTime":"2000-01-01 00:00:00"}`, "参数错误 EndTime"},
		{"SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"12","SpecialType":"police"}`, "车牌号格式错误"},
		{"QuerySpecialCar", `{"ParkCode":"140123001","CarNo":"??"}`, "车牌号格式错误"},
		{"QuerySpecialCar", `{"ParkCode":"140123002"}`, "无权操作该车场"},
		{"DeleteSpecialCar", `{"ParkCode":"140123001","CarNo":"京A99999"}`, "未找到"},
	}
	before := e.snapshot(t)
	for _, c := range cases {
		wantState(t, e.call(c.op, c.body), -1, c.desc)
		if e.snapshot(t) != before {
			t.Fatalf("%s %s changed data", c.op, c.body)
		}
	}
	// Another partner cannot see or change this partner's lot.
	r := e.post("/partnerService/DeleteMonthCar?partnerid=other&sign=o", `{"ParkCode":"140123001","UserCode":"U1001"}`)
	wantState(t, r, -1, "无权操作该车场")
	if e.snapshot(t) != before || strings.Contains(string(r.body), "张伟") {
		t.Fatal("other partner reached the lot")
	}
}

// FuzzListRequest sends arbitrary bodies to the operations of lists.go:
// always HTTP 200 with an envelope, never an internal error.
func FuzzListRequest(f *testing.F) {
	e := newEnv(f)
	ops := []string{"AddMonthCar", "UpdateMonthCar", "DeleteMonthCar", "QueryAllMonthCar", "SyncMonthCar",
		"AddWhiteCar", "DeleteWhiteCar", "SyncSpecialCar", "QuerySpecialCar", "DeleteSpecialCar"}
	for i, op := range ops {
		if b, err := os.ReadFile(filepath.Join("testdata", op+".request.json")); err == nil {
			f.Add(uint8(i), string(b))
		}
	}
	for _, s := range []string{`{"ParkCode":"140123001","CarNo":[1,2]}`, `{"ParkCode":"140123001","MonthCars":[null,{}]}`,
		`{"ParkCode":"140123001","UserCode":"U1001","LotCount":-1}`, `{"ParkCode":"140123001","CarNo":",,,"}`, `null`, `{}`} {
		f.Add(uint8(0), s)
		f.Add(uint8(4), s)
	}
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		r := e.call(ops[int(op)%len(ops)], body)
		var env envelope
		if r.status != 200 || json.Unmarshal(r.body, &env) != nil || env.State == nil || strings.Contains(env.Desc, "系统内部错误") {
			t.Fatalf("%q: HTTP %d %s", body, r.status, r.body)
		}
	})
}

// TestTimesInRange: a partner's times are bounded as an operator's are
// (years 2000 to 9000, as written in the lot's zone): a pass or a list
// entry dated in year 1 or 9999 is refused and nothing is stored, so no
// renewal can sell a month of the year 10000.
func TestTimesInRange(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.snapshot(t)
	for _, c := range []struct{ op, body, desc string }{
		{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤B77701","UserName":"王五","BeginTime":"2026-03-01 00:00:00",` +
			`"EndTime":"9999-12-31 23:59:59","RateId":"monthly-standard"}`, "参数类型错误 EndTime：年份应在2000到9000之间"},
		{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤B77702","UserName":"赵六","BeginTime":"0001-01-01 00:00:00",` +
			`"EndTime":"2027-01-01 00:00:00"}`, "参数类型错误 BeginTime：年份应在2000到9000之间"},
		{"AddWhiteCar", `{"ParkCode":"140123001","CarNo":"粤B77703","BeginTime":"1999-12-31 23:59:59","EndTime":"2027-01-01 00:00:00"}`,
			"参数类型错误 BeginTime：年份应在2000到9000之间"},
		{"AddHotelCar", `{"ParkCode":"140123001","CarNo":"粤B77704","RoomNo":"808","CheckInTime":"2026-03-01 14:00:00",` +
			`"CheckOutTime":"9001-01-01 12:00:00"}`, "参数类型错误 CheckOutTime：年份应在2000到9000之间"},
	} {
		wantState(t, e.call(c.op, c.body), -1, c.desc)
	}
	if e.snapshot(t) != before {
		t.Fatal("a refused time changed data")
	}
	// The bounds' own years are taken, as through the native API.
	wantState(t, e.call("AddWhiteCar", `{"ParkCode":"140123001","CarNo":"粤B77705","BeginTime":"2000-01-01 00:00:00",`+
		`"EndTime":"9000-12-31 23:59:59"}`), 0, "成功")
}

// TestDeleteKeysNameOtherPasses: a delete given keys that name two
// different passes deletes neither, and says so: the pass the second key
// names exists, so "月租不存在" alone would send the partner looking for
// a pass it can see in QueryAllMonthCar.
func TestDeleteKeysNameOtherPasses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fixturePass, err := e.svc.Access.PassByUserCode(e.ctx, lotCode, "U1001")
	if err != nil {
		t.Fatal(err)
	}
	wantState(t, e.call("AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C97531","UserName":"王","UserCode":"U2001",`+
		`"BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`), 0, "成功")
	savePeriod(t, e) // 鲁N12345, N2001
	before := e.snapshot(t)
	for _, c := range []struct{ op, body, desc string }{
		{"DeleteMonthCar", `{"ParkCode":"140123001","MonthId":"` + fixturePass.ID + `","UserCode":"U2001"}`,
			"未找到 UserCode：月租不存在，或 MonthId 与 UserCode 所指的不是同一月租"},
		{"DeletePeriodMonthCar", `{"ParkCode":"140123001","UserCode":"N2001","CarNo":"粤C97531"}`,
			"未找到 CarNo：该车辆没有时段月租（全天月租请用 DeleteMonthCar 删除），或 MonthId、UserCode、CarNo 所指的不是同一月租"},
	} {
		wantState(t, e.call(c.op, c.body), -1, c.desc)
		if e.snapshot(t) != before {
			t.Fatalf("refused %s changed data", c.op)
		}
	}
}
