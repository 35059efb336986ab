// Package devices is the lane equipment subsystem: the registry of
// cameras, barrier controllers and screens, the reads and heartbeats they
// send, and whether each is online. A device's protocol is translated at
// the edge (internal/dialect/<vendor>); what a read means for the barrier
// is the gate's, asked through the same use case as the native API's
// events. See docs/devices.md.
package devices

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"parkd/internal/core"
	"parkd/internal/gate"
	"parkd/internal/park"
)

// Gate is the gate use case a read becomes (gate.Service implements it).
type Gate interface {
	HandleEvent(ctx context.Context, in gate.EventInput) (park.Decision, error)
	KeepRefused(ctx context.Context, in gate.EventInput, why error) error
	KeepPlateless(ctx context.Context, in gate.EventInput) (fresh bool, err error)
}

// Metrics counts what devices do (app wires Prometheus).
type Metrics interface {
	DeviceRead(protocol, outcome string) // outcome: open, hold, late, refused, error
	DeviceOnline(d *park.Device, online bool)
	DeviceUnacknowledged(d *park.Device) // a barrier command after a read went unanswered
}

// Defaults.
const (
	// DefaultReplyDeadline is how long a camera waits for a decision
	// before it is told "hold, please wait": cameras give up on a server
	// after a few seconds and fail over, and a driver at the barrier
	// should not wait longer either.
	DefaultReplyDeadline = 1500 * time.Millisecond
	// decideTimeout bounds a decision that outlives its reply.
	decideTimeout = 30 * time.Second
	// maxPending bounds the decisions still running after their reply
	// was sent (a stalled store): past it, reads are answered "please
	// wait" without asking the gate.
	maxPending = 256
)

// Config wires a Service.
type Config struct {
	Store park.Store
	Now   park.Clock
	Log   *slog.Logger
	Gate  Gate
	Lists Lists // the passes and whitelist loaded into cameras
	// Barriers are the lanes' barriers (devices.Barriers in app): an open
	// decided after its read was answered goes through them, the device's
	// own command path.
	Barriers gate.Barriers
	Metrics  Metrics // nil: not counted
	// Protocols are the device protocols app serves; a device must be
	// registered with one of them.
	Protocols []string
	// CalledBack are the protocols whose barriers parkd moves by calling
	// the device back at its addr: a camera or barrier of one needs addr.
	CalledBack []string
	// ReplyDeadline bounds a read's answer (0: DefaultReplyDeadline).
	ReplyDeadline time.Duration
	// Serials give a protocol's serials their one form (the protocol's
	// package decides it, e.g. a MAC address in lower case), applied when
	// a device is registered and when one of its messages is looked up;
	// a protocol without one keeps serials as given.
	Serials map[string]func(string) string
}

// Service holds the devices subsystem's use cases.
type Service struct {
	base            core.Base
	gate            Gate
	lists           Lists
	barriers        gate.Barriers
	metrics         Metrics
	protocols       []string
	calledBack      []string
	serials         map[string]func(string) string
	deadline        time.Duration
	pending         chan struct{} // one token per decision running past its reply
	mu              sync.Mutex
	waiting         map[string]chan struct{} // queued command id -> closed when taken here (commands.go)
	commandsDropped time.Time                // when this node last dropped old commands
	seen            map[string]time.Time     // serial -> last read, not yet written
	acked           map[string]acked         // serial -> last acknowledgement with no alarm in view (status.go)
	registry        sync.Map                 // serial -> cachedDevice (read.go)
	imageWrites     chan struct{}            // images.go
	listsTaken      atomic.Bool              // lists.go
	// Troubles a camera repeats, logged once per run (told.go).
	notPictures      *told // its reads' bytes that are no picture (images.go)
	readsFailing     *told // its reads the store failed to decide (read.go)
	platelessFailing *told // its plate-less offline records the store failed to keep (read.go)
}

// New returns the devices subsystem.
func New(c Config) *Service {
	s := &Service{base: core.NewBase(c.Store, c.Now, c.Log), gate: c.Gate, lists: c.Lists, barriers: c.Barriers, metrics: c.Metrics,
		protocols: slices.Clone(c.Protocols), calledBack: slices.Clone(c.CalledBack), serials: maps.Clone(c.Serials), deadline: c.ReplyDeadline, pending: make(chan struct{}, maxPending),
		waiting: map[string]chan struct{}{}, imageWrites: make(chan struct{}, maxImageWrites)}
	if s.metrics == nil {
		s.metrics = noMetrics{}
	}
	if s.deadline <= 0 {
		s.deadline = DefaultReplyDeadline
	}
	log := s.base.Log
	s.notPictures = newTold(log, slog.LevelWarn, "camera picture: a picture again")
	s.readsFailing = newTold(log, slog.LevelError, "device read: kept again")
	s.platelessFailing = newTold(log, slog.LevelError, "device read: plate-less offline record kept again")
	return s
}

type noMetrics struct{}

