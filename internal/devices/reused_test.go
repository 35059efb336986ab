package devices_test

import (
	"log/slog"
	"testing"
	"time"

	"parkd/internal/devices"
	"parkd/internal/park"
	"parkd/internal/systemtest"
	"parkd/internal/testutil"
)

// TestRestartedRecordCounter: a camera whose record counter restarted
// (a reboot, a firmware reset) sends a new car under a record id it used
// before. That car is decided as the new read it is, not answered with
// the old record's decision nor left at a shut barrier, and the reuse is
// logged; the same record sent again (an offline replay) is still one
// read.
func TestRestartedRecordCounter(t *testing.T) {
	logs := &testutil.Buffer{}
	sb := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{proto}, Log: slog.New(slog.NewJSONHandler(logs, nil))})
	b := &bundle{sb, sb.Sys.Devices}
	b.register(t, "cam-in", "in-1")
	b.register(t, "cam-out", "out-1")
	first, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "1", Plate: "京A12345"})
	if err != nil || !first.Open {
		t.Fatalf("first read %+v %v: want open", first, err)
	}

	// Offline replay of the same record, its plate spelled otherwise:
	// the same read, nothing new.
	replay, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "1", Plate: "京a12345",
		Offline: true, At: b.Clock.Now()})
	if err != nil || !replay.Repeat || !replay.Recorded || replay.Decision.StayID != first.Decision.StayID {
		t.Fatalf("offline replay %+v %v: want the first read's repeat, recorded", replay, err)
	}
	if n := b.Occupied(t); n != 1 {
		t.Fatalf("%d inside after one record sent twice, want 1", n)
	}

	// The counter restarted: record 1 is now another car.
	b.Clock.Set(b.Clock.Now().Add(time.Hour))
	other, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "1", Plate: "京B99999"})
	if err != nil || !other.Open || other.Repeat || other.Decision.StayID == "" || other.Decision.StayID == first.Decision.StayID {
		t.Fatalf("another car under a reused record id: %+v %v; want its own entry, open", other, err)
	}
	if st := b.Stay(t, other.Decision.StayID); st.Plate != "京B99999" {
		t.Fatalf("the new read's stay is of %s, want 京B99999", st.Plate)
	}
	if n := b.Occupied(t); n != 2 {
		t.Fatalf("%d inside, want 2", n)
	}
	ws := logs.Records("WARN", "device read: record id reused for another read; decided as a new read")
	if len(ws) != 1 || ws[0]["serial"] != "cam-in" || ws[0]["record"] != "1" {
		t.Fatalf("warnings %v, want one naming serial cam-in and record 1", ws)
	}

	// The same happens to an offline record: it is recorded, so the camera
	// lets it go.
	off, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "1", Plate: "京C55555",
		Offline: true, At: b.Clock.Now()})
	if err != nil || !off.Recorded || off.Repeat || off.Decision.StayID == "" {
		t.Fatalf("offline record under a reused id: %+v %v; want recorded as its own entry", off, err)
	}
	if n := b.Occupied(t); n != 3 {
		t.Fatalf("%d inside, want 3", n)
	}
}

// TestRecordIDReusedNextDay: a camera whose counter restarted gives the
// same car the same record id at the same lane a day later. That is a
// new visit, not the retry of yesterday's read: the car gets its own
// entry and the barrier opens for it. A retry within minutes is still
// the first read.
func TestRecordIDReusedNextDay(t *testing.T) {
	b := setup(t)
	b.register(t, "cam-in", "in-1")
	b.register(t, "cam-out", "out-1")
	first, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "7", Plate: "京A12345"})
	if err != nil || !first.Open || first.Decision.StayID == "" {
		t.Fatalf("first read %+v %v: want open with a stay", first, err)
	}
	b.Clock.Set(b.Clock.Now().Add(2 * time.Minute))
	retry, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "7", Plate: "京A12345"})
	if err != nil || !retry.Repeat || retry.Decision.StayID != first.Decision.StayID {
		t.Fatalf("a retry two minutes later %+v %v: want the first read's repeat", retry, err)
	}
	b.Clock.Set(b.Clock.Now().Add(time.Hour))
	if out, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-out", Protocol: proto, RecordID: "3", Plate: "京A12345"}); err != nil || out.Decision.StayID != first.Decision.StayID {
		t.Fatalf("exit %+v %v: want the first stay's", out, err)
	}
	if st := b.Stay(t, first.Decision.StayID); st.ExitAt == nil {
		b.Event(t, park.EventExit, "京A12345", b.Clock.Now()) // paid and gone
	}

	// Next day: the camera rebooted overnight and counts from 1 again.
	b.Clock.Set(b.Clock.Now().Add(24 * time.Hour))
	again, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "7", Plate: "京A12345"})
	if err != nil || !again.Open || again.Repeat || again.Decision.StayID == "" || again.Decision.StayID == first.Decision.StayID {
		t.Fatalf("the car back the next day under record 7: %+v %v; want a new entry, open", again, err)
	}
	if n := b.Occupied(t); n != 1 {
		t.Fatalf("%d inside, want the returning car", n)
	}
}
