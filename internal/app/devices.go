package app

import (
	"context"
	"log/slog"
	"net/http"

	"parkd/internal/dialect/vzenith"
	"parkd/internal/system"
)

// deviceProtocol is a lane device protocol parkd serves: the name a
// device is registered with, and how its routes are mounted. Registering
// one here is all it takes; the core knows no device maker by name.
type deviceProtocol struct {
	name  string
	mount func(sys *system.System, log *slog.Logger, mount func(string, http.Handler))
}

var deviceProtocols = []deviceProtocol{
	{name: vzenith.Protocol, mount: func(sys *system.System, log *slog.Logger, mount func(string, http.Handler)) {
		vzenith.New(vzenith.Config{Devices: sys.Devices, Log: log}).Mount(mount)
	}},
}

// DeviceProtocolNames lists the device protocols parkd serves.
func DeviceProtocolNames() []string {
	names := make([]string, len(deviceProtocols))
	for i, p := range deviceProtocols {
		names[i] = p.name
	}
	return names
}

// mountDevices mounts every device protocol's routes.
func mountDevices(sys *system.System, log *slog.Logger, mount func(string, http.Handler)) {
	for _, p := range deviceProtocols {
		p.mount(sys, log.With("protocol", p.name), mount)
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
