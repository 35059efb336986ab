// Package mqttlink is parkd's connection to an MQTT broker: QoS 1 both
// ways, a persistent session (the broker keeps what devices publish while
// parkd is away), reconnection with the subscriptions made again, and
// shared subscriptions so that of several parkd nodes one handles each
// message. What the messages mean is a device protocol's business.
package mqttlink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/eclipse/paho.mqtt.golang/packets"
)

// Handler receives one message, on one of the link's workers (one at a
// time in arrival order with Options.Ordered). The broker has its
// acknowledgement (QoS 1) when the handler returns nil, and
// sends a client only so many unacknowledged messages at once (Mosquitto's
// max_inflight_messages, 20 by default): a handler returns once what the
// message asks is done, and never waits there for another message.
//
// An error says the message was not kept (the store unavailable) and
// must not be let go: it stays unacknowledged and is handed to the
// handler again after a wait (1 s, doubling up to 30 s) while the
// connection it came on lasts; after that the broker sends it again on
// the session's next connection. Meanwhile it holds one of the broker's
// unacknowledged messages, and no worker. A run of such errors is logged
// once when it begins and once when none is held any more (unkept). An
// ordered link (a simulated device) acknowledges every message.
type Handler func(topic string, payload []byte) error

// Link is one connection to a broker.
type Link struct {
	c     paho.Client
	log   *slog.Logger
	mu    sync.Mutex
	subs  []Subscription
	group string
	work  chan delivery // to the workers; nil when ordered
	done  chan struct{} // closed by Close: the workers stop

	broker    string
	why       string        // why it is not connected (Status); under mu
	closed    bool          // by Close: no connection attempt begins; under mu
	failAway  bool          // Options.FailWhileAway
	up        chan error    // the first connection's subscriptions made (nil) or refused
	connected chan struct{} // closed on the first connection
	// ready is closed once the first connection's Connect has returned:
	// the client resends what its store kept only then, marking each
	// packet as it goes, so a publish made before would race with it.
	ready   chan struct{}
	refused chan error // a refusal before the first connection
	failed  chan error // the first attempt refused (Start)

	closeOnce sync.Once
	// handling is held (read) by a worker from its handler's start to
	// the message's acknowledgement, and (write) by stop, so that a
	// message already handled is acknowledged before the disconnect,
	// not handed to the session again.
	handling sync.RWMutex
	lost     atomic.Int64 // connections lost: what came on one can no longer be acknowledged
	unkept   unkept       // messages held after a handler's error
}

// unkept follows a run of messages held unacknowledged after their
// handler's error (the store down): one warning when the first is held,
// one line when none is held any more, with the counts, rather than a
// warning on every attempt of every message.
type unkept struct {
	mu       sync.Mutex
	held     int       // messages held now
	since    time.Time // the run's first failure
	failures int       // handler errors in the run
	messages int       // messages held in the run
	kept     int       // of them, kept since
}

// notKept notes a handler's error for d: the run's first is logged.
func (l *Link) notKept(d delivery, err error) {
	u := &l.unkept
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.held == 0 {
		u.since, u.failures, u.messages, u.kept = time.Now(), 0, 0, 0
		l.log.Warn("mqtt messages not kept: held unacknowledged and handled again later, until kept",
			"topic", d.m.Topic(), "err", err)
	}
	u.failures++
	if d.wait == 0 { // its first failure
		u.held++
		u.messages++
	}
}

// release notes a held message kept (or, not kept, left to the broker:
// its connection lost, the link closing); the last ends the run, logged.
func (l *Link) release(kept bool) {
	u := &l.unkept
	u.mu.Lock()
	defer u.mu.Unlock()
	if kept {
		u.kept++
	}
	if u.held--; u.held > 0 {
		return
	}
	l.log.Info("mqtt messages kept again", "messages", u.messages, "kept", u.kept, "left_to_the_broker", u.messages-u.kept,
		"failures", u.failures, "for", time.Since(u.since).Round(time.Millisecond).String())
}

// ErrNotConnected is a publish while the link is not connected to its
// broker: it fails at once, where the client would keep it until a
// connection that may come too late for a barrier.
var ErrNotConnected = errors.New("not connected to the broker")

// delivery is a message and the handler it goes to.
type delivery struct {
	m    paho.Message
	h    Handler
	lost int64         // the link's lost connections when it came
	wait time.Duration // before it is handed again, after a handler's error
}

