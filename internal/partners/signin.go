package partners

import (
	"context"
	"math"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"parkd/internal/park"
)

// Password guessing. Each sign-in costs a bcrypt check (about 60 ms of a
// core), so an unbounded flood of guesses both tries passwords and starves
// every other request. A SignInGuard bounds both: attempts per user and
// per source address (token buckets), and how many password checks run
// at once. It is vendor-neutral: the partners' Login uses one, and any
// other sign-in (an operator console) can use one the same way.
//
// The limits live in one process: on several nodes each node limits on
// its own, so a client spreading its attempts over n nodes gets n times
// the rate (docs/security.md).

// Rate is a token bucket: Burst attempts at once, then one more every
// Every.
type Rate struct {
	Burst int
	Every time.Duration
}

// SignInLimits configure a SignInGuard; zero fields take the defaults.
type SignInLimits struct {
	// PerUser counts failed attempts at one username (a success gives its
	// attempt back, so a user's own sign-ins never lock them out).
	PerUser Rate
	// PerSource counts every attempt from one source address (an IPv4
	// address, or an IPv6 /64).
	PerSource Rate
	// Hashing bounds the password checks running at once, so that a flood
	// leaves the other requests CPU to run on; Wait is how long an attempt
	// waits for a turn before it is refused.
	Hashing int
	Wait    time.Duration
	// Slow is how long an attempt refused for its user's or source's limit
	// waits before its answer (never past the limit's end): a client
	// guessing in a loop then sends one guess per Slow and connection,
	// instead of as many refusals as the server can write. At most
	// maxSlowed attempts wait at once; the others are answered at once.
	Slow time.Duration
}

// DefaultSignInLimits: 10 failed attempts at a user, then one a minute;
// 30 attempts from a source, then one every 2 seconds; password checks on
// at most half the cores, waiting at most 3 seconds for a turn; a refused
// attempt answered after a second.
var DefaultSignInLimits = SignInLimits{
	PerUser:   Rate{Burst: 10, Every: time.Minute},
	PerSource: Rate{Burst: 30, Every: 2 * time.Second},
	Hashing:   max(1, runtime.GOMAXPROCS(0)/2),
	Wait:      3 * time.Second,
	Slow:      time.Second,
}

// maxSlowed bounds the refused attempts that wait before their answer, so
// that a client with many connections cannot hold more than that many
// goroutines asleep.
const maxSlowed = 4096

// maxBuckets bounds each table of buckets: past it, full buckets (which
// are the same as none) are forgotten, and while it is still full, new
// keys share one bucket.
const maxBuckets = 100_000

// SignInGuard limits password checks (see above). Its zero value is not
// usable; build it with NewSignInGuard.
type SignInGuard struct {
	limits  SignInLimits
	now     func() time.Time
	hashing chan struct{}
	slowed  atomic.Int64

	mu      sync.Mutex
	users   buckets
	sources buckets
}

// NewSignInGuard returns a guard with limits l (zero fields: the
// defaults) on the clock now.
func NewSignInGuard(l SignInLimits, now func() time.Time) *SignInGuard {
	d := DefaultSignInLimits
	if l.PerUser.Burst <= 0 || l.PerUser.Every <= 0 {
		l.PerUser = d.PerUser
	}
	if l.PerSource.Burst <= 0 || l.PerSource.Every <= 0 {
		l.PerSource = d.PerSource
	}
	if l.Hashing <= 0 {
		l.Hashing = d.Hashing
	}
	if l.Wait <= 0 {
		l.Wait = d.Wait
	}
	if l.Slow <= 0 {
		l.Slow = d.Slow
	}
	return &SignInGuard{limits: l, now: now, hashing: make(chan struct{}, l.Hashing),
		users: buckets{rate: l.PerUser, m: map[string]*bucket{}}, sources: buckets{rate: l.PerSource, m: map[string]*bucket{}}}
}

