package ebopark_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/devices"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// TestReportOfASilentCamera: a camera that stops sending heartbeats and
// reads, and later is heard again, is two DeviceStatus reports, each in
// the lot's local time (Asia/Shanghai, UTC+8) with the lot's name, and a
// reason in the vendor's language that says what happened: no heartbeat,
// not a command left unanswered (no command was sent). By hand: heard at
// 07:00Z (15:00 local), online from then; silent for 60 s, so offline as
// of 15:01:00; heard again at 15:05:00.
func TestReportOfASilentCamera(t *testing.T) {
	b, rc := deviceReports(t, "cam-in", "in-1")
	heard := func() {
		t.Helper()
		if _, err := b.Sys.Devices.Heartbeat(b.Ctx, "cam-in", testProto, "test"); err != nil {
			t.Fatal(err)
		}
	}
	sweep := func() {
		t.Helper()
		if err := b.Sys.Devices.Sweep(b.Ctx); err != nil {
			t.Fatal(err)
		}
	}
	start := b.Clock.Now() // 07:00Z
	heard()
	sweep() // online as of 15:00:00
	b.Clock.Set(start.Add(devices.OfflineAfter + time.Second))
	sweep() // offline as of 15:01:00
	b.Clock.Set(start.Add(5 * time.Minute))
	heard()
	sweep() // online again as of 15:05:00
	runWorker(t, b)
	deliverytest.WaitFor(t, 30*time.Second, "three device reports", func() bool { return len(rc.Acked()) == 3 })
	want := []struct {
		at, reason string
		status     float64
	}{{"2026-11-23 15:00:00", "设备恢复在线", 1}, {"2026-11-23 15:01:00", "设备心跳超时，已离线", 0}, {"2026-11-23 15:05:00", "设备恢复在线", 1}}
	got := map[string]map[string]any{}
	for _, r := range rc.Requests() {
		var m map[string]any
		if err := json.Unmarshal(r.Body, &m); err != nil {
			t.Fatal(err)
		}
		got[m["reportTime"].(string)] = m
	}
	for _, w := range want {
		m := got[w.at]
		if m == nil {
			t.Errorf("no report at %s (local time); got %v", w.at, got)
			continue
		}
		if m["reportType"] != "DeviceStatus" || m["parkName"] != "Test 140123001" || m["reason"] != w.reason ||
			m["deviceStatus"] != w.status || m["deviceType"] != "camera" || m["channelId"] != "in-1" || m["notes"] != "设备序列号：cam-in" {
			t.Errorf("report at %s: %v; want DeviceStatus of camera in-1 at Test 140123001, deviceStatus %v, reason %s, notes 设备序列号：cam-in", w.at, m, w.status, w.reason)
		}
	}
}

// TestReportOfAnUnansweredBarrier: a barrier that did not acknowledge the
// open after a read, then did again, is reported in the lot's local time
// with the lot's name and the command: 07:00Z is 15:00 in Asia/Shanghai,
// and 07:02Z 15:02. Its notes are Chinese, not the driver's English: the
// command (open is 开闸), what the barrier did and its serial.
func TestReportOfAnUnansweredBarrier(t *testing.T) {
	b, rc := deviceReports(t, "cam-out", "out-1")
	d, err := b.Sys.Devices.Device(b.Ctx, "cam-out")
	if err != nil {
		t.Fatal(err)
	}
	start := b.Clock.Now()
	b.Sys.Devices.Unacknowledged(b.Ctx, d, park.GateOpen, errors.New("timeout"))
	if d, err = b.Sys.Devices.Device(b.Ctx, "cam-out"); err != nil || d.Unanswered == nil {
		t.Fatalf("alarm not raised: %+v %v", d, err)
	}
	b.Clock.Set(start.Add(2 * time.Minute))
	b.Sys.Devices.Acknowledged(b.Ctx, d, park.GateOpen)
	runWorker(t, b)
	deliverytest.WaitFor(t, 30*time.Second, "two device reports", func() bool { return len(rc.Acked()) == 2 })
	want := map[string][3]any{"2026-11-23 15:00:00": {"设备未应答指令", 0.0, "道闸指令：开闸，未应答；设备序列号：cam-out"},
		"2026-11-23 15:02:00": {"设备恢复应答", 1.0, "道闸指令：开闸，已恢复应答；设备序列号：cam-out"}}
	for _, r := range rc.Requests() {
		var m map[string]any
		if err := json.Unmarshal(r.Body, &m); err != nil {
			t.Fatal(err)
		}
		w, ok := want[m["reportTime"].(string)]
		if !ok || m["parkName"] != "Test 140123001" || m["reason"] != w[0] || m["deviceStatus"] != w[1] || m["command"] != "open" ||
			m["deviceType"] != "barrier" || m["channelId"] != "out-1" || m["notes"] != w[2] {
			t.Errorf("report %s; want at 15:00 (设备未应答指令, 0, notes 道闸指令：开闸，未应答；设备序列号：cam-out) or 15:02 (设备恢复应答, 1, notes 道闸指令：开闸，已恢复应答；设备序列号：cam-out), Test 140123001, command open, barrier out-1", r.Body)
		}
	}
}

// testProto is the lane device protocol of these tests.
const testProto = "test-http"

// deviceReports is a report bundle whose Ebopark partner subscribes to
// device status reports, with one device registered at lane.
func deviceReports(t *testing.T, serial, lane string) (*systemtest.Bundle, *deliverytest.Receiver) {
	t.Helper()
	b, rc := reportBundle(t, testProto)
	if _, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, reportPartner, deliveries.SubscriptionInput{Report: park.ReportDeviceStatus, URL: rc.URL}); err != nil {
		t.Fatal(err)
	}
	if err := b.Sys.Devices.Register(b.Ctx, &park.Device{Serial: serial, LotCode: b.Lot, Lane: lane, Protocol: testProto}); err != nil {
		t.Fatal(err)
	}
	return b, rc
}
