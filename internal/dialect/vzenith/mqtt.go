package vzenith

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"parkd/internal/device/mqttlink"
	"parkd/internal/devices"
	"parkd/internal/park"
)

// ProtocolMQTT is the registry's name for a camera speaking over MQTT.
const ProtocolMQTT = "vzenith-mqtt"

// UpFilter is the topic filter of everything cameras publish.
const UpFilter = "+/device/message/up/#"

// ReplyFilter is the topic filter of cameras' replies to commands.
const ReplyFilter = "+/device/message/down/+/reply"

// Publisher is the broker connection (internal/device/mqttlink).
type Publisher interface {
	// Queue sends at QoS 1: the broker keeps it for a device away.
	Queue(topic string, payload []byte) (wait func() error)
	// Live sends at QoS 0: the broker passes it to a device connected now.
	Live(topic string, payload []byte) (wait func() error)
}

// live names the down messages worth nothing late, sent at QoS 0: a lift
// kept by the broker for a camera away would come when no car waits, and
// a screen's text would be stale. The camera's reply, or none and another
// attempt, is what says a lift arrived.
var live = map[string]bool{"gpio_out": true, "serial_data": true}

// Barrier command timing: each attempt waits this long for the camera's
// reply, and a command is tried this many times within its context.
const (
	attemptTimeout = 1 * time.Second
	attempts       = 3
)

// MQTT translates the cameras' MQTT messages: plate reads and keep-alives
// up, barrier and screen commands down, each command correlated with its
// reply by id.
type MQTT struct {
	dev     *devices.Service
	pub     Publisher
	log     *slog.Logger
	now     func() time.Time
	seq     atomic.Int64
	mu      sync.Mutex
	waiting map[string]waiter // command id -> who is to reply, and where the reply goes
	told    map[string]int64  // serial -> the last list change it acknowledged
}

// MQTTConfig wires an MQTT.
type MQTTConfig struct {
	Devices   *devices.Service
	Publisher Publisher
	Log       *slog.Logger
	Now       func() time.Time
}

// NewMQTT returns the MQTT side of the protocol.
func NewMQTT(c MQTTConfig) *MQTT {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &MQTT{dev: c.Devices, pub: c.Publisher, log: c.Log, now: c.Now, waiting: map[string]waiter{},
		told: map[string]int64{}}
}

// envelope is every message's wrapper.
type envelope struct {
	ID        string `json:"id"`
	SN        string `json:"sn"`
	Name      string `json:"name"`
	Version   string `json:"version"`
	Timestamp int64  `json:"timestamp"`
	Payload   struct {
		Type string          `json:"type"`
		Body json.RawMessage `json:"body"`
	} `json:"payload"`
}

// inbound is what parkd reads of a camera's envelope: the id a reply
// echoes (a string, or a number some firmware sends), the serial and the
// body. The rest (timestamp, version, name: the topic says it) is not
// decoded, so no value of a firmware's refuses a read.
type inbound struct {
	ID      json.RawMessage `json:"id"`
	SN      string          `json:"sn"`
	Payload struct {
		Body json.RawMessage `json:"body"`
	} `json:"payload"`
}

// id is the envelope's id as text.
func (in inbound) id() string {
	var s string
	if json.Unmarshal(in.ID, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(in.ID))
}

// maxMessage bounds a message parkd reads (a read with its image fits).
const maxMessage = 4 << 20

// topicParts splits "{sn}/device/message/{up|down}/{name}[/reply]".
func topicParts(topic string) (sn, dir, name string, reply bool, ok bool) {
	p := strings.Split(topic, "/")
	if len(p) < 5 || len(p) > 6 || p[1] != "device" || p[2] != "message" || p[0] == "" {
		return "", "", "", false, false
	}
	if len(p) == 6 && p[5] != "reply" {
		return "", "", "", false, false
	}
	return p[0], p[3], p[4], len(p) == 6, true
}

// parseMessage decodes a message and checks that it names the camera of
// its topic: a camera may publish only as itself.
func parseMessage(topic string, payload []byte) (sn, name string, reply bool, env inbound, err error) {
	sn, dir, name, reply, ok := topicParts(topic)
	switch {
	case !ok:
		return "", "", false, env, fmt.Errorf("topic %q is not a camera's", topic)
	case len(payload) > maxMessage:
		return "", "", false, env, fmt.Errorf("message of %d bytes, at most %d", len(payload), maxMessage)
	case len(sn) > 64:
		return "", "", false, env, fmt.Errorf("serial of %d bytes in the topic", len(sn))
	case dir == "up" && reply, dir == "down" && !reply, dir != "up" && dir != "down":
		return "", "", false, env, fmt.Errorf("topic %q: parkd reads up messages and down replies", topic)
	}
	if err := json.Unmarshal(payload, &env); err != nil {
		return "", "", false, env, fmt.Errorf("message is not an envelope: %v", err)
	}
	if env.SN != sn {
		return "", "", false, env, fmt.Errorf("envelope serial %q differs from the topic's %q", env.SN, sn)
	}
	return sn, name, reply, env, nil
}

