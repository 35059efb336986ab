package vzenith

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
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
	Serial   string
	ClientID string // its session on the broker: the serial and a random suffix
	link     *mqttlink.Link
	lane     sync.Mutex
	down     chan string // names of the commands parkd sent
	seq      atomic.Int64
	// Hold is how long after the screen's frames Push waits for a
	// gpio_out before it reports the read held; zero is HoldWait. Set it
	// before the first Push. A caller that expects every read opened (a
	// test) sets it long: on a loaded machine the lift may come more than
	// HoldWait behind the frames, and a lift that comes is what counts.
	Hold time.Duration
	// last is the record last pushed and its decision (guarded by lane):
	// parkd answers the same record sent again with nothing.
	last struct {
		id         int64
		open, seen bool
	}
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
	// The client id has a random suffix: a broker lets one client per id
	// connect, and a second camera of the same serial (another run of
	// the simulator) would otherwise throw this one off.
	id := fmt.Sprintf("cam-%s-%08x", serial, rand.Uint32())
	link, err := mqttlink.Dial(ctx, brokerURL, mqttlink.Options{ClientID: id, Clean: true, Ordered: true})
	if err != nil {
		return nil, err
	}
	c := &MQTTCamera{Serial: serial, ClientID: id, link: link, down: make(chan string, 64)}
	err = link.Subscribe(serial+"/device/message/down/+", false, func(topic string, payload []byte) error {
		var env struct{ ID, Name string }
		if json.Unmarshal(payload, &env) != nil {
			return nil
		}
		reply, _ := json.Marshal(cameraMessage(env.ID, serial, env.Name, okBody))
		// A controller lifts the barrier as the command comes, and answers
		// beside it, at QoS 0: a reply lost is a command sent again, so
		// the next command need not wait for this reply to be written.
		link.Live(topic+"/reply", reply)
		select {
		case c.down <- env.Name:
		default: // nobody is waiting: a command of an earlier read
		}
		return nil
	})
	if err != nil {
		link.Close()
		return nil, err
	}
	return c, nil
}

// holdWait is Hold, or HoldWait when Hold is not set.
func (c *MQTTCamera) holdWait() time.Duration {
	if c.Hold > 0 {
		return c.Hold
	}
	return HoldWait
}

// okBody is a controller's reply to a command it carried out.
var okBody = json.RawMessage(`{"code":0}`)

// cameraMessage is a camera's envelope of body, stamped now.
func cameraMessage(id, sn, name string, body json.RawMessage) *envelope {
	env := &envelope{ID: id, SN: sn, Name: name, Version: "1.0", Timestamp: time.Now().Unix()}
	env.Payload.Type, env.Payload.Body = name, body
	return env
}

// Close disconnects the camera.
func (c *MQTTCamera) Close() error {
	c.link.Close()
	return nil
}

// Push publishes a read (plate "" for none) and reports whether parkd
// opened the barrier (a gpio_out) rather than only showing the screen.
// The record just pushed, sent again (a camera's retry), is the read
// parkd already answered: it sends nothing for it (docs/devices.md), so
// Push reports the first decision without waiting.
func (c *MQTTCamera) Push(ctx context.Context, plate string, recordID int64) (bool, error) {
	c.lane.Lock()
	defer c.lane.Unlock()
	open, err := c.push(ctx, plate, recordID)
	if err == nil {
		c.last.id, c.last.open, c.last.seen = recordID, open, true
	}
	return open, err
}

func (c *MQTTCamera) push(ctx context.Context, plate string, recordID int64) (bool, error) {
	again := c.last.seen && c.last.id == recordID
	for len(c.down) > 0 { // what came late for an earlier read
		<-c.down
	}
	lic := plate
	if lic == "" {
		lic = noPlate
	}
	var read struct {
		PlateResult struct {
			License     string `json:"license"`
			ColorType   int    `json:"colorType"`
			PlateID     int64  `json:"plateid"`
			IsOffline   int    `json:"isoffline"`
			TriggerType int    `json:"triggerType"`
		}
	}
	read.PlateResult.License = base64.StdEncoding.EncodeToString([]byte(lic))
	read.PlateResult.ColorType, read.PlateResult.PlateID, read.PlateResult.TriggerType = 1, recordID, 8
	body, _ := json.Marshal(&read)
	msg, _ := json.Marshal(cameraMessage(strconv.FormatInt(c.seq.Add(1), 10), c.Serial, "ivs_result", body))
	if err := c.link.Publish(c.Serial+"/device/message/up/ivs_result", msg); err != nil {
		return false, err
	}
	if again {
		return c.last.open, nil
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
				wait.Reset(c.holdWait())
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
