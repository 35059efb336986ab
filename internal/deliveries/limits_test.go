package deliveries_test

import (
	"sort"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// countedNode is another parkd node's delivery worker over b's store,
// counting its looks for due deliveries (cc).
func countedNode(t *testing.T, b *systemtest.Bundle) *claimCounter {
	t.Helper()
	cc := &claimCounter{Store: b.Store}
	runService(t, deliveries.New(deliveries.Config{Store: cc, Now: b.Clock.Now,
		Options: deliveries.Options{AllowPrivate: true, Poll: 10 * time.Millisecond, Lease: time.Minute}}))
	return cc
}

// lookAgain waits until every node has looked for due deliveries twice
// more: the second look began after whatever the test changed before.
func lookAgain(t *testing.T, nodes ...*claimCounter) {
	t.Helper()
	for _, cc := range nodes {
		from := cc.looks.Load()
		waitFor(t, "a node to look for due deliveries twice more", func() bool { return cc.looks.Load() >= from+2 })
	}
}

// TestRateLimitHoldsForTheCluster: a subscription's rate_limit is the
// partner's, whatever number of nodes deliver to it. Two nodes on one
// store drain 20 entries to a partner limited to 2 a second, the clock
// moved on 100 ms at a time over 5 s. The limit is a bucket of a
// second's worth (2) that refills one slot every 1/2 s:
//
//	at +0 s:       the full bucket, 2
//	at +k×0.5 s:   one more each, 2 + k   (k = 1..10)
//	at +5 s:       2 + 10 = 12
//
// so by +t no more than 2 + ⌊t/0.5 s⌋ have reached the partner, and by
// +5 s exactly 12: not 24 (each node its own 2 a second), and not fewer
// (the nodes together use the whole rate). With the clock standing at
// +5 s, however often the nodes look again, the 13th does not go.
func TestRateLimitHoldsForTheCluster(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL,
		Timeout: 5 * time.Second, RateLimit: 2, Concurrency: 10})
	visits(t, b, "R", 20)
	start := b.Clock.Now()
	nodes := []*claimCounter{countedNode(t, b), countedNode(t, b)}
	for step := 0; step <= 50; step++ {
		at := time.Duration(step) * 100 * time.Millisecond
		b.Clock.Set(start.Add(at))
		lookAgain(t, nodes...)
		if most := 2 + int(at/(500*time.Millisecond)); rc.Len() > most {
			t.Fatalf("at +%v the partner got %d requests, want at most %d", at, rc.Len(), most)
		}
	}
	waitFor(t, "12 entries acknowledged by +5 s", func() bool { return len(rc.Acked()) == 12 })
	for range 25 {
		lookAgain(t, nodes...)
	}
	if n := rc.Len(); n != 12 {
		t.Errorf("with the clock at +5 s the partner got %d requests, want 12", n)
	}
}

// TestConcurrencyHoldsForTheCluster: concurrency 1 means one request at
// a time to the partner, however many nodes deliver: two nodes on one
// store send 10 entries to a partner that takes 30 ms over each, and the
// partner never has two requests open at once. All 10 arrive, once.
func TestConcurrencyHoldsForTheCluster(t *testing.T) {
	b := systemtest.New(t)
	realTime(t, b)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	rc.Script(func(deliverytest.Request) deliverytest.Answer {
		return deliverytest.Answer{Wait: 30 * time.Millisecond}
	})
	subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL,
		Timeout: 5 * time.Second, RateLimit: 1000, Concurrency: 1})
	visits(t, b, "C", 10)
	runService(t, node(b, time.Minute))
	runService(t, node(b, time.Minute))
	waitFor(t, "10 entries acknowledged", func() bool { return len(rc.Acked()) == 10 })
	if most := mostOpen(rc.Requests()); most != 1 {
		t.Errorf("the partner had %d requests open at once, want 1", most)
	}
	for id, n := range rc.Acked() {
		if n != 1 {
			t.Errorf("entry %s acknowledged %d times, want once", id, n)
		}
	}
}

// mostOpen returns the most requests open at one time.
func mostOpen(rs []deliverytest.Request) int {
	type edge struct {
		at   time.Time
		open int
	}
	var es []edge
	for _, r := range rs {
		es = append(es, edge{r.Start, 1}, edge{r.End, -1})
	}
	// An end at the instant of a start closes first: a request answered
	// is not open while the next one starts.
	sort.Slice(es, func(i, j int) bool {
		return es[i].at.Before(es[j].at) || es[i].at.Equal(es[j].at) && es[i].open < es[j].open
	})
	most, open := 0, 0
	for _, e := range es {
		open += e.open
		most = max(most, open)
	}
	return most
}