// mqttRead is an ivs_result body: the plate result, with the license
// base64 (GBK or UTF-8 text inside, as firmware differs).
type mqttRead struct {
	PlateResult *plateResult `json:"PlateResult"`
	plateResult
}

func parseIVSResult(sn string, body json.RawMessage) (plateRead, error) {
	var r mqttRead
	if err := json.Unmarshal(body, &r); err != nil {
		return plateRead{}, fmt.Errorf("ivs_result body: %v", err)
	}
	pr := r.plateResult
	if r.PlateResult != nil {
		pr = *r.PlateResult
	}
	if pr.License != "" {
		raw, err := base64.StdEncoding.DecodeString(pr.License)
		if err != nil {
			// The rest is read, so a live read's lane can still be answered.
			pr.License = ""
			out, rerr := readOf(sn, 0, pr)
			if rerr != nil {
				return plateRead{}, rerr
			}
			return out, errLicense
		}
		pr.License = decodeText(raw)
	}
	return readOf(sn, 0, pr)
}

// errLicense: an ivs_result's license is always base64 (docs/devices.md).
var errLicense = errors.New("PlateResult.license is not base64")

// ErrNotKept is an offline record parkd did not record (the store
// unavailable, no decision within the deadline): Handle returns it so that
// the message is not acknowledged and comes again, as an HTTP camera
// keeps a record answered without ContinuePushOffline.
var ErrNotKept = errors.New("offline record not recorded")

// Handle takes one message from the broker; ErrNotKept when it must come
// again (mqttlink.Handler).
func (m *MQTT) Handle(topic string, payload []byte) error {
	sn, name, reply, env, err := parseMessage(topic, payload)
	if err != nil {
		m.log.Warn("refused an mqtt message", "topic", topic, "err", err)
		return nil
	}
	if reply {
		m.settle(sn, name, env.id(), env.Payload.Body)
		return nil
	}
	ctx := context.Background()
	switch name {
	case "keep_alive":
		cmds, err := m.dev.Heartbeat(ctx, sn, ProtocolMQTT, "mqtt")
		if err != nil && !park.IsCode(err, park.ENotFound) {
			m.log.Warn("camera keep-alive", "serial", sn, "err", err)
		}
		for _, c := range cmds {
			// Taken off the camera's queue: carried out here, or lost.
			go m.carryOut(ctx, sn, c)
		}
	case "ivs_result":
		pr, err := parseIVSResult(sn, env.Payload.Body)
		if err != nil {
			m.log.Warn("malformed camera read", "serial", sn, "err", err)
			if errors.Is(err, errLicense) && !pr.Offline && !pr.NoPassage {
				// A car waits at the lane: it is told to ask for an
				// attendant rather than left at a silent barrier.
				if ans, err := m.dev.Unreadable(ctx, sn, ProtocolMQTT, "mqtt", err); err == nil {
					go m.answer(ctx, pr, ans)
				}
			}
			return nil
		}
		return m.read(ctx, pr)
	}
	return nil
}

// read decides a plate read and answers it on a goroutine of its own: the
// broker counts the read as unacknowledged until Handle returns, and its
// window of those is small (Mosquitto's max_inflight_messages, 20), so a
// handler waiting for the camera's reply to gpio_out, itself a message
// behind that window, would stall every lane once 20 wait at once. The
// read is acknowledged once it is decided (or answered "please wait");
// an offline record only once recorded (ErrNotKept).
func (m *MQTT) read(ctx context.Context, pr plateRead) error {
	ans, err := m.dev.Read(ctx, devices.Read{Serial: pr.Serial, Protocol: ProtocolMQTT, RecordID: pr.recordID(),
		Plate: pr.License, PlateColor: pr.Color, At: pr.At, Offline: pr.Offline, NoPassage: pr.NoPassage, Source: "mqtt",
		Image: pr.Image})
	switch {
	case err != nil:
		return nil // refused (not registered) and logged by devices: it would be refused again
	case pr.Offline && !ans.Recorded:
		return fmt.Errorf("%w: camera %s record %s: %s", ErrNotKept, pr.Serial, pr.recordID(), ans.Problem)
	case pr.Offline || ans.Repeat:
		// An offline record moves nothing now; a read sent again was
		// answered, and its lift sent, the first time.
		return nil
	}
	go m.answer(ctx, pr, ans)
	return nil
}

