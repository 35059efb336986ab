package mqttlink_test

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"testing"
	"time"

	"parkd/internal/device/mqttlink"
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
	if err := first.Subscribe(run+"/up/#", false, func(_ string, p []byte) {
		got <- string(p)
		<-release // the node stops before the read is decided
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
		{Filter: run + "/up/#", Handler: func(_ string, p []byte) { again <- string(p) }}}})
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
		{Filter: run + "/up/#", Handler: func(_ string, p []byte) { again <- string(p) }}}})
	select {
	case p := <-again:
		t.Errorf("given %q a third time, though handled", p)
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
		{Filter: run + "/up/#", Handler: func(_ string, p []byte) { got <- string(p) }}}}
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
	if err := l.Subscribe(run+"/up/#", false, func(_ string, p []byte) {
		got <- string(p)
		if string(p) == "slow" {
			<-release
		}
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
	sub := []mqttlink.Subscription{{Filter: run + "/up/#", Shared: true, Handler: func(_ string, p []byte) { got <- string(p) }}}
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
