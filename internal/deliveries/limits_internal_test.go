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