// answer shows a decided read's screen and, when it opens, lifts the
// barrier and waits for the camera to say it did.
func (m *MQTT) answer(ctx context.Context, pr plateRead, ans devices.Answer) {
	if frames := screenFrames(m.log, ans.Screen); len(frames) > 0 {
		body, _ := json.Marshal(struct {
			SerialData []serialData `json:"serialData"`
		}{frames})
		// The barrier's command follows the frames without waiting for the
		// broker to take them: the connection keeps their order.
		wait := m.queue(pr.Serial, "serial_data", m.nextID(), body)
		defer func() {
			if err := wait(); err != nil {
				m.log.Warn("screen frames", "serial", pr.Serial, "err", err)
			}
		}()
	}
	if ans.Open {
		sctx, cancel := context.WithTimeout(ctx, attemptTimeout*attempts)
		defer cancel()
		if err := m.Send(sctx, ans.Device, park.GateOpen); err != nil {
			m.dev.Unacknowledged(ctx, ans.Device, park.GateOpen, err)
		} else {
			m.dev.Acknowledged(ctx, ans.Device, park.GateOpen)
		}
	}
}

// carryOut does a command a keep-alive took from the camera's queue: its
// screen, then its barrier command, acknowledged.
func (m *MQTT) carryOut(ctx context.Context, sn string, c devices.Command) {
	if frames := screenFrames(m.log, c.Screen); len(frames) > 0 {
		body, _ := json.Marshal(struct {
			SerialData []serialData `json:"serialData"`
		}{frames})
		wait := m.queue(sn, "serial_data", m.nextID(), body)
		defer func() {
			if err := wait(); err != nil {
				m.log.Warn("screen frames", "serial", sn, "err", err)
			}
		}()
	}
	body, ok := gpio[c.Name]
	if !ok {
		m.log.Warn("camera command parkd cannot send", "serial", sn, "command", c.Name)
		return
	}
	sctx, cancel := context.WithTimeout(ctx, attemptTimeout*attempts)
	defer cancel()
	if err := m.command(sctx, sn, "gpio_out", body); err != nil {
		m.log.Error("camera command taken at a keep-alive not acknowledged", "serial", sn, "command", c.Name, "reason", c.Reason, "err", err)
	}
}

// gpio bodies of the barrier commands: open pulses output 0 (the
// controller lifts once), hold_open keeps it on, close and release turn
// it off.
var gpio = map[string]json.RawMessage{
	park.GateOpen:     json.RawMessage(`{"delay":500,"io":0,"value":2}`),
	park.GateHoldOpen: json.RawMessage(`{"delay":0,"io":0,"value":1}`),
	park.GateClose:    json.RawMessage(`{"delay":0,"io":0,"value":0}`),
	park.GateRelease:  json.RawMessage(`{"delay":0,"io":0,"value":0}`),
}

// Send moves a camera's barrier (gpio_out) and waits for its reply,
// trying again while ctx allows; no reply is park.ErrUnreachable.
func (m *MQTT) Send(ctx context.Context, d *park.Device, command string) error {
	body, ok := gpio[command]
	if !ok {
		return fmt.Errorf("vzenith: unknown command %q", command)
	}
	return m.command(ctx, d.Serial, "gpio_out", body)
}

// command publishes a down message and waits for its reply, sending it
// again with a new id up to attempts times. A reply to any attempt
// acknowledges the command: a camera slow to answer the first did carry
// it out, and must not be reported unreachable for it. A reply reporting
// a failure (replyFailure) acknowledges nothing: the next attempt follows.
func (m *MQTT) command(ctx context.Context, sn, name string, body json.RawMessage) error {
	// Room for every attempt's reply: a failure waiting to be read must
	// not crowd out another attempt's success.
	ch := make(chan json.RawMessage, attempts)
	var ids []string
	defer func() {
		for _, id := range ids {
			m.forget(id)
		}
	}()
	var err error
	for i := 0; i < attempts; i++ {
		id := m.nextID()
		ids = append(ids, id)
		m.mu.Lock()
		m.waiting[id] = waiter{sn: sn, name: name, ch: ch}
		m.mu.Unlock()
		err = m.publish(sn, name, id, body)
		if errors.Is(err, mqttlink.ErrNotConnected) {
			// No attempt can reach the camera before the link connects:
			// said at once, as a camera that did not answer.
			return fmt.Errorf("%w: camera %s: %v", park.ErrUnreachable, sn, err)
		}
		if err == nil {
			t := time.NewTimer(attemptTimeout)
			select {
			case reply := <-ch:
				t.Stop()
				if err = replyFailure(reply); err == nil {
					return nil
				}
			case <-t.C:
				err = fmt.Errorf("no reply within %s", attemptTimeout)
			case <-ctx.Done():
				t.Stop()
				return fmt.Errorf("%w: camera %s: %v", park.ErrUnreachable, sn, ctx.Err())
			}
		}
		m.log.Warn("camera command not acknowledged", "serial", sn, "command", name, "attempt", i+1, "err", err)
	}
	return fmt.Errorf("%w: camera %s did not acknowledge %s after %d attempts: %v", park.ErrUnreachable, sn, name, attempts, err)
}

