package lvcchong_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// TestConflictsSayWhich: each refusal for a conflict says which one it is,
// rather than one message naming a busy port and an ended order at once:
// stopping an order that has ended, charging on a busy port, and charging
// on a device the operator took out of service.
func TestConflictsSayWhich(t *testing.T) {
	r := newRig(t)
	p := r.cabinet(t)
	tok := r.token(t)
	order := r.charging(t, tok, p)
	busy := r.post(t, "charge", tok, url.Values{"deviceId": {"CAB1"}, "portNum": {"3"}, "payMoney": {"300"}})
	wantErr(t, busy, "-1", "端口正在使用")
	wantNot(t, busy, "订单已结束")

	if out := r.post(t, "stopCharge", tok, url.Values{"orderNum": {order}}); out["success"] != true {
		t.Fatalf("stopCharge %v", out)
	}
	for i := 0; i < 500; i++ {
		s, err := r.Sys.Charging.Session(r.Ctx, order)
		if err != nil {
			t.Fatal(err)
		}
		if s.Status == park.SessionEnded {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	again := r.post(t, "stopCharge", tok, url.Values{"orderNum": {order}})
	wantErr(t, again, "-1", "订单已结束")
	wantNot(t, again, "端口正在使用")

	off := park.ChargerInoperative
	if _, err := r.Sys.Charging.UpdateCharger(r.Ctx, "CAB1", charging.ChargerPatch{Availability: &off}); err != nil {
		t.Fatal(err)
	}
	out := r.post(t, "charge", tok, url.Values{"deviceId": {"CAB1"}, "portNum": {"4"}, "payMoney": {"300"}})
	wantErr(t, out, "-1", "暂停服务")
	wantNot(t, out, "端口正在使用")
}

func wantNot(t *testing.T, out map[string]any, words string) {
	t.Helper()
	if msg, _ := out["error"].(string); strings.Contains(msg, words) {
		t.Fatalf("reply %v says %q", out, words)
	}
}

// TestNotFoundSaysWhat: a device or an order that is not the app's (or
// does not exist) is said to be missing by name, not only "no data":
// charge and deviceStatus name the device, stopCharge the order.
func TestNotFoundSaysWhat(t *testing.T) {
	r := newRig(t)
	tok := r.token(t)
	wantErr(t, r.post(t, "charge", tok, url.Values{"deviceId": {"NOPE"}, "portNum": {"1"}, "payMoney": {"300"}}), "-1", "设备不存在")
	wantErr(t, r.post(t, "charge", tok, url.Values{"deviceId": {"FAR1"}, "portNum": {"1"}, "payMoney": {"300"}}), "-1", "设备不存在")
	wantErr(t, r.post(t, "deviceStatus", tok, url.Values{"deviceId": {"NOPE"}}), "-1", "设备不存在")
	wantErr(t, r.post(t, "stopCharge", tok, url.Values{"orderNum": {"20261203100411743249"}}), "-1", "订单不存在")
}
