package devices

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"parkd/internal/core"
	"parkd/internal/gate"
	"parkd/internal/park"
)

// Read is a plate read as a device's protocol delivers it.
type Read struct {
	Serial   string
	Protocol string // the protocol it came by: it must be the device's
	// RecordID is the device's own id of the read: the same id from the
	// same device is the same read (a retry, or an offline record sent
	// twice), answered with the first decision. "": never repeated.
	RecordID   string
	Plate      string // as read; "" or a no-plate phrase when none was read
	PlateColor string
	// At is when the car passed, for an offline record (zero: the device
	// gave no time; recorded when received, with an anomaly); a live read
	// is dated when parkd receives it (camera clocks drift).
	At      time.Time
	Offline bool // stored by the device while parkd could not be reached
	// NoPassage says the device reports a car that did not pass (one
	// lingering, or turning back): the device is heard, no event made,
	// and the barrier stays as it is.
	NoPassage bool
	Source    string // the sender's address, for the log
	// Image is a picture sent with the read (nil: none): kept, as the
	// type its bytes are (PictureType), when it is one of at most
	// park.MaxImage bytes; never required.
	Image []byte
}

// Answer is what a device is told about a read.
type Answer struct {
	Device   *park.Device
	Decision park.Decision
	Open     bool
	Late     bool // no decision within the deadline: held, "please wait"
	// Recorded says the read is recorded (or has nothing to record: no
	// plate was read), so a device may forget it; an offline record not
	// recorded must be kept and sent again.
	Recorded bool
	// Repeat says the read was answered before (the same record again):
	// Open repeats the first decision, whose lift was already sent, so a
	// transport that moves the barrier itself does not lift again.
	Repeat  bool
	Problem string // why the read could not be decided (held)
	Screen  Screen
}

// maxRecordID keeps an event id (a prefix, the serial, the record id)
// within the gate's 128 characters.
const maxRecordID = 56

// eventID is the gate's event id of a device's read: the device's own
// record id under its serial, so that a record sent again is the same
// event. A record id that cannot be part of an id (too long, or text
// parkd does not keep, such as a control character) is named by its
// digest instead, the same at every resend: neither refused for good,
// leaving the record stuck in the device, nor kept twice. A read
// without one is a new event.
func eventID(d *park.Device, record string) string {
	switch {
	case record == "":
		return "dev:" + d.Serial + ":" + core.NewID()
	case len(record) > maxRecordID || !park.ValidText(record):
		sum := sha256.Sum256([]byte(record))
		return "dev:" + d.Serial + ":#" + hex.EncodeToString(sum[:16])
	}
	return "dev:" + d.Serial + ":" + record
}

