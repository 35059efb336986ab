package ebopark_test

import (
	"strings"
	"testing"

	"parkd/internal/device"
	"parkd/internal/gate"
	"parkd/internal/park"
)

func (e *env) memory(t *testing.T) *device.Memory {
	t.Helper()
	m, ok := e.svc.Gate.Barriers().(*device.Memory)
	if !ok {
		t.Fatalf("gates are %T", e.svc.Gate.Barriers())
	}
	return m
}

func (e *env) gateLog(t *testing.T) []*park.GateCommand {
	t.Helper()
	log, err := e.svc.Gate.GateLog(e.ctx, lotCode, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	return log
}

// TestOpenGateReachesDevice: OpenGate lifts the lane's barrier through the
// device interface and the core logs who did it; GateAlwaysOpen holds it
// up and CloseGate is refused until it is released; a device that does
// not answer is reported as not delivered.
func TestOpenGateReachesDevice(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mem := e.memory(t)
	var res struct {
		ChannelID  string `json:"channelId"`
		Command    string `json:"command"`
		CommandID  string `json:"commandId"`
		SendTime   string `json:"sendTime"`
		AlwaysOpen bool   `json:"alwaysOpen"`
	}
	result(t, wantState(t, e.call("OpenGate", `{"ParkCode":"140123001","ChannelId":"in-1","Remark":"人工开闸"}`), 0, "成功"), &res)
	if b := mem.Barrier(lotCode, "in-1"); !b.Up || b.HeldOpen {
		t.Fatalf("barrier after OpenGate: %+v", b)
	}
	log := e.gateLog(t)
	if len(log) != 1 || log[0].ID != res.CommandID || log[0].By != "test" || log[0].Command != park.GateOpen ||
		log[0].Reason != "人工开闸" || log[0].Result != park.GateDelivered || res.SendTime != "2026-03-01 10:00:00" {
		t.Fatalf("log %+v, reply %+v", log, res)
	}

	result(t, wantState(t, e.call("GateAlwaysOpen", `{"ParkCode":"140123001","ChannelId":"in-1","AlwaysOpen":true,"Remark":"早高峰"}`), 0, "成功"), &res)
	if b := mem.Barrier(lotCode, "in-1"); !res.AlwaysOpen || !b.HeldOpen {
		t.Fatalf("always open: reply %+v, barrier %+v", res, b)
	}
	wantState(t, e.call("CloseGate", `{"ParkCode":"140123001","ChannelId":"in-1"}`), -1, "数据冲突 ChannelId：道闸处于常开状态")
	if !mem.Barrier(lotCode, "in-1").HeldOpen {
		t.Fatal("a refused CloseGate lowered the barrier")
	}
	result(t, wantState(t, e.call("GateAlwaysOpen", `{"ParkCode":"140123001","ChannelId":"in-1","AlwaysOpen":0}`), 0, "成功"), &res)
	if res.AlwaysOpen || mem.Barrier(lotCode, "in-1").Up {
		t.Fatalf("released: %+v", res)
	}
	// A new request (the refused one, which changed nothing, could be
	// sent again too: TestRefusedRequestMaySendAgain).
	wantState(t, e.call("CloseGate", `{"ParkCode":"140123001","ChannelId":"in-1","Remark":"放行后落闸"}`), 0, "成功")

	mem.SetReachable(lotCode, "in-1", false)
	wantState(t, e.call("OpenGate", `{"ParkCode":"140123001","ChannelId":"in-1","Remark":"道闸无响应时再试"}`), -1, "ChannelId：道闸设备无响应，指令未送达")
	log = e.gateLog(t)
	if len(log) != 5 || log[0].Result != park.GateUndelivered || log[0].By != "test" {
		t.Fatalf("undelivered command logged as %+v", log[0])
	}
	mem.SetReachable(lotCode, "in-1", true)

	before, sent := e.snapshot(t), len(mem.Sent())
	for _, c := range []struct{ op, body, desc string }{
		{"OpenGate", `{"ParkCode":"140123001"}`, "缺少参数 ChannelId"},
		{"OpenGate", `{"ParkCode":"140123001","ChannelId":"in-9","Remark":"人工开闸"}`, "未找到 ChannelId：该车场没有此通道"},
		{"OpenGate", `{"ParkCode":"140123001","ChannelId":"in-1"}`, "参数错误 Remark：开闸须填写原因"},
		{"GateAlwaysOpen", `{"ParkCode":"140123001","ChannelId":"in-1","AlwaysOpen":1,"Remark":" "}`, "参数错误 Remark：开闸须填写原因"},
		{"OpenGate", `{"ParkCode":"140123001","ChannelId":12}`, "参数类型错误 ChannelId"},
		{"OpenGate", `{"ParkCode":"140123001","ChannelId":"` + strings.Repeat("x", 65) + `","Remark":"人工开闸"}`, "参数错误 ChannelId：应为本车场相机上报的通道编号"},
		// Another partner's lot, and one that does not exist, in a request
		// that is otherwise whole: the core refuses them alike.
		{"OpenGate", `{"ParkCode":"140123002","ChannelId":"in-1","Remark":"人工开闸"}`, "无权操作该车场"},
		{"GateAlwaysOpen", `{"ParkCode":"140123002","ChannelId":"in-1","AlwaysOpen":1,"Remark":"人工开闸"}`, "无权操作该车场"},
		{"OpenGate", `{"ParkCode":"999999999","ChannelId":"in-1","Remark":"人工开闸"}`, "无权操作该车场"},
		{"CloseGate", `{"ChannelId":"in-1"}`, "缺少参数 ParkCode"},
		{"CloseGate", `{"ParkCode":"140123001","ChannelId":"in-1","Remark":7}`, "参数类型错误 Remark"},
		{"GateAlwaysOpen", `{"ParkCode":"140123001","ChannelId":"in-1"}`, "缺少参数 AlwaysOpen"},
		{"GateAlwaysOpen", `{"ParkCode":"140123001","ChannelId":"in-1","AlwaysOpen":"yes"}`, "参数类型错误 AlwaysOpen"},
		{"GateAlwaysOpen", `{"ParkCode":"140123001","ChannelId":"in-1","AlwaysOpen":2}`, "参数类型错误 AlwaysOpen"},
	} {
		wantState(t, e.call(c.op, c.body), -1, c.desc)
		if e.snapshot(t) != before || len(mem.Sent()) != sent || len(e.gateLog(t)) != 5 {
			t.Fatalf("refused %s %s reached a device or changed data", c.op, c.body)
		}
	}
}

// TestGateRemarkBound: a barrier command's Remark is bounded by the core,
// as an operator's reason is through the native API (256 characters): a
// partner's 256-character reason is delivered and logged whole, one more
// is refused in the partner's words and reaches no device.
func TestGateRemarkBound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mem := e.memory(t)
	longest := strings.Repeat("原", 256)
	wantState(t, e.call("OpenGate", `{"ParkCode":"140123001","ChannelId":"in-1","Remark":"`+longest+`"}`), 0, "成功")
	if log := e.gateLog(t); len(log) != 1 || log[0].Reason != longest || log[0].Result != park.GateDelivered {
		t.Fatalf("logged %+v", log)
	}
	before, sent := e.snapshot(t), len(mem.Sent())
	wantState(t, e.call("CloseGate", `{"ParkCode":"140123001","ChannelId":"in-1","Remark":"`+longest+`原"}`), -1,
		"参数错误 Remark：至多256个字符")
	wantState(t, e.call("OpenGate", `{"ParkCode":"140123001","ChannelId":"in-1","Remark":"`+longest+`原"}`), -1,
		"参数错误 Remark：开闸须填写原因，至多256个字符")
	if e.snapshot(t) != before || len(mem.Sent()) != sent || len(e.gateLog(t)) != 1 {
		t.Fatal("a refused command reached a device or changed data")
	}
}