// Check runs one password check of user from source (a client address,
// "host:port" or "host"; "" for none): check reports whether the password
// is right. An attempt over either limit is refused without a check
// (ERateLimited, At: when one will be allowed), as is one that finds no
// turn to run within the guard's wait. A failed check counts against the
// user; a right one does not.
func (g *SignInGuard) Check(ctx context.Context, source, user string, check func() (bool, error)) (bool, error) {
	src := sourceKey(source)
	if err := g.take(src, user); err != nil {
		g.slow(ctx, err)
		return false, err
	}
	t := time.NewTimer(g.limits.Wait)
	defer t.Stop()
	select {
	case g.hashing <- struct{}{}:
	case <-t.C:
		g.giveBack(src, user)
		return false, g.busy()
	case <-ctx.Done():
		g.giveBack(src, user)
		return false, park.Errorf(park.EUnavailable, "sign-in cancelled: %v", ctx.Err())
	}
	ok, err := func() (bool, error) {
		defer func() { <-g.hashing }()
		return check()
	}()
	switch {
	case err != nil: // not a guess: the check could not run
		g.giveBack(src, user)
	case ok:
		g.mu.Lock()
		g.users.give(user, g.now())
		g.mu.Unlock()
	}
	return ok, err
}

// take spends an attempt of user and of source, or neither.
func (g *SignInGuard) take(source, user string) *park.Error {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	u, s := g.users.get(user, now), g.sources.get(source, now)
	if u.tokens < 1 || s.tokens < 1 {
		wait := max(u.wait(g.limits.PerUser), s.wait(g.limits.PerSource))
		return &park.Error{Code: park.ERateLimited, At: now.Add(wait),
			Message: "too many sign-in attempts; retry after " + now.Add(wait).Format(time.RFC3339)}
	}
	u.tokens--
	s.tokens--
	return nil
}

// slow holds a refused attempt's answer for the guard's Slow, or until
// the limit ends if that is sooner.
func (g *SignInGuard) slow(ctx context.Context, err *park.Error) {
	d := min(g.limits.Slow, err.At.Sub(g.now()))
	if d <= 0 {
		return
	}
	if g.slowed.Add(1) > maxSlowed {
		g.slowed.Add(-1)
		return
	}
	defer g.slowed.Add(-1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func (g *SignInGuard) giveBack(source, user string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	g.users.give(user, now)
	g.sources.give(source, now)
}

// busy is the refusal of an attempt that found no turn: the checks are all
// taken, so a second later is as good a guess as any.
func (g *SignInGuard) busy() error {
	at := g.now().Add(time.Second)
	return &park.Error{Code: park.ERateLimited, At: at, Message: "too many sign-ins at once; retry after " + at.Format(time.RFC3339)}
}

// sourceKey is the address a source is limited by: its IP, or for IPv6
// its /64 (one subscriber's whole network).
func sourceKey(source string) string {
	host := source
	if h, _, err := net.SplitHostPort(source); err == nil {
		host = h
	}
	ip := net.ParseIP(host)
	switch {
	case ip == nil:
		return host
	case ip.To4() != nil:
		return ip.To4().String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

// wait is how long until the bucket holds one token.
func (b *bucket) wait(r Rate) time.Duration {
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration(math.Ceil((1 - b.tokens) * float64(r.Every)))
}

type buckets struct {
	rate    Rate
	m       map[string]*bucket
	swept   time.Time
	overall bucket // shared by new keys while the table is full
}

// get returns key's bucket refilled to now.
func (bs *buckets) get(key string, now time.Time) *bucket {
	b, ok := bs.m[key]
	if !ok {
		if len(bs.m) >= maxBuckets {
			bs.sweep(now)
		}
		if len(bs.m) >= maxBuckets {
			b = &bs.overall
			if b.at.IsZero() {
				b.tokens, b.at = float64(bs.rate.Burst), now
			}
		} else {
			b = &bucket{tokens: float64(bs.rate.Burst), at: now}
			bs.m[key] = b
		}
	}
	bs.refill(b, now)
	return b
}

func (bs *buckets) refill(b *bucket, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(float64(bs.rate.Burst), b.tokens+float64(d)/float64(bs.rate.Every))
		b.at = now
	}
}

// give returns one token to key's bucket.
func (bs *buckets) give(key string, now time.Time) {
	b := bs.get(key, now)
	b.tokens = min(float64(bs.rate.Burst), b.tokens+1)
}

// sweep forgets full buckets, at most once a second.
func (bs *buckets) sweep(now time.Time) {
	if now.Sub(bs.swept) < time.Second {
		return
	}
	bs.swept = now
	for k, b := range bs.m {
		if bs.refill(b, now); b.tokens >= float64(bs.rate.Burst) {
			delete(bs.m, k)
		}
	}
}
