package deliveries_test

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

func errField(err error) string {
	var e *park.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// strict is a deliveries service over b's store as parkd runs it by
// default: private addresses refused.
func strict(b *systemtest.Bundle) *deliveries.Service {
	return deliveries.New(deliveries.Config{Store: b.Store, Now: b.Clock.Now, Options: deliveries.Options{Poll: 10 * time.Millisecond}})
}

// TestSubscriptionURLs: only http and https URLs, without credentials;
// without --allow-private-webhooks, none whose host is, or resolves to, a
// loopback, private, link-local, CGNAT, unspecified or other
// special-purpose address no public receiver has. Only
// literal addresses and "localhost" are used: no lookup leaves the
// machine.
func TestSubscriptionURLs(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	s := strict(b)
	create := func(svc *deliveries.Service, url string) error {
		_, err := svc.CreateSubscription(b.Ctx, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: url})
		return err
	}
	t.Run("ErrScheme", func(t *testing.T) {
		for _, u := range []string{"ftp://203.0.113.10/x", "file:///etc/passwd", "203.0.113.10/hook", "javascript:alert(1)",
			"https://user:secret@203.0.113.10/", "https:///path-only", "http://" + strings.Repeat("a", 2050) + ".example/"} {
			err := create(b.Sys.Deliveries, u) // refused even where private addresses are allowed
			if !park.IsCode(err, park.EInvalid) || errField(err) != "url" {
				t.Errorf("%.60s: %v, want invalid url", u, err)
			}
		}
	})
	// A port no TCP connection can use would fail every delivery: refused
	// when set, saying why, and nothing is written.
	t.Run("ErrPort", func(t *testing.T) {
		for _, u := range []string{"http://203.0.113.10:99999/hook", "https://[2001:db8::1]:65536/", "http://203.0.113.10:0/hook"} {
			err := create(b.Sys.Deliveries, u)
			if !park.IsCode(err, park.EInvalid) || errField(err) != "url" || !strings.Contains(err.Error(), "port") {
				t.Errorf("%s: %v, want invalid url naming the port", u, err)
			}
		}
		subs, err := b.Sys.Deliveries.ListSubscriptions(b.Ctx, "app")
		if err != nil {
			t.Fatal(err)
		}
		if len(subs) != 0 {
			t.Errorf("%d subscriptions written, want none", len(subs))
		}
	})
	t.Run("ErrPrivate", func(t *testing.T) {
		for _, u := range []string{"http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/", "http://172.16.0.1/",
			"http://192.168.1.20/", "http://[::1]/", "http://[fd12:3456::1]/", "http://169.254.169.254/latest/meta-data/",
			"http://[fe80::1]/", "http://100.64.0.1/", "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/", "http://224.0.0.1/",
			// IPv6 forms that carry a private IPv4 address, reached through
			// a translator or tunnel: NAT64 (RFC 6052; 64:ff9b:1::/48 is
			// for a network's own translator, RFC 8215), 6to4 (RFC 3056),
			// IPv4-compatible and IPv4-translated (SIIT); and the site-local
			// fec0::/10, private before RFC 4193.
			"http://[64:ff9b::a00:1]/", "http://[64:ff9b::7f00:1]/", "http://[64:ff9b:1::a00:1]/", "http://[2002:c0a8:114::1]/",
			"http://[2002:7f00:1::1]/", "http://[::7f00:1]/", "http://[::a00:1]/", "http://[::ffff:0:a00:1]/", "http://[fec0::1]/",
			"http://[64:ff9b::a00:1%25eth0]/",
			// The rest of the IANA special-purpose ranges no public
			// receiver has: Teredo (2001::/32) and the other IETF protocol
			// assignments (2001::/23), benchmarking (198.18.0.0/15,
			// 2001:2::/48), reserved (240.0.0.0/4) and broadcast, "this
			// network" (0.0.0.0/8), IETF protocol assignments
			// (192.0.0.0/24), documentation (192.0.2.0/24,
			// 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, 3fff::/20),
			// discard-only (100::/64), deprecated ORCHID (2001:10::/28),
			// SRv6 SIDs (5f00::/16); and NAT64 of a benchmarking address.
			"http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "http://[2001:5::1]/", "http://198.18.0.1/", "http://198.19.255.254/",
			"http://[2001:2::1]/", "http://240.0.0.1/", "http://250.1.2.3/", "http://255.255.255.255/", "http://0.1.2.3/",
			"http://192.0.0.8/", "http://192.0.2.1/", "http://198.51.100.7/", "http://203.0.113.10/", "http://[2001:db8::1]/",
			"http://[3fff::1]/", "http://[100::1]/", "http://[2001:10::1]/", "http://[5f00::1]/", "http://[64:ff9b::c612:1]/"} {
			err := create(s, u)
			if !park.IsCode(err, park.EInvalid) || errField(err) != "url" || !strings.Contains(err.Error(), "private") {
				t.Errorf("%s: %v, want invalid url (a private address)", u, err)
			}
		}
	})
	t.Run("OK", func(t *testing.T) {
		for _, u := range []string{"https://93.184.216.34/hook", "http://93.184.216.34:8080/p?q=1", "https://[2606:2800:220:1:248:1893:25c8:1946]/hook",
			// The same forms around a public IPv4 address are public.
			"http://[64:ff9b::5db8:d822]/", "http://[2002:5db8:d822::1]/",
			// Inside special-purpose ranges, those the registry marks
			// globally reachable: PCP and TURN anycast (192.0.0.9,
			// 192.0.0.10), AMT (2001:3::/32), ORCHIDv2 (2001:20::/28),
			// AS112 (192.31.196.0/24).
			"http://192.0.0.9/", "http://192.0.0.10/", "http://[2001:3::1]/", "http://[2001:20::1]/", "http://192.31.196.1/"} {
			if err := create(s, u); err != nil {
				t.Errorf("%s: %v", u, err)
			}
		}
		// The operator's option lets private receivers in.
		if err := create(b.Sys.Deliveries, "http://127.0.0.1:8080/hook"); err != nil {
			t.Errorf("loopback with private addresses allowed: %v", err)
		}
	})
	t.Run("ErrPatch", func(t *testing.T) {
		sub, err := s.CreateSubscription(b.Ctx, "app", deliveries.SubscriptionInput{Report: park.ReportExit, URL: "https://93.184.216.34/hook"})
		if err != nil {
			t.Fatal(err)
		}
		u := "http://192.168.0.1/"
		_, err = s.UpdateSubscription(b.Ctx, "app", sub.ID, deliveries.SubscriptionPatch{URL: &u})
		if !park.IsCode(err, park.EInvalid) || errField(err) != "url" {
			t.Errorf("patching to a private address: %v, want invalid url", err)
		}
	})
}

