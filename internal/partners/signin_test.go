package partners_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/partners"
)

// guardClock is a settable clock for a SignInGuard.
type guardClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *guardClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *guardClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newGuard is a guard on a settable clock whose refusals are answered at
// once unless l says otherwise.
func newGuard(l partners.SignInLimits) (*partners.SignInGuard, *guardClock) {
	c := &guardClock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	if l.Slow == 0 {
		l.Slow = time.Nanosecond
	}
	return partners.NewSignInGuard(l, c.now), c
}

var (
	wrong = func() (bool, error) { return false, nil }
	right = func() (bool, error) { return true, nil }
)

// wantLimited checks an attempt was refused, without running its check,
// and returns when it says to try again.
func wantLimited(t *testing.T, g *partners.SignInGuard, source, user string) time.Time {
	t.Helper()
	ran := false
	_, err := g.Check(context.Background(), source, user, func() (bool, error) { ran = true; return false, nil })
	var pe *park.Error
	if !errors.As(err, &pe) || pe.Code != park.ERateLimited || ran {
		t.Fatalf("attempt of %s from %s: %v (check ran: %v), want rate_limited without a check", user, source, err, ran)
	}
	return pe.At
}

func attempt(t *testing.T, g *partners.SignInGuard, source, user string, check func() (bool, error)) {
	t.Helper()
	if _, err := g.Check(context.Background(), source, user, check); err != nil {
		t.Fatalf("attempt of %s from %s: %v", user, source, err)
	}
}

func TestSignInGuard(t *testing.T) {
	t.Parallel()
	roomy := partners.Rate{Burst: 1000, Every: time.Millisecond}
	t.Run("PerUser", func(t *testing.T) {
		g, clock := newGuard(partners.SignInLimits{PerUser: partners.Rate{Burst: 3, Every: time.Minute}, PerSource: roomy})
		for range 3 {
			attempt(t, g, "192.0.2.1:1000", "ana", wrong)
		}
		at := wantLimited(t, g, "192.0.2.9:1000", "ana") // from anywhere
		if want := clock.now().Add(time.Minute); !at.Equal(want) {
			t.Fatalf("retry at %v, want %v", at, want)
		}
		attempt(t, g, "192.0.2.1:1000", "bia", wrong) // another user is not limited
		clock.add(time.Minute)
		attempt(t, g, "192.0.2.1:1000", "ana", wrong)
		wantLimited(t, g, "192.0.2.1:1000", "ana")
	})
	t.Run("SuccessIsNotCounted", func(t *testing.T) {
		g, _ := newGuard(partners.SignInLimits{PerUser: partners.Rate{Burst: 2, Every: time.Hour}, PerSource: roomy})
		for range 10 {
			attempt(t, g, "192.0.2.1:1000", "ana", right)
		}
		attempt(t, g, "192.0.2.1:1000", "ana", wrong)
		attempt(t, g, "192.0.2.1:1000", "ana", right)
	})
	t.Run("PerSource", func(t *testing.T) {
		g, clock := newGuard(partners.SignInLimits{PerUser: roomy, PerSource: partners.Rate{Burst: 2, Every: 10 * time.Second}})
		attempt(t, g, "192.0.2.1:1000", "u1", right) // successes count against a source
		attempt(t, g, "192.0.2.1:2000", "u2", wrong) // another port, the same address
		if at := wantLimited(t, g, "192.0.2.1:3000", "u3"); !at.Equal(clock.now().Add(10 * time.Second)) {
			t.Fatalf("retry at %v", at)
		}
		attempt(t, g, "192.0.2.2:1000", "u3", wrong)
		// An IPv6 source is its /64.
		attempt(t, g, "[2001:db8::1]:1000", "u4", wrong)
		attempt(t, g, "[2001:db8::2]:1000", "u5", wrong)
		wantLimited(t, g, "[2001:db8:0:0:ffff::3]:1000", "u6")
		attempt(t, g, "[2001:db8:0:1::1]:1000", "u6", wrong)
		clock.add(10 * time.Second)
		attempt(t, g, "192.0.2.1:1000", "u1", wrong)
	})
	t.Run("ErrorIsNotCounted", func(t *testing.T) {
		g, _ := newGuard(partners.SignInLimits{PerUser: partners.Rate{Burst: 1, Every: time.Hour}, PerSource: roomy})
		down := func() (bool, error) { return false, park.Errorf(park.EUnavailable, "database down") }
		for range 3 {
			if _, err := g.Check(context.Background(), "", "ana", down); !park.IsCode(err, park.EUnavailable) {
				t.Fatal(err)
			}
		}
		attempt(t, g, "", "ana", wrong)
	})
	t.Run("RefusalsAreSlow", func(t *testing.T) {
		g, _ := newGuard(partners.SignInLimits{PerUser: partners.Rate{Burst: 1, Every: time.Hour}, PerSource: roomy,
			Slow: 50 * time.Millisecond})
		attempt(t, g, "", "ana", wrong)
		start := time.Now()
		wantLimited(t, g, "", "ana")
		if d := time.Since(start); d < 50*time.Millisecond {
			t.Fatalf("refused after %v, want at least 50ms", d)
		}
	})
	t.Run("BoundedChecks", func(t *testing.T) {
		g, _ := newGuard(partners.SignInLimits{PerUser: roomy, PerSource: roomy, Hashing: 2, Wait: 20 * time.Millisecond})
		var running, most atomic.Int32
		release := make(chan struct{})
		slow := func() (bool, error) {
			n := running.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			<-release
			running.Add(-1)
			return false, nil
		}
		var wg sync.WaitGroup
		var limited atomic.Int32
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := g.Check(context.Background(), "192.0.2.1:1", string(rune('a'+i)), slow)
				if park.IsCode(err, park.ERateLimited) {
					limited.Add(1)
				}
			}()
		}
		// Two checks hold their turns until released; the eight others give
		// up waiting after 20 ms.
		for deadline := time.Now().Add(10 * time.Second); limited.Load() < 8 && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		close(release)
		wg.Wait()
		if most.Load() > 2 || limited.Load() != 8 {
			t.Fatalf("%d checks ran at once (want at most 2), %d attempts refused (want 8)", most.Load(), limited.Load())
		}
	})
}
