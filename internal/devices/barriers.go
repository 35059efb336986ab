package devices

import (
	"context"
	"fmt"
	"sync"

	"parkd/internal/gate"
	"parkd/internal/park"
)

// Transport moves the barrier of a registered device, waiting for its
// acknowledgement until ctx ends (an error wrapping park.ErrUnreachable
// when none came).
type Transport interface {
	Send(ctx context.Context, d *park.Device, command string) error
}

// Barriers is the gate's barrier interface over the registry: a lane's
// command goes to its registered barrier controller, else its camera,
// through the transport of the device's protocol; a lane with no such
// device goes to the fallback (the in-memory barriers until a lot's
// devices are registered).
type Barriers struct {
	store    park.Store
	fallback gate.Barriers
	mu       sync.RWMutex
	routes   map[string]Transport
}

// NewBarriers routes commands by the registry in store.
func NewBarriers(store park.Store, fallback gate.Barriers) *Barriers {
	return &Barriers{store: store, fallback: fallback, routes: map[string]Transport{}}
}

// Route sends the commands of devices of protocol through t.
func (b *Barriers) Route(protocol string, t Transport) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.routes[protocol] = t
}

// Send implements gate.Barriers.
func (b *Barriers) Send(ctx context.Context, lot, lane, command string) error {
	var ds []*park.Device
	if err := b.store.View(ctx, func(tx park.Tx) (err error) { ds, err = tx.ListDevices(ctx, lot); return }); err != nil {
		return err
	}
	b.mu.RLock()
	var pick *park.Device
	var t Transport
	for _, d := range ds {
		tr, ok := b.routes[d.Protocol]
		if d.Lane != lane || !ok || d.Kind == park.DeviceScreen {
			continue
		}
		if pick == nil || (d.Kind == park.DeviceBarrier && pick.Kind != park.DeviceBarrier) {
			pick, t = d, tr
		}
	}
	b.mu.RUnlock()
	if pick == nil {
		if b.fallback == nil {
			return fmt.Errorf("%w: lane %s of lot %s has no registered barrier", park.ErrUnreachable, lane, lot)
		}
		return b.fallback.Send(ctx, lot, lane, command)
	}
	return t.Send(ctx, pick, command)
}