// Read turns a device's plate read into the gate's event of its lot and
// lane and answers with the decision and what the lane's screen shows.
// The answer comes within the reply deadline whatever the store does: a
// decision not made by then is answered "hold, please wait", and when it
// is made later and opens, the lane's barrier is told to open through its
// transport (lateOpen). Errors: ENotFound when the serial is not
// registered, or is registered for another protocol (refused and logged).
func (s *Service) Read(ctx context.Context, r Read) (Answer, error) {
	dctx, cancel := context.WithTimeout(ctx, s.deadline)
	defer cancel()
	d, err := s.deviceFor(dctx, r.Serial, r.Protocol, r.Source)
	if err != nil {
		if park.IsCode(err, park.ENotFound) {
			s.metrics.DeviceRead(r.Protocol, "refused")
			return Answer{}, err
		}
		s.base.Log.Warn("device read: registry unavailable", "serial", r.Serial, "err", err)
		s.metrics.DeviceRead(r.Protocol, "late")
		return Answer{Late: true, Screen: WaitScreen(), Problem: "the device registry did not answer in time"}, nil
	}
	s.noteSeen(d.Serial)
	if r.NoPassage {
		s.metrics.DeviceRead(d.Protocol, "hold")
		return Answer{Device: d, Decision: park.Decision{Decision: park.DecisionHold}, Problem: "not a passage", Recorded: true}, nil
	}
	in := gate.EventInput{LotCode: d.LotCode, Type: park.EventEntry, Plate: r.Plate, Lane: d.Lane, At: s.base.Clock(),
		PlateColor: r.PlateColor}
	if d.Direction == park.DirectionOut {
		in.Type = park.EventExit
	}
	if strings.TrimSpace(r.Plate) == "" {
		if r.Offline {
			return s.platelessRecord(dctx, d, r, in), nil
		}
		// No plate was read: a misread or a plate-less car. Neither is
		// guessed at; the driver is shown how to enter without a plate.
		s.metrics.DeviceRead(d.Protocol, "hold")
		return Answer{Device: d, Decision: park.Decision{Decision: park.DecisionHold}, Problem: "no plate was read",
			Screen: NoPlateScreen(d.Direction), Recorded: true}, nil
	}
	if r.Offline {
		// The lane already decided on its own and the car passed: the
		// record reconciles the stay, at the time it passed.
		// The time it passed; none given is the gate's to flag
		// (gate.EventInput.Passed).
		in.Passed, in.At = true, r.At
	}
	in.ID = eventID(d, r.RecordID)
	ans := Answer{Device: d}
	select {
	case s.pending <- struct{}{}:
	default:
		s.base.Log.Warn("device read: too many decisions pending; answered please wait", "serial", d.Serial)
		s.metrics.DeviceRead(d.Protocol, "late")
		ans.Late, ans.Screen, ans.Problem = true, WaitScreen(), "too many decisions pending"
		return ans, nil
	}
	type result struct {
		dec park.Decision
		in  gate.EventInput // as decided: its id may be a fresh one (decide)
		err error
	}
	var pic *picture
	if len(r.Image) > 0 {
		if pic = s.takePicture(d, in.ID, r.Image); pic != nil {
			in.ImageURL = pic.URL()
		}
	}
	done := make(chan result, 1)
	var state atomic.Int32 // 0: deciding, 1: decided in time, 2: answered late
	go func() {
		defer func() { <-s.pending }()
		// The decision is made even when the reply has gone: the read was
		// acknowledged, and the car is at the barrier.
		ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), decideTimeout)
		defer cancel()
		in := in
		dec, err := s.decide(ectx, d, r.RecordID, &in)
		pic.keep(in.ID, err == nil && !dec.Repeat)
		if state.CompareAndSwap(0, 1) {
			done <- result{dec, in, err}
			return
		}
		s.lateDecision(d, in, dec, err)
	}()
	var res result
	select {
	case res = <-done:
	case <-dctx.Done():
		if state.CompareAndSwap(0, 2) {
			s.base.Log.Warn("device read: no decision within the deadline; answered please wait", "serial", d.Serial,
				"event", in.ID, "deadline", s.deadline)
			s.metrics.DeviceRead(d.Protocol, "late")
			ans.Late, ans.Screen, ans.Problem = true, WaitScreen(), "no decision within the deadline"
			return ans, nil
		}
		res = <-done // decided just now
	}
	in = res.in
	if res.err != nil {
		ans := s.undecided(d, in, res.err)
		if in.Passed && park.IsCode(res.err, park.EInvalid) {
			// Refused for good: kept as an anomaly, so the device may let go.
			err := s.gate.KeepRefused(ctx, in, res.err)
			if err != nil {
				s.base.Log.Error("device read: keeping a refused record", "serial", d.Serial, "event", in.ID, "err", err)
			}
			ans.Recorded = err == nil
		}
		return ans, nil
	}
	s.readKept(d)
	ans.Decision, ans.Open, ans.Recorded, ans.Repeat = res.dec, res.dec.Decision == park.DecisionOpen, true, res.dec.Repeat
	ans.Screen = ScreenFor(d.Direction, res.dec)
	s.metrics.DeviceRead(d.Protocol, res.dec.Decision)
	return ans, nil
}

