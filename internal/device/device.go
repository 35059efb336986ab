// Package device is how parkd's core reaches the equipment at a lane. The
// core depends only on the small interfaces here; each transport (the
// in-memory one below, MQTT later) implements them. See docs/devices.md.
package device

import (
	"context"
	"errors"
	"time"
)

// Timeout is how long a command waits for the device's acknowledgement
// when the caller's context sets no earlier deadline. A driver at a closed
// barrier will not wait longer, and neither should a partner's request.
const Timeout = 3 * time.Second

// ErrUnreachable means the device did not acknowledge the command: it may
// not have been carried out, so callers report "not delivered".
var ErrUnreachable = errors.New("device unreachable")

// Gates commands the barriers of a lot's lanes, addressed by lot code and
// lane id (the id the lane's camera reports).
type Gates interface {
	// Send delivers one command (park.GateOpen, GateClose, GateHoldOpen or
	// GateRelease) and waits for the device's acknowledgement
	// until ctx ends. It returns nil once the device acknowledged, and an
	// error wrapping ErrUnreachable when it did not (no connection, no
	// answer before the deadline).
	Send(ctx context.Context, lot, lane, command string) error
}

// WithTimeout bounds ctx by Timeout unless it already ends sooner.
func WithTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, Timeout)
}
