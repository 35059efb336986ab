package deliveries

import (
	"testing"
	"time"

	"parkd/internal/park"
)

// TestSettledCountsOnlyLiveClaims: the store counts in flight only the
// deliveries under a claim not over yet (lease after now); an attempt
// this node saw end, whose lease has run out (its node stalled) before
// its outcome was stored, is not among them, so taking it off again
// would leave the count too low. Concurrency 1, at now:
//
//	delivery A: this node's attempt ended, lease ran out 1 s ago: the store counts 0 of it
//	delivery B: another node's, in flight, lease 1 min on:         the store counts 1
//
// so in flight is 1 - 0 = 1, and the claim may take 1 - 1 = 0 more; not
// 1 - 1 = 0 in flight and one more (two requests open at concurrency 1).
func TestSettledCountsOnlyLiveClaims(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	s := &Service{answered: map[string][]time.Time{}}
	expired := now.Add(-time.Second)
	s.answer(&park.Delivery{SubscriptionID: "sub", LeaseUntil: &expired}, 1)
	loads := []park.SubscriptionLoad{{SubscriptionID: "sub", RateLimit: 1000, Concurrency: 1, InFlight: 1, Seqs: []int64{7}}}
	s.settled(loads, now)
	if loads[0].InFlight != 1 {
		t.Errorf("in flight %d, want 1 (the other node's; the ended attempt's claim is over)", loads[0].InFlight)
	}
	if seqs, _, _ := within(loads, now); len(seqs) != 0 {
		t.Errorf("a claim at concurrency 1 with one in flight may take %v, want none", seqs)
	}

	// Its lease still running, the ended attempt is counted by the store
	// and taken off: 2 - 1 = 1 in flight.
	live := now.Add(time.Minute)
	s.answer(&park.Delivery{SubscriptionID: "sub", LeaseUntil: &live}, 1)
	loads[0].InFlight = 2
	s.settled(loads, now)
	if loads[0].InFlight != 1 {
		t.Errorf("in flight %d, want 2 - 1 = 1", loads[0].InFlight)
	}
	// Stored: forgotten, nothing taken off any more.
	s.answer(&park.Delivery{SubscriptionID: "sub", LeaseUntil: &live}, -1)
	s.answer(&park.Delivery{SubscriptionID: "sub", LeaseUntil: &expired}, -1)
	if len(s.answered) != 0 {
		t.Errorf("answered %v after both were stored, want none", s.answered)
	}
}

// TestReturnedOnlyWhatIsNotOver: a delivery handed back untried gives
// back of its slot only what is not over yet. Rate 1 (a slot is 1 s),
// one delivery claimed at 0 with nothing used: its slot is 0 s to 1 s.
//
//	handed back at 0 s:   1 - 0   = 1 s given back (the whole slot)
//	handed back at 0.4 s: 1 - 0.4 = 0.6 s
//	handed back at 5 s:   over at 1 s, refilled since: 0
//
// Given back at 5 s, it would free a slot a claim at 4.9 s had used:
// two requests within 0.1 s at 1 a second.
func TestReturnedOnlyWhatIsNotOver(t *testing.T) {
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	loads := []park.SubscriptionLoad{{SubscriptionID: "sub", RateLimit: 1, Seqs: []int64{7}}}
	u := usedSlots(loads, []*park.Delivery{{SubscriptionID: "sub", Seq: 7}}, at)
	for _, c := range []struct {
		after time.Duration
		want  time.Duration
	}{{0, time.Second}, {400 * time.Millisecond, 600 * time.Millisecond}, {5 * time.Second, 0}} {
		if got := u[0].returned(at.Add(c.after)); got != c.want {
			t.Errorf("handed back %v after the claim: %v given back, want %v", c.after, got, c.want)
		}
	}
	// Rate 3 (a slot is 333,333,333 ns) with 1 s used ahead: the two
	// claimed take 1 s to 1⅓ s and 1⅓ s to 1⅔ s (1 s + 2 × 333,333,333 ns);
	// the second, handed back at once, gives back its whole slot rounded
	// down to what the store keeps, 333,333 µs.
	loads = []park.SubscriptionLoad{{SubscriptionID: "sub", RateLimit: 3, SlotsUntil: at.Add(time.Second), Seqs: []int64{7, 8}}}
	u = usedSlots(loads, []*park.Delivery{{SubscriptionID: "sub", Seq: 7}, {SubscriptionID: "sub", Seq: 8}}, at)
	if got, want := u[1].returned(at), 333333*time.Microsecond; got != want {
		t.Errorf("rate 3, the second slot handed back at once: %v given back, want %v", got, want)
	}
	if got, want := u[1].end, at.Add(time.Second+2*333333333); got != want {
		t.Errorf("rate 3, the second slot ends at %v, want %v", got, want)
	}
}