// TestWorkerRefusesPrivateAddresses: a subscription that names a loopback
// receiver (stored while private addresses were allowed, or a name that
// now resolves to one) is never connected to by a worker that refuses
// them: its attempts fail, saying why.
func TestWorkerRefusesPrivateAddresses(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: rc.URL, Schedule: []time.Duration{0}})
	b.Event(t, park.EventEntry, "京P00001", b.Clock.Now().Add(-time.Minute))
	runService(t, strict(b))
	var d *park.Delivery
	waitFor(t, "the attempt", func() bool {
		ds := listDeliveries(t, b, deliveries.DeliveryQuery{PartnerID: "app"})
		d = ds[0]
		return d.State == park.DeliveryDead
	})
	if d.Attempts != 1 || d.LastStatus != 0 || !strings.Contains(d.LastReply, "loopback or private") {
		t.Errorf("delivery %+v, want one attempt refused for its private address", d)
	}
	if n := rc.Len(); n != 0 {
		t.Errorf("the loopback receiver got %d requests", n)
	}
}

// TestPatchKeepsURLUnchecked: a subscription whose host is no longer one
// this node may reach (it was stored where private addresses were
// allowed; a partner's name that stopped resolving is the same case) can
// still be disabled and have its limits changed: only a new URL is
// checked. No attempt connects to it meanwhile.
func TestPatchKeepsURLUnchecked(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	sub, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: "http://127.0.0.1:9/hook"})
	if err != nil {
		t.Fatal(err)
	}
	s := strict(b)
	off, rate := false, 5
	got, err := s.UpdateSubscription(b.Ctx, "app", sub.ID, deliveries.SubscriptionPatch{Enabled: &off, RateLimit: &rate})
	if err != nil {
		t.Fatalf("disabling it: %v", err)
	}
	if got.Enabled || got.RateLimit != 5 || got.URL != "http://127.0.0.1:9/hook" {
		t.Errorf("after the patch: %+v", got)
	}
	u := "http://127.0.0.1:9/hook"
	if _, err := s.UpdateSubscription(b.Ctx, "app", sub.ID, deliveries.SubscriptionPatch{URL: &u}); !park.IsCode(err, park.EInvalid) || errField(err) != "url" {
		t.Errorf("naming the private URL again: %v, want invalid url", err)
	}
}

// writeFlag is a store that tells whether a write transaction is open.
type writeFlag struct {
	park.Store
	open atomic.Bool
}

func (w *writeFlag) Update(ctx context.Context, fn func(park.Tx) error) error {
	return w.Store.Update(ctx, func(tx park.Tx) error {
		w.open.Store(true)
		defer w.open.Store(false)
		return fn(tx)
	})
}

// TestNoLookupInAWrite: a subscription's host is looked up (for up to
// 5 s, when the resolver is slow) before its write transaction, never in
// it: on SQLite a write transaction holds the one writer, and every
// camera event at a barrier would wait for the partner's DNS.
func TestNoLookupInAWrite(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	w := &writeFlag{Store: b.Store}
	var lookups, inWrite atomic.Int64
	s := deliveries.New(deliveries.Config{Store: w, Now: b.Clock.Now, Options: deliveries.Options{
		Lookup: func(ctx context.Context, host string) ([]netip.Addr, error) {
			lookups.Add(1)
			if w.open.Load() {
				inWrite.Add(1)
			}
			return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
		}}})
	sub, err := s.CreateSubscription(b.Ctx, "app", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: "https://crm.partner.example/hook"})
	if err != nil {
		t.Fatal(err)
	}
	u := "https://crm2.partner.example/hook"
	if _, err := s.UpdateSubscription(b.Ctx, "app", sub.ID, deliveries.SubscriptionPatch{URL: &u}); err != nil {
		t.Fatal(err)
	}
	if lookups.Load() != 2 || inWrite.Load() != 0 {
		t.Errorf("%d lookups, %d of them in a write transaction; want 2, none", lookups.Load(), inWrite.Load())
	}
}
