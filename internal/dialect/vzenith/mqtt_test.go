package vzenith_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/device/led"
	"parkd/internal/device/mqttlink"
	"parkd/internal/dialect/vzenith"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

const broker = "127.0.0.1:1883"

// needBroker skips a test when no MQTT broker listens on loopback.
func needBroker(t *testing.T) {
	t.Helper()
	c, err := net.DialTimeout("tcp", broker, time.Second)
	if err != nil {
		t.Skip("no MQTT broker on " + broker + " (Mosquitto): MQTT tests skipped")
	}
	c.Close()
}

type mqttEnv struct {
	*systemtest.Bundle
	mq     *vzenith.MQTT
	cam    *mqttlink.Link
	serial string
	down   chan envelope // what parkd sent the camera
	ack    atomic.Bool   // whether the camera answers commands
}

type envelope struct {
	ID      string `json:"id"`
	SN      string `json:"sn"`
	Name    string `json:"name"`
	Version string `json:"version"`
	Payload struct {
		Type string          `json:"type"`
		Body json.RawMessage `json:"body"`
	} `json:"payload"`
}

// setupMQTT is parkd on the broker (its own topics: a serial unique to the
// test) and a camera registered for lane in-1; ack decides whether the
// camera answers barrier commands.
func setupMQTT(t *testing.T, ack bool) *mqttEnv {
	return setupMQTTWith(t, ack, systemtest.Options{})
}