// Waits before a message its handler did not keep is handed again.
const (
	firstAgain   = time.Second
	longestAgain = 30 * time.Second
)

// workers is how many messages an unordered link handles at once: more
// than the broker sends unacknowledged (Mosquitto's max_inflight_messages,
// 20 by default). Long-lived workers, unlike a goroutine per message, keep
// the stacks that deciding a read grows.
const workers = 32

// Subscription is a topic filter and the handler of its messages; a
// shared one gives each message to one node of the group.
type Subscription struct {
	Filter  string
	Shared  bool
	Handler Handler
}

// Options configure a Link.
type Options struct {
	// ClientID names this node's session on the broker; it must stay the
	// same across restarts for the broker to keep its messages.
	ClientID string
	Username string
	Password string
	// Group is the shared subscription group of parkd's nodes ("": not
	// shared, every node gets every message).
	Group string
	// FormerGroups are groups this node's persistent session may still
	// hold shared subscriptions of (a group changed since): they are
	// unsubscribed on connecting, or the node would go on taking a share
	// of the messages in those groups as well.
	FormerGroups []string
	// Clean starts a clean session the broker forgets on disconnect
	// (simulated devices, a simulator's parkd): nothing queued for it.
	Clean bool
	// Ordered runs the handlers one at a time, in the order the messages
	// came, as a device handles its commands: for a simulated device,
	// whose handlers never wait for another message. parkd's own link is
	// not ordered (see Handler).
	Ordered bool
	// FailWhileAway fails a publish at once (ErrNotConnected) while the
	// link is not connected, as parkd's barrier commands must: a camera
	// to lift a barrier for cannot wait for the broker. Otherwise one made
	// while the link reconnects waits for it, up to a few seconds, as a
	// device's reads may.
	FailWhileAway bool
	// Subscriptions are made on connecting. A persistent session's broker
	// sends what it kept as soon as the link connects, before a Subscribe
	// after Dial could be made, and the client drops (unacknowledged, so
	// until the next connection) a message no subscription takes.
	Subscriptions []Subscription
	Log           *slog.Logger
}

// publishTimeout bounds waiting for the broker to accept a publish.
const publishTimeout = 5 * time.Second

// connectTimeout bounds opening a connection to the broker and its
// handshake (the client's own default, 30 s).
const connectTimeout = 30 * time.Second

// Waits between attempts to connect: doubling from the first to the
// longest, as the client's own reconnection after a lost connection does.
const (
	firstRetry   = time.Second
	longestRetry = 5 * time.Second
)

// Dial connects to the broker at rawURL (mqtt://host:port or
// tcp://host:port), waiting until it is connected with its subscriptions
// made, and keeps reconnecting when the connection drops. A broker that
// refuses the connection ends it at once; one that cannot be reached is
// retried until ctx ends.
func Dial(ctx context.Context, rawURL string, o Options) (*Link, error) {
	l, err := start(rawURL, o)
	if err != nil {
		return nil, err
	}
	select {
	case err := <-l.up:
		if err != nil {
			l.stop(0)
			return nil, err
		}
		select {
		case <-l.ready:
		case <-ctx.Done():
			l.stop(0)
			return nil, ctx.Err()
		}
	case err := <-l.refused:
		l.stop(0)
		return nil, err
	case <-ctx.Done():
		l.stop(0)
		return nil, ctx.Err()
	}
	return l, nil
}

// Start connects to the broker at rawURL in the background and returns at
// once: until it is connected, a publish fails (at once with
// FailWhileAway, ErrNotConnected), and the subscriptions are made as it connects. failed
// receives the broker's refusal of the first attempt (ErrRefused), which
// retrying would not mend. A broker that cannot be reached sends nothing
// there, nor does a later refusal: they are logged and retried, and
// Status says so.
func Start(rawURL string, o Options) (l *Link, failed <-chan error, err error) {
	l, err = start(rawURL, o)
	if err != nil {
		return nil, nil, err
	}
	return l, l.failed, nil
}

