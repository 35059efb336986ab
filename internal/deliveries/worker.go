package deliveries

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"parkd/internal/park"
)

// maxReply bounds what is kept of a partner's answer.
const maxReply = 512

// leaseMargin is how long before its claim's end an attempt is over, so
// that no other node may take the delivery while it is sent. startSlack
// is how long after its claim a delivery may start and still be given
// the longest attempt its lease allows.
const (
	leaseMargin = time.Second
	startSlack  = time.Second
)

// lane is one subscription's sender on this node: its settings and its
// partner's, as the last claim read them. Its limits are the cluster's,
// held by the claims (limits.go): sem only bounds what this node sends
// at once should the limits have changed since.
type lane struct {
	sub     *park.Subscription
	partner *park.Partner
	sem     chan struct{}
	held    atomic.Int64 // deliveries claimed for it and not yet attempted or handed back
	*pauseState
}

// pauseState is a partner's pause (Retry-After) on this node. It lives in
// the node's memory, beside the store's (PauseSubscription, written as it
// is heard), which holds the subscription's deliveries on every node and
// across a restart. An operator's action on the subscription, taken
// on any node, reaches it through the subscription's row: a replay and
// every PATCH write it (its version moves), and resume, given the row as
// now stored, lifts the pause as the operator lifted the stored one
// (liftsPause, LiftPause).
type pauseState struct {
	mu sync.Mutex
	// until is when the partner's last Retry-After (on a 429 or 503) ends:
	// it asked for no request before then, so the lane sends nothing until
	// then. under is the subscription as the attempt that heard it was
	// sent, then as resume last saw it.
	until time.Time
	under *park.Subscription
	// held are the ends of this pause (each longer Retry-After moved it)
	// that deliveries wait for, handed back or retried at them; lifted
	// are those of a pause lifted and not yet made due (resumeHeld).
	held, lifted []time.Time
}

// maxHeld bounds the pause ends kept: a pause moved more often than this
// (each move a 429 to an attempt already under way) lets its oldest
// deliveries wait for the end they were given.
const maxHeld = 16

// pause holds the lane's sending until t, or later if it already waits
// longer; sub is the subscription the attempt that heard it was sent
// under.
func (p *pauseState) pause(t time.Time, sub *park.Subscription) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t = t.Truncate(park.Precision) // as a delivery's next_at is stored
	if !t.After(p.until) {
		return
	}
	p.until, p.under = t, sub
	if len(p.held) == maxHeld {
		p.held = p.held[1:]
	}
	p.held = append(p.held, t)
}

// pausedUntil returns when the lane's pause ends, if it is paused at now.
func (p *pauseState) pausedUntil(now time.Time) (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.until, p.until.After(now)
}

// takeLifted returns the ends of a lifted pause that deliveries wait for,
// once.
func (p *pauseState) takeLifted() []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.lifted
	p.lifted = nil
	return out
}

// giveBack keeps ends takeLifted returned that could not be made due, for
// the next claim.
func (p *pauseState) giveBack(ts []time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lifted = append(p.lifted, ts...)
}

// paused returns how long the lane still waits for its partner's
// Retry-After at now (0: not at all).
func (p *pauseState) paused(now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return max(p.until.Sub(now), 0)
}

// resume lifts the pause if an operator lifted it since it began, as
// the subscription as now stored (sub) tells: a PATCH that changed its
// url or enabled (liftsPause), or a replay or such a PATCH since undone,
// both of which cleared the stored pause (LiftPause). Any other PATCH
// (limits, timeout, schedule, secret, or nothing changed) keeps it, as
// it keeps the stored one. A pause this node could not store is lifted
// by the first operator's change after it (at worst the partner answers
// another 429). What the pause held back is made due by the next claim
// (resumeHeld).
func (p *pauseState) resume(sub *park.Subscription) {
	p.mu.Lock()
	defer p.mu.Unlock()
	was := p.under
	if was == nil || sub.Version == was.Version {
		return
	}
	if !liftsPause(was, sub) && !sub.PausedUntil.Before(p.until) {
		p.under = sub // the stored pause still holds: so does this one
		return
	}
	p.lifted = append(p.lifted, p.held...)
	p.until, p.under, p.held = time.Time{}, nil, nil
}

