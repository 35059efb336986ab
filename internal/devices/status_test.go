package devices_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"parkd/internal/devices"
	"parkd/internal/park"
)

// statusReports returns the device_status reports waiting for delivery,
// oldest first.
func statusReports(t *testing.T, b *bundle) []park.ReportData {
	t.Helper()
	var out []park.ReportData
	err := b.Store.View(b.Ctx, func(tx park.Tx) error {
		ds, err := tx.ListDeliveries(b.Ctx, park.DeliveryFilter{Report: park.ReportDeviceStatus, Limit: 100})
		if err != nil {
			return err
		}
		for i := len(ds) - 1; i >= 0; i-- {
			r, err := tx.GetReport(b.Ctx, ds[i].ReportID)
			if err != nil {
				return err
			}
			var d park.ReportData
			if err := json.Unmarshal(r.Data, &d); err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestOnlineOffline: a device is online from its first heartbeat or read
// and offline after 60 s of silence; each change is one device_status
// report to the lot's subscribed partners, and no change is reported twice.
func TestOnlineOffline(t *testing.T) {
	b := setup(t)
	b.Subscribe(t, park.ReportDeviceStatus)
	b.register(t, "cam-in", "in-1")
	sweep := func() {
		t.Helper()
		if err := b.dev.Sweep(b.Ctx); err != nil {
			t.Fatal(err)
		}
	}
	online := func() bool {
		t.Helper()
		d, err := b.dev.Device(b.Ctx, "cam-in")
		if err != nil {
			t.Fatal(err)
		}
		return d.Online
	}

	sweep()
	if online() || len(statusReports(t, b)) != 0 {
		t.Fatal("a device never heard from is offline, and that is no change to report")
	}
	heard := b.Clock.Now()
	if _, err := b.dev.Heartbeat(b.Ctx, "cam-in", proto, "test"); err != nil {
		t.Fatal(err)
	}
	sweep()
	sweep()
	if !online() {
		t.Fatal("offline after a heartbeat")
	}
	rs := statusReports(t, b)
	if len(rs) != 1 || !rs[0].Device.Online || rs[0].Device.Serial != "cam-in" || rs[0].Device.Lane != "in-1" ||
		!rs[0].Device.Since.Equal(heard) {
		t.Fatalf("reports %+v: want one, online since the heartbeat", rs)
	}

	// 59 s of silence: still online. A read counts as being heard from.
	b.Clock.Set(heard.Add(59 * time.Second))
	sweep()
	if !online() {
		t.Fatal("offline after 59 s")
	}
	if _, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "1", Plate: "京A12345"}); err != nil {
		t.Fatal(err)
	}
	read := b.Clock.Now()
	b.Clock.Set(read.Add(59 * time.Second))
	sweep()
	if !online() {
		t.Fatal("offline 59 s after a read")
	}
	b.Clock.Set(read.Add(60 * time.Second))
	sweep()
	sweep()
	if online() {
		t.Fatal("online after 60 s of silence")
	}
	rs = statusReports(t, b)
	if len(rs) != 2 || rs[1].Device.Online || !rs[1].Device.Since.Equal(read.Add(60*time.Second)) {
		t.Fatalf("reports %+v: want a second, offline since 60 s after the read", rs)
	}
}

// TestAnsweredAgain: a barrier that did not acknowledge after a read is
// reported offline; when it acknowledges again, one device_status report
// says it is back; later acknowledgements, and another node's stale view
// of the alarm, report nothing more.
func TestAnsweredAgain(t *testing.T) {
	b := setup(t)
	b.Subscribe(t, park.ReportDeviceStatus)
	b.register(t, "cam-in", "in-1")
	device := func() *park.Device {
		t.Helper()
		d, err := b.dev.Device(b.Ctx, "cam-in")
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	// Answering with no alarm raised is nothing to report.
	b.dev.Acknowledged(b.Ctx, device(), park.GateOpen)
	if rs := statusReports(t, b); len(rs) != 0 {
		t.Fatalf("reports %+v before any alarm", rs)
	}
	raised := b.Clock.Now()
	b.dev.Unacknowledged(b.Ctx, device(), park.GateOpen, errors.New("no reply"))
	if d := device(); d.Unanswered == nil || !d.Unanswered.Equal(raised) {
		t.Fatalf("unanswered since %v, want %s", d.Unanswered, raised)
	}
	b.Clock.Set(raised.Add(90 * time.Second))
	stale := device() // as a second node read it
	b.dev.Acknowledged(b.Ctx, device(), park.GateOpen)
	b.dev.Acknowledged(b.Ctx, stale, park.GateOpen)
	b.dev.Acknowledged(b.Ctx, device(), park.GateOpen)
	rs := statusReports(t, b)
	if len(rs) != 2 || rs[0].Device.Online || rs[0].Device.Device != park.DeviceBarrier ||
		!rs[1].Device.Online || rs[1].Device.Serial != "cam-in" || rs[1].Device.Lane != "in-1" ||
		!rs[1].Device.Since.Equal(raised.Add(90*time.Second)) || !strings.Contains(rs[1].Device.Detail, "again") {
		t.Fatalf("reports %+v: want the alarm, then one report that the barrier answers again", rs)
	}
	if d := device(); d.Unanswered != nil {
		t.Fatalf("still unanswered since %v after answering", d.Unanswered)
	}
}
