package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"parkd/internal/config"
	"parkd/internal/device/mqttlink"
	"parkd/internal/devices"
	"parkd/internal/gate"

	"parkd/internal/dialect/hikvision"
	"parkd/internal/dialect/vzenith"
	"parkd/internal/system"
)

// deviceProtocol is a lane device protocol parkd serves: the name a
// device is registered with, and how its routes are mounted. Registering
// one here is all it takes; the core knows no device maker by name.
type deviceProtocol struct {
	name  string
	mount func(sys *system.System, log *slog.Logger, mount func(string, http.Handler))
	// route is the barrier transport of its devices (nil: none here).
	route func(sys *system.System) devices.Transport
	// calledBack: its barriers are moved by calling the device back, so
	// its devices are registered with an addr.
	calledBack bool
	// serial gives its devices' serials their one form (nil: as given).
	serial func(string) string
}

var deviceProtocols = []deviceProtocol{
	{name: vzenith.ProtocolMQTT, mount: func(*system.System, *slog.Logger, func(string, http.Handler)) {}}, // connectMQTT
	{name: vzenith.Protocol, mount: func(sys *system.System, log *slog.Logger, mount func(string, http.Handler)) {
		vzenith.New(vzenith.Config{Devices: sys.Devices, Log: log}).Mount(mount)
	}, route: func(sys *system.System) devices.Transport { return sys.Devices.Comet() }},
	{name: hikvision.Protocol, mount: func(sys *system.System, log *slog.Logger, mount func(string, http.Handler)) {
		hikvision.New(hikvision.Config{Devices: sys.Devices, Barrier: isapiBarrier, Log: log}).Mount(mount)
	}, route: func(*system.System) devices.Transport { return isapiBarrier }, calledBack: true, serial: hikvision.Serial},
}

// isapiBarrier calls cameras back to move their barriers; the caller's
// context bounds each call.
var isapiBarrier = &hikvision.Barrier{Client: &http.Client{Timeout: 5 * time.Second}}

// DeviceProtocolNames lists the device protocols parkd serves.
func DeviceProtocolNames() []string {
	names := make([]string, len(deviceProtocols))
	for i, p := range deviceProtocols {
		names[i] = p.name
	}
	return names
}

// DeviceSerials gives each device protocol's serials their one form.
func DeviceSerials() map[string]func(string) string {
	m := map[string]func(string) string{}
	for _, p := range deviceProtocols {
		if p.serial != nil {
			m[p.name] = p.serial
		}
	}
	return m
}

// DeviceCalledBackNames lists the device protocols whose devices parkd
// calls back.
func DeviceCalledBackNames() []string {
	var names []string
	for _, p := range deviceProtocols {
		if p.calledBack {
			names = append(names, p.name)
		}
	}
	return names
}

// mountDevices mounts every device protocol's routes, and routes the
// barrier commands of the protocols reached through heartbeat replies.
func mountDevices(sys *system.System, barriers gate.Barriers, log *slog.Logger, mount func(string, http.Handler)) {
	r, _ := barriers.(*devices.Barriers)
	for _, p := range deviceProtocols {
		p.mount(sys, log.With("protocol", p.name), mount)
		if p.route != nil && r != nil {
			r.Route(p.name, p.route(sys))
		}
	}
}

// watchDevices marks devices online and offline from what they send,
// until ctx ends; the returned func waits for it to stop.
func watchDevices(ctx context.Context, sys *system.System, log *slog.Logger) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := sys.Devices.Watch(ctx); err != nil {
			log.Error("device watch stopped", "err", err)
		}
	}()
	return func() { <-done }
}

// connectMQTT starts the link to the lane devices' broker and returns at
// once: HTTP cameras and partners do not wait for the broker. The link
// connects in the background, retrying with backoff; once it does, it
// takes what cameras publish (one node of several handles each message: a
// shared subscription). The barrier commands of MQTT cameras are routed
// through it from the start, failing at once while it is not connected.
// failed receives the broker's refusal of the first attempt, which stops
// parkd; status says whether it is connected; stop disconnects.
func connectMQTT(ctx context.Context, c *config.Config, sys *system.System, barriers gate.Barriers, log *slog.Logger) (stop func(), failed <-chan error, status func() (bool, string), err error) {
	host, _ := os.Hostname()
	id := "parkd-" + host + "-" + strings.NewReplacer(":", "-", ".", "-").Replace(c.Addr)
	if c.MQTTClientID != "" {
		id = c.MQTTClientID
	}
	// The nodes of one deployment share a group of their own (its
	// database's, by default): another deployment on the broker, or the
	// session of a parkd of another group, takes no share of this one's
	// messages. Sessions of this node made before groups had names held
	// the group "parkd", dropped on connecting.
	group, former := c.MQTTGroup, []string{"parkd"}
	if c.MQTTEphemeral {
		var raw [6]byte
		_, _ = rand.Read(raw[:])
		id, group = "parkd-sim-"+hex.EncodeToString(raw[:]), ""
	}
	// The subscriptions are made as the link connects, before the cameras'
	// side exists (it publishes through the link): what the broker kept
	// for this node waits for it.
	var mq *vzenith.MQTT
	ready := make(chan struct{})
	handle := func(topic string, payload []byte) error { <-ready; return mq.Handle(topic, payload) }
	// Replies are not shared: the node that sent a command waits for it.
	subs := []mqttlink.Subscription{{Filter: vzenith.UpFilter, Shared: true, Handler: handle},
		{Filter: vzenith.ReplyFilter, Handler: handle}}
	link, refused, err := mqttlink.Start(c.MQTT, mqttlink.Options{ClientID: id, Username: c.MQTTUser, Password: c.MQTTPassword,
		Group: group, FormerGroups: former, Clean: c.MQTTEphemeral, FailWhileAway: true, Subscriptions: subs, Log: log.With("component", "mqtt")})
	if err != nil {
		return nil, nil, nil, err
	}
	mq = vzenith.NewMQTT(vzenith.MQTTConfig{Devices: sys.Devices, Publisher: link, Log: log.With("protocol", vzenith.ProtocolMQTT)})
	close(ready)
	if r, ok := barriers.(*devices.Barriers); ok {
		r.Route(vzenith.ProtocolMQTT, mq)
	}
	fail := make(chan error, 1)
	lctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case err := <-refused:
			fail <- fmt.Errorf("%w (parkd signs in with PARKD_MQTT_USER and PARKD_MQTT_PASSWORD, as client %s)", err, id)
		case <-lctx.Done():
		}
	}()
	// Cameras keep the lot's passes and whitelist, to let those cars
	// through while they cannot reach parkd: loaded once connected.
	go func() {
		select {
		case <-link.Connected():
			mq.KeepLists(lctx, 5*time.Minute)
		case <-lctx.Done():
		}
	}()
	log.Info("mqtt: taking camera messages", "broker", c.MQTT, "client", id, "group", group)
	return func() { cancel(); link.Close() }, fail, link.Status, nil
}