// TestLaneNamedInChinese: a lane is named by the lot's cameras, in any
// text the core takes (a Chinese name here), and the partner is told
// that name (entryChannelId); its barrier and its QR-code entry answer
// the partner by that same name, as they answer an operator.
func TestLaneNamedInChinese(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, err := e.svc.Gate.HandleEvent(e.ctx, gate.EventInput{LotCode: lotCode, ID: "east-1", Type: park.EventEntry,
		Plate: "粤B55555", Lane: "东门入口", At: e.svc.Gate.Now()}); err != nil {
		t.Fatal(err)
	}
	wantState(t, e.call("OpenGate", `{"ParkCode":"140123001","ChannelId":"东门入口","Remark":"访客车牌无法识别"}`), 0, "成功")
	if log := e.gateLog(t); len(log) != 1 || log[0].Lane != "东门入口" || log[0].Result != park.GateDelivered {
		t.Fatalf("logged %+v", log)
	}
	var res struct {
		ChannelID string `json:"channelId"`
	}
	result(t, wantState(t, e.call("NoPlateCarEntry", `{"ParkCode":"140123001","ChannelId":"东门入口"}`), 0, "成功"), &res)
	if res.ChannelID != "东门入口" {
		t.Fatalf("entered through %q", res.ChannelID)
	}
	// A lane no camera named is still not found.
	wantState(t, e.call("OpenGate", `{"ParkCode":"140123001","ChannelId":"西门入口","Remark":"访客车牌无法识别"}`), -1,
		"未找到 ChannelId：该车场没有此通道")
}