// replyFailure reads a reply's body: {"code":0} (or a body with no code,
// from firmware that sends none) is done; any other code is the camera
// saying it did not carry the command out, with its msg if it sent one.
func replyFailure(body json.RawMessage) error {
	var r struct {
		Code json.RawMessage `json:"code"`
		Msg  string          `json:"msg"`
	}
	if len(body) == 0 || string(body) == "null" {
		return nil
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return fmt.Errorf("unreadable reply %.200s: %v", body, err)
	}
	code := strings.Trim(strings.TrimSpace(string(r.Code)), `"`)
	if len(r.Code) == 0 || code == "0" || code == "null" {
		return nil
	}
	return fmt.Errorf("camera answered code %s: %.200s", code, r.Msg)
}

// listChunk is how many plates one white_list_operator carries.
const listChunk = 100

// wlRecord is one plate of a camera's own list.
type wlRecord struct {
	Plate       string `json:"plate"`
	Enable      int    `json:"enable"`
	EnableTime  string `json:"enable_time"`  // lot-local "2006-01-02 15:04:05"
	OverdueTime string `json:"overdue_time"` // the same
	NeedAlarm   int    `json:"need_alarm"`
}

// wlDelete is a plate to take off a camera's list: the plate alone.
type wlDelete struct {
	Plate string `json:"plate"`
}

// cameras returns the MQTT cameras of lot ("": of every lot).
func (m *MQTT) cameras(ctx context.Context, lot string) ([]*park.Device, error) {
	ds, err := m.dev.Devices(ctx, lot)
	if err != nil {
		return nil, err
	}
	out := ds[:0]
	for _, d := range ds {
		if d.Protocol == ProtocolMQTT && d.Kind == park.DeviceCamera {
			out = append(out, d)
		}
	}
	return out, nil
}

func records(allowed []devices.Allowed, loc *time.Location) []wlRecord {
	recs := make([]wlRecord, 0, len(allowed))
	for _, a := range allowed {
		recs = append(recs, wlRecord{Plate: a.Plate, Enable: 1, EnableTime: a.From.In(loc).Format(time.DateTime),
			OverdueTime: a.To.In(loc).Format(time.DateTime)})
	}
	return recs
}

// listBodies are the white_list_operator bodies of op for recs, in chunks.
func listBodies[T any](op string, recs []T) []json.RawMessage {
	var out []json.RawMessage
	for start := 0; start < len(recs); start += listChunk {
		body, _ := json.Marshal(map[string]any{"operator_type": op, "dldb_rec": recs[start:min(start+listChunk, len(recs))]})
		out = append(out, body)
	}
	return out
}

// loadList sends a camera white_list_operator commands, each acknowledged.
func (m *MQTT) loadList(ctx context.Context, sn string, bodies []json.RawMessage) error {
	for _, body := range bodies {
		if err := m.command(ctx, sn, "white_list_operator", body); err != nil {
			return err
		}
	}
	return nil
}