func start(rawURL string, o Options) (*Link, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || (u.Scheme != "mqtt" && u.Scheme != "tcp") {
		return nil, fmt.Errorf("mqtt: %q is not an mqtt://host:port address", rawURL)
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.ClientID == "" {
		return nil, errors.New("mqtt: a client id is required")
	}
	l := &Link{log: o.Log, done: make(chan struct{}), broker: u.Host, why: "connecting", failAway: o.FailWhileAway,
		up: make(chan error, 1), connected: make(chan struct{}), ready: make(chan struct{}), refused: make(chan error, 1), failed: make(chan error, 1)}
	// The client calls back in arrival order; an unordered link passes each
	// message to its workers, which acknowledge it once handled. Its first
	// connection is tried by connect (below), the client's own retry
	// having no backoff; once connected, the client reconnects by itself.
	opts := paho.NewClientOptions().AddBroker("tcp://" + u.Host).SetClientID(o.ClientID).SetCleanSession(o.Clean).
		SetAutoReconnect(true).SetConnectRetry(false).SetMaxReconnectInterval(longestRetry).
		SetKeepAlive(15 * time.Second).SetOrderMatters(true).SetAutoAckDisabled(!o.Ordered).SetResumeSubs(true).
		SetConnectTimeout(connectTimeout).SetCustomOpenConnectionFn(dialBuffered(connectTimeout))
	if !o.Ordered {
		l.work = make(chan delivery, workers)
		for range workers {
			go l.worker()
		}
	}
	if o.Username != "" {
		opts.SetUsername(o.Username).SetPassword(o.Password)
	}
	group := o.Group
	var connections atomic.Int64
	opts.SetOnConnectHandler(func(c paho.Client) {
		l.log.Info("mqtt connected", "broker", u.Host)
		l.setWhy("")
		l.mu.Lock()
		subs := append([]Subscription(nil), l.subs...)
		l.mu.Unlock()
		var failed error
		for _, s := range subs {
			if err := l.subscribe(s, group); err != nil && failed == nil {
				failed = err
			}
			if !s.Shared || o.Clean {
				continue
			}
			for _, g := range o.FormerGroups {
				if g != group && g != "" {
					l.unsubscribe("$share/" + g + "/" + s.Filter)
				}
			}
		}
		if connections.Add(1) == 1 {
			l.up <- failed // the first connection's subscriptions, for Dial
			close(l.connected)
		}
	})
	opts.SetConnectionLostHandler(func(_ paho.Client, err error) {
		l.lost.Add(1)
		l.log.Warn("mqtt connection lost", "err", err)
		l.setWhy("connection lost: " + err.Error())
	})
	// Each failed attempt is told: a broker that refuses parkd's
	// credentials ends a dial at once (it would refuse every retry), and
	// one that cannot be reached is logged while the link keeps trying,
	// so that a parkd without its broker says why.
	var told attempts
	opts.SetConnectionNotificationHandler(func(_ paho.Client, n paho.ConnectionNotification) {
		switch n := n.(type) {
		case paho.ConnectionNotificationConnected:
			told.reset()
		case paho.ConnectionNotificationFailed:
			if says := refusal(n.Reason); says != "" {
				err := fmt.Errorf("mqtt: the broker %s %w: %s", u.Host, ErrRefused, says)
				l.setWhy(err.Error())
				if connections.Load() == 0 {
					select {
					case l.refused <- err: // a dial ends with it
					default:
					}
				}
				if _, ok := told.report(err); ok {
					l.log.Error("mqtt: the broker refused the connection", "broker", u.Host, "err", says)
				}
				return
			}
			why, ok := told.report(n.Reason)
			l.setWhy(why)
			if ok {
				l.log.Warn("mqtt: cannot reach the broker; retrying", "broker", u.Host, "err", why)
			}
		}
	})
	l.group = group
	l.c = paho.NewClient(opts)
	for _, s := range o.Subscriptions {
		l.route(s)
	}
	go l.connect()
	return l, nil
}

// connect makes the first connection, trying again after each failed
// attempt, the wait doubling up to longestRetry, until it connects or the
// link is closed; the client reconnects by itself from then on.
func (l *Link) connect() {
	wait, first := firstRetry, true
	for {
		l.mu.Lock()
		if l.closed {
			l.mu.Unlock()
			return
		}
		tok := l.c.Connect() // Close's Disconnect, taken after, ends it
		l.mu.Unlock()
		select {
		case <-tok.Done():
		case <-l.done:
			return
		}
		err := tok.Error()
		if err == nil {
			close(l.ready)
			return
		}
		if says := refusal(err); says != "" && first {
			l.failed <- fmt.Errorf("mqtt: the broker %s %w: %s", l.broker, ErrRefused, says)
		}
		first = false
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-l.done:
			t.Stop()
			return
		}
		wait = min(2*wait, longestRetry)
	}
}

// Connected is closed once the link first connects, its subscriptions
// made.
func (l *Link) Connected() <-chan struct{} { return l.connected }

