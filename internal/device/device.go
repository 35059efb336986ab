// Package device is how parkd reaches the equipment at a lane. The gate
// subsystem sees only its small Barriers interface; each transport here
// (the in-memory one below, MQTT later) implements it, and app wires one.
// See docs/devices.md.
package device

import "parkd/internal/park"

// ErrUnreachable is the error a transport wraps when a device did not
// acknowledge a command.
var ErrUnreachable = park.ErrUnreachable