// LoadLists loads every MQTT camera with the plates its lot lets through
// while parkd cannot be reached (devices.OfflineList), in chunks, each
// acknowledged. It returns how many cameras took their list.
func (m *MQTT) LoadLists(ctx context.Context) (int, error) {
	ds, err := m.cameras(ctx, "")
	if err != nil {
		return 0, err
	}
	lists := map[string][]wlRecord{}
	n := 0
	var errs []error
	for _, d := range ds {
		recs, ok := lists[d.LotCode]
		if !ok {
			allowed, loc, err := m.dev.OfflineList(ctx, d.LotCode)
			if err != nil {
				return n, err
			}
			recs = records(allowed, loc)
			lists[d.LotCode] = recs
		}
		if err := m.loadList(ctx, d.Serial, listBodies("update_or_add", recs)); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// SyncLists tells each lot's MQTT cameras the pass and list changes
// noted since they were last told (devices.ListChanges): plates to hold
// with update_or_add, plates no longer let through with delete. A lot's
// changes are forgotten only once all its cameras acknowledged them; until
// then they are sent again at the next round to the cameras that have not
// acknowledged them.
func (m *MQTT) SyncLists(ctx context.Context) error {
	changes, err := m.dev.ListChanges(ctx)
	errs := []error{err} // a lot that could not be read; the others go on
	for _, c := range changes {
		ds, err := m.cameras(ctx, c.Lot)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ok := true
		for _, d := range ds {
			if m.toldUpTo(d.Serial) >= c.UpTo {
				continue // told in an earlier round; another camera held the lot's changes back
			}
			err := m.loadList(ctx, d.Serial, listBodies("update_or_add", records(c.Add, c.Loc)))
			if err == nil {
				dels := make([]wlDelete, len(c.Remove))
				for i, p := range c.Remove {
					dels[i] = wlDelete{Plate: p}
				}
				err = m.loadList(ctx, d.Serial, listBodies("delete", dels))
			}
			if err != nil {
				errs = append(errs, err)
				ok = false
				continue
			}
			m.setTold(d.Serial, c.UpTo)
		}
		if ok {
			if err := m.dev.ListChangeDone(ctx, c); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func (m *MQTT) toldUpTo(serial string) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.told[serial]
}

func (m *MQTT) setTold(serial string, upTo int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.told[serial] = upTo
}

// SyncEvery is how often KeepLists looks for pass and list changes to
// pass on: a change reaches the lane's cameras within about this long.
const SyncEvery = time.Second

// KeepLists loads the whole lists at once and again every interval, and
// between those passes on each pass and list change within SyncEvery,
// until ctx ends.
func (m *MQTT) KeepLists(ctx context.Context, every time.Duration) {
	full := time.NewTicker(every)
	defer full.Stop()
	sync := time.NewTicker(SyncEvery)
	defer sync.Stop()
	for {
		if n, err := m.LoadLists(ctx); err != nil && ctx.Err() == nil {
			m.log.Warn("loading cameras' offline lists", "cameras", n, "err", err)
		}
		for again := true; again; {
			select {
			case <-ctx.Done():
				return
			case <-full.C:
				again = false
			case <-sync.C:
				if err := m.SyncLists(ctx); err != nil && ctx.Err() == nil {
					m.log.Warn("passing list changes to cameras", "err", err)
				}
			}
		}
	}
}

// waiter is a command waiting for its reply.
type waiter struct {
	sn, name string // the camera it went to, and the command's name
	ch       chan json.RawMessage
}

// settle hands a reply to the command it answers: the same id, from the
// camera the command went to (the reply's topic), for the same command.
// Ids are only unique to the node that made them, and a reply on another
// camera's topic acknowledges nothing here.
func (m *MQTT) settle(sn, name, id string, body json.RawMessage) {
	m.mu.Lock()
	w, ok := m.waiting[id]
	if ok && (w.sn != sn || w.name != name) {
		m.mu.Unlock()
		m.log.Warn("refused a reply to another camera's command", "serial", sn, "command", name, "id", id,
			"sent_to", w.sn, "sent", w.name)
		return
	}
	delete(m.waiting, id)
	m.mu.Unlock()
	if ok {
		select {
		case w.ch <- body:
		default: // another attempt's reply acknowledged the command already
		}
	}
}

func (m *MQTT) forget(id string) {
	m.mu.Lock()
	delete(m.waiting, id)
	m.mu.Unlock()
}

func (m *MQTT) nextID() string {
	return strconv.FormatInt(m.now().UnixMilli(), 36) + "-" + strconv.FormatInt(m.seq.Add(1), 36)
}

func (m *MQTT) publish(sn, name, id string, body json.RawMessage) error {
	return m.queue(sn, name, id, body)()
}

// queue sends a down message and returns a wait for the broker to have
// it (QoS 1) or for the connection to have sent it (live ones).
func (m *MQTT) queue(sn, name, id string, body json.RawMessage) (wait func() error) {
	env := envelope{ID: id, SN: sn, Name: name, Version: "1.0", Timestamp: m.now().Unix()}
	env.Payload.Type, env.Payload.Body = name, body
	raw, err := json.Marshal(&env)
	if err != nil {
		return func() error { return err }
	}
	topic := sn + "/device/message/down/" + name
	if live[name] {
		return m.pub.Live(topic, raw)
	}
	return m.pub.Queue(topic, raw)
}
