package mqttlink_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/device/mqttlink"
	"parkd/internal/device/mqttlink/brokertest"
	"parkd/internal/testutil"
)

// broker is the address of the MQTT broker the tests use (Mosquitto on
// its default port, started by .ci/run).
const broker = "127.0.0.1:1883"

func needBroker(t *testing.T) {
	t.Helper()
	c, err := net.DialTimeout("tcp", broker, time.Second)
	if err != nil {
		t.Skipf("no MQTT broker on %s: skipped", broker)
	}
	c.Close()
}

func dial(t *testing.T, o mqttlink.Options) *mqttlink.Link {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	l, err := mqttlink.Dial(ctx, "mqtt://"+broker, o)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// A message whose handler has not returned is not acknowledged: when the
// link goes away meanwhile, the broker gives it to the same session
// again. The gate decides a read in its handler; a read acknowledged
// before that would be lost with the node.
func TestUnhandledMessageComesAgain(t *testing.T) {
	needBroker(t)
	run := fmt.Sprintf("linktest-%d", time.Now().UnixNano())
	topic := run + "/up/read"
	release := make(chan struct{})
	defer close(release)

	first := dial(t, mqttlink.Options{ClientID: run + "-node"})
	got := make(chan string, 4)
	if err := first.Subscribe(run+"/up/#", false, func(_ string, p []byte) error {
		got <- string(p)
		<-release // the node stops before the read is decided
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	pub := dial(t, mqttlink.Options{ClientID: run + "-cam", Clean: true})
	defer pub.Close()
	if err := pub.Publish(topic, []byte("read-1")); err != nil {
		t.Fatal(err)
	}
	select {
	case p := <-got:
		if p != "read-1" {
			t.Fatalf("handled %q, want read-1", p)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the read never reached the handler")
	}
	first.Close()

	again := make(chan string, 4)
	second := dial(t, mqttlink.Options{ClientID: run + "-node", Subscriptions: []mqttlink.Subscription{
		{Filter: run + "/up/#", Handler: func(_ string, p []byte) error { again <- string(p); return nil }}}})
	defer second.Close()
	select {
	case p := <-again:
		if p != "read-1" {
			t.Fatalf("given again %q, want read-1", p)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the unacknowledged read was not given again to the session")
	}
	// Handled this time, it is acknowledged: the session's next
	// connection gets nothing.
	time.Sleep(200 * time.Millisecond)
	second.Close()
	third := dial(t, mqttlink.Options{ClientID: run + "-node", Subscriptions: []mqttlink.Subscription{
		{Filter: run + "/up/#", Handler: func(_ string, p []byte) error { again <- string(p); return nil }}}})
	select {
	case p := <-again:
		t.Errorf("given %q a third time, though handled", p)
	case <-time.After(500 * time.Millisecond):
	}
	third.Close()
	dial(t, mqttlink.Options{ClientID: run + "-node", Clean: true}).Close() // ends the session
}

// A message its handler did not keep (an error: the store unavailable)
// is not acknowledged: the link hands it to the handler again while the
// connection lasts, and once the node is gone the broker gives it to the
// session's next connection. Kept, it is acknowledged and comes no more.
// Before, every message was acknowledged when its handler returned, and
// a read the store refused was lost.
func TestUnkeptMessageComesAgain(t *testing.T) {
	needBroker(t)
	run := fmt.Sprintf("linktest-%s-%d", t.Name(), time.Now().UnixNano())
	first := dial(t, mqttlink.Options{ClientID: run + "-node"})
	got := make(chan string, 4)
	if err := first.Subscribe(run+"/up/#", false, func(_ string, p []byte) error {
		got <- string(p)
		return errors.New("the store is closing")
	}); err != nil {
		t.Fatal(err)
	}
	pub := dial(t, mqttlink.Options{ClientID: run + "-cam", Clean: true})
	defer pub.Close()
	if err := pub.Publish(run+"/up/read", []byte("read-1")); err != nil {
		t.Fatal(err)
	}
	// Handed once, not kept, handed again about a second later.
	for i := range 2 {
		select {
		case p := <-got:
			if p != "read-1" {
				t.Fatalf("handled %q, want read-1", p)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("the unkept read was handed %d times, want 2 on the same connection", i)
		}
	}
	first.Close()

	kept := make(chan string, 4)
	opts := mqttlink.Options{ClientID: run + "-node", Subscriptions: []mqttlink.Subscription{
		{Filter: run + "/up/#", Handler: func(_ string, p []byte) error { kept <- string(p); return nil }}}}
	second := dial(t, opts)
	select {
	case p := <-kept:
		if p != "read-1" {
			t.Fatalf("given again %q, want read-1", p)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the unkept read was not given again to the session")
	}
	second.Close() // quiesces: the acknowledgement is written first
	third := dial(t, opts)
	select {
	case p := <-kept:
		t.Errorf("given %q a third time, though kept", p)
	case <-time.After(500 * time.Millisecond):
	}
	third.Close()
	dial(t, mqttlink.Options{ClientID: run + "-node", Clean: true}).Close() // ends the session
}

// What the broker kept for a node while it was away reaches it when it
// connects again, every message: its subscriptions are in place before
// the broker sends them.
func TestKeptMessagesReachTheNodeAgain(t *testing.T) {
	needBroker(t)
	run := fmt.Sprintf("linktest-%d", time.Now().UnixNano())
	got := make(chan string, 100)
	opts := mqttlink.Options{ClientID: run + "-node", Subscriptions: []mqttlink.Subscription{
		{Filter: run + "/up/#", Handler: func(_ string, p []byte) error { got <- string(p); return nil }}}}
	dial(t, opts).Close() // the session and its subscription stay with the broker

	pub := dial(t, mqttlink.Options{ClientID: run + "-cam", Clean: true})
	defer pub.Close()
	const n = 50
	for i := range n {
		if err := pub.Publish(fmt.Sprintf("%s/up/read-%d", run, i), []byte(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	node := dial(t, opts)
	seen := map[string]bool{}
	for len(seen) < n {
		select {
		case p := <-got:
			seen[p] = true
		case <-time.After(5 * time.Second):
			t.Fatalf("%d of the %d messages kept for the node reached it", len(seen), n)
		}
	}
	node.Close()
	dial(t, mqttlink.Options{ClientID: run + "-node", Clean: true}).Close() // ends the session
}

// An unordered link handles messages side by side: one slow handler does
// not hold the next message.
func TestMessagesHandledSideBySide(t *testing.T) {
	needBroker(t)
	run := fmt.Sprintf("linktest-%d", time.Now().UnixNano())
	l := dial(t, mqttlink.Options{ClientID: run + "-node", Clean: true})
	defer l.Close()
	release := make(chan struct{})
	got := make(chan string, 4)
	if err := l.Subscribe(run+"/up/#", false, func(_ string, p []byte) error {
		got <- string(p)
		if string(p) == "slow" {
			<-release
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	pub := dial(t, mqttlink.Options{ClientID: run + "-cam", Clean: true})
	defer pub.Close()
	for _, p := range []string{"slow", "fast"} {
		if err := pub.Publish(run+"/up/read", []byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	for len(seen) < 2 {
		select {
		case p := <-got:
			seen = append(seen, p)
		case <-time.After(5 * time.Second):
			t.Fatalf("handled %v while the slow handler runs, want slow and fast", seen)
		}
	}
	close(release)
}

// A Dial that fails leaves nothing running: parkd retries a broker it
// cannot reach.
func TestFailedDialLeavesNothingRunning(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 5 {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		_, err := mqttlink.Dial(ctx, "mqtt://127.0.0.1:1", mqttlink.Options{ClientID: "linktest-nobroker"})
		cancel()
		if err == nil {
			t.Fatal("dialled a broker on port 1")
		}
	}
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before+10 {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after five failed dials, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Nodes whose group changed drop their sessions' shared subscriptions
// of the former group on connecting: each message is taken once, in the
// new group, not a second time by a member of the old one.
func TestFormerGroupDropped(t *testing.T) {
	needBroker(t)
	run := fmt.Sprintf("linktest-%d", time.Now().UnixNano())
	got := make(chan string, 100)
	sub := []mqttlink.Subscription{{Filter: run + "/up/#", Shared: true, Handler: func(_ string, p []byte) error { got <- string(p); return nil }}}
	var nodes []*mqttlink.Link
	for _, id := range []string{"-a", "-b"} {
		dial(t, mqttlink.Options{ClientID: run + id, Group: run + "-old", Subscriptions: sub}).Close()
	}
	// A third node, only ever of the new group, so that the broker's turns
	// in the two groups do not fall on one node each time.
	for _, id := range []string{"-a", "-b", "-c"} {
		nodes = append(nodes, dial(t, mqttlink.Options{ClientID: run + id, Group: run + "-new", FormerGroups: []string{run + "-old"},
			Subscriptions: sub}))
	}
	defer func() {
		for i, id := range []string{"-a", "-b", "-c"} {
			nodes[i].Close()
			dial(t, mqttlink.Options{ClientID: run + id, Clean: true}).Close() // ends the session
		}
	}()
	pub := dial(t, mqttlink.Options{ClientID: run + "-cam", Clean: true})
	defer pub.Close()
	const n = 10
	for i := range n {
		if err := pub.Publish(run+"/up/read", []byte(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]int{}
	for len(seen) < n {
		select {
		case p := <-got:
			seen[p]++
		case <-time.After(5 * time.Second):
			t.Fatalf("%d of the %d reads reached a node", len(seen), n)
		}
	}
	time.Sleep(300 * time.Millisecond) // room for a second copy
	for len(got) > 0 {
		seen[<-got]++
	}
	for p, k := range seen {
		if k != 1 {
			t.Errorf("read %s taken %d times, want once: a former group's subscription is still in a session", p, k)
		}
	}
}

// TestRefusedCredentialsFailTheDial: a broker that refuses parkd's user
// name or password, or its authorisation, refuses it on every attempt:
// Dial says so at once (parkd serve then exits saying why), rather than
// retrying silently until it is stopped, which left parkd neither
// serving nor saying anything.
func TestRefusedCredentialsFailTheDial(t *testing.T) {
	for _, tc := range []struct {
		rc   byte
		want string
	}{{4, "bad user name or password"}, {5, "not authorised"}} {
		t.Run(tc.want, func(t *testing.T) {
			addr := brokertest.Refusing(t, tc.rc)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			start := time.Now()
			_, err := mqttlink.Dial(ctx, "mqtt://"+addr, mqttlink.Options{ClientID: "linktest-refused", Username: "parkd", Password: "wrong"})
			if err == nil {
				t.Fatal("dialled a broker that refuses every connection")
			}
			if ctx.Err() != nil || !strings.Contains(strings.ToLower(err.Error()), tc.want) || !strings.Contains(err.Error(), addr) {
				t.Fatalf("after %s: %v; want at once an error naming the broker %s and saying %q", time.Since(start).Round(time.Millisecond), err, addr, tc.want)
			}
		})
	}
}

// TestUnreachableBrokerIsLogged: while the broker cannot be reached at
// start (not up yet, a wrong address), Dial keeps trying, and says so
// in the log with the broker and the reason: an operator must see why
// the lane devices are not heard.
func TestUnreachableBrokerIsLogged(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	var buf testutil.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := mqttlink.Dial(ctx, "mqtt://"+addr, mqttlink.Options{ClientID: "linktest-unreachable", Log: log})
		done <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), "level=WARN") {
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatalf("nothing logged in 5 s while the broker %s cannot be reached:\n%s", addr, buf.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err == nil {
		t.Fatal("dialled a broker that is not there")
	}
	out := buf.String()
	if !strings.Contains(out, addr) || !strings.Contains(out, "refused") {
		t.Errorf("the warning names neither the broker %s nor why:\n%s", addr, out)
	}
}

// TestStartDoesNotWaitForTheBroker: Start returns while the broker
// cannot be reached; the link says why it is not connected, a publish
// fails at once saying so, and once the broker answers (here, Mosquitto
// behind a port that starts listening later) the link connects by
// itself with its subscriptions made.
func TestStartDoesNotWaitForTheBroker(t *testing.T) {
	needBroker(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	run := fmt.Sprintf("linktest-%d", time.Now().UnixNano())
	got := make(chan string, 1)
	l, failed, err := mqttlink.Start("mqtt://"+addr, mqttlink.Options{ClientID: run, Clean: true, FailWhileAway: true,
		Subscriptions: []mqttlink.Subscription{{Filter: run + "/up", Handler: func(_ string, p []byte) error { got <- string(p); return nil }}}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, why := l.Status()
		if ok {
			t.Fatal("connected to a port nothing listens on")
		}
		if strings.Contains(why, "refused") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Status says %q, want why the broker cannot be reached", why)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := l.Publish(run+"/down", []byte("x")); !errors.Is(err, mqttlink.ErrNotConnected) || !strings.Contains(err.Error(), addr) {
		t.Errorf("publish while away: %v; want ErrNotConnected naming the broker %s", err, addr)
	}

	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b, err := net.Dial("tcp", broker)
			if err != nil {
				c.Close()
				continue
			}
			go func() { _, _ = io.Copy(b, c); b.Close() }()
			go func() { _, _ = io.Copy(c, b); c.Close() }()
		}
	}()
	select {
	case <-l.Connected():
	case err := <-failed:
		t.Fatalf("failed: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("not connected 30 s after the broker came up")
	}
	pub := dial(t, mqttlink.Options{ClientID: run + "-cam", Clean: true})
	defer pub.Close()
	if err := pub.Publish(run+"/up", []byte("read")); err != nil {
		t.Fatal(err)
	}
	select {
	case p := <-got:
		if p != "read" {
			t.Errorf("got %q", p)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the subscription made on connecting took nothing")
	}
}

// TestStartRefusedAtOnce: a broker that refuses the first attempt is told
// on Start's failed channel, which parkd serve stops for.
func TestStartRefusedAtOnce(t *testing.T) {
	addr := brokertest.Refusing(t, 4)
	l, failed, err := mqttlink.Start("mqtt://"+addr, mqttlink.Options{ClientID: "linktest-start-refused", Username: "parkd", Password: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	select {
	case err := <-failed:
		if !errors.Is(err, mqttlink.ErrRefused) || !strings.Contains(err.Error(), "bad user name or password") {
			t.Errorf("failed: %v; want ErrRefused saying bad user name or password", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no word of the refusal in 10 s")
	}
}

// TestStuckMessageWarnedOnceAndStarvesNone: a message its handler cannot
// keep (a read the store refuses) holds one of the broker's
// unacknowledged messages to the node, and only one: the 25 messages
// published after it, more than the broker's window of 20, are all
// handled while it is held. Its failures are warned once, when they
// begin, not on every attempt (before, one warning a retry, for every
// message held), and once it is kept one line says so, counting the
// failures the handler saw and the message held.
func TestStuckMessageWarnedOnceAndStarvesNone(t *testing.T) {
	needBroker(t)
	run := fmt.Sprintf("linktest-%s-%d", t.Name(), time.Now().UnixNano())
	var logs testutil.Buffer
	var mu sync.Mutex
	stuck, failures := true, 0
	got := make(chan string, 100)
	node := dial(t, mqttlink.Options{ClientID: run + "-node", Log: slog.New(slog.NewTextHandler(&logs, nil)),
		Subscriptions: []mqttlink.Subscription{{Filter: run + "/up/#", Handler: func(_ string, p []byte) error {
			mu.Lock()
			defer mu.Unlock()
			if string(p) == "stuck" && stuck {
				failures++
				return errors.New("the store is down")
			}
			got <- string(p)
			return nil
		}}}})
	defer func() {
		node.Close()
		dial(t, mqttlink.Options{ClientID: run + "-node", Clean: true}).Close() // ends the session
	}()
	pub := dial(t, mqttlink.Options{ClientID: run + "-cam", Clean: true})
	defer pub.Close()
	const others = 25
	for i := -1; i < others; i++ {
		p := fmt.Sprint("read-", i)
		if i < 0 {
			p = "stuck"
		}
		if err := pub.Publish(run+"/up/read", []byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	for n := range others {
		select {
		case <-got:
		case <-time.After(10 * time.Second):
			t.Fatalf("%d of the %d messages after the stuck one were handled: it starves the rest", n, others)
		}
	}
	// Handed at once, after 1 s and after 3 s more (1 s, then 2 s): three
	// failures, one warning.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		n := failures
		mu.Unlock()
		if n >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stuck message was handed %d times in 10 s, want 3", n)
		}
	}
	mu.Lock()
	stuck = false
	n := failures
	mu.Unlock()
	select {
	case p := <-got:
		if p != "stuck" {
			t.Fatalf("handled %q, want the stuck message kept", p)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the stuck message was never handed again once the store was back")
	}
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logs.String(), "mqtt messages kept again"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no line says the messages are kept again:\n%s", logs.String())
		}
	}
	out := logs.String()
	if w := strings.Count(out, "level=WARN"); w != 1 || !strings.Contains(out, "the store is down") {
		t.Fatalf("%d warnings for %d failures of one message, want one naming why:\n%s", w, n, out)
	}
	if want := fmt.Sprintf("messages=1 kept=1 left_to_the_broker=0 failures=%d ", n); !strings.Contains(out, want) {
		t.Fatalf("the recovery line does not say %q:\n%s", want, out)
	}
}