// liftsPause is the rule for an operator's PATCH: one that changes the
// subscription's url or enabled (from was to now) lifts the partner's
// pause, stored and on every node; any other keeps it.
func liftsPause(was, now *park.Subscription) bool {
	return was.URL != now.URL || was.Enabled != now.Enabled
}

// full reports whether this node holds as many of the lane's deliveries
// as its concurrency lets the whole cluster hold.
func (l *lane) full() bool { return l.held.Load() >= int64(cap(l.sem)) }

// fullLanes lists the subscriptions this node knows have no room now,
// which its claims skip: a slow or rate-limited partner's deliveries,
// always the oldest due, would otherwise fill every claim and hold up
// every other partner's. A subscription whose partner asked for a pause
// (Retry-After) has no room until the pause ends, nor one whose rate
// has no slot free (rested, as a claim last read it) until the next.
func (s *Service) fullLanes() []string {
	now := s.base.Clock()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for id, l := range s.subs {
		if l.full() || l.paused(now) > 0 {
			out = append(out, id)
		}
	}
	for id, t := range s.rested {
		if !t.After(now) {
			delete(s.rested, id)
		} else if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// rest notes when the subscriptions' rates next have a slot free.
func (s *Service) rest(rested map[string]time.Time) {
	if len(rested) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, t := range rested {
		s.rested[id] = latest(s.rested[id], t)
	}
}

// unrest forgets that the subscriptions had no slot free: some were
// given back (returned), and the next claim reads how many.
func (s *Service) unrest(back map[string]time.Duration) {
	if len(back) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id := range back {
		delete(s.rested, id)
	}
}

// forget drops a subscription's lane, so its next delivery reads it again.
func (s *Service) forget(id string) {
	s.mu.Lock()
	delete(s.subs, id)
	s.mu.Unlock()
}

// outcome is what became of one claimed delivery.
type outcome struct {
	d       *park.Delivery
	release bool          // not attempted: due again after wait
	wait    time.Duration // for a release: how long until it is due again
	due     time.Time     // for a release held by a pause: when it ends (wait unused)
	gone    bool          // the partner answered 410: disable the subscription
	subVer  int64         // for gone or paused: the subscription's version the attempt was made under
	subURL  string        // for paused: the url the attempt was sent to
	after   time.Duration // the partner's Retry-After, if any: its subscription's lane waits as long
	paused  time.Time     // for after: when the pause ends, stored for every node (PauseSubscription)
	slot    usedSlot      // for a release untried: the rate's slot its claim used, given back (returned)
	untried bool          // for a release by send: made before any request (slot is then set)
}

// Run delivers due reports until ctx ends. Several nodes may run it on
// one database: a delivery is claimed by one at a time.
func (s *Service) Run(ctx context.Context) error {
	results := make(chan outcome, s.opts.MaxInFlight)
	var inflight atomic.Int64
	var wg sync.WaitGroup
	finished := make(chan struct{})
	go func() { defer close(finished); s.finisher(results, &inflight) }()
	defer func() {
		wg.Wait() // attempts end with ctx; their outcomes are recorded
		close(results)
		<-finished
	}()
	nextCount := time.Time{}
	races := 0 // claims in a row that lost some of what they found to another node
	for {
		if ctx.Err() != nil {
			return nil
		}
		now := s.base.Clock()
		if now.After(nextCount) {
			s.countQueue(ctx, now)
			nextCount = now.Add(5 * time.Second)
		}
		n, raced := 0, false
		if free := s.opts.MaxInFlight - int(inflight.Load()); free > 0 {
			var atts []claimed
			var err error
			atts, raced, err = s.claim(ctx, min(free, s.opts.Batch))
			if err != nil && ctx.Err() == nil {
				s.base.Log.Warn("claiming deliveries", "err", err)
			}
			n = len(atts)
			for _, a := range atts {
				inflight.Add(1)
				wg.Add(1)
				go func() {
					defer wg.Done()
					o := s.attempt(ctx, a)
					s.answer(o.d, 1)
					results <- o
					s.poke() // its lane has room again, as the cluster counts
				}()
			}
		}
		// A node that lost a race claims again at once, a few times: rows
		// another transaction holds locked would otherwise keep it
		// spinning until that transaction ends.
		if raced {
			races++
		} else {
			races = 0
		}
		if n < s.opts.Batch && (!raced || races > maxRaceReclaims) {
			races = 0
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(s.opts.Poll):
			case <-s.wake:
			}
		}
	}
}

// maxRaceReclaims bounds the claims made at once, one after another,
// after claims that lost a race.
const maxRaceReclaims = 3

// maxFullRounds bounds the searches for due deliveries one claim makes,
// each skipping the subscriptions the one before found without room.
const maxFullRounds = 3

// claimed is a delivery with what its attempt needs.
type claimed struct {
	att  *Attempt
	lane *lane
	err  error    // the report or subscription could not be read
	slot usedSlot // of its subscription's rate, which the claim used for it
}

// claim takes due deliveries and reads their reports and subscriptions.
// What is due is found in a read transaction and only claimed in a write
// one: the search walks everything still to be delivered (a disabled
// subscription's backlog, reports held behind an earlier one), and on
// SQLite a write transaction holds the one writer every gate event
// needs. With nothing due, or nothing the subscriptions' limits let it
// take, no write transaction is opened at all. The claim itself holds
// the limits for the whole cluster: serialised with every node's
// claims, it reads what they hold in flight and the slots of the rates
// they used, takes no more than these leave, and uses the slots of what
// it took (limits.go). raced says that some of what was found due was no
// longer there to claim (another node claimed it, or the room for it,
// meanwhile): there may be more to claim at once.
func (s *Service) claim(ctx context.Context, limit int) (_ []claimed, raced bool, _ error) {
	if err := s.resumePaused(ctx); err != nil {
		return nil, false, err
	}
	if err := s.resumeHeld(ctx); err != nil {
		return nil, false, err
	}
	now := s.base.Clock()
	skip := s.fullLanes()
	var seqs []int64
	var rested map[string]time.Time
	err := s.base.View(ctx, func(tx park.Tx) error {
		// Subscriptions with no room, found among the oldest due, are
		// skipped and the search made again, so that they do not fill it.
		for range maxFullRounds {
			due, err := tx.DueDeliveries(ctx, now, limit, skip)
			if err != nil || len(due) == 0 {
				seqs = nil
				return err
			}
			loads, err := tx.ClaimLoads(ctx, due, now)
			if err != nil {
				return err
			}
			s.settled(loads, now)
			var full []string
			seqs, full, rested = within(loads, now)
			s.rest(rested)
			if len(full) == 0 {
				return nil
			}
			skip = append(skip, full...)
		}
		return nil
	})
	if err != nil || len(seqs) == 0 {
		return nil, false, err
	}
	var ds []*park.Delivery
	var slots []usedSlot // ds' own
	err = s.base.Write(ctx, func(tx park.Tx) error {
		if err := tx.Serialize(ctx, park.ClaimKey); err != nil {
			return err
		}
		loads, err := tx.ClaimLoads(ctx, seqs, now)
		if err != nil {
			return err
		}
		s.settled(loads, now)
		mine, _, _ := within(loads, now)
		ds = nil
		if len(mine) == 0 {
			return nil
		}
		if ds, err = tx.ClaimDueDeliveries(ctx, mine, now, now.Add(s.opts.Lease)); err != nil {
			return err
		}
		took := map[string]int{}
		for _, d := range ds {
			took[d.SubscriptionID]++
		}
		slots = usedSlots(loads, ds, now)
		rested = map[string]time.Time{}
		for _, l := range loads {
			if n := took[l.SubscriptionID]; n > 0 {
				l.SlotsUntil = slotsAfter(l, now, n)
				if err := tx.UseSlots(ctx, l.SubscriptionID, l.SlotsUntil); err != nil {
					return err
				}
				l.InFlight += n
				if _, next := room(l, now); !next.IsZero() {
					rested[l.SubscriptionID] = next
				}
			}
		}
		return nil
	})
	if err == nil {
		s.rest(rested)
	}
	raced = err == nil && len(ds) < len(seqs)
	if err != nil || len(ds) == 0 {
		return nil, raced, err
	}
	out := make([]claimed, len(ds))
	err = s.base.View(ctx, func(tx park.Tx) error {
		ids := make([]string, len(ds))
		for i, d := range ds {
			ids[i] = d.ReportID
		}
		got, err := tx.GetReports(ctx, ids) // one round trip, not one a delivery
		if err != nil {
			return err
		}
		reports := make(map[string]*park.Report, len(got))
		for _, r := range got {
			reports[r.ID] = r
		}
		type read struct {
			l   *lane
			err error
		}
		lanes := map[string]read{} // each subscription read once a claim
		for i, d := range ds {
			out[i].att, out[i].slot = &Attempt{Delivery: d}, slots[i]
			lr, ok := lanes[d.SubscriptionID]
			if !ok {
				lr.l, lr.err = s.laneFor(ctx, tx, d.SubscriptionID)
				lanes[d.SubscriptionID] = lr
			}
			l, err := lr.l, lr.err
			if err != nil {
				out[i].err = err
				continue
			}
			r, ok := reports[d.ReportID]
			if !ok {
				out[i].err = park.Errorf(park.ENotFound, "report %q not found", d.ReportID)
				continue
			}
			var data park.ReportData
			if err := json.Unmarshal(r.Data, &data); err != nil {
				out[i].err = fmt.Errorf("report %s: %w", r.ID, err)
				continue
			}
			out[i].lane = l
			l.held.Add(1)
			out[i].att.Report, out[i].att.Data, out[i].att.Subscription, out[i].att.Partner = r, &data, l.sub, l.partner
		}
		return nil
	})
	if err != nil { // released by their lease
		return nil, raced, err
	}
	return out, raced, nil
}

// laneFor returns a subscription's lane with its settings and its
// partner's as stored now. They are read on every claim, never kept: a
// secret, sign mode or URL changed by any subsystem, on any node, signs
// and aims every attempt claimed after the change, where a cache would
// sign with the old secret until it expired (and the partner refuse it).
func (s *Service) laneFor(ctx context.Context, tx park.Tx, id string) (*lane, error) {
	sub, err := tx.GetSubscription(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := tx.GetPartner(ctx, sub.PartnerID)
	if err != nil {
		return nil, err
	}
	return s.laneOf(sub, p), nil
}

// laneOf is the subscription's lane with these settings.
func (s *Service) laneOf(sub *park.Subscription, p *park.Partner) *lane {
	id := sub.ID
	_, conc := limits(sub.RateLimit, sub.Concurrency)
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.subs[id]; ok && cap(l.sem) == conc {
		l.sub, l.partner = sub, p // same limits: keep what is in flight counted
		return l
	}
	l := &lane{sub: sub, partner: p, sem: make(chan struct{}, conc), pauseState: &pauseState{}}
	if old, ok := s.subs[id]; ok { // new limits: the partner's pause still holds
		l.pauseState = old.pauseState
	}
	s.subs[id] = l
	return l
}

// pausedFor returns how long the subscription (as now stored, sub)
// still waits for its partner's Retry-After (0: not at all): the pause
// stored with it (heard by any node, before a restart too) or the one
// this node heard, whichever ends later.
func (s *Service) pausedFor(sub *park.Subscription) time.Duration {
	now := s.base.Clock()
	stored := max(sub.PausedUntil.Sub(now), 0)
	s.mu.Lock()
	l, ok := s.subs[sub.ID]
	s.mu.Unlock()
	if !ok {
		return stored
	}
	l.resume(sub)
	return max(l.paused(now), stored)
}

// resumePaused reads the subscriptions this node holds paused, so that an
// operator's replay or change, on any node, lifts their pause (resume)
// before the claim that follows. Paused subscriptions are few, and read
// once a poll each.
func (s *Service) resumePaused(ctx context.Context) error {
	now := s.base.Clock()
	s.mu.Lock()
	paused := map[string]*lane{}
	for id, l := range s.subs {
		if l.paused(now) > 0 {
			paused[id] = l
		}
	}
	s.mu.Unlock()
	if len(paused) == 0 {
		return nil
	}
	return s.base.View(ctx, func(tx park.Tx) error {
		for id, l := range paused {
			sub, err := tx.GetSubscription(ctx, id)
			if park.IsCode(err, park.ENotFound) { // deleted: nothing of it is sent
				continue
			} else if err != nil {
				return err
			}
			l.resume(sub)
		}
		return nil
	})
}

// resumeHeld makes due at once what lifted pauses held back: the
// deliveries waiting for the very end of a pause (handed back for it, or
// the one the partner answered with its Retry-After). Another delivery of
// the subscription keeps its time: a retry on its own schedule is not
// pulled forward by the lift.
func (s *Service) resumeHeld(ctx context.Context) error {
	s.mu.Lock()
	lifted := map[string][]time.Time{}
	for id, l := range s.subs {
		if ts := l.takeLifted(); len(ts) > 0 {
			lifted[id] = ts
		}
	}
	s.mu.Unlock()
	if len(lifted) == 0 {
		return nil
	}
	now := s.base.Clock()
	err := s.base.Write(ctx, func(tx park.Tx) error {
		for id, ts := range lifted {
			for _, t := range ts {
				if _, err := tx.ResumeDeliveries(ctx, id, t, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil { // tried again at the next claim
		s.mu.Lock()
		for id, ts := range lifted {
			if l, ok := s.subs[id]; ok {
				l.giveBack(ts)
			}
		}
		s.mu.Unlock()
	}
	return err
}

// attempt sends one delivery, claimed within its subscription's limits
// (claim): at once.
func (s *Service) attempt(ctx context.Context, c claimed) outcome {
	d := c.att.Delivery
	if c.err != nil {
		s.base.Log.Error("delivery cannot be attempted", "delivery", d.ID, "err", c.err)
		return outcome{d: d, release: true, slot: c.slot}
	}
	l := c.lane
	defer l.held.Add(-1)
	// The schedule's first step is the wait before the first attempt,
	// counted from when the report was written (0 in the default: at
	// once). A replay starts again at its first attempt, long after.
	if sched := c.att.Subscription.Schedule; d.Attempts == 0 && len(sched) > 0 && sched[0] > 0 {
		if wait := d.CreatedAt.Add(sched[0]).Sub(s.base.Clock()); wait > 0 {
			return outcome{d: d, release: true, wait: wait, slot: c.slot}
		}
	}
	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return outcome{d: d, release: true, slot: c.slot}
	}
	defer func() { <-l.sem }()
	// The partner asked for no request before the end of its Retry-After
	// (to another delivery of this subscription, sent while this one
	// waited): handed back untried, due when the pause ends, that very
	// time, so that lifting the pause finds it (resumeHeld).
	if end, ok := l.pausedUntil(s.base.Clock()); ok {
		return outcome{d: d, release: true, due: end, slot: c.slot}
	}
	o := s.send(ctx, c.att)
	if o.untried {
		o.slot = c.slot
	}
	if o.after > 0 {
		o.paused, o.subVer, o.subURL = c.att.At.Add(o.after), c.att.Subscription.Version, c.att.Subscription.URL
		l.pause(o.paused, c.att.Subscription)
	}
	return o
}

// send makes the attempt and judges the answer.
func (s *Service) send(ctx context.Context, a *Attempt) outcome {
	d, sub := a.Delivery, a.Subscription
	timeout := sub.AttemptTimeout()
	a.At = s.base.Clock()
	at := a.At
	// An attempt ends within its claim, with a margin: once the lease is
	// over, another node may send the same delivery. A timeout longer
	// than a claim allows is cut to it. One that waited for its turn
	// until less than its timeout is left gives the claim back untried,
	// to be claimed afresh with a whole lease: cutting its timeout would
	// count an answer that comes in time as a failure, and send it again.
	timeout = min(timeout, s.opts.Lease-leaseMargin-startSlack)
	if d.LeaseUntil != nil && d.LeaseUntil.Sub(at)-leaseMargin < timeout {
		return outcome{d: d, release: true, untried: true}
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	prevAt, prevStatus, prevReply := d.LastAttemptAt, d.LastStatus, d.LastReply
	d.Attempts++
	d.LastAttemptAt, d.LastStatus, d.LastReply = &at, 0, ""
	f, ok := s.formats[sub.Format]
	if !ok {
		d.LastReply = "this node cannot send format " + sub.Format
		return s.failed(d, sub, at, 0)
	}
	if !carries(f, d.Report) {
		// Made before formats were checked: no attempt can succeed.
		d.LastReply = "the format " + sub.Format + " cannot carry " + d.Report +
			" reports: subscribe again in a format that does (native)"
		d.State = park.DeliveryDead
		return outcome{d: d}
	}
	req, err := f.Request(actx, a, sub.URL)
	if err != nil {
		d.LastReply = "could not build the request: " + err.Error()
		if errors.Is(err, ErrUnshapeable) {
			d.State = park.DeliveryDead
			return outcome{d: d}
		}
		return s.failed(d, sub, at, 0)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		if ctx.Err() != nil { // parkd is stopping: not the partner's failure, nor an attempt
			d.Attempts--
			d.LastAttemptAt, d.LastStatus, d.LastReply = prevAt, prevStatus, prevReply
			return outcome{d: d, release: true}
		}
		d.LastReply = shortError(err)
		s.metrics.DeliveryAttempt(d.PartnerID, d.Report, false)
		return s.failed(d, sub, at, 0)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	ok, why := f.Judge(resp.StatusCode, body)
	d.LastStatus, d.LastReply = resp.StatusCode, replyText(why, answerText(resp, body))
	if ok {
		s.metrics.DeliveryAttempt(d.PartnerID, d.Report, true)
		d.State, d.DeliveredAt = park.DeliveryDelivered, &at
		return outcome{d: d}
	}
	s.metrics.DeliveryAttempt(d.PartnerID, d.Report, false)
	if r, ok := f.(Refuser); ok && r.Refused(resp.StatusCode, body) {
		d.State = park.DeliveryDead
		return outcome{d: d}
	}
	gone, after := refusal(resp, at)
	if gone {
		d.State, d.NextAt = park.DeliveryFailed, at
		return outcome{d: d, gone: true, subVer: sub.Version}
	}
	return s.failed(d, sub, at, after)
}

// refusal reads what a partner's answer that did not acknowledge asks of
// its subscription, for queued deliveries and sensorless asks alike: a
// 410 says the endpoint is gone (disable the subscription); a 429 or 503
// may ask for no request before its Retry-After ends (pause it).
func refusal(resp *http.Response, at time.Time) (gone bool, after time.Duration) {
	switch resp.StatusCode {
	case http.StatusGone:
		return true, 0
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return false, retryAfter(resp.Header.Get("Retry-After"), at)
	}
	return false, 0
}

// failed schedules the next attempt, or ends the delivery dead after the
// schedule's last.
func (s *Service) failed(d *park.Delivery, sub *park.Subscription, at time.Time, after time.Duration) outcome {
	schedule := sub.Schedule
	if len(schedule) == 0 {
		schedule = park.DefaultSchedule
	}
	if d.Attempts >= len(schedule) {
		d.State = park.DeliveryDead
		return outcome{d: d, after: after}
	}
	wait := jitter(schedule[d.Attempts])
	d.State, d.NextAt = park.DeliveryFailed, at.Add(max(wait, after))
	return outcome{d: d, after: after}
}

// jitter spreads a wait by ±20 %, so deliveries that failed together do
// not come back together.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// maxRetryAfter caps a partner's Retry-After.
const maxRetryAfter = 24 * time.Hour

// retryAfter reads a Retry-After header (seconds or an HTTP date), capped
// at maxRetryAfter. Seconds are any number of digits: more than a day's,
// even more than an integer holds, are a day.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if strings.Trim(h, "0123456789") == "" {
		n, err := strconv.ParseInt(h, 10, 64)
		if err != nil || n > int64(maxRetryAfter/time.Second) { // too many digits for an int64
			return maxRetryAfter
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return min(t.Sub(now), maxRetryAfter)
	}
	return 0
}

// answerText is what an operator is shown of a reply's body, queued report
// or sensorless ask alike: a redirect is not followed (it could lead
// anywhere), so where it pointed comes first, for the operator to fix the
// subscription's URL; a redirect's body is most often empty.
func answerText(resp *http.Response, body []byte) string {
	loc := resp.Header.Get("Location")
	if resp.StatusCode < 300 || resp.StatusCode > 399 || loc == "" {
		return string(body)
	}
	moved := "redirect to " + loc + " not followed: point the subscription there if it moved"
	if len(body) == 0 {
		return moved
	}
	return moved + "; " + string(body)
}

// replyText is what an operator is shown of a reply: the format's reason
// for refusing it, if it gave one, before the reply itself, clipped.
func replyText(why, reply string) string {
	if strings.TrimSpace(reply) == "" {
		reply = "" // blanks only: nothing to show, not "???"
	}
	switch {
	case why == "":
		return clip(reply)
	case reply == "":
		return clip(why)
	}
	return clip(why + ": " + reply)
}

func shortError(err error) string {
	var ue interface{ Timeout() bool }
	if errors.As(err, &ue) && ue.Timeout() {
		return "no answer before the timeout"
	}
	return clip(err.Error())
}

// clip shortens a partner's reply for the record, as text both stores
// keep (park.CleanText: no NUL, no control characters).
func clip(s string) string {
	s = park.CleanText(s)
	if len(s) <= maxReply {
		return s
	}
	i := maxReply
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// finisher records outcomes in batches: one write transaction for many.
func (s *Service) finisher(results <-chan outcome, inflight *atomic.Int64) {
	const most = 256
	batch := make([]outcome, 0, most)
	flush := func() {
		if len(batch) == 0 {
			return
		}
		// Recorded even while parkd stops: the partner may have the report.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		now := s.base.Clock()
		ds := make([]*park.Delivery, len(batch))
		for i, o := range batch {
			d := o.d
			if o.release {
				d.NextAt = now.Add(o.wait)
				if !o.due.IsZero() {
					d.NextAt = o.due
				}
				if d.State == park.DeliverySending || d.State == "" {
					d.State = park.DeliveryPending
					if d.Attempts > 0 {
						d.State = park.DeliveryFailed
					}
				}
			}
			ds[i] = d
			// Forgotten before it is stored (settled): counted in flight
			// for the commit's while, never for neither.
			s.answer(d, -1)
		}
		// What releases untried give back of their rates' slots, by
		// subscription: the partner was sent nothing under them.
		back := map[string]time.Duration{}
		for _, o := range batch {
			if r := o.slot.returned(now); r > 0 {
				back[o.d.SubscriptionID] += r
			}
		}
		var disabled []*park.Delivery
		err := s.base.Update(ctx, func(tx park.Tx) error {
			disabled = disabled[:0]
			// A deleted subscription took its deliveries with it: fewer
			// stored than given is no error.
			if _, err := tx.FinishDeliveries(ctx, ds); err != nil {
				return err
			}
			for id, r := range back {
				if err := tx.ReturnSlots(ctx, id, r); err != nil {
					return err
				}
			}
			for _, o := range batch {
				// Recorded with the attempt that heard it: the other nodes,
				// and this one after a restart, hold the subscription too.
				if !o.paused.IsZero() {
					if err := tx.PauseSubscription(ctx, o.d.SubscriptionID, o.subURL, o.paused); err != nil {
						return err
					}
				}
				if o.gone {
					done, err := disable(ctx, tx, o.d.SubscriptionID, o.subVer, now)
					if err != nil {
						return err
					}
					if done {
						disabled = append(disabled, o.d)
					}
				}
			}
			return nil
		})
		if err != nil {
			// Their leases run out and they are sent again: at least once.
			s.base.Log.Error("recording delivery outcomes", "deliveries", len(batch), "err", err)
		}
		for _, o := range batch {
			if o.gone {
				s.forget(o.d.SubscriptionID)
			}
		}
		if err == nil {
			s.unrest(back)
			for _, d := range disabled {
				s.base.Log.Warn("subscription disabled: the partner answered 410 Gone", "subscription", d.SubscriptionID, "partner", d.PartnerID)
			}
		}
		inflight.Add(-int64(len(batch)))
		batch = batch[:0]
		s.poke()
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case o, ok := <-results:
			if !ok {
				flush()
				return
			}
			batch = append(batch, o)
			if len(batch) == most {
				flush()
			}
		case <-tick.C:
			flush()
		}
	}
}

// disable turns a subscription off because its partner said it is gone;
// its deliveries wait until it is enabled again. Only the subscription
// as the attempt was made under it (version): one changed since, as an
// operator enabling it again after an earlier 410, stands, and a 410 to
// an attempt that was already under way then does not undo it.
func disable(ctx context.Context, tx park.Tx, id string, version int64, now time.Time) (bool, error) {
	sub, err := tx.GetSubscription(ctx, id)
	if park.IsCode(err, park.ENotFound) {
		return false, nil
	}
	if err != nil || !sub.Enabled || sub.Version != version {
		return false, err
	}
	sub.Enabled, sub.DisabledBy, sub.UpdatedAt = false, "the partner answered 410 Gone at "+now.Format(time.RFC3339), now
	return true, tx.UpdateSubscription(ctx, sub)
}

// disableGone disables a subscription whose partner answered 410 to an
// attempt made under it (disable), outside the finisher's batches.
func (s *Service) disableGone(ctx context.Context, sub *park.Subscription) {
	var done bool
	err := s.base.Write(ctx, func(tx park.Tx) (err error) {
		done, err = disable(ctx, tx, sub.ID, sub.Version, s.base.Clock())
		return err
	})
	s.forget(sub.ID)
	switch {
	case err != nil:
		s.base.Log.Error("disabling a subscription the partner said is gone", "subscription", sub.ID, "partner", sub.PartnerID, "err", err)
	case done:
		s.base.Log.Warn("subscription disabled: the partner answered 410 Gone", "subscription", sub.ID, "partner", sub.PartnerID)
	}
}

// storePause records a partner's pause heard outside the finisher's
// batches (an ask, which records no attempt), so every node holds the
// subscription's deliveries until it ends (PauseSubscription). Not
// recorded, it still holds this node (pauseState).
func (s *Service) storePause(ctx context.Context, sub *park.Subscription, until time.Time) {
	err := s.base.Write(ctx, func(tx park.Tx) error { return tx.PauseSubscription(ctx, sub.ID, sub.URL, until) })
	if err != nil {
		s.base.Log.Error("recording a partner's pause", "subscription", sub.ID, "partner", sub.PartnerID, "err", err)
	}
}

// countQueue reports the queue to the metrics.
func (s *Service) countQueue(ctx context.Context, now time.Time) {
	var counts []park.DeliveryCount
	if err := s.base.View(ctx, func(tx park.Tx) (err error) { counts, err = tx.CountDeliveries(ctx); return }); err == nil {
		s.metrics.DeliveryQueue(counts, now)
	}
}
