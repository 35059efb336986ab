package vzenith

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"parkd/internal/device/mqttlink"
)

// MQTTCamera plays a camera over MQTT against a parkd on the same broker
// (the simulator, the MQTT benchmark): it publishes reads on its up
// topic and answers parkd's commands on their reply topics, as the
// hardware's controller does. A lane serves one car at a time: Push
// waits for parkd's answer to its read before the next.
type MQTTCamera struct {
	Serial string
	link   *mqttlink.Link
	lane   sync.Mutex
	down   chan string // names of the commands parkd sent
	seq    atomic.Int64
}

// HoldWait is how long after the screen's frames an MQTTCamera waits for
// a gpio_out before it takes the read as held: parkd sends the frames,
// then the barrier command, at once.
const HoldWait = 250 * time.Millisecond

// DialCamera connects a camera to the broker at brokerURL.
func DialCamera(ctx context.Context, brokerURL, serial string) (*MQTTCamera, error) {
	// Ordered: the screen's frames come before the lift they precede; a
	// read's frames taken after its lift were seen by the next read as its
	// own, and it gave up 250 ms later if its own decision was slower.
	link, err := mqttlink.Dial(ctx, brokerURL, mqttlink.Options{ClientID: "cam-" + serial, Clean: true, Ordered: true})
	if err != nil {
		return nil, err
	}
	c := &MQTTCamera{Serial: serial, link: link, down: make(chan string, 64)}
	err = link.Subscribe(serial+"/device/message/down/+", false, func(topic string, payload []byte) {
		var env envelope
		if json.Unmarshal(payload, &env) != nil {
			return
		}
		reply, _ := json.Marshal(map[string]any{"id": env.ID, "sn": serial, "name": env.Name, "version": "1.0",
			"timestamp": time.Now().Unix(), "payload": map[string]any{"type": env.Name, "body": map[string]any{"code": 0}}})
		// A controller lifts the barrier as the command comes, and answers
		// beside it, at QoS 0: a reply lost is a command sent again.
		wait := link.Live(topic+"/reply", reply)
		select {
		case c.down <- env.Name:
		default: // nobody is waiting: a command of an earlier read
		}
		_ = wait()
	})
	if err != nil {
		link.Close()
		return nil, err
	}
	return c, nil
}

// Close disconnects the camera.
func (c *MQTTCamera) Close() error {
	c.link.Close()
	return nil
}

// Push publishes a read (plate "" for none) and reports whether parkd
// opened the barrier (a gpio_out) rather than only showing the screen.
func (c *MQTTCamera) Push(ctx context.Context, plate string, recordID int64) (bool, error) {
	c.lane.Lock()
	defer c.lane.Unlock()
	for len(c.down) > 0 { // what came late for an earlier read
		<-c.down
	}
	lic := plate
	if lic == "" {
		lic = noPlate
	}
	body := map[string]any{"PlateResult": map[string]any{"license": base64.StdEncoding.EncodeToString([]byte(lic)),
		"colorType": 1, "plateid": recordID, "isoffline": 0, "triggerType": 8}}
	msg, _ := json.Marshal(map[string]any{"id": fmt.Sprint(c.seq.Add(1)), "sn": c.Serial, "name": "ivs_result", "version": "1.0",
		"timestamp": time.Now().Unix(), "payload": map[string]any{"type": "ivs_result", "body": body}})
	if err := c.link.Publish(c.Serial+"/device/message/up/ivs_result", msg); err != nil {
		return false, err
	}
	wait := time.NewTimer(10 * time.Second)
	defer wait.Stop()
	answered := false
	for {
		select {
		case name := <-c.down:
			switch name {
			case "gpio_out":
				return true, nil
			case "serial_data":
				answered = true
				wait.Reset(HoldWait)
			}
		case <-wait.C:
			if !answered {
				return false, fmt.Errorf("camera %s: no answer from parkd over MQTT", c.Serial)
			}
			return false, nil // the screen alone: held
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
}