// platelessRecord keeps an offline record of a car whose plate was not
// read: it passed while the lane decided alone, so it is kept for an
// operator (gate.KeepPlateless), under the record's id so that one sent
// again is kept once. Recorded only once kept: until then the device
// keeps it and sends it again, every few seconds: a failure is logged
// once per camera until one of its plate-less records is kept, told with
// the count (platelessFailing), not its reads kept meanwhile. Its picture is kept as a read's is, named
// by the anomaly (it has no event), once: not for a record kept before.
func (s *Service) platelessRecord(ctx context.Context, d *park.Device, r Read, in gate.EventInput) Answer {
	in.Passed, in.At = true, r.At
	in.ID = eventID(d, r.RecordID)
	var pic *picture
	if len(r.Image) > 0 {
		if pic = s.takePicture(d, in.ID, r.Image); pic != nil {
			in.ImageURL = pic.URL()
		}
	}
	ans := Answer{Device: d, Decision: park.Decision{Decision: park.DecisionHold}, Problem: "no plate was read"}
	fresh, err := s.gate.KeepPlateless(ctx, in)
	pic.keep(in.ID, err == nil && fresh)
	if err != nil {
		s.platelessFailing.failed(d.Serial, "device read: keeping a plate-less offline record", "event", in.ID, "err", err)
		s.metrics.DeviceRead(d.Protocol, "error")
		return ans
	}
	s.platelessFailing.ok(d.Serial)
	s.metrics.DeviceRead(d.Protocol, "hold")
	ans.Recorded = true
	return ans
}

// Unreadable answers a live read its device sent malformed (a field its
// protocol defines, not as defined): no car can be decided, yet one waits
// at the lane, so the barrier stays down and the screen asks for an
// attendant rather than leaving the driver at a silent barrier. Errors:
// ENotFound (as Read: the serial is not registered for the protocol),
// EUnavailable (the registry did not answer in time).
func (s *Service) Unreadable(ctx context.Context, serial, protocol, source string, why error) (Answer, error) {
	dctx, cancel := context.WithTimeout(ctx, s.deadline)
	defer cancel()
	d, err := s.deviceFor(dctx, serial, protocol, source)
	if err != nil {
		if !park.IsCode(err, park.ENotFound) {
			err = park.Errorf(park.EUnavailable, "device registry: %v", err)
		}
		return Answer{}, err
	}
	s.noteSeen(d.Serial)
	s.base.Log.Warn("device read refused: malformed", "serial", d.Serial, "lot", d.LotCode, "lane", d.Lane, "source", source, "err", why)
	s.metrics.DeviceRead(d.Protocol, "error")
	return Answer{Device: d, Decision: park.Decision{Decision: park.DecisionHold}, Problem: why.Error(),
		Screen: Screen{Lines: []string{TextSeeAttendant}, Voice: TextSeeAttendant}}, nil
}

// decide has the gate decide a read's event. A record id the device
// already used for another read (its counter restarted: a reboot, a
// firmware reset) names a new car, which must neither wait at a shut
// barrier nor get the old read's decision: it is decided under a fresh
// id, and the reuse logged. The same record again is the gate's repeat.
func (s *Service) decide(ctx context.Context, d *park.Device, record string, in *gate.EventInput) (park.Decision, error) {
	dec, err := s.gate.HandleEvent(ctx, *in)
	if !gate.ReusedID(err) {
		return dec, err
	}
	old := in.ID
	in.ID = "dev:" + d.Serial + ":" + core.NewID()
	s.base.Log.Warn("device read: record id reused for another read; decided as a new read", "serial", d.Serial,
		"record", record, "event", in.ID, "held_by", old, "reason", err)
	return s.gate.HandleEvent(ctx, *in)
}

// undecided answers a read the gate refused (a plate that is not one, a
// time out of range, an unknown lot): the barrier stays down and the lane
// asks for an attendant.
func (s *Service) undecided(d *park.Device, in gate.EventInput, err error) Answer {
	outcome := "error"
	var pe *park.Error
	if errors.As(err, &pe) && pe.Code != park.EInternal && pe.Code != park.EUnavailable {
		s.base.Log.Info("device read refused by the gate", "serial", d.Serial, "event", in.ID, "plate", in.Plate, "err", err)
	} else {
		s.readFailed("device read", d, in, err)
	}
	s.metrics.DeviceRead(d.Protocol, outcome)
	return Answer{Device: d, Problem: err.Error(), Screen: Screen{Lines: []string{TextSeeAttendant}, Voice: TextSeeAttendant},
		Decision: park.Decision{Decision: park.DecisionHold}}
}

// readFailed logs a camera's read the store failed to decide (down,
// unavailable, an internal error): as an error with its cause at the
// camera's first failure, then only counted until one of its reads is
// kept again (readKept), told with the count. A device sends a record it
// was not answered as kept again and again, with back-off, while the
// store is down: one line per outage and camera rather than one per
// retry (readsFailing). msg is the line's message (a read decided in
// time, or late).
func (s *Service) readFailed(msg string, d *park.Device, in gate.EventInput, err error) {
	s.readsFailing.failed(d.Serial, msg, "event", in.ID, "err", err)
}

