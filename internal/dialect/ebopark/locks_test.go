package ebopark_test

import (
	"testing"
	"time"

	"parkd/internal/park"
)

// TestLockedCarMayNotLeave: a locked car is held at exit (reason locked)
// even when nothing is due; unlocked, it leaves.
func TestLockedCarMayNotLeave(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wantState(t, e.call("AddWhiteCar", `{"ParkCode":"140123001","CarNo":"苏E77777","BeginTime":"2026-03-01 00:00:00",
		"EndTime":"2026-12-31 23:59:59"}`), 0, "成功")
	if d := e.event(t, park.EventEntry, "苏E77777", now.Add(-time.Hour)); d.Decision != park.DecisionOpen {
		t.Fatalf("entry %+v", d)
	}
	env := wantState(t, e.call("LockCar", `{"ParkCode":"140123001","CarNo":"苏E77777"}`), 0, "成功")
	var res struct {
		CarNo    string `json:"carNo"`
		Locked   bool   `json:"locked"`
		LockTime string `json:"lockTime"`
	}
	result(t, env, &res)
	if !res.Locked || res.CarNo != "苏E77777" || res.LockTime != "2026-03-01 10:00:00" {
		t.Fatalf("lock %s", env.Result)
	}
	if l, err := e.svc.Gate.CarLock(e.ctx, lotCode, "苏E77777"); err != nil || l == nil || l.By != "test" {
		t.Fatalf("lock %+v, %v", l, err)
	}
	// Idempotent; a second request, not a replay: in the static and md5
	// modes a repeat within the signing window differs (docs/ebopark.md).
	wantState(t, e.call("LockCar", `{"ParkCode":"140123001","CarNo":"苏E77777","RequestId":"2"}`), 0, "成功")
	if d := e.event(t, park.EventExit, "苏E77777", now); d.Decision != park.DecisionHold || d.Reason != park.ReasonLocked {
		t.Fatalf("locked exit %+v, want hold/locked", d)
	}
	env = wantState(t, e.call("UnlockCar", `{"ParkCode":"140123001","CarNo":"苏E77777"}`), 0, "成功")
	result(t, env, &res)
	if res.Locked {
		t.Fatalf("unlock %s", env.Result)
	}
	if d := e.event(t, park.EventExit, "苏E77777", now); d.Decision != park.DecisionOpen || d.Reason != park.ReasonWhitelist {
		t.Fatalf("unlocked exit %+v, want open/whitelist", d)
	}

	before := e.snapshot(t)
	for _, c := range []struct{ op, body, desc string }{
		{"UnlockCar", `{"ParkCode":"140123001","CarNo":"苏E77777","RequestId":"2"}`, "未找到 CarNo：该车辆未锁定"}, // not a replay of the unlock above
		{"LockCar", `{"ParkCode":"140123001"}`, "缺少参数 CarNo"},
		{"LockCar", `{"ParkCode":"140123001","CarNo":"WUPAI"}`, "车牌号格式错误"},
		{"LockCar", `{"ParkCode":"140123001","CarNo":12}`, "参数类型错误 CarNo"},
		{"LockCar", `{"ParkCode":"140123002","CarNo":"苏E77777"}`, "无权操作该车场"},
		{"UnlockCar", `{"CarNo":"苏E77777"}`, "缺少参数 ParkCode"},
		{"UnlockCar", `{"ParkCode":"140123001","CarNo":""}`, "缺少参数 CarNo"},
	} {
		wantState(t, e.call(c.op, c.body), -1, c.desc)
		if e.snapshot(t) != before {
			t.Fatalf("refused %s %s changed data", c.op, c.body)
		}
		if l, err := e.svc.Gate.CarLock(e.ctx, lotCode, "苏E77777"); err != nil || l != nil {
			t.Fatalf("refused %s %s locked: %+v, %v", c.op, c.body, l, err)
		}
	}
	// A car the other lot's partner locked stays locked: this partner may
	// not unlock it, and is told the lot is not its own.
	if _, err := e.svc.Gate.LockCar(e.ctx, "other", otherLot, "苏E77777", "other"); err != nil {
		t.Fatal(err)
	}
	wantState(t, e.call("UnlockCar", `{"ParkCode":"140123002","CarNo":"苏E77777"}`), -1, "无权操作该车场")
	if l, err := e.svc.Gate.CarLock(e.ctx, otherLot, "苏E77777"); err != nil || l == nil {
		t.Fatalf("another lot's lock after a refused unlock: %+v, %v", l, err)
	}
}
