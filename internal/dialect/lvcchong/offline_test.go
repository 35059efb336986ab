package lvcchong_test

import (
	"net/url"
	"testing"
	"time"
)

// TestChargeOfflineDevice: charge on a cabinet that is not connected is
// refused in the app's words, and no order is made: before, the app got
// an order that had already failed.
func TestChargeOfflineDevice(t *testing.T) {
	r := newRig(t)
	tok := r.token(t)
	wantErr(t, r.post(t, "charge", tok, url.Values{"deviceId": {"CAB1"}, "portNum": {"3"}, "payMoney": {"300"}}), "-1",
		"设备离线，无法开始充电")
	q := r.post(t, "queryChargeOrder", tok, url.Values{"pageSize": {"100"}})
	if l, _ := q["data"].(map[string]any)["list"].([]any); q["success"] != true || len(l) != 0 {
		t.Fatalf("orders after a charge on an offline cabinet %v", q)
	}
}

// TestStopChargeOfflineDevice: stopCharge of an order whose cabinet went
// offline cannot reach it and says so (the stop is kept and sent when
// the cabinet is back), rather than succeeding with the order charging
// (status 2) as if the stop were under way.
func TestStopChargeOfflineDevice(t *testing.T) {
	r := newRig(t)
	p := r.cabinet(t)
	tok := r.token(t)
	order := r.charging(t, tok, p)
	p.Close()
	for deadline := time.Now().Add(5 * time.Second); ; {
		c, err := r.Sys.Charging.Charger(r.Ctx, "CAB1")
		if err != nil {
			t.Fatal(err)
		}
		if !c.Online {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the cabinet's end was not recorded")
		}
		time.Sleep(10 * time.Millisecond)
	}
	wantErr(t, r.post(t, "stopCharge", tok, url.Values{"orderNum": {order}}), "-1", "设备离线，停止指令暂未送达")
	q := r.post(t, "queryChargeOrder", tok, url.Values{"orderNum": {order}})
	if o := q["data"].(map[string]any)["list"].([]any)[0].(map[string]any); o["status"] != 2.0 {
		t.Fatalf("order after a stop of an offline cabinet %v", q)
	}
}

// TestStopChargeSilentDevice: stopCharge of an order whose cabinet is
// connected but never answers the stop within the call's timeout is not
// worded as an offline cabinet: the app is told the cabinet does not
// answer and the stop is sent again once it is heard from, with the same
// code -1 the offline case has; the order stays charging (status 2).
func TestStopChargeSilentDevice(t *testing.T) {
	r := newRig(t)
	p := r.cabinet(t)
	tok := r.token(t)
	order := r.charging(t, tok, p)
	p.SetAnswer("RemoteStopTransaction", "") // connected, never answers
	wantErr(t, r.post(t, "stopCharge", tok, url.Values{"orderNum": {order}}), "-1",
		"设备无响应，停止指令暂未送达，将在设备恢复通信后重发")
	q := r.post(t, "queryChargeOrder", tok, url.Values{"orderNum": {order}})
	if o := q["data"].(map[string]any)["list"].([]any)[0].(map[string]any); o["status"] != 2.0 {
		t.Fatalf("order after a stop of a silent cabinet %v", q)
	}
}