// readKept notes that a camera's read was decided: when its reads failed
// before (readFailed), one info line says how many failed meanwhile.
func (s *Service) readKept(d *park.Device) { s.readsFailing.ok(d.Serial) }

// lateDecision handles a decision made after its read was answered: an
// open barrier is still owed to the car waiting at it.
func (s *Service) lateDecision(d *park.Device, in gate.EventInput, dec park.Decision, err error) {
	if err != nil {
		var pe *park.Error
		if errors.As(err, &pe) && pe.Code != park.EInternal && pe.Code != park.EUnavailable {
			s.base.Log.Error("device read decided late", "serial", d.Serial, "event", in.ID, "err", err)
		} else {
			s.readFailed("device read decided late", d, in, err)
		}
		return
	}
	s.readKept(d)
	s.base.Log.Info("device read decided late", "serial", d.Serial, "event", in.ID, "decision", dec.Decision)
	// An offline record's car passed long ago: nothing is owed to the lane
	// now, and a repeat's open went the first time.
	if dec.Decision == park.DecisionOpen && !in.Passed && !dec.Repeat {
		go s.lateOpen(d, in.ID, ScreenFor(d.Direction, dec))
	}
}

// lateOpen lifts the barrier a late decision owes through the lane's
// barrier transport, as an operator's open goes: MQTT gpio_out, the ISAPI
// call back, or, for a camera reached only through its heartbeats, the
// next heartbeat's reply (which also shows the decision's screen).
func (s *Service) lateOpen(d *park.Device, event string, screen Screen) {
	if s.barriers == nil {
		s.base.Log.Error("late open: no barriers wired", "serial", d.Serial, "event", event)
		return
	}
	// The limit of every barrier command (the gate's): an open not taken
	// by then is withdrawn, never carried out for a car long gone.
	ctx, cancel := context.WithTimeout(withScreen(context.Background(), screen), gate.BarrierTimeout)
	defer cancel()
	if err := s.barriers.Send(ctx, d.LotCode, d.Lane, park.GateOpen); err != nil {
		s.Unacknowledged(context.Background(), d, park.GateOpen, fmt.Errorf("late decision of %s: %w", event, err))
		return
	}
	s.Acknowledged(context.Background(), d, park.GateOpen)
}

// deviceFor is the registered device a message claims to come from;
// an unknown serial, or one registered for another protocol, is refused
// and logged.
func (s *Service) deviceFor(ctx context.Context, serial, protocol, source string) (*park.Device, error) {
	serial = s.serialOf(protocol, serial)
	d, err := s.cachedDevice(ctx, serial)
	switch {
	case park.IsCode(err, park.ENotFound):
		s.base.Log.Warn("refused a message from an unregistered device", "serial", serial, "protocol", protocol, "source", source)
		return nil, err
	case err != nil:
		return nil, err
	case d.Protocol != protocol:
		s.base.Log.Warn("refused a message from a device registered for another protocol", "serial", serial,
			"protocol", protocol, "registered", d.Protocol, "source", source)
		return nil, park.Errorf(park.ENotFound, "device %q is not registered for protocol %s", serial, protocol)
	}
	return d, nil
}

// registryTTL is how long a node trusts what it read of the registry: a
// device removed elsewhere is refused here within it.
const registryTTL = 5 * time.Second

type cachedDevice struct {
	d  *park.Device
	at time.Time
}

// cachedDevice is Device, remembered for registryTTL (unknown serials are
// not remembered: a device registered a moment ago is heard at once).
func (s *Service) cachedDevice(ctx context.Context, serial string) (*park.Device, error) {
	now := time.Now()
	if v, ok := s.registry.Load(serial); ok && now.Sub(v.(cachedDevice).at) < registryTTL {
		return v.(cachedDevice).d, nil
	}
	d, err := s.device(ctx, serial, []string{serial})
	if err != nil {
		s.registry.Delete(serial)
		return nil, err
	}
	s.registry.Store(serial, cachedDevice{d, now})
	return d, nil
}
