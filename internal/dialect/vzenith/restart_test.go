package vzenith_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"parkd/internal/device/mqttlink"
	"parkd/internal/dialect/vzenith"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// privateBroker runs a Mosquitto of the test's own, with persistence and
// the settings docs/devices.md recommends, on a free loopback port;
// restart stops it (as a service stop does, saving its state) and starts
// it again on the same port.
type privateBroker struct {
	t    testing.TB
	conf string
	port int
	cmd  *exec.Cmd
}

func startPrivateBroker(t testing.TB) *privateBroker {
	t.Helper()
	bin, err := exec.LookPath("mosquitto")
	if err != nil {
		t.Skip("no mosquitto binary: skipped, it needs a broker of its own")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	// Mosquitto started as root writes its state as its own user: the
	// folder must be open to it.
	dir, err := os.MkdirTemp("", "parkd-mosquitto-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "mosquitto.conf")
	body := fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\npersistence true\npersistence_location %s/\n", port, dir)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	b := &privateBroker{t: t, conf: conf, port: port}
	b.start(bin)
	t.Cleanup(b.stop)
	return b
}

func (b *privateBroker) start(bin string) {
	b.t.Helper()
	b.cmd = exec.Command(bin, "-c", b.conf)
	if err := b.cmd.Start(); err != nil {
		b.t.Fatal(err)
	}
	for range 100 {
		if c, err := net.Dial("tcp", b.addr()); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatal("the private broker did not start")
}

func (b *privateBroker) stop() {
	if b.cmd == nil || b.cmd.Process == nil {
		return
	}
	_ = b.cmd.Process.Signal(os.Interrupt)
	_ = b.cmd.Wait()
	b.cmd = nil
}

func (b *privateBroker) restart() {
	b.t.Helper()
	b.stop()
	bin, _ := exec.LookPath("mosquitto")
	b.start(bin)
}

func (b *privateBroker) addr() string { return "127.0.0.1:" + strconv.Itoa(b.port) }

// TestMQTTBrokerRestart: the broker restarts; parkd reconnects on its
// own, its subscriptions are made again, and a read the camera published
// while parkd was not yet back (accepted by the broker) still reaches it.
func TestMQTTBrokerRestart(t *testing.T) {
	br := startPrivateBroker(t)
	b := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{vzenith.ProtocolMQTT}})
	serial := "restart-cam"
	if err := b.Sys.Devices.Register(b.Ctx, &park.Device{Serial: serial, LotCode: b.Lot, Lane: "in-1", Protocol: vzenith.ProtocolMQTT}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(b.Ctx, 30*time.Second)
	defer cancel()
	parkd, err := mqttlink.Dial(ctx, "mqtt://"+br.addr(), mqttlink.Options{ClientID: "parkd-restart"})
	if err != nil {
		t.Fatal(err)
	}
	defer parkd.Close()
	mq := vzenith.NewMQTT(vzenith.MQTTConfig{Devices: b.Sys.Devices, Publisher: parkd})
	if err := parkd.Subscribe(vzenith.UpFilter, true, mq.Handle); err != nil {
		t.Fatal(err)
	}

	br.restart()
	// The camera is back first and publishes at once.
	cam, err := mqttlink.Dial(ctx, "mqtt://"+br.addr(), mqttlink.Options{ClientID: serial})
	if err != nil {
		t.Fatal(err)
	}
	defer cam.Close()
	if err := cam.Publish(serial+"/device/message/up/ivs_result", readMessage(serial, "京A12345", 1)); err != nil {
		t.Fatal(err)
	}
	for b.Occupied(t) != 1 {
		select {
		case <-ctx.Done():
			t.Fatal("the read published across the restart never reached parkd")
		case <-time.After(50 * time.Millisecond):
		}
	}
}
