package vzenith_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"parkd/internal/device"
	"parkd/internal/dialect/vzenith"
	"parkd/internal/park"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
)

// TestMQTTMoreLanesThanTheBrokersWindow has more cars at MQTT lanes at
// once than the broker sends parkd unacknowledged (Mosquitto's
// max_inflight_messages, 20 by default). A read held unacknowledged while
// its barrier command waited for the camera's reply, which comes behind
// that window, left every lane held after the first few.
func TestMQTTMoreLanesThanTheBrokersWindow(t *testing.T) {
	st := teststore.Open(t)
	sys := system.New(system.Config{Store: st, Barriers: device.NewMemory(), DeviceProtocols: []string{vzenith.ProtocolMQTT}})
	ctx := context.Background()
	if _, err := sys.Gate.CreateLot(ctx, &park.Lot{Code: "BENCH", Name: "Lanes", TimeZone: "Asia/Shanghai", Currency: "CNY",
		Capacity: 1000, MissedEntry: park.MissedEntryHold}); err != nil {
		t.Fatal(err)
	}
	const lanes = 32
	cams := mqttRig(t, sys, lanes)
	for _, cam := range cams {
		// Every car here is let in: a lift is waited for until it comes,
		// not HoldWait (250 ms), which a loaded machine can exceed between
		// a read's screen frames and its lift, making an opened read look
		// held. A lane parkd wrongly held still fails, 10 s later.
		cam.Hold = 10 * time.Second
	}
	var wg sync.WaitGroup
	for i, cam := range cams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Two cars each, so every lane's second read comes while other
			// lanes' first are being answered.
			for car := range 2 {
				n := int64(i*10 + car + 1)
				open, err := cam.Push(ctx, fmt.Sprintf("京M%05d", n), n)
				if err != nil || !open {
					t.Errorf("lane %d, car %d: open %v, err %v; want the barrier lifted", i, car, open, err)
				}
			}
		}()
	}
	wg.Wait()
	occ, err := sys.Gate.Occupancy(ctx, "BENCH")
	if err != nil {
		t.Fatal(err)
	}
	if occ.Occupied != 2*lanes {
		t.Errorf("%d cars inside, want %d", occ.Occupied, 2*lanes)
	}
}

// TestMQTTLiftNeverLate: a barrier command for a camera that is away is
// not kept for it by the broker. The camera's session persists (as a real
// camera's does), and when it comes back, after parkd gave the command
// up, no lift arrives for a car long gone.
func TestMQTTLiftNeverLate(t *testing.T) {
	e := setupMQTT(t, true)
	d, err := e.Sys.Devices.Device(e.Ctx, e.serial)
	if err != nil {
		t.Fatal(err)
	}
	e.cam.Close() // away; its session and subscription stay on the broker
	// Away, not leaving: the broker handles a DISCONNECT on its own time,
	// and a lift it queued for the camera before then stays in the session
	// (seen once when the lift went in the same instant). Nothing tells a
	// client when the broker is done, so give it time.
	time.Sleep(300 * time.Millisecond)
	ctx, cancel := context.WithTimeout(e.Ctx, 10*time.Second)
	defer cancel()
	if err := e.mq.Send(ctx, d, park.GateOpen); !errors.Is(err, park.ErrUnreachable) {
		t.Fatalf("lift for a camera away: %v, want unreachable", err)
	}
	got := make(chan string, 8)
	// Back with the same session; the default handler sees what the broker
	// kept, which comes before any subscription is made again.
	opts := paho.NewClientOptions().AddBroker("tcp://" + broker).SetClientID(e.serial + "-camera").SetCleanSession(false).
		SetDefaultPublishHandler(func(_ paho.Client, m paho.Message) { got <- m.Topic() })
	c := paho.NewClient(opts)
	if tok := c.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("camera back: %v", tok.Error())
	}
	defer c.Disconnect(0)
	select {
	case topic := <-got:
		t.Fatalf("the camera got %s when it came back: a lift kept for it", topic)
	case <-time.After(time.Second):
	}
}