// setupMQTTWith is setupMQTT on a bundle made with o.
func setupMQTTWith(t *testing.T, ack bool, o systemtest.Options) *mqttEnv {
	needBroker(t)
	o.DeviceProtocols = []string{vzenith.ProtocolMQTT}
	b := systemtest.NewWith(t, o)
	serial := fmt.Sprintf("t%d", time.Now().UnixNano())
	if err := b.Sys.Devices.Register(b.Ctx, &park.Device{Serial: serial, LotCode: b.Lot, Lane: "in-1", Protocol: vzenith.ProtocolMQTT}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(b.Ctx, 10*time.Second)
	defer cancel()
	dial := func(id string) *mqttlink.Link {
		l, err := mqttlink.Dial(ctx, "mqtt://"+broker, mqttlink.Options{ClientID: id})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(l.Close)
		return l
	}
	e := &mqttEnv{Bundle: b, serial: serial, down: make(chan envelope, 16)}
	e.ack.Store(ack)
	parkd := dial(serial + "-parkd")
	e.mq = vzenith.NewMQTT(vzenith.MQTTConfig{Devices: b.Sys.Devices, Publisher: parkd})
	for _, f := range []string{serial + "/device/message/up/#", serial + "/device/message/down/+/reply"} {
		if err := parkd.Subscribe(f, false, e.mq.Handle); err != nil {
			t.Fatal(err)
		}
	}
	e.cam = dial(serial + "-camera")
	err := e.cam.Subscribe(serial+"/device/message/down/+", false, func(topic string, payload []byte) error {
		var env envelope
		if err := json.Unmarshal(payload, &env); err != nil {
			t.Errorf("parkd sent %s: %v", payload, err)
			return nil
		}
		e.down <- env
		if e.ack.Load() {
			reply, _ := json.Marshal(map[string]any{"id": env.ID, "sn": serial, "name": env.Name, "version": "1.0",
				"payload": map[string]any{"type": env.Name, "body": map[string]any{"code": 0}}})
			_ = e.cam.Publish(topic+"/reply", reply) // fails only when the test has ended
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// readMessage is a plate read as a camera publishes it, naming envSN in
// its envelope.
func readMessage(envSN, plate string, id int) []byte {
	body := map[string]any{"PlateResult": map[string]any{"license": base64.StdEncoding.EncodeToString([]byte(plate)),
		"colorType": 1, "plateid": id, "isoffline": 0}}
	msg, _ := json.Marshal(map[string]any{"id": fmt.Sprint(id), "sn": envSN, "name": "ivs_result", "version": "1.0",
		"timestamp": time.Now().Unix(), "payload": map[string]any{"type": "ivs_result", "body": body}})
	return msg
}

// publishRead is the camera publishing a plate read on its own topic.
func (e *mqttEnv) publishRead(t *testing.T, plate string, id int) {
	t.Helper()
	if err := e.cam.Publish(e.serial+"/device/message/up/ivs_result", readMessage(e.serial, plate, id)); err != nil {
		t.Fatal(err)
	}
}

// next waits (boundedly) for parkd's next message to the camera.
func (e *mqttEnv) next(t *testing.T) envelope {
	t.Helper()
	select {
	case env := <-e.down:
		return env
	case <-time.After(10 * time.Second):
		t.Fatal("parkd sent the camera nothing")
	}
	return envelope{}
}

// TestMQTTRead: a read published by the camera opens its barrier: parkd
// sends the screen's frames, then gpio_out, which the camera acknowledges.
func TestMQTTRead(t *testing.T) {
	e := setupMQTT(t, true)
	e.publishRead(t, "京A12345", 1)
	// The camera's client hands messages over concurrently: take both,
	// in whatever order they arrive.
	first, second := e.next(t), e.next(t)
	screen, open := first, second
	if first.Name == "gpio_out" {
		screen, open = second, first
	}
	if screen.Name != "serial_data" || screen.SN != e.serial || screen.Version != "1.0" || !strings.Contains(string(screen.Payload.Body), verifiedWelcome) {
		t.Fatalf("%+v %s: want the screen's frames with the verified welcome", screen, screen.Payload.Body)
	}
	var gpio map[string]int
	if err := json.Unmarshal(open.Payload.Body, &gpio); err != nil || open.Name != "gpio_out" || gpio["value"] != 2 || gpio["io"] != 0 ||
		gpio["delay"] != 500 {
		t.Fatalf("%+v %s: want gpio_out {delay 500, io 0, value 2}", open, open.Payload.Body)
	}
	select {
	case extra := <-e.down:
		if extra.Name == "gpio_out" {
			t.Fatalf("gpio_out sent again although acknowledged: %+v", extra)
		}
	case <-time.After(1500 * time.Millisecond): // longer than one attempt's wait: a retry would have come
	}
	if n := e.Occupied(t); n != 1 {
		t.Fatalf("%d cars inside, want 1", n)
	}
}

// TestMQTTNoAck: a barrier that never answers is tried 3 times, each with
// its own id, and then reported unreachable.
func TestMQTTNoAck(t *testing.T) {
	e := setupMQTT(t, false)
	d, err := e.Sys.Devices.Device(e.Ctx, e.serial)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(e.Ctx, 10*time.Second)
	defer cancel()
	err = e.mq.Send(ctx, d, park.GateOpen)
	if !errors.Is(err, park.ErrUnreachable) {
		t.Fatalf("%v, want unreachable", err)
	}
	ids := map[string]bool{}
	for range 3 {
		env := e.next(t)
		if env.Name != "gpio_out" {
			t.Fatalf("%+v", env)
		}
		ids[env.ID] = true
	}
	if len(ids) != 3 {
		t.Fatalf("ids %v: each attempt needs its own id", ids)
	}
}

// TestMQTTImpostor: a message on one camera's topic whose envelope names
// another camera is refused (a device publishes only as itself), and so
// is one on the topic of a camera that is not registered.
func TestMQTTImpostor(t *testing.T) {
	e := setupMQTT(t, true)
	// Handled here, synchronously, as the broker's delivery would be.
	e.mq.Handle(e.serial+"/device/message/up/ivs_result", readMessage("someone-else", "京B12345", 2))
	e.mq.Handle("someone-else/device/message/up/ivs_result", readMessage("someone-else", "京B12345", 3))
	if n := e.Occupied(t); n != 0 {
		t.Fatalf("%d cars inside after an impostor's read", n)
	}
	// The camera's own read after them is answered.
	e.publishRead(t, "京A12345", 4)
	if env := e.next(t); (env.Name != "serial_data" && env.Name != "gpio_out") || env.SN != e.serial {
		t.Fatalf("first message %+v: want the answer to the camera's own read", env)
	}
	if n := e.Occupied(t); n != 1 {
		t.Fatalf("%d cars inside, want the camera's own read's 1", n)
	}
}

// TestMQTTLists: the lot's pass holders and whitelist are loaded into its
// cameras, with their validity in the lot's local time, so the lane lets
// them through while parkd cannot be reached; deny entries and expired
// passes are not.
func TestMQTTLists(t *testing.T) {
	e := setupMQTT(t, true)
	now := e.Clock.Now()
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) // 08:00 in Shanghai
	if _, err := e.Sys.Access.CreatePass(e.Ctx, "", e.Lot, &park.Pass{HolderName: "Li", Plates: []string{"京A11111", "京A22222"},
		Spaces: 1, ValidFrom: from, ValidTo: now.Add(30 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Sys.Access.CreatePass(e.Ctx, "", e.Lot, &park.Pass{HolderName: "Old", Plates: []string{"京A33333"},
		Spaces: 1, ValidFrom: from, ValidTo: now.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	n, err := e.mq.LoadLists(e.Ctx)
	if err != nil || n != 1 {
		t.Fatalf("%d cameras loaded, %v; want the 1", n, err)
	}
	body := e.nextList(t)
	if body.Op != "update_or_add" {
		t.Fatalf("%+v: want update_or_add", body)
	}
	if len(body.Recs) != 2 || body.Recs[0].Plate != "京A11111" || body.Recs[1].Plate != "京A22222" ||
		body.Recs[0].EnableTime != "2026-11-01 08:00:00" || body.Recs[0].Enable != 1 {
		t.Fatalf("records %+v: want the two plates of the valid pass, from 2026-11-01 08:00:00 Shanghai time", body.Recs)
	}
}

// listBody is a white_list_operator body as the camera reads it.
type listBody struct {
	Op   string `json:"operator_type"`
	Recs []struct {
		Plate       string `json:"plate"`
		Enable      int    `json:"enable"`
		EnableTime  string `json:"enable_time"`
		OverdueTime string `json:"overdue_time"`
	} `json:"dldb_rec"`
}

// nextList waits for parkd's next white_list_operator to the camera.
func (e *mqttEnv) nextList(t *testing.T) listBody {
	t.Helper()
	env := e.next(t)
	var b listBody
	if err := json.Unmarshal(env.Payload.Body, &b); err != nil || env.Name != "white_list_operator" {
		t.Fatalf("%+v %s: want a white_list_operator (%v)", env, env.Payload.Body, err)
	}
	return b
}

func plates(b listBody) []string {
	var out []string
	for _, r := range b.Recs {
		out = append(out, r.Plate)
	}
	return out
}

// TestMQTTListChanges: a pass or allow entry created, changed or deleted
// reaches the lot's cameras as it happens, not at the next full load: the
// plates it adds with their validity, the plates it no longer lets through
// deleted; a plate still held by another entry stays.
func TestMQTTListChanges(t *testing.T) {
	e := setupMQTT(t, true)
	now := e.Clock.Now()
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) // 08:00 in Shanghai
	to := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)    // 08:00 in Shanghai
	if !to.After(now) {
		t.Fatalf("the test clock %s is past the pass's end", now)
	}
	p, err := e.Sys.Access.CreatePass(e.Ctx, "", e.Lot, &park.Pass{HolderName: "Li", Plates: []string{"京A11111", "京A22222"},
		Spaces: 1, ValidFrom: from, ValidTo: to})
	if err != nil {
		t.Fatal(err)
	}
	w, err := e.Sys.Access.CreateWhitelist(e.Ctx, e.Lot, &park.WhitelistEntry{Plate: "京A22222", Kind: park.AccessAllow,
		Reason: "staff", ValidFrom: from, ValidTo: to.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.mq.SyncLists(e.Ctx); err != nil {
		t.Fatal(err)
	}
	add := e.nextList(t)
	if add.Op != "update_or_add" || len(add.Recs) != 2 || add.Recs[0].Plate != "京A11111" || add.Recs[1].Plate != "京A22222" ||
		add.Recs[0].EnableTime != "2026-11-01 08:00:00" || add.Recs[0].OverdueTime != "2027-01-01 08:00:00" ||
		add.Recs[1].OverdueTime != "2027-01-02 08:00:00" || add.Recs[0].Enable != 1 {
		t.Fatalf("%+v: want both plates added, 京A22222 until the whitelist's end (the later)", add)
	}

	// The pass loses 京A11111 and is then deleted; 京A22222 stays while the
	// whitelist holds it, and goes when that entry turns to deny.
	if _, err := e.Sys.Access.UpdatePass(e.Ctx, e.Lot, p.ID, func(p *park.Pass) error {
		p.Plates = []string{"京A22222"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.Sys.Access.DeletePass(e.Ctx, e.Lot, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.mq.SyncLists(e.Ctx); err != nil {
		t.Fatal(err)
	}
	if add, del := e.nextList(t), e.nextList(t); add.Op != "update_or_add" || fmt.Sprint(plates(add)) != "[京A22222]" ||
		add.Recs[0].OverdueTime != "2027-01-02 08:00:00" || del.Op != "delete" || fmt.Sprint(plates(del)) != "[京A11111]" {
		t.Fatalf("%+v then %+v: want 京A22222 kept (whitelisted), 京A11111 deleted", add, del)
	}
	if _, err := e.Sys.Access.UpdateWhitelist(e.Ctx, e.Lot, w.ID, func(w *park.WhitelistEntry) error {
		w.Kind = park.AccessDeny
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.mq.SyncLists(e.Ctx); err != nil {
		t.Fatal(err)
	}
	env := e.next(t)
	if want := `{"dldb_rec":[{"plate":"京A22222"}],"operator_type":"delete"}`; string(env.Payload.Body) != want {
		t.Fatalf("%s %s: want %s (京A22222 deleted once denied: the plate alone)", env.Name, env.Payload.Body, want)
	}
	// Told once: nothing is pending any more.
	if err := e.mq.SyncLists(e.Ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case extra := <-e.down:
		t.Fatalf("sent again although acknowledged: %+v %s", extra, extra.Payload.Body)
	case <-time.After(1500 * time.Millisecond):
	}
}

// TestMQTTListChangeUnacknowledged: a change a camera does not acknowledge
// is kept and sent again at the next round.
func TestMQTTListChangeUnacknowledged(t *testing.T) {
	e := setupMQTT(t, false)
	if _, err := e.Sys.Access.CreateWhitelist(e.Ctx, e.Lot, &park.WhitelistEntry{Plate: "京A44444", Kind: park.AccessAllow,
		Reason: "staff", ValidFrom: e.Clock.Now(), ValidTo: e.Clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for round := 1; round <= 2; round++ {
		if err := e.mq.SyncLists(e.Ctx); !errors.Is(err, park.ErrUnreachable) {
			t.Fatalf("round %d: %v, want unreachable", round, err)
		}
		for range 3 { // each round tries 3 times
			if b := e.nextList(t); fmt.Sprint(plates(b)) != "[京A44444]" {
				t.Fatalf("round %d: %+v", round, b)
			}
		}
	}
}

// TestMQTTKeepLists: with parkd's list loop running, a pass created now
// reaches the camera by itself, and its deletion too.
func TestMQTTKeepLists(t *testing.T) {
	e := setupMQTT(t, true)
	ctx, cancel := context.WithCancel(e.Ctx)
	defer cancel()
	go e.mq.KeepLists(ctx, time.Hour)
	p, err := e.Sys.Access.CreatePass(e.Ctx, "", e.Lot, &park.Pass{HolderName: "Li", Plates: []string{"京A55555"},
		Spaces: 1, ValidFrom: e.Clock.Now(), ValidTo: e.Clock.Now().Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	// The loop's first full load may come before or after the pass.
	for b := e.nextList(t); fmt.Sprint(plates(b)) != "[京A55555]"; b = e.nextList(t) {
		if len(b.Recs) != 0 {
			t.Fatalf("%+v: want the full load or the new pass", b)
		}
	}
	if err := e.Sys.Access.DeletePass(e.Ctx, e.Lot, p.ID); err != nil {
		t.Fatal(err)
	}
	// (The pass may have been both in the full load and the change.)
	b := e.nextList(t)
	for b.Op == "update_or_add" && fmt.Sprint(plates(b)) == "[京A55555]" {
		b = e.nextList(t)
	}
	if b.Op != "delete" || fmt.Sprint(plates(b)) != "[京A55555]" {
		t.Fatalf("%+v: want the deleted pass's plate deleted", b)
	}
}

// TestMQTTAnsweredAgain: a barrier that does not acknowledge the open
// after a read raises the alarm (a device_status report, offline); when
// it acknowledges the next read's open, one report says it is back.
func TestMQTTAnsweredAgain(t *testing.T) {
	e := setupMQTT(t, false)
	e.Subscribe(t, park.ReportDeviceStatus)
	// reports waits (boundedly) for n device_status reports, oldest first.
	reports := func(n int) []park.DeviceStatus {
		t.Helper()
		var out []park.DeviceStatus
		for range 200 {
			out = out[:0]
			err := e.Store.View(e.Ctx, func(tx park.Tx) error {
				ds, err := tx.ListDeliveries(e.Ctx, park.DeliveryFilter{Report: park.ReportDeviceStatus, Limit: 10})
				for i := len(ds) - 1; i >= 0 && err == nil; i-- {
					var r *park.Report
					if r, err = tx.GetReport(e.Ctx, ds[i].ReportID); err == nil {
						var d park.ReportData
						if err = json.Unmarshal(r.Data, &d); err == nil && d.Device != nil {
							out = append(out, *d.Device)
						}
					}
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(out) >= n {
				return out
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("reports %+v: want %d", out, n)
		return nil
	}
	e.publishRead(t, "京A12345", 1)
	if rs := reports(1); rs[0].Online || rs[0].Serial != e.serial {
		t.Fatalf("%+v: want the barrier reported offline", rs)
	}
	e.ack.Store(true)
	e.publishRead(t, "京A67890", 2)
	rs := reports(2)
	if len(rs) != 2 || !rs[1].Online || rs[1].Serial != e.serial || rs[1].Lane != "in-1" || !strings.Contains(rs[1].Detail, "again") {
		t.Fatalf("%+v: want a second report, the barrier back", rs)
	}
	// A third read, acknowledged too, reports nothing more. (What parkd
	// sent for the first two reads is taken first.)
	for drained := false; !drained; {
		select {
		case <-e.down:
		default:
			drained = true
		}
	}
	e.publishRead(t, "京A24680", 3)
	for env := e.next(t); env.Name != "gpio_out"; env = e.next(t) {
	}
	if rs := reports(2); len(rs) != 2 {
		t.Fatalf("%+v: answering while answering is no news", rs)
	}
}

// TestMQTTListChangeOneCameraAway: of a lot's two cameras, the one that
// acknowledged a change is not sent it again while the other, silent,
// keeps the change pending.
func TestMQTTListChangeOneCameraAway(t *testing.T) {
	e := setupMQTT(t, true)
	if err := e.Sys.Devices.Register(e.Ctx, &park.Device{Serial: e.serial + "-away", LotCode: e.Lot, Lane: "in-2",
		Protocol: vzenith.ProtocolMQTT}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Sys.Access.CreateWhitelist(e.Ctx, e.Lot, &park.WhitelistEntry{Plate: "京A66666", Kind: park.AccessAllow,
		Reason: "staff", ValidFrom: e.Clock.Now(), ValidTo: e.Clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := e.mq.SyncLists(e.Ctx); !errors.Is(err, park.ErrUnreachable) {
		t.Fatalf("%v, want the silent camera unreachable", err)
	}
	if b := e.nextList(t); fmt.Sprint(plates(b)) != "[京A66666]" {
		t.Fatalf("%+v", b)
	}
	if err := e.mq.SyncLists(e.Ctx); !errors.Is(err, park.ErrUnreachable) {
		t.Fatalf("%v, want the change still pending for the silent camera", err)
	}
	select {
	case extra := <-e.down:
		t.Fatalf("sent again to the camera that acknowledged it: %+v %s", extra, extra.Payload.Body)
	default:
	}
}

// keepAlive is a camera's keep_alive as it publishes it.
func (e *mqttEnv) keepAlive(t *testing.T) {
	t.Helper()
	msg, _ := json.Marshal(map[string]any{"id": "ka", "sn": e.serial, "name": "keep_alive", "version": "1.0",
		"timestamp": time.Now().Unix(), "payload": map[string]any{"type": "keep_alive", "body": map[string]any{}}})
	if err := e.cam.Publish(e.serial+"/device/message/up/keep_alive", msg); err != nil {
		t.Fatal(err)
	}
}

// TestMQTTKeepAliveCarriesCommands: a command waiting in an MQTT camera's
// queue that a keep-alive takes is carried out (gpio_out), not dropped.
func TestMQTTKeepAliveCarriesCommands(t *testing.T) {
	e := setupMQTT(t, true)
	d, err := e.Sys.Devices.Device(e.Ctx, e.serial)
	if err != nil {
		t.Fatal(err)
	}
	sent := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(e.Ctx, 10*time.Second)
		defer cancel()
		sent <- e.Sys.Devices.Comet().Send(ctx, d, park.GateOpen)
	}()
	var taken bool
	for i := 0; !taken; i++ {
		if i == 100 {
			t.Fatal("the command was never taken")
		}
		e.keepAlive(t)
		select {
		case err := <-sent:
			if err != nil {
				t.Fatal(err)
			}
			taken = true
		case <-time.After(100 * time.Millisecond):
		}
	}
	if env := e.next(t); env.Name != "gpio_out" {
		t.Fatalf("%+v: want the taken open sent as gpio_out", env)
	}
}

// TestMQTTRepeatLiftsNothing: a read sent again (the same plateid) is
// the read already answered: parkd sends nothing for it. A read of a
// denied car handled after it is answered with its screen alone, and no
// gpio_out or screen of the repeat comes before that screen.
func TestMQTTRepeatLiftsNothing(t *testing.T) {
	e := setupMQTT(t, true)
	if _, err := e.Sys.Access.CreateWhitelist(e.Ctx, e.Lot, &park.WhitelistEntry{Plate: "京B54321", Kind: park.AccessDeny,
		Reason: "test", ValidFrom: e.Clock.Now().Add(-time.Hour), ValidTo: e.Clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	topic := e.serial + "/device/message/up/ivs_result"
	e.mq.Handle(topic, readMessage(e.serial, "京A12345", 1))
	for range 2 { // its screen and its lift
		e.next(t)
	}
	// Handled here, one after the other, as the broker's delivery would be.
	e.mq.Handle(topic, readMessage(e.serial, "京A12345", 1))
	e.mq.Handle(topic, readMessage(e.serial, "京B54321", 2))
	for {
		env := e.next(t)
		if env.Name == "gpio_out" {
			t.Fatalf("%+v: the repeated read lifted the barrier again", env)
		}
		if env.Name != "serial_data" {
			continue
		}
		var body struct {
			SerialData []struct{ Data string } `json:"serialData"`
		}
		if err := json.Unmarshal(env.Payload.Body, &body); err != nil {
			t.Fatal(err)
		}
		var text string
		for _, f := range body.SerialData {
			raw, _ := base64.StdEncoding.DecodeString(f.Data)
			text += string(raw)
		}
		if strings.Contains(text, "A12345") {
			t.Fatalf("the repeated read's screen was sent again")
		}
		if strings.Contains(text, "B54321") {
			break // the denied car's screen: the repeat sent nothing before it
		}
	}
	if n := e.Occupied(t); n != 1 {
		t.Fatalf("%d cars inside, want 1", n)
	}
}

// TestMQTTReplyFromAnotherCamera: a reply with a command's id on another
// camera's topic, or for another command, acknowledges nothing: the
// command is still not delivered.
func TestMQTTReplyFromAnotherCamera(t *testing.T) {
	e := setupMQTT(t, false)
	d, err := e.Sys.Devices.Device(e.Ctx, e.serial)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		// Shorter than one attempt: only a reply can end it early.
		ctx, cancel := context.WithTimeout(e.Ctx, 800*time.Millisecond)
		defer cancel()
		done <- e.mq.Send(ctx, d, park.GateOpen)
	}()
	sent := e.next(t)
	reply := func(sn, name string) {
		msg, _ := json.Marshal(map[string]any{"id": sent.ID, "sn": sn, "name": name, "version": "1.0",
			"payload": map[string]any{"type": name, "body": map[string]any{"code": 0}}})
		e.mq.Handle(sn+"/device/message/down/"+name+"/reply", msg)
	}
	reply("other-camera", "gpio_out")
	reply(e.serial, "serial_data")
	if err := <-done; !errors.Is(err, park.ErrUnreachable) {
		t.Fatalf("%v: want unreachable (no reply of the camera's own to gpio_out)", err)
	}
}

// TestMQTTLateAck: a camera slow to answer (its reply to the first
// gpio_out comes after parkd sent the second) did lift its barrier: the
// late reply acknowledges the command, which is delivered, not reported
// unreachable while the barrier went up (nor sent a third time).
func TestMQTTLateAck(t *testing.T) {
	e := setupMQTT(t, false)
	d, err := e.Sys.Devices.Device(e.Ctx, e.serial)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(e.Ctx, 30*time.Second)
		defer cancel()
		done <- e.mq.Send(ctx, d, park.GateOpen)
	}()
	first := e.next(t)
	if second := e.next(t); second.Name != "gpio_out" || second.ID == first.ID {
		t.Fatalf("%+v: want the second attempt", second)
	}
	reply := func(id string) {
		msg, _ := json.Marshal(map[string]any{"id": id, "sn": e.serial, "name": "gpio_out", "version": "1.0",
			"payload": map[string]any{"type": "gpio_out", "body": map[string]any{"code": 0}}})
		e.mq.Handle(e.serial+"/device/message/down/gpio_out/reply", msg)
	}
	reply(first.ID)
	reply(first.ID) // sent twice: nothing more
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%v: want delivered (the camera answered the first attempt, late)", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Send did not end")
	}
}

// TestMQTTEnvelopeFieldsNotRead: the envelope's fields parkd does not
// use (its timestamp, version, a numeric id) refuse no read, whatever a
// firmware puts there: the car would wait at a shut barrier for a field
// nobody reads.
func TestMQTTEnvelopeFieldsNotRead(t *testing.T) {
	e := setupMQTT(t, true)
	for i, extra := range []map[string]any{
		{"timestamp": "2026-12-06 10:00:00"},
		{"timestamp": 1796521920.5, "version": 1},
		{"id": 42},
	} {
		var msg map[string]any
		_ = json.Unmarshal(readMessage(e.serial, fmt.Sprintf("京A1234%d", i), i+1), &msg)
		for k, v := range extra {
			msg[k] = v
		}
		raw, _ := json.Marshal(msg)
		e.mq.Handle(e.serial+"/device/message/up/ivs_result", raw)
		if n := e.Occupied(t); n != i+1 {
			t.Fatalf("envelope with %v: %d cars inside, want %d", extra, n, i+1)
		}
	}
}

// TestMQTTFailureReply: a camera that answers gpio_out with a failure
// (a non-zero code) did not lift its barrier: the command is tried again
// and, failing every time, reported unreachable (undelivered, alarm), not
// acknowledged.
func TestMQTTFailureReply(t *testing.T) {
	e := setupMQTT(t, false)
	d, err := e.Sys.Devices.Device(e.Ctx, e.serial)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(e.Ctx, 30*time.Second)
		defer cancel()
		done <- e.mq.Send(ctx, d, park.GateOpen)
	}()
	ids := map[string]bool{}
	for range 3 {
		sent := e.next(t)
		if sent.Name != "gpio_out" || ids[sent.ID] {
			t.Fatalf("%+v: want a new gpio_out attempt", sent)
		}
		ids[sent.ID] = true
		msg, _ := json.Marshal(map[string]any{"id": sent.ID, "sn": e.serial, "name": "gpio_out", "version": "1.0",
			"payload": map[string]any{"type": "gpio_out", "body": map[string]any{"code": 1, "msg": "io busy"}}})
		e.mq.Handle(e.serial+"/device/message/down/gpio_out/reply", msg)
	}
	select {
	case err := <-done:
		if !errors.Is(err, park.ErrUnreachable) || !strings.Contains(err.Error(), "io busy") {
			t.Fatalf("%v: want unreachable, naming the camera's failure", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Send did not end")
	}
}

// TestMQTTCameraResentRecord: the simulator's MQTT camera sending a
// record again (a duplicate push) is answered by nothing, as parkd
// documents (the first read's screen and lift went already): the camera
// reports the first read's decision at once, rather than waiting for an
// answer that never comes and taking its lane out for 10 s.
func TestMQTTCameraResentRecord(t *testing.T) {
	e := setupMQTT(t, true)
	cam, err := vzenith.DialCamera(e.Ctx, "mqtt://"+broker, e.serial)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cam.Close() })
	// The first read is opened: its lift is waited for up to the push's
	// deadline, not HoldWait, which a loaded machine can exceed.
	cam.Hold = 5 * time.Second
	go func() { // the env's own camera hears parkd too: keep it listening
		for range e.down {
		}
	}()
	ctx, cancel := context.WithTimeout(e.Ctx, 5*time.Second)
	defer cancel()
	open, err := cam.Push(ctx, "京A12345", 41)
	if err != nil || !open {
		t.Fatalf("first push: open %v, %v: want the entry opened", open, err)
	}
	start := time.Now()
	open, err = cam.Push(ctx, "京A12345", 41)
	if err != nil || !open {
		t.Fatalf("the same record again: open %v, %v after %s: want the first decision (open)", open, err, time.Since(start))
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("the same record again took %s: the lane waited for an answer parkd never sends", d)
	}
}

// TestMQTTLicenseNotBase64: an ivs_result whose license is not base64 (the
// notes: it always is) cannot be decided, but a car waits at the lane: the
// lane's screen asks for an attendant, the barrier stays down and no stay
// is made.
func TestMQTTLicenseNotBase64(t *testing.T) {
	e := setupMQTT(t, true)
	bad := strings.Replace(string(readMessage(e.serial, "京A12345", 40)),
		base64.StdEncoding.EncodeToString([]byte("京A12345")), "京A12345", 1)
	if err := e.cam.Publish(e.serial+"/device/message/up/ivs_result", []byte(bad)); err != nil {
		t.Fatal(err)
	}
	env := e.next(t)
	if env.Name != "serial_data" || !strings.Contains(string(env.Payload.Body), `"serialData"`) {
		t.Fatalf("%+v %s: want the lane's screen", env, env.Payload.Body)
	}
	var sd struct {
		SerialData []struct {
			Data string `json:"data"`
		} `json:"serialData"`
	}
	if err := json.Unmarshal(env.Payload.Body, &sd); err != nil || len(sd.SerialData) == 0 {
		t.Fatalf("%s: %v", env.Payload.Body, err)
	}
	voice, _ := base64.StdEncoding.DecodeString(sd.SerialData[len(sd.SerialData)-1].Data)
	if want, err := led.Voice("请联系管理员"); err != nil || !bytes.Equal(voice, want) {
		t.Fatalf("voice frame %x: want 请联系管理员 (%x, %v)", voice, want, err)
	}
	if n := e.Occupied(t); n != 0 {
		t.Fatalf("%d cars inside, want 0", n)
	}
}

// failingStore fails its next write once armed, as a store closing or
// timing out does.
type failingStore struct {
	park.Store
	armed  atomic.Bool
	failed atomic.Int32
}

func (s *failingStore) Update(ctx context.Context, fn func(park.Tx) error) error {
	if s.armed.CompareAndSwap(true, false) {
		s.failed.Add(1)
		return park.Errorf(park.EUnavailable, "the database is closing")
	}
	return s.Store.Update(ctx, fn)
}

// offlineMessage is an offline record (isoffline 1) of a car that passed
// at sec, as a camera replays it once parkd is back.
func offlineMessage(sn, plate string, id int, sec int64) []byte {
	body := map[string]any{"PlateResult": map[string]any{"license": base64.StdEncoding.EncodeToString([]byte(plate)),
		"colorType": 1, "plateid": id, "isoffline": 1, "triggerType": 1, "timeStamp": map[string]any{"Timeval": map[string]any{"sec": sec}}}}
	msg, _ := json.Marshal(map[string]any{"id": fmt.Sprint(id), "sn": sn, "name": "ivs_result", "version": "1.0",
		"timestamp": time.Now().Unix(), "payload": map[string]any{"type": "ivs_result", "body": body}})
	return msg
}

// TestMQTTOfflineRecordNotKept: an offline record the store refuses (it
// is closing) is not acknowledged to the broker, and comes again: it is
// recorded once the store takes it. Before, it was acknowledged whether
// kept or not, and the car that entered while the lane was offline was
// never inside: 0 cars where 1 entered.
func TestMQTTOfflineRecordNotKept(t *testing.T) {
	fs := &failingStore{}
	e := setupMQTTWith(t, true, systemtest.Options{WrapStore: func(s park.Store) park.Store { fs.Store = s; return fs }})
	fs.armed.Store(true)
	passed := e.Clock.Now().Add(-10 * time.Minute).Unix()
	if err := e.cam.Publish(e.serial+"/device/message/up/ivs_result", offlineMessage(e.serial, "京E12345", 9, passed)); err != nil {
		t.Fatal(err)
	}
	// One car entered ten minutes ago: 1 inside, once the record comes
	// again after the refusal (a second later).
	deadline := time.Now().Add(10 * time.Second)
	for e.Occupied(t) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d cars inside, want the offline record kept once it came again (store refused %d writes)",
				e.Occupied(t), fs.failed.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := fs.failed.Load(); n != 1 {
		t.Fatalf("the store refused %d writes, want the record's first", n)
	}
}

// pictureMessage is a plate read whose PlateResult carries fields, as a
// camera publishes it.
func pictureMessage(sn, plate string, id int, fields map[string]any) []byte {
	pr := map[string]any{"license": base64.StdEncoding.EncodeToString([]byte(plate)), "colorType": 1, "plateid": id, "isoffline": 0}
	for k, v := range fields {
		pr[k] = v
	}
	msg, _ := json.Marshal(map[string]any{"id": fmt.Sprint(id), "sn": sn, "name": "ivs_result", "version": "1.0",
		"timestamp": time.Now().Unix(), "payload": map[string]any{"type": "ivs_result", "body": map[string]any{"PlateResult": pr}}})
	return msg
}

// TestMQTTPicture: a read's picture over MQTT is kept as the HTTP push's
// is: named by the event's image_url, served as the camera's JPEG. The
// notes say an ivs_result's imagePath is base64: when its bytes are a
// picture they are the read's picture; when they are the camera's own
// file path (which no operator can fetch) nothing is kept. A picture of
// more than park.MaxImage bytes is not kept. Before, no MQTT read kept a
// picture: every image_url was empty.
func TestMQTTPicture(t *testing.T) {
	e := setupMQTT(t, true)
	go func() { // the camera hears parkd's screens and lifts; not looked at here
		for range e.down {
		}
	}()
	jpeg := []byte("\xff\xd8\xff\xe0 the lane's picture \xff\xd9")
	b64 := base64.StdEncoding.EncodeToString(jpeg)
	big := append([]byte("\xff\xd8\xff\xe0"), make([]byte, park.MaxImage)...) // MaxImage+4 bytes: one too many and more
	topic := e.serial + "/device/message/up/ivs_result"
	for _, c := range []struct {
		name   string
		id     int
		plate  string
		fields map[string]any
		want   []byte // nil: no picture kept
	}{
		{"ImageFile", 51, "京A51001", map[string]any{"imageFile": b64}, jpeg},
		{"ImagePathPicture", 52, "京A51002", map[string]any{"imagePath": b64}, jpeg},
		{"ImagePathCameraFile", 53, "京A51003", map[string]any{"imagePath": base64.StdEncoding.EncodeToString([]byte("/mmc/VzIPCCap/2026_12_06/1808123.jpg"))}, nil},
		{"TooBig", 54, "京A51004", map[string]any{"imageFile": base64.StdEncoding.EncodeToString(big)}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := e.mq.Handle(topic, pictureMessage(e.serial, c.plate, c.id, c.fields)); err != nil {
				t.Fatal(err)
			}
			var ev *park.Event
			if err := e.Store.View(e.Ctx, func(tx park.Tx) (err error) {
				ev, err = tx.GetEvent(e.Ctx, e.Lot, fmt.Sprintf("dev:%s:%d", e.serial, c.id))
				return
			}); err != nil {
				t.Fatal(err)
			}
			if c.want == nil {
				if ev.ImageURL != "" {
					t.Fatalf("image_url %q, want none", ev.ImageURL)
				}
				return
			}
			id, ok := strings.CutPrefix(ev.ImageURL, "/v1/images/")
			if !ok {
				t.Fatalf("image_url %q, want /v1/images/<id>", ev.ImageURL)
			}
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				im, err := e.Sys.Devices.Image(e.Ctx, id)
				if err == nil {
					if !bytes.Equal(im.Data, c.want) || im.ContentType != "image/jpeg" {
						t.Fatalf("kept %q as %s, want the camera's JPEG", im.Data, im.ContentType)
					}
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("the picture was never kept: %v", err)
				}
			}
		})
	}
}

// TestMQTTTwoSimsOneSerial: two simulator runs' cameras of the same serial
// (both given --serial-prefix sim-) on one broker each keep their
// connection: their client ids differ, so a command reaches both and both
// answer it. Before, both connected as cam-<serial>, and the broker threw
// one off as the other came.
func TestMQTTTwoSimsOneSerial(t *testing.T) {
	needBroker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	serial := fmt.Sprintf("t%d", time.Now().UnixNano())
	var cams [2]*vzenith.MQTTCamera
	for i := range cams {
		c, err := vzenith.DialCamera(ctx, "mqtt://"+broker, serial)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		cams[i] = c
	}
	if cams[0].ClientID == cams[1].ClientID {
		t.Fatalf("both cameras connect as %q", cams[0].ClientID)
	}
	parkd, err := mqttlink.Dial(ctx, "mqtt://"+broker, mqttlink.Options{ClientID: serial + "-parkd", Clean: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(parkd.Close)
	replies := make(chan string, 8)
	if err := parkd.Subscribe(serial+"/device/message/down/+/reply", false, func(_ string, payload []byte) error {
		replies <- string(payload)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	cmd := []byte(`{"id":"x1","sn":"` + serial + `","name":"gpio_out","version":"1.0","payload":{"type":"gpio_out","body":{"delay":500,"io":0,"value":2}}}`)
	// Sent again until both answer (a subscription may still be on its
	// way): two replies to one send say both are connected at once.
	for deadline := time.Now().Add(8 * time.Second); ; {
		if err := parkd.Publish(serial+"/device/message/down/gpio_out", cmd); err != nil {
			t.Fatal(err)
		}
		n := 0
		for wait := time.After(500 * time.Millisecond); n < 2; {
			select {
			case <-replies:
				n++
				continue
			case <-wait:
			}
			break
		}
		if n == 2 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of the 2 cameras answered the command: one was thrown off the broker", n)
		}
		for len(replies) > 0 {
			<-replies
		}
	}
}