// Status says whether the link is connected now and, when it is not, why:
// the last attempt's failure ("connecting" before the first has ended).
func (l *Link) Status() (connected bool, why string) {
	if l.c.IsConnectionOpen() {
		return true, ""
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return false, l.why
}

func (l *Link) setWhy(why string) {
	l.mu.Lock()
	l.why = why
	l.mu.Unlock()
}

// Subscribe delivers the messages of filter to h, now and after every
// reconnection; a shared subscription gives each message to one node of
// the group.
func (l *Link) Subscribe(filter string, shared bool, h Handler) error {
	s := Subscription{filter, shared, h}
	l.route(s)
	if !l.c.IsConnectionOpen() {
		return nil // made on connection
	}
	return l.subscribe(s, l.group)
}

// route passes the messages of s's filter to its handler, and keeps s to
// be subscribed on every connection.
func (l *Link) route(s Subscription) {
	l.mu.Lock()
	l.subs = append(l.subs, s)
	l.mu.Unlock()
	l.c.AddRoute(s.Filter, func(_ paho.Client, m paho.Message) { l.handle(m, s.Handler) })
}

// subscribe asks the broker for s's messages; route passes them on.
func (l *Link) subscribe(s Subscription, group string) error {
	filter := s.Filter
	if group != "" && s.Shared {
		filter = "$share/" + group + "/" + filter
	}
	tok := l.c.Subscribe(filter, 1, nil)
	if !tok.WaitTimeout(publishTimeout) {
		return fmt.Errorf("mqtt: subscribing to %s: no answer from the broker", filter)
	}
	if err := tok.Error(); err != nil {
		l.log.Error("mqtt subscribe", "filter", filter, "err", err)
		return fmt.Errorf("mqtt: subscribing to %s: %w", filter, err)
	}
	return nil
}

// unsubscribe drops filter from the session; a filter it does not hold
// is no error.
func (l *Link) unsubscribe(filter string) {
	tok := l.c.Unsubscribe(filter)
	if !tok.WaitTimeout(publishTimeout) {
		l.log.Warn("mqtt unsubscribe: no answer from the broker", "filter", filter)
	} else if err := tok.Error(); err != nil {
		l.log.Warn("mqtt unsubscribe", "filter", filter, "err", err)
	}
}

// handle runs h for m: at once on an ordered link (the client then
// acknowledges it), else on a worker.
func (l *Link) handle(m paho.Message, h Handler) {
	if l.work == nil {
		if err := h(m.Topic(), m.Payload()); err != nil {
			l.log.Warn("mqtt message not handled", "topic", m.Topic(), "err", err)
		}
		return
	}
	select {
	case l.work <- delivery{m: m, h: h, lost: l.lost.Load()}:
	case <-l.done: // closing: not acknowledged, so the broker sends it again
	}
}

func (l *Link) worker() {
	for {
		select {
		case d := <-l.work:
			l.handling.RLock()
			select {
			case <-l.done: // closed meanwhile: not acknowledged, sent again
				l.handling.RUnlock()
				return
			default:
			}
			if err := d.h(d.m.Topic(), d.m.Payload()); err != nil {
				l.handling.RUnlock()
				l.again(d, err)
				continue
			}
			d.m.Ack()
			l.handling.RUnlock()
			if d.wait > 0 {
				l.release(true)
			}
		case <-l.done:
			return
		}
	}
}

// again hands a message its handler did not keep to a worker again, after
// a wait, unacknowledged; not once its connection is lost: the client
// could no longer acknowledge it, and the broker sends it again on the
// next connection.
//
// The run of such failures is logged once (notKept, release), not each.
func (l *Link) again(d delivery, err error) {
	l.notKept(d, err)
	d.wait = min(max(2*d.wait, firstAgain), longestAgain)
	time.AfterFunc(d.wait, func() {
		if l.lost.Load() != d.lost {
			l.release(false)
			return
		}
		select {
		case l.work <- d:
		case <-l.done:
			l.release(false)
		}
	})
}

// Publish sends payload to topic at QoS 1 and waits until the broker has
// it.
func (l *Link) Publish(topic string, payload []byte) error { return l.Queue(topic, payload)() }

// Queue hands payload for topic (QoS 1) to the connection at once, in
// the order of the calls, and returns a wait for the broker to have it:
// a message that must precede another need not wait for the broker
// before the other is sent.
func (l *Link) Queue(topic string, payload []byte) (wait func() error) {
	return l.send(topic, 1, payload)
}

// Live hands payload for topic to the connection at QoS 0, in the same
// order as Queue's, and returns a wait for it to be written: the broker
// passes it to subscribers connected now and keeps it for none. It is for
// commands worth nothing late whose receipt the device's own reply
// confirms.
func (l *Link) Live(topic string, payload []byte) (wait func() error) {
	return l.send(topic, 0, payload)
}

func (l *Link) send(topic string, qos byte, payload []byte) (wait func() error) {
	if strings.ContainsAny(topic, "+#") {
		return func() error { return fmt.Errorf("mqtt: %q: wildcards in a topic to publish to", topic) }
	}
	if err := l.awaitReady(); err != nil || (l.failAway && !l.c.IsConnectionOpen()) {
		_, why := l.Status()
		return func() error {
			return fmt.Errorf("mqtt: publishing to %s: %w %s (%s)", topic, ErrNotConnected, l.broker, why)
		}
	}
	tok := l.c.Publish(topic, qos, false, payload)
	return func() error {
		if !tok.WaitTimeout(publishTimeout) {
			return fmt.Errorf("mqtt: publishing to %s: no answer from the broker", topic)
		}
		return tok.Error()
	}
}

// awaitReady returns once the first connection is made, at once with
// FailWhileAway, else waiting up to publishTimeout; an error when it is
// not made by then.
func (l *Link) awaitReady() error {
	select {
	case <-l.ready:
		return nil
	default:
	}
	if l.failAway {
		return ErrNotConnected
	}
	t := time.NewTimer(publishTimeout)
	defer t.Stop()
	select {
	case <-l.ready:
		return nil
	case <-t.C:
		return ErrNotConnected
	case <-l.done:
		return ErrNotConnected
	}
}

// Close disconnects, letting in-flight work finish for up to a second,
// and stops the workers.
func (l *Link) Close() { l.stop(1000) }

// stop disconnects, waiting up to quiesce milliseconds for in-flight
// work, and stops the workers. A message whose handler is running is
// waited for (as long as quiesce) and acknowledged before the disconnect;
// no handler starts after it.
func (l *Link) stop(quiesce uint) {
	l.mu.Lock()
	closed := l.closed
	l.closed = true
	l.mu.Unlock()
	if !closed && l.work != nil {
		idle := make(chan struct{})
		go func() {
			l.handling.Lock() // held until done: workers then see done
			close(idle)
			<-l.done
			l.handling.Unlock()
		}()
		select {
		case <-idle:
		case <-time.After(time.Duration(quiesce) * time.Millisecond):
		}
	}
	l.c.Disconnect(quiesce)
	l.closeOnce.Do(func() { close(l.done) })
}

// ErrRefused is a broker's refusal of parkd's connection (its user name,
// password or client id): retrying the same does not help.
var ErrRefused = errors.New("refused the connection")

// refusal says what a broker's refusal of the connection means, or ""
// when the attempt failed otherwise (the network, a broker that says it is
// unavailable), which a retry may get past.
func refusal(err error) string {
	for _, r := range []struct {
		code error
		says string
	}{
		{packets.ErrorRefusedBadUsernameOrPassword, "bad user name or password"},
		{packets.ErrorRefusedNotAuthorised, "not authorised"},
		{packets.ErrorRefusedIDRejected, "client id rejected"},
		{packets.ErrorRefusedBadProtocolVersion, "MQTT 3.1.1 not accepted"},
	} {
		if errors.Is(err, r.code) {
			return r.says
		}
	}
	return ""
}

// attempts paces the warnings of a run of failed connection attempts:
// the first, then one whenever the reason changes or every 30 seconds,
// not one a second.
type attempts struct {
	mu   sync.Mutex
	last string
	at   time.Time
}

func (a *attempts) report(err error) (why string, ok bool) {
	// The client wraps a network error in its own ("network Error : ..."):
	// the cause is what an operator can act on.
	if m, isMulti := err.(interface{ Unwrap() []error }); isMulti {
		if errs := m.Unwrap(); len(errs) > 0 {
			err = errs[len(errs)-1]
		}
	}
	why = err.Error()
	a.mu.Lock()
	defer a.mu.Unlock()
	if why == a.last && time.Since(a.at) < 30*time.Second {
		return why, false
	}
	a.last, a.at = why, time.Now()
	return why, true
}

func (a *attempts) reset() {
	a.mu.Lock()
	a.last = ""
	a.mu.Unlock()
}