func (noMetrics) DeviceRead(string, string)         {}
func (noMetrics) DeviceOnline(*park.Device, bool)   {}
func (noMetrics) DeviceUnacknowledged(*park.Device) {}

// Register adds a device to a lot's lane. An empty Direction is taken
// from the lane's name ("in-..." or "out-..."); Kind defaults to camera.
// A camera or barrier of a protocol parkd reaches by calling the device
// back needs its addr: without it every open would fail with a car at
// the barrier, so it is refused now rather than found out then.
// Errors: EInvalid (a field, or a protocol parkd does not serve),
// ENotFound (the lot), EConflict (the serial is registered).
func (s *Service) Register(ctx context.Context, d *park.Device) error {
	d.Serial = s.serialOf(d.Protocol, d.Serial)
	if d.Kind == "" {
		d.Kind = park.DeviceCamera
	}
	if d.Direction == "" {
		switch {
		case strings.HasPrefix(d.Lane, "in"):
			d.Direction = park.DirectionIn
		case strings.HasPrefix(d.Lane, "out"):
			d.Direction = park.DirectionOut
		}
	}
	if err := d.Validate(); err != nil {
		// Still empty: the lane's name did not tell, which Validate checks
		// after the fields it needs (a missing lane is named as the lane).
		var pe *park.Error
		if d.Direction == "" && errors.As(err, &pe) && pe.Field == "direction" {
			return park.Invalid("direction", "is required when the lane's name does not start with \"in\" or \"out\"")
		}
		return err
	}
	if !slices.Contains(s.protocols, d.Protocol) {
		return park.Invalid("protocol", "must be one of %s", strings.Join(s.protocols, ", "))
	}
	if d.Addr == "" && d.Kind != park.DeviceScreen && slices.Contains(s.calledBack, d.Protocol) {
		return park.Invalid("addr", "is required for a %s %s: parkd opens its barrier by calling it back at this address, such as http://192.168.1.64", d.Protocol, d.Kind)
	}
	now := s.base.Clock()
	d.Online, d.SeenAt, d.Since, d.CreatedAt = false, nil, now, now
	return s.base.Update(ctx, func(tx park.Tx) error {
		if _, err := tx.GetLot(ctx, d.LotCode); err != nil {
			if park.IsCode(err, park.ENotFound) {
				return &park.Error{Code: park.ENotFound, Field: "lot", Message: fmt.Sprintf("lot %q not found", d.LotCode)}
			}
			return err
		}
		err := tx.CreateDevice(ctx, d)
		if park.IsCode(err, park.EConflict) {
			return park.Errorf(park.EConflict, "device %q is already registered", d.Serial)
		}
		return err
	})
}

// serialOf is serial in protocol's form.
func (s *Service) serialOf(protocol, serial string) string {
	if f := s.serials[protocol]; f != nil {
		return f(serial)
	}
	return serial
}

// serialForms are the serials a device named serial by someone who does
// not say its protocol (an operator) may be registered under: as given,
// then in each protocol's form.
func (s *Service) serialForms(serial string) []string {
	forms := []string{serial}
	for _, f := range s.serials {
		if c := f(serial); !slices.Contains(forms, c) {
			forms = append(forms, c)
		}
	}
	return forms
}

// Device returns a registered device, named by its serial in any form
// its protocol takes for the same (ENotFound).
func (s *Service) Device(ctx context.Context, serial string) (*park.Device, error) {
	return s.device(ctx, serial, s.serialForms(serial))
}

// device is the device registered under the first of forms that is one.
func (s *Service) device(ctx context.Context, serial string, forms []string) (*park.Device, error) {
	var d *park.Device
	err := s.base.Store.View(ctx, func(tx park.Tx) (err error) {
		for _, form := range forms {
			if d, err = tx.GetDevice(ctx, form); !park.IsCode(err, park.ENotFound) {
				return err
			}
		}
		return err
	})
	if park.IsCode(err, park.ENotFound) {
		return nil, park.Errorf(park.ENotFound, "device %q is not registered", serial)
	}
	return d, err
}

// Devices lists a lot's devices ("": all), by serial.
func (s *Service) Devices(ctx context.Context, lot string) ([]*park.Device, error) {
	var ds []*park.Device
	err := s.base.Store.View(ctx, func(tx park.Tx) (err error) {
		if lot != "" {
			if _, err := tx.GetLot(ctx, lot); err != nil {
				return err
			}
		}
		ds, err = tx.ListDevices(ctx, lot)
		return err
	})
	return ds, err
}

// Remove unregisters a device: its reads are refused from then on
// (ENotFound).
func (s *Service) Remove(ctx context.Context, serial string) error {
	var err error
	for _, form := range s.serialForms(serial) {
		err = s.base.Update(ctx, func(tx park.Tx) error { return tx.DeleteDevice(ctx, form) })
		s.registry.Delete(form)
		if !park.IsCode(err, park.ENotFound) {
			break
		}
	}
	if park.IsCode(err, park.ENotFound) {
		return park.Errorf(park.ENotFound, "device %q is not registered", serial)
	}
	return err
}
