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

// usedSlot is the slot of its subscription's rate a claim used for one
// delivery: of length slot, ending at end.
type usedSlot struct {
	slot time.Duration
	end  time.Time
}

// usedSlots returns the slot each of ds (claimed at now) used: a
// subscription's take theirs one after another from where its load's
// slots were used, as slotsAfter counts them.
func usedSlots(loads []park.SubscriptionLoad, ds []*park.Delivery, now time.Time) []usedSlot {
	from := map[string]time.Time{}
	every := map[string]time.Duration{}
	for _, l := range loads {
		rate, _ := limits(l.RateLimit, l.Concurrency)
		from[l.SubscriptionID], every[l.SubscriptionID] = latest(l.SlotsUntil, now), slot(rate)
	}
	out := make([]usedSlot, len(ds))
	for i, d := range ds {
		id := d.SubscriptionID
		from[id] = from[id].Add(every[id])
		out[i] = usedSlot{slot: every[id], end: from[id]}
	}
	return out
}

// returned is how much of the slot a delivery handed back untried at now
// gives back: what of it is not over yet. A slot over is free again as
// the bucket refills (room): given back too, it would be counted twice,
// and let a claim take more than the rate. Rounded down to what the
// store keeps, so that a release never gives back more than was used.
func (u usedSlot) returned(now time.Time) time.Duration {
	return min(u.slot, max(0, u.end.Sub(now))).Truncate(park.Precision)
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
// answered, bounding a backlog's drain at concurrency / 20 ms. Only
// those the store counts are taken off: under a claim not over at now
// (lease after now), as ClaimLoads counts. One whose lease ran out (its
// node stalled) is no longer counted, and taking it off too would let
// a claim open more than concurrency requests. It must run after
// ClaimLoads read the store at now: the finisher forgets an outcome
// before it stores it (ended), so an outcome stored before that read is
// no longer among those taken off, and one stored after it is either
// taken off (its attempt has ended) or counted (safe).
func (s *Service) settled(loads []park.SubscriptionLoad, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range loads {
		n := 0
		for _, lease := range s.answered[loads[i].SubscriptionID] {
			if lease.After(now) {
				n++
			}
		}
		loads[i].InFlight = max(0, loads[i].InFlight-n)
	}
}

// answer notes that the attempt of d ended (n = 1), or that its outcome
// is about to be stored (n = -1).
func (s *Service) answer(d *park.Delivery, n int) {
	var lease time.Time // none: never counted by the store
	if d.LeaseUntil != nil {
		lease = *d.LeaseUntil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := d.SubscriptionID
	if n > 0 {
		s.answered[id] = append(s.answered[id], lease)
		return
	}
	ls := s.answered[id]
	if i := slices.IndexFunc(ls, lease.Equal); i >= 0 {
		ls = slices.Delete(ls, i, i+1)
	}
	if len(ls) == 0 {
		delete(s.answered, id)
	} else {
		s.answered[id] = ls
	}
}

// latest returns the later of a and b.
func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
