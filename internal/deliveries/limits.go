package deliveries

import (
	"slices"
	"time"

	"parkd/internal/park"
)

// A subscription's limits hold for the whole cluster: they are counted in
// the store, by the claims every node makes, serialised (park.ClaimKey),
// never in one node's memory, where two nodes would each send at the rate
// the operator set, together twice it.
//
// Concurrency bounds the deliveries in flight: a claim takes no more
// than it leaves beside those every node holds claimed and not yet
// finished. The rate is a token bucket kept as one time, SlotsUntil: a
// delivery claimed uses one slot of 1/rate s, from SlotsUntil or now,
// whichever is later, and claims may use slots up to a second ahead of
// now. A subscription that sent nothing for a second may so take a
// second's worth (rate deliveries) at once, and then one a slot: in any
// span of t seconds at most rate×(t+1) are claimed, on all nodes
// together. An attempt starts as soon as it is claimed.

// limits returns a subscription's rate (deliveries a second) and
// concurrency, the defaults for 0.
func limits(rateLimit, concurrency int) (rate, conc int) {
	rate, conc = rateLimit, concurrency
	if rate <= 0 {
		rate = park.DefaultRateLimit
	}
	if conc <= 0 {
		conc = park.DefaultConcurrency
	}
	return rate, conc
}

// slot is one delivery's share of a second at this rate.
func slot(rate int) time.Duration { return time.Second / time.Duration(rate) }

// room returns how many of the subscription's deliveries a claim at now
// may take, and, when its rate leaves none, when the next slot is free.
func room(l park.SubscriptionLoad, now time.Time) (n int, next time.Time) {
	rate, conc := limits(l.RateLimit, l.Concurrency)
	every := slot(rate)
	from := latest(l.SlotsUntil, now)
	byRate := int(now.Add(time.Second).Sub(from) / every)
	if byRate <= 0 {
		next = from.Add(every - time.Second)
	}
	return max(0, min(byRate, conc-l.InFlight)), next
}

// slotsAfter is where a claim of n deliveries at now leaves SlotsUntil,
// rounded up to what the store keeps: rounded down, many claims would
// each win a little of the next slot.
func slotsAfter(l park.SubscriptionLoad, now time.Time, n int) time.Time {
	rate, _ := limits(l.RateLimit, l.Concurrency)
	t := latest(l.SlotsUntil, now).Add(time.Duration(n) * slot(rate))
	if r := t.Truncate(park.Precision); !r.Equal(t) {
		return r.Add(park.Precision)
	}
	return t
}

// within keeps, of what loads names, the oldest deliveries of each
// subscription that its limits let a claim at now take. full are the
// subscriptions with no room at all; rested those whose rate has no slot
// free, with when the next one is.
func within(loads []park.SubscriptionLoad, now time.Time) (seqs []int64, full []string, rested map[string]time.Time) {
	for _, l := range loads {
		n, next := room(l, now)
		if n == 0 {
			full = append(full, l.SubscriptionID)
		}
		if !next.IsZero() {
			if rested == nil {
				rested = map[string]time.Time{}
			}
			rested[l.SubscriptionID] = next
		}
		seqs = append(seqs, l.Seqs[:min(n, len(l.Seqs))]...)
	}
	slices.Sort(seqs)
	return seqs, full, rested
}

// settled takes from each load's in flight this node's attempts that
// have ended but whose outcomes are not yet stored: the finisher records
// them in batches (every 20 ms), and counted until then they would hold
// a subscription's concurrency for up to that long after the partner
// answered, bounding a backlog's drain at concurrency / 20 ms. It must
// run after ClaimLoads read the store: the finisher forgets an outcome
// before it stores it (ended), so an outcome stored before that read is
// no longer among those taken off, and one stored after it is either
// taken off (its attempt has ended) or counted (safe).
func (s *Service) settled(loads []park.SubscriptionLoad) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range loads {
		loads[i].InFlight = max(0, loads[i].InFlight-s.answered[loads[i].SubscriptionID])
	}
}

// answer notes an attempt of subscription id ended (n = 1), or n of
// them about to be stored (n < 0).
func (s *Service) answer(id string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.answered[id] += n; s.answered[id] <= 0 {
		delete(s.answered, id)
	}
}

// latest returns the later of a and b.
func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
