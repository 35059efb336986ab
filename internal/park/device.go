package park

import (
	"context"
	"net/url"
	"regexp"
	"time"
)

// Device kinds: what stands at a lane.
const (
	DeviceCamera  = "camera"  // reads plates; often drives the barrier and screen wired to it
	DeviceBarrier = "barrier" // a barrier controller of its own
	DeviceScreen  = "screen"  // a lane screen and voice card of its own
)

// DeviceKinds lists the device kinds in a stable order.
func DeviceKinds() []string { return []string{DeviceCamera, DeviceBarrier, DeviceScreen} }

// Device is a registered piece of lane equipment. Its reads and
// heartbeats are accepted only when its serial is registered; they become
// events of its lot and lane.
type Device struct {
	Serial    string `json:"serial"`
	LotCode   string `json:"lot"`
	Lane      string `json:"lane"`
	Kind      string `json:"kind"`
	Protocol  string `json:"protocol"`  // how it speaks; app registers the protocols
	Direction string `json:"direction"` // DirectionIn or DirectionOut: an entry or exit lane
	// Addr, Username and Password are how parkd reaches a device that it
	// calls back (a camera's own HTTP API); empty when it does not.
	Addr      string     `json:"addr,omitempty"`
	Username  string     `json:"username,omitempty"`
	Password  string     `json:"-"`
	Online    bool       `json:"online"`
	SeenAt    *time.Time `json:"seen_at,omitempty"` // last heartbeat or read
	Since     time.Time  `json:"since"`             // when Online last changed (or the device was registered)
	CreatedAt time.Time  `json:"created_at"`
	// Unanswered is when the device's barrier last failed to acknowledge
	// a command after a read, while it has not answered since (nil: it
	// answers).
	Unanswered *time.Time `json:"unanswered_since,omitempty"`
}

var serialRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$`)

// Validate checks a device's own fields (whether Protocol is served, and
// whether the lot exists, are the caller's to check).
func (d *Device) Validate() error {
	switch {
	case !serialRE.MatchString(d.Serial):
		return Invalid("serial", "must be 1-64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit").Because(ReasonFormat)
	case d.LotCode == "":
		return Invalid("lot", "is required").Because(ReasonRequired)
	case d.Lane == "":
		return Invalid("lane", "is required (1-64 characters)").Because(ReasonRequired)
	case len(d.Lane) > 64:
		return Invalid("lane", "is required (1-64 characters)").Because(ReasonLength, "1", "64")
	case d.Kind != DeviceCamera && d.Kind != DeviceBarrier && d.Kind != DeviceScreen:
		return Invalid("kind", "must be one of camera, barrier, screen").Because(ReasonUnknown)
	case d.Protocol == "" || len(d.Protocol) > 32:
		return RequiredLen("protocol", d.Protocol, 32, "")
	case d.Direction != DirectionIn && d.Direction != DirectionOut:
		return Invalid("direction", "must be %q or %q", DirectionIn, DirectionOut).Because(ReasonUnknown)
	case len(d.Addr) > 256:
		return Invalid("addr", "must be at most 256 characters").Because(ReasonLength, "0", "256")
	case d.Addr != "" && !callbackURL(d.Addr):
		return Invalid("addr", "must be an http:// or https:// address with a host, such as http://192.168.1.64, not %q", d.Addr).Because(ReasonFormat)
	case len(d.Username) > 64:
		return Invalid("username", "must be at most 64 characters").Because(ReasonLength, "0", "64")
	case len(d.Password) > 128:
		return Invalid("password", "must be at most 128 characters").Because(ReasonLength, "0", "128")
	}
	return CheckTexts("lane", d.Lane, "addr", d.Addr, "username", d.Username, "password", d.Password)
}

// callbackURL reports whether addr is one parkd can call a device back
// at: an absolute http(s) URL naming a host, with no query or fragment
// (a path is appended to it).
func callbackURL(addr string) bool {
	u, err := url.Parse(addr)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Hostname() != "" &&
		u.RawQuery == "" && u.Fragment == "" && !u.ForceQuery
}

// DeviceTx is the part of Tx for the device registry.
type DeviceTx interface {
	// CreateDevice stores d (EConflict: the serial is registered;
	// ENotFound: the lot does not exist).
	CreateDevice(ctx context.Context, d *Device) error
	// GetDevice returns ENotFound for an unknown serial.
	GetDevice(ctx context.Context, serial string) (*Device, error)
	// ListDevices returns a lot's devices ("": every lot's) by serial.
	ListDevices(ctx context.Context, lot string) ([]*Device, error)
	// DeleteDevice removes a device (ENotFound).
	DeleteDevice(ctx context.Context, serial string) error
	// MarkDeviceSeen records that a device was heard from at at (a later
	// time than the one stored; an earlier one changes nothing) (ENotFound).
	MarkDeviceSeen(ctx context.Context, serial string, at time.Time) error
	// SetDeviceOnline sets a device's Online and Since, and reports
	// whether Online changed: of several nodes noticing the same change,
	// one hears true (ENotFound).
	SetDeviceOnline(ctx context.Context, serial string, online bool, since time.Time) (bool, error)
	// SetDeviceUnanswered raises (at non-nil) or clears (nil) a device's
	// unanswered-barrier alarm and reports whether it changed: of several
	// nodes seeing the barrier answer again, one hears true (ENotFound).
	SetDeviceUnanswered(ctx context.Context, serial string, at *time.Time) (bool, error)

	// NoteLaneListChange records, in the transaction of a pass or list
	// change, that plates' places in lot's offline lane list may have
	// changed: the lot's cameras are to be told.
	NoteLaneListChange(ctx context.Context, lot string, plates []string, at time.Time) error
	// ListLaneListChanges returns the oldest noted changes of each lot, up
	// to limit a lot (a lot whose cameras hold its changes back does not
	// starve the others), oldest first.
	ListLaneListChanges(ctx context.Context, limit int) ([]LaneListChange, error)
	// DeleteLaneListChanges forgets lot's changes up to seq upTo (its
	// cameras have them); later ones stay.
	DeleteLaneListChanges(ctx context.Context, lot string, upTo int64) error
}

// LaneListChange is a plate whose place in a lot's offline lane list
// (what its cameras let through on their own) may have changed since the
// cameras were last told.
type LaneListChange struct {
	Seq     int64
	LotCode string
	Plate   string
	At      time.Time
}

// DeviceCommand is a command waiting for a device that is reached only
// through the replies to its own heartbeats. It is kept in the database
// because the heartbeat may reach any node, not the one that queued it.
type DeviceCommand struct {
	ID      string
	Serial  string
	Command string // GateOpen, ...
	Payload []byte // what the reply carries with it (the devices subsystem's JSON)
	Status  string // DeviceCommandQueued, ...
	// ExpiresAt is the command's limit: not taken by then, it is never
	// carried out.
	ExpiresAt time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Device command statuses.
const (
	DeviceCommandQueued    = "queued"    // waiting for a heartbeat
	DeviceCommandTaken     = "taken"     // a heartbeat's reply carried it
	DeviceCommandWithdrawn = "withdrawn" // not taken within its limit
)

// DeviceCommandTx is the part of Tx for commands waiting for devices.
type DeviceCommandTx interface {
	// InsertDeviceCommand queues c (EConflict: the id exists).
	InsertDeviceCommand(ctx context.Context, c *DeviceCommand) error
	// GetDeviceCommand returns ENotFound for an unknown id.
	GetDeviceCommand(ctx context.Context, id string) (*DeviceCommand, error)
	// PendingDeviceCommands lists up to limit of a device's queued
	// commands not expired at now, oldest first.
	PendingDeviceCommands(ctx context.Context, serial string, now time.Time, limit int) ([]*DeviceCommand, error)
	// TakeDeviceCommand marks a queued command not expired at now taken
	// and reports whether it did: of several nodes taking one command,
	// one hears true.
	TakeDeviceCommand(ctx context.Context, id string, now time.Time) (bool, error)
	// WithdrawDeviceCommand marks a queued command withdrawn and reports
	// whether it did (false: it was taken first, or is gone).
	WithdrawDeviceCommand(ctx context.Context, id string, now time.Time) (bool, error)
	// DeleteDeviceCommands removes commands last changed before before.
	DeleteDeviceCommands(ctx context.Context, before time.Time) (int, error)
}
