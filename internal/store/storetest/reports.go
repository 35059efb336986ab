package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/park"
)

// reportBundle is one store with the helpers the report tests share.
type reportBundle struct {
	t   *testing.T
	s   park.Store
	ctx context.Context
	// twoPhase claims as the worker does: DueDeliveries in a read
	// transaction, then ClaimDueDeliveries of those in a write one;
	// otherwise both in one write transaction (ClaimDue).
	twoPhase bool
}

func newReportBundle(t *testing.T, s park.Store) *reportBundle {
	return &reportBundle{t: t, s: s, ctx: context.Background()}
}

func (b *reportBundle) partner(id string, lots ...string) {
	b.t.Helper()
	p := &park.Partner{ID: id, Name: "Partner " + id, Dialect: "native", Type: park.PartnerNormal, Lots: lots,
		CreatedAt: base, UpdatedAt: base}
	must(b.t, update(b.t, b.s, func(tx park.Tx) error { return tx.CreatePartner(b.ctx, p) }))
}

func newSubscription(id, partner, kind string) *park.Subscription {
	return &park.Subscription{ID: id, PartnerID: partner, Report: kind, URL: "https://partner.example/hooks/" + id,
		Format: park.FormatNative, Enabled: true, Secret: "whsec_c2VjcmV0", CreatedAt: base, UpdatedAt: base}
}

func (b *reportBundle) subscribe(id, partner, kind string, enabled bool) *park.Subscription {
	b.t.Helper()
	s := newSubscription(id, partner, kind)
	s.Enabled = enabled
	must(b.t, update(b.t, b.s, func(tx park.Tx) error { return tx.CreateSubscription(b.ctx, s) }))
	return s
}

func newReport(id, kind, lot, key string, at time.Time) *park.Report {
	return &park.Report{ID: id, Kind: kind, LotCode: lot, Key: key, At: at, Data: []byte(`{"lot":{"code":"` + lot + `"}}`)}
}

// enqueue stores a report and returns how many deliveries it made.
func (b *reportBundle) enqueue(r *park.Report) int {
	b.t.Helper()
	var n int
	must(b.t, update(b.t, b.s, func(tx park.Tx) (err error) { n, err = tx.Enqueue(b.ctx, r); return }))
	return n
}

func (b *reportBundle) claim(now, lease time.Time, limit int, skip ...string) []*park.Delivery {
	b.t.Helper()
	var ds []*park.Delivery
	if b.twoPhase {
		var seqs []int64
		must(b.t, b.s.View(b.ctx, func(tx park.Tx) (err error) { seqs, err = tx.DueDeliveries(b.ctx, now, limit, skip); return }))
		must(b.t, update(b.t, b.s, func(tx park.Tx) (err error) { ds, err = tx.ClaimDueDeliveries(b.ctx, seqs, now, lease); return }))
		if len(ds) != len(seqs) {
			b.t.Fatalf("DueDeliveries found %v, ClaimDueDeliveries claimed [%s]: no other claim ran between", seqs, labels(ds))
		}
		return ds
	}
	must(b.t, update(b.t, b.s, func(tx park.Tx) (err error) { ds, err = ClaimDue(b.ctx, tx, now, lease, limit, skip); return }))
	return ds
}

// ClaimDue finds what is due and claims it in one transaction: a claim
// for tests whose point is not the worker's two transactions.
func ClaimDue(ctx context.Context, tx park.Tx, now, lease time.Time, limit int, skip []string) ([]*park.Delivery, error) {
	seqs, err := tx.DueDeliveries(ctx, now, limit, skip)
	if err != nil || len(seqs) == 0 {
		return nil, err
	}
	return tx.ClaimDueDeliveries(ctx, seqs, now, lease)
}

func (b *reportBundle) finish(d *park.Delivery) {
	b.t.Helper()
	must(b.t, update(b.t, b.s, func(tx park.Tx) error {
		n, err := tx.FinishDeliveries(b.ctx, []*park.Delivery{d})
		if err == nil && n != 1 {
			err = fmt.Errorf("delivery %s: %d stored, want 1", d.ID, n)
		}
		return err
	}))
}

// settle stores d's outcome as a worker would, under a claim: it claims
// what is due, finishes d and hands the others back as they were. For
// setting a scene; the claims themselves are tested apart.
func (b *reportBundle) settle(d *park.Delivery) {
	b.t.Helper()
	was := map[string]*park.Delivery{}
	for _, o := range b.list(park.DeliveryFilter{}) {
		was[o.ID] = o
	}
	far := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	found := false
	for _, c := range b.claim(far, far.Add(time.Minute), 1000) {
		o := was[c.ID]
		if o.State == park.DeliverySending {
			b.t.Fatalf("settle: delivery %s was in flight", c.ID)
		}
		if c.ID == d.ID {
			found = true
			o = d
		}
		o.LeaseUntil = c.LeaseUntil
		b.finish(o)
	}
	if !found {
		b.t.Fatalf("settle: delivery %s is not due", d.ID)
	}
}

func (b *reportBundle) list(f park.DeliveryFilter) []*park.Delivery {
	b.t.Helper()
	var ds []*park.Delivery
	must(b.t, b.s.View(b.ctx, func(tx park.Tx) (err error) { ds, err = tx.ListDeliveries(b.ctx, f); return }))
	return ds
}

// find returns the delivery of a report to a subscription.
func (b *reportBundle) find(sub, report string) *park.Delivery {
	b.t.Helper()
	for _, d := range b.list(park.DeliveryFilter{SubscriptionID: sub}) {
		if d.ReportID == report {
			return d
		}
	}
	b.t.Fatalf("no delivery of report %s to subscription %s", report, sub)
	return nil
}

func (b *reportBundle) getDelivery(id string) (*park.Delivery, error) {
	var d *park.Delivery
	err := b.s.View(b.ctx, func(tx park.Tx) (err error) { d, err = tx.GetDelivery(b.ctx, id); return })
	return d, err
}

func (b *reportBundle) getReport(id string) (*park.Report, error) {
	var r *park.Report
	err := b.s.View(b.ctx, func(tx park.Tx) (err error) { r, err = tx.GetReport(b.ctx, id); return })
	return r, err
}

// labels names deliveries as subscription:report, in the order given.
func labels(ds []*park.Delivery) string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.SubscriptionID + ":" + d.ReportID
	}
	return strings.Join(out, " ")
}

// sortedLabels is labels in sorted order, for sets.
func sortedLabels(ds []*park.Delivery) string {
	out := strings.Fields(labels(ds))
	slices.Sort(out)
	return strings.Join(out, " ")
}

func testSubscriptions(t *testing.T, s park.Store) {
	b := newReportBundle(t, s)
	ctx := b.ctx
	seedLot(t, s, "L1")
	b.partner("P1", "L1")
	b.partner("P2", "L1")
	get := func(id string) (*park.Subscription, error) {
		var sub *park.Subscription
		err := s.View(ctx, func(tx park.Tx) (err error) { sub, err = tx.GetSubscription(ctx, id); return })
		return sub, err
	}
	list := func(partner string) string {
		t.Helper()
		var subs []*park.Subscription
		must(t, s.View(ctx, func(tx park.Tx) (err error) { subs, err = tx.ListSubscriptions(ctx, partner); return }))
		ids := make([]string, len(subs))
		for i, sub := range subs {
			ids[i] = sub.ID
		}
		return fmt.Sprint(ids)
	}

	// Every field comes back as written, times to the microsecond and
	// durations to the millisecond.
	at := base.Add(123456789 * time.Nanosecond)
	sub := newSubscription("s-entry", "P1", park.ReportEntry)
	sub.Previous, sub.RateLimit, sub.Concurrency, sub.Timeout = "whsec_b2xk", 20, 8, 1500*time.Millisecond
	sub.Schedule = []time.Duration{0, 250 * time.Millisecond, 5 * time.Second, 7 * 24 * time.Hour}
	sub.DisabledBy, sub.CreatedAt, sub.UpdatedAt = "", at, at
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateSubscription(ctx, sub) }))
	if sub.Version != 1 {
		t.Fatalf("version %d after create, want 1", sub.Version)
	}
	got, err := get("s-entry")
	must(t, err)
	want := *sub
	want.CreatedAt, want.UpdatedAt = at.Truncate(park.Precision), at.Truncate(park.Precision)
	if fmt.Sprintf("%+v", *got) != fmt.Sprintf("%+v", want) || got.CreatedAt.Location() != time.UTC {
		t.Fatalf("read back\n%+v\nwant\n%+v", *got, want)
	}
	// Defaults stay defaults: no timeout, no schedule of its own.
	plain := newSubscription("s-exit", "P1", park.ReportExit)
	plain.Enabled = false
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateSubscription(ctx, plain) }))
	got, err = get("s-exit")
	must(t, err)
	if got.Schedule != nil || got.Timeout != 0 || got.Enabled || got.RateLimit != 0 {
		t.Fatalf("defaults read back as %+v", got)
	}

	t.Run("ErrConflict", func(t *testing.T) {
		wantCode(t, update(t, s, func(tx park.Tx) error {
			return tx.CreateSubscription(ctx, newSubscription("s-entry", "P2", park.ReportOrder))
		}), park.EConflict)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		wantCode(t, update(t, s, func(tx park.Tx) error {
			return tx.CreateSubscription(ctx, newSubscription("s-x", "nope", park.ReportOrder))
		}), park.ENotFound)
		_, err := get("nope")
		wantCode(t, err, park.ENotFound)
		ghost := newSubscription("ghost", "P1", park.ReportEntry)
		ghost.Version = 1
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdateSubscription(ctx, ghost) }), park.ENotFound)
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.DeleteSubscription(ctx, "ghost") }), park.ENotFound)
	})

	t.Run("List", func(t *testing.T) {
		b.subscribe("a-order", "P2", park.ReportOrder, true)
		if got := list(""); got != "[a-order s-entry s-exit]" {
			t.Fatalf("all %s", got)
		}
		if got := list("P1"); got != "[s-entry s-exit]" {
			t.Fatalf("of P1 %s", got)
		}
		if got := list("P9"); got != "[]" {
			t.Fatalf("of an unknown partner %s", got)
		}
	})

	t.Run("Update", func(t *testing.T) {
		cur, err := get("s-entry")
		must(t, err)
		stale := *cur
		later := at.Add(time.Hour)
		cur.Report, cur.URL, cur.Format, cur.Enabled, cur.Secret, cur.Previous = park.ReportOrder, "https://other.example/x", "dialect-x", false, "whsec_bmV3", ""
		cur.RateLimit, cur.Concurrency, cur.Timeout, cur.Schedule = 1, 1, 60*time.Second, nil
		cur.DisabledBy, cur.UpdatedAt = "410 Gone", later
		cur.PartnerID, cur.CreatedAt = "P2", later // ids and CreatedAt are not replaced
		must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateSubscription(ctx, cur) }))
		if cur.Version != 2 {
			t.Fatalf("version %d after update, want 2", cur.Version)
		}
		got, err := get("s-entry")
		must(t, err)
		want := *cur
		want.PartnerID, want.CreatedAt, want.UpdatedAt = "P1", at.Truncate(park.Precision), later.Truncate(park.Precision)
		if fmt.Sprintf("%+v", *got) != fmt.Sprintf("%+v", want) {
			t.Fatalf("after update\n%+v\nwant\n%+v", *got, want)
		}
		// A writer holding the old version lost a race: it may retry.
		stale.URL = "https://stale.example/"
		err = update(t, s, func(tx park.Tx) error { return tx.UpdateSubscription(ctx, &stale) })
		var pe *park.Error
		if !errors.As(err, &pe) || pe.Code != park.EConflict || !pe.Stale {
			t.Fatalf("stale update: %v, want a stale EConflict", err)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		// A subscription goes with its deliveries; another's stay.
		b.subscribe("keep", "P2", park.ReportExit, true)
		if n := b.enqueue(newReport("r1", park.ReportExit, "L1", park.LotKey("L1"), base)); n != 2 {
			t.Fatalf("enqueue made %d deliveries, want 2 (s-exit, keep)", n)
		}
		gone := b.find("s-exit", "r1")
		must(t, update(t, s, func(tx park.Tx) error { return tx.DeleteSubscription(ctx, "s-exit") }))
		_, err := get("s-exit")
		wantCode(t, err, park.ENotFound)
		_, err = b.getDelivery(gone.ID)
		wantCode(t, err, park.ENotFound)
		b.find("keep", "r1")
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.DeleteSubscription(ctx, "s-exit") }), park.ENotFound)
	})

	t.Run("PartnerDeleted", func(t *testing.T) {
		kept := b.find("keep", "r1")
		must(t, update(t, s, func(tx park.Tx) error { return tx.DeletePartner(ctx, "P2") }))
		if got := list(""); got != "[s-entry]" {
			t.Fatalf("after deleting P2 %s, want its subscriptions gone", got)
		}
		_, err := b.getDelivery(kept.ID)
		wantCode(t, err, park.ENotFound)
		_, err = b.getReport("r1")
		must(t, err) // the report stays until cleanup
	})
}

// testLotAnswersFollow: within one transaction, the count of cars inside
// and who subscribed to what follow the transaction's own writes after the
// lot's settings were read (stores may answer both from what they read
// with them).
func testLotAnswersFollow(t *testing.T, s park.Store) {
	b := newReportBundle(t, s)
	ctx := b.ctx
	seedLot(t, s, "L1")
	must(t, update(t, s, func(tx park.Tx) error { return tx.AddOccupied(ctx, "L1", 3) }))
	b.partner("P0", "L1")
	must(t, update(t, s, func(tx park.Tx) error {
		if _, err := tx.GetLotSettings(ctx, "L1"); err != nil {
			return err
		}
		subscribed := func(kind string, want bool) error {
			got, err := tx.Subscribed(ctx, "L1", kind)
			if err != nil || got != want {
				return fmt.Errorf("Subscribed(L1, %s) = %v (%v), want %v", kind, got, err, want)
			}
			return nil
		}
		inside := func(want int) error {
			n, err := tx.CountInside(ctx, "L1")
			if err != nil || n != want {
				return fmt.Errorf("CountInside(L1) = %d (%v), want %d", n, err, want)
			}
			return nil
		}
		if err := errors.Join(subscribed(park.ReportEntry, false), subscribed(park.ReportExit, false), inside(3)); err != nil {
			return err
		}
		// A new partner of the lot, then a subscription of the lot's own.
		p := &park.Partner{ID: "P1", Name: "Partner P1", Dialect: "native", Type: park.PartnerNormal,
			Lots: []string{"L1"}, CreatedAt: base, UpdatedAt: base}
		if err := tx.CreatePartner(ctx, p); err != nil {
			return err
		}
		if err := tx.CreateSubscription(ctx, newSubscription("s-entry", "P1", park.ReportEntry)); err != nil {
			return err
		}
		if err := tx.AddOccupied(ctx, "L1", 2); err != nil {
			return err
		}
		return errors.Join(subscribed(park.ReportEntry, true), subscribed(park.ReportExit, false), inside(5))
	}))
	// Subscribed to by an existing partner of the lot, and the partner
	// deleted, in the same transaction as the settings read.
	must(t, update(t, s, func(tx park.Tx) error {
		if _, err := tx.GetLotSettings(ctx, "L1"); err != nil {
			return err
		}
		if err := tx.CreateSubscription(ctx, newSubscription("s-exit", "P0", park.ReportExit)); err != nil {
			return err
		}
		if ok, err := tx.Subscribed(ctx, "L1", park.ReportExit); err != nil || !ok {
			return fmt.Errorf("after subscribing: Subscribed(L1, exit) = %v (%v), want true", ok, err)
		}
		if err := tx.DeletePartner(ctx, "P1"); err != nil {
			return err
		}
		if ok, err := tx.Subscribed(ctx, "L1", park.ReportEntry); err != nil || ok {
			return fmt.Errorf("after deleting the partner: Subscribed(L1, entry) = %v (%v), want false", ok, err)
		}
		return nil
	}))
}

// testEnqueue: a report goes to every subscription to its kind of a
// partner that may use its lot, enabled or not, and to no one else.
func testEnqueue(t *testing.T, s park.Store) {
	b := newReportBundle(t, s)
	ctx := b.ctx
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	b.partner("P1", "L1")
	b.partner("P2", "L1", "L2")
	b.partner("P3", "L2")
	b.partner("P4") // no lots
	b.subscribe("p1-entry", "P1", park.ReportEntry, true)
	b.subscribe("p2-entry", "P2", park.ReportEntry, false)
	b.subscribe("p2-exit", "P2", park.ReportExit, true)
	b.subscribe("p3-entry", "P3", park.ReportEntry, true)
	b.subscribe("p4-entry", "P4", park.ReportEntry, true)
	b.subscribe("p3-device", "P3", park.ReportDeviceStatus, false)

	t.Run("Subscribed", func(t *testing.T) {
		for _, c := range []struct {
			lot, kind string
			want      bool
		}{
			{"L1", park.ReportEntry, true},
			{"L1", park.ReportExit, true},
			{"L1", park.ReportOrder, false},
			{"L2", park.ReportExit, true},
			{"L2", park.ReportDeviceStatus, true}, // disabled, still subscribed
			{"L1", park.ReportDeviceStatus, false},
			{"L9", park.ReportEntry, false},
		} {
			var got bool
			must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.Subscribed(ctx, c.lot, c.kind); return }))
			if got != c.want {
				t.Errorf("Subscribed(%s, %s) = %v, want %v", c.lot, c.kind, got, c.want)
			}
		}
	})

	at := base.Add(123456789 * time.Nanosecond)
	r1 := newReport("r1", park.ReportEntry, "L1", park.StayKey("s1"), at)
	r1.Data = []byte(`{"stay": {"id":"s1",  "plate":"京A12345"}, "unpaid": 1.50}`) // kept byte for byte
	if n := b.enqueue(r1); n != 2 {
		t.Fatalf("entry in L1 made %d deliveries, want 2", n)
	}
	if r1.Seq <= 0 {
		t.Fatalf("seq %d after enqueue", r1.Seq)
	}
	got, err := b.getReport("r1")
	must(t, err)
	want := *r1
	want.At = at.Truncate(park.Precision)
	if fmt.Sprintf("%+v", *got) != fmt.Sprintf("%+v", want) || string(got.Data) != string(r1.Data) || got.At.Location() != time.UTC {
		t.Fatalf("read back\n%+v\nwant\n%+v", *got, want)
	}
	all := b.list(park.DeliveryFilter{})
	if sortedLabels(all) != "p1-entry:r1 p2-entry:r1" {
		t.Fatalf("deliveries %s, want p1-entry and p2-entry (disabled) only", sortedLabels(all))
	}
	for _, d := range all {
		partner := map[string]string{"p1-entry": "P1", "p2-entry": "P2"}[d.SubscriptionID]
		if d.ID == "" || d.Seq <= 0 || d.PartnerID != partner || d.ReportID != "r1" || d.Report != park.ReportEntry ||
			d.LotCode != "L1" || d.Key != r1.Key || d.State != park.DeliveryPending || d.Attempts != 0 ||
			!d.NextAt.Equal(want.At) || !d.CreatedAt.Equal(want.At) || d.LeaseUntil != nil || d.LastAttemptAt != nil ||
			d.DeliveredAt != nil || d.LastStatus != 0 || d.LastReply != "" {
			t.Errorf("delivery %+v", d)
		}
		g, err := b.getDelivery(d.ID)
		must(t, err)
		if fmt.Sprintf("%+v", *g) != fmt.Sprintf("%+v", *d) {
			t.Errorf("GetDelivery %+v, listed %+v", *g, *d)
		}
	}
	if all[0].ID == all[1].ID {
		t.Fatalf("two deliveries share id %q", all[0].ID)
	}

	// Other lots and kinds reach other subscriptions; a report nobody
	// wants is still stored.
	r2 := newReport("r2", park.ReportEntry, "L2", park.StayKey("s2"), at)
	if n := b.enqueue(r2); n != 2 {
		t.Fatalf("entry in L2 made %d deliveries, want 2 (p2-entry, p3-entry)", n)
	}
	if r2.Seq <= r1.Seq {
		t.Fatalf("seq %d after %d", r2.Seq, r1.Seq)
	}
	if n := b.enqueue(newReport("r3", park.ReportExit, "L1", park.StayKey("s1"), at)); n != 1 {
		t.Fatalf("exit in L1 made %d deliveries, want 1", n)
	}
	if n := b.enqueue(newReport("r4", park.ReportOrder, "L1", park.StayKey("s1"), at)); n != 0 {
		t.Fatalf("order in L1 made %d deliveries, want 0", n)
	}
	if _, err := b.getReport("r4"); err != nil {
		t.Fatalf("a report nobody wants: %v", err)
	}
	// Several at once: the ones that exist, each once, as stored.
	var some []*park.Report
	must(t, s.View(ctx, func(tx park.Tx) (err error) {
		some, err = tx.GetReports(ctx, []string{"r4", "nope", "r1", "r4"})
		return
	}))
	slices.SortFunc(some, func(a, b *park.Report) int { return strings.Compare(a.ID, b.ID) })
	if len(some) != 2 || some[0].ID != "r1" || string(some[0].Data) != string(r1.Data) || some[0].Seq != r1.Seq ||
		!some[0].At.Equal(want.At) || some[1].ID != "r4" || some[1].Kind != park.ReportOrder {
		t.Fatalf("GetReports r4, nope, r1, r4: %+v", some)
	}
	if got := sortedLabels(b.list(park.DeliveryFilter{})); got != "p1-entry:r1 p2-entry:r1 p2-entry:r2 p2-exit:r3 p3-entry:r2" {
		t.Fatalf("deliveries %s", got)
	}

	t.Run("Errors", func(t *testing.T) {
		wantCode(t, update(t, s, func(tx park.Tx) error {
			_, err := tx.Enqueue(ctx, newReport("r1", park.ReportEntry, "L1", "k", at))
			return err
		}), park.EConflict)
		_, err := b.getReport("nope")
		wantCode(t, err, park.ENotFound)
		_, err = b.getDelivery("nope")
		wantCode(t, err, park.ENotFound)
	})
	t.Run("Rollback", func(t *testing.T) {
		_ = update(t, s, func(tx park.Tx) error {
			if _, err := tx.Enqueue(ctx, newReport("r9", park.ReportEntry, "L1", "k", at)); err != nil {
				return err
			}
			return park.Errorf(park.EInvalid, "roll back")
		})
		_, err := b.getReport("r9")
		wantCode(t, err, park.ENotFound)
		if n := len(b.list(park.DeliveryFilter{})); n != 5 {
			t.Fatalf("%d deliveries after a rolled-back enqueue, want 5", n)
		}
	})
	// A report of something that happened hours ago (a camera's offline
	// replay) is delivered from when it was written: its deliveries are
	// created and due then, and a filter from then finds them.
	t.Run("DueWhenWritten", func(t *testing.T) {
		written := base.Add(time.Hour)
		r := newReport("r-late", park.ReportExit, "L2", park.StayKey("s9"), base.Add(-6*time.Hour))
		r.Queued = written
		if n := b.enqueue(r); n != 1 {
			t.Fatalf("exit in L2 made %d deliveries, want 1 (p2-exit)", n)
		}
		got, err := b.getReport("r-late")
		must(t, err)
		ds := b.list(park.DeliveryFilter{Since: written})
		if !got.At.Equal(base.Add(-6*time.Hour)) || len(ds) != 1 || ds[0].ReportID != "r-late" ||
			!ds[0].CreatedAt.Equal(written) || !ds[0].NextAt.Equal(written) {
			t.Fatalf("report at %v; deliveries since %v: %+v", got.At, written, ds)
		}
	})
}

// testClaim: which deliveries a worker may take, and in what order.
func testClaim(t *testing.T, s park.Store) { testClaimBy(t, s, false) }

// testClaimInTwo: the same rules when a claim is found in a read
// transaction and taken in a write one.
func testClaimInTwo(t *testing.T, s park.Store) { testClaimBy(t, s, true) }

func testClaimBy(t *testing.T, s park.Store, twoPhase bool) {
	b := newReportBundle(t, s)
	b.twoPhase = twoPhase
	ctx := b.ctx
	seedLot(t, s, "L1")
	b.partner("P1", "L1")
	b.subscribe("A", "P1", park.ReportEntry, true)
	b.subscribe("B", "P1", park.ReportEntry, true)
	off := b.subscribe("C", "P1", park.ReportEntry, false)
	sec := func(n int) time.Time { return base.Add(time.Duration(n) * time.Second) }
	// r1, r2 and r4 share key k1 (r4 due in an hour); r3 is of key k2.
	b.enqueue(newReport("r1", park.ReportEntry, "L1", "k1", sec(0)))
	b.enqueue(newReport("r2", park.ReportEntry, "L1", "k1", sec(1)))
	b.enqueue(newReport("r3", park.ReportEntry, "L1", "k2", sec(2)))
	b.enqueue(newReport("r4", park.ReportEntry, "L1", "k1", sec(3600)))
	check := func(what string, got []*park.Delivery, want string) {
		t.Helper()
		if labels(got) != want {
			t.Fatalf("%s: claimed [%s], want [%s]", what, labels(got), want)
		}
	}

	// Nothing is due before its time.
	check("before r1's time", b.claim(sec(-1), sec(60), 10), "")
	// The subscriptions the node has no room for are not claimed.
	check("skipping A and B", b.claim(sec(10), sec(70), 10, "A", "B"), "")
	// The first of each key, of enabled subscriptions not skipped, oldest
	// first; the limit takes the oldest.
	check("limit 1, skipping A", b.claim(sec(10), sec(70), 1, "A"), "B:r1")
	now := sec(10)
	got := b.claim(now, sec(70), 10)
	check("at 10 s", got, "A:r1 A:r3 B:r3")
	for _, d := range got {
		if d.State != park.DeliverySending || d.LeaseUntil == nil || !d.LeaseUntil.Equal(sec(70)) {
			t.Fatalf("claimed %+v: want sending until 70 s", d)
		}
	}
	// Sending deliveries are not claimed again until their lease ends,
	// and hold the later deliveries of their key back.
	check("again at 10 s", b.claim(now, sec(80), 10), "")

	// A failed attempt: due again at NextAt, holding back r2 until then.
	a1 := b.find("A", "r1")
	tried := sec(11)
	a1.State, a1.Attempts, a1.NextAt, a1.LastAttemptAt, a1.LastStatus, a1.LastReply = park.DeliveryFailed, 1, sec(16), &tried, 503, "busy"
	b.finish(a1)
	got1, err := b.getDelivery(a1.ID)
	must(t, err)
	if got1.State != park.DeliveryFailed || got1.Attempts != 1 || !got1.NextAt.Equal(sec(16)) || got1.LeaseUntil != nil ||
		got1.LastAttemptAt == nil || !got1.LastAttemptAt.Equal(tried) || got1.LastStatus != 503 || got1.LastReply != "busy" ||
		got1.DeliveredAt != nil {
		t.Fatalf("after a failed attempt %+v", got1)
	}
	check("at 15 s", b.claim(sec(15), sec(75), 10), "")
	got = b.claim(sec(16), sec(76), 10)
	check("at 16 s", got, "A:r1")

	// An outcome under a lease that ran out is not stored: the delivery
	// was claimed again, and that claim's outcome is the one that counts.
	{
		stale, old := *a1, sec(70)
		stale.LeaseUntil = &old
		stale.State, stale.DeliveredAt = park.DeliveryDelivered, &tried
		var n int
		must(t, update(t, s, func(tx park.Tx) (err error) {
			n, err = tx.FinishDeliveries(ctx, []*park.Delivery{&stale})
			return
		}))
		if got1, err = b.getDelivery(a1.ID); err != nil || n != 0 || got1.State != park.DeliverySending ||
			got1.LeaseUntil == nil || !got1.LeaseUntil.Equal(sec(76)) {
			t.Fatalf("an outcome under an old lease: %d stored, delivery %+v, %v", n, got1, err)
		}
	}

	// Delivered: the next of its key may go.
	a1 = got[0]
	delivered := sec(17)
	a1.State, a1.Attempts, a1.LastAttemptAt, a1.LastStatus, a1.LastReply, a1.DeliveredAt = park.DeliveryDelivered, 2, &delivered, 200, "", &delivered
	b.finish(a1)
	got1, err = b.getDelivery(a1.ID)
	must(t, err)
	if got1.State != park.DeliveryDelivered || got1.Attempts != 2 || got1.DeliveredAt == nil || !got1.DeliveredAt.Equal(delivered) ||
		got1.LeaseUntil != nil || got1.LastStatus != 200 {
		t.Fatalf("after delivery %+v", got1)
	}
	// The order is the partner's, across its subscriptions: A:r2 waits
	// for every delivery of r1 to P1 (B:r1 is still out), not only A's.
	check("after A:r1 delivered", b.claim(sec(18), sec(78), 10), "")

	// An expired lease is claimed again (B:r1 and B:r3 were leased until
	// 70 s; A:r3 is finished meanwhile); r2 still waits for B:r1.
	a3 := b.find("A", "r3")
	a3.State, a3.DeliveredAt = park.DeliveryDelivered, &delivered
	b.finish(a3)
	check("lease not yet over", b.claim(sec(69), sec(129), 10), "")
	check("lease over", b.claim(sec(70), sec(130), 10), "B:r1 B:r3")

	// Dead counts as done for the order, but a disabled subscription's
	// deliveries wait and still hold the later ones back: r2 waits for
	// C:r1, to be sent once C is enabled again.
	b1 := b.find("B", "r1")
	b1.State, b1.Attempts, b1.NextAt = park.DeliveryDead, 10, sec(71)
	b.finish(b1)
	check("after B:r1 dead, C disabled", b.claim(sec(72), sec(132), 10), "")
	off.Enabled = true
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateSubscription(ctx, off) }))
	check("C enabled", b.claim(sec(73), sec(133), 10), "C:r1 C:r3")

	// With everything in flight delivered, r2 may go to A, B and C, which
	// do not wait for each other (the same report); r4 is due in an hour,
	// and then waits for them.
	for _, d := range b.list(park.DeliveryFilter{State: park.DeliverySending}) {
		d.State, d.DeliveredAt = park.DeliveryDelivered, &delivered
		b.finish(d)
	}
	check("before r4's time", b.claim(sec(3599), sec(3659), 10), "A:r2 B:r2 C:r2")
	check("r4 due, r2 out", b.claim(sec(3600), sec(3660), 10), "")
	for _, d := range b.list(park.DeliveryFilter{State: park.DeliverySending}) {
		d.State, d.DeliveredAt = park.DeliveryDelivered, &delivered
		b.finish(d)
	}
	check("r4 due", b.claim(sec(3601), sec(3661), 10), "A:r4 B:r4 C:r4")

	// Outcomes stored together, one of a delivery that is gone: the
	// others are stored, each with its own times, none where it has none.
	a4, b4 := b.find("A", "r4"), b.find("B", "r4")
	tried, later := sec(3602), sec(4000)
	a4.State, a4.Attempts, a4.LastAttemptAt, a4.LastStatus, a4.LastReply, a4.DeliveredAt =
		park.DeliveryDelivered, 1, &tried, 200, "ok", &delivered
	b4.State, b4.NextAt = park.DeliveryPending, later // handed back untried
	var stored int
	must(t, update(t, s, func(tx park.Tx) (err error) {
		stored, err = tx.FinishDeliveries(ctx, []*park.Delivery{a4, {ID: "nope", State: park.DeliveryDelivered, NextAt: now}, b4})
		return err
	}))
	if stored != 2 || a4.LeaseUntil != nil || b4.LeaseUntil != nil {
		t.Fatalf("stored %d (want 2), leases %v, %v (want none)", stored, a4.LeaseUntil, b4.LeaseUntil)
	}
	d := b.find("A", "r4")
	if d.State != park.DeliveryDelivered || d.Attempts != 1 || d.LastStatus != 200 || d.LastReply != "ok" ||
		d.LastAttemptAt == nil || !d.LastAttemptAt.Equal(tried) || d.DeliveredAt == nil || !d.DeliveredAt.Equal(delivered) ||
		d.LeaseUntil != nil {
		t.Fatalf("A:r4 after finishing: %+v", d)
	}
	d = b.find("B", "r4")
	if d.State != park.DeliveryPending || d.Attempts != 0 || !d.NextAt.Equal(later) || d.LastAttemptAt != nil ||
		d.DeliveredAt != nil || d.LeaseUntil != nil {
		t.Fatalf("B:r4 after handing it back: %+v", d)
	}
}

// testClaimAfterDisabled: a partner's subscriptions disabled and enabled
// again one by one, the later reports' first, as an operator might, or a
// 410 disabling one: a stay's exit and order never go before its entry.
func testClaimAfterDisabled(t *testing.T, s park.Store) { testClaimAfterDisabledBy(t, s, false) }

func testClaimAfterDisabledInTwo(t *testing.T, s park.Store) { testClaimAfterDisabledBy(t, s, true) }

func testClaimAfterDisabledBy(t *testing.T, s park.Store, twoPhase bool) {
	b := newReportBundle(t, s)
	b.twoPhase = twoPhase
	ctx := b.ctx
	seedLot(t, s, "L1")
	b.partner("P1", "L1")
	entry := b.subscribe("E", "P1", park.ReportEntry, false)
	exit := b.subscribe("X", "P1", park.ReportExit, false)
	order := b.subscribe("O", "P1", park.ReportOrder, false)
	sec := func(n int) time.Time { return base.Add(time.Duration(n) * time.Second) }
	// Two stays, each in and out while the subscriptions are off.
	for i, stay := range []string{"s1", "s2"} {
		at := sec(10 * i)
		b.enqueue(newReport(stay+"-in", park.ReportEntry, "L1", stay, at))
		b.enqueue(newReport(stay+"-out", park.ReportExit, "L1", stay, at.Add(time.Second)))
		b.enqueue(newReport(stay+"-order", park.ReportOrder, "L1", stay, at.Add(time.Second)))
	}
	check := func(what string, got []*park.Delivery, want string) {
		t.Helper()
		if sortedLabels(got) != want {
			t.Fatalf("%s: claimed [%s], want [%s]", what, sortedLabels(got), want)
		}
	}
	enable := func(sub *park.Subscription, on bool) {
		t.Helper()
		sub.Enabled = on
		must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateSubscription(ctx, sub) }))
	}
	deliver := func(ds []*park.Delivery) {
		t.Helper()
		for _, d := range ds {
			at := sec(100)
			d.State, d.Attempts, d.LastAttemptAt, d.LastStatus, d.DeliveredAt = park.DeliveryDelivered, 1, &at, 200, &at
			b.finish(d)
		}
	}

	now := sec(100)
	enable(order, true)
	check("order enabled", b.claim(now, now.Add(time.Minute), 10), "")
	enable(exit, true)
	check("exit enabled", b.claim(now, now.Add(time.Minute), 10), "")
	enable(entry, true)
	got := b.claim(now, now.Add(time.Minute), 10)
	check("entry enabled", got, "E:s1-in E:s2-in")
	deliver(got)
	got = b.claim(now, now.Add(time.Minute), 10)
	check("entries delivered", got, "X:s1-out X:s2-out")
	deliver(got)
	got = b.claim(now, now.Add(time.Minute), 10)
	check("exits delivered", got, "O:s1-order O:s2-order")
	deliver(got)

	// A 410 disables the entry subscription with s3's entry still to
	// send: s3's exit waits; s4, whose entry is dead, does not.
	b.enqueue(newReport("s3-in", park.ReportEntry, "L1", "s3", sec(200)))
	b.enqueue(newReport("s4-in", park.ReportEntry, "L1", "s4", sec(200)))
	s4in := b.find("E", "s4-in")
	s4in.State, s4in.Attempts = park.DeliveryDead, 10
	b.settle(s4in)
	enable(entry, false)
	b.enqueue(newReport("s3-out", park.ReportExit, "L1", "s3", sec(201)))
	b.enqueue(newReport("s4-out", park.ReportExit, "L1", "s4", sec(201)))
	got = b.claim(sec(300), sec(360), 10)
	check("entry disabled by a 410", got, "X:s4-out")
	deliver(got)
	enable(entry, true)
	got = b.claim(sec(300), sec(360), 10)
	check("entry enabled again", got, "E:s3-in")
	deliver(got)
	check("s3's entry delivered", b.claim(sec(300), sec(360), 10), "X:s3-out")
}

// testClaimPaused: a subscription whose partner asked for a pause
// (PauseSubscription) is neither found due nor claimed before the pause
// ends, by any node; a pause heard under another version, or ending
// sooner, changes nothing; the version does not move, and an
// UpdateSubscription keeps the pause; LiftPause releases it at once.
func testClaimPaused(t *testing.T, s park.Store) {
	b := newReportBundle(t, s)
	b.twoPhase = true
	ctx := b.ctx
	seedLot(t, s, "L1")
	b.partner("P1", "L1")
	sub := b.subscribe("E", "P1", park.ReportEntry, true)
	sec := func(n int) time.Time { return base.Add(time.Duration(n) * time.Second) }
	check := func(what string, got []*park.Delivery, want string) {
		t.Helper()
		if sortedLabels(got) != want {
			t.Fatalf("%s: claimed [%s], want [%s]", what, sortedLabels(got), want)
		}
	}
	pause := func(url string, until time.Time) {
		t.Helper()
		must(t, update(t, s, func(tx park.Tx) error { return tx.PauseSubscription(ctx, "E", url, until) }))
	}
	b.enqueue(newReport("s1-in", park.ReportEntry, "L1", "s1", sec(0)))
	var seqs []int64
	must(t, s.View(ctx, func(tx park.Tx) (err error) { seqs, err = tx.DueDeliveries(ctx, sec(10), 10, nil); return }))
	if len(seqs) != 1 {
		t.Fatalf("before the pause: %d due, want 1", len(seqs))
	}
	pause(sub.URL, sec(130))        // a 503 at 10 s with Retry-After: 120
	pause(sub.URL, sec(70))         // a shorter one: 130 s kept
	pause(sub.URL+"/old", sec(400)) // heard at another url: nothing
	var got *park.Subscription
	must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetSubscription(ctx, "E"); return }))
	if got.Version != sub.Version {
		t.Fatalf("version %d after a pause, want %d kept", got.Version, sub.Version)
	}
	var ds []*park.Delivery
	must(t, update(t, s, func(tx park.Tx) (err error) { ds, err = tx.ClaimDueDeliveries(ctx, seqs, sec(20), sec(80)); return }))
	check("found due before the pause, claimed during it", ds, "")
	check("at 129 s", b.claim(sec(129), sec(189), 10), "")
	check("at 130 s, the pause's end", b.claim(sec(130), sec(1000), 10), "E:s1-in") // held till 1000 s

	b.enqueue(newReport("s2-in", park.ReportEntry, "L1", "s2", sec(200)))
	pause(sub.URL, sec(500))
	got.RateLimit = 5 // an operator's change of limits keeps the pause
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateSubscription(ctx, got) }))
	check("paused until 500 s, its limits changed", b.claim(sec(210), sec(270), 10), "")
	pause(sub.URL, sec(600)) // heard after that change, by an attempt sent before it
	check("paused until 600 s, heard across the change", b.claim(sec(510), sec(570), 10), "")
	must(t, update(t, s, func(tx park.Tx) error { return tx.LiftPause(ctx, "E") }))
	check("the pause lifted", b.claim(sec(210), sec(270), 10), "E:s2-in")
}

// testDeliveryAdmin: listing, redelivering, counting and cleaning up.
func testDeliveryAdmin(t *testing.T, s park.Store) {
	b := newReportBundle(t, s)
	ctx := b.ctx
	seedLot(t, s, "L1")
	b.partner("P1", "L1")
	b.partner("P2", "L1")
	b.subscribe("a", "P1", park.ReportEntry, true)
	b.subscribe("b", "P1", park.ReportExit, true)
	b.subscribe("c", "P2", park.ReportEntry, true)
	mins := func(n int) time.Time { return base.Add(time.Duration(n) * time.Minute) }
	// e0..e3 entries (to a and c), x0..x1 exits (to b), a minute apart.
	for i, r := range []struct{ id, kind string }{
		{"e0", park.ReportEntry}, {"x0", park.ReportExit}, {"e1", park.ReportEntry},
		{"e2", park.ReportEntry}, {"x1", park.ReportExit}, {"e3", park.ReportEntry},
	} {
		b.enqueue(newReport(r.id, r.kind, "L1", "k-"+r.id, mins(i)))
	}

	t.Run("List", func(t *testing.T) {
		all := b.list(park.DeliveryFilter{})
		if len(all) != 10 {
			t.Fatalf("%d deliveries, want 10", len(all))
		}
		for i := 1; i < len(all); i++ {
			if all[i].Seq >= all[i-1].Seq {
				t.Fatalf("not newest first: seq %d after %d", all[i].Seq, all[i-1].Seq)
			}
		}
		if all[0].ReportID != "e3" || all[len(all)-1].ReportID != "e0" {
			t.Fatalf("newest %s, oldest %s", all[0].ReportID, all[len(all)-1].ReportID)
		}
		// Keyset pages, of every size, cover the list once, in order.
		for size := 1; size <= 4; size++ {
			var paged []*park.Delivery
			var before int64
			for {
				page := b.list(park.DeliveryFilter{BeforeSeq: before, Limit: size})
				if len(page) > size {
					t.Fatalf("page of %d for limit %d", len(page), size)
				}
				paged = append(paged, page...)
				if len(page) < size {
					break
				}
				before = page[len(page)-1].Seq
			}
			if labels(paged) != labels(all) {
				t.Fatalf("pages of %d: %s, want %s", size, labels(paged), labels(all))
			}
		}
		for _, c := range []struct {
			name string
			f    park.DeliveryFilter
			want string
		}{
			{"partner", park.DeliveryFilter{PartnerID: "P2"}, "c:e0 c:e1 c:e2 c:e3"},
			{"subscription", park.DeliveryFilter{SubscriptionID: "b"}, "b:x0 b:x1"},
			{"report", park.DeliveryFilter{Report: park.ReportExit}, "b:x0 b:x1"},
			{"partner and report", park.DeliveryFilter{PartnerID: "P1", Report: park.ReportEntry}, "a:e0 a:e1 a:e2 a:e3"},
			{"partner and another's subscription", park.DeliveryFilter{PartnerID: "P2", SubscriptionID: "a"}, ""},
			{"since", park.DeliveryFilter{Since: mins(4)}, "a:e3 b:x1 c:e3"},
			{"since, of a subscription", park.DeliveryFilter{SubscriptionID: "c", Since: mins(3)}, "c:e2 c:e3"},
			{"state", park.DeliveryFilter{State: park.DeliveryPending, Report: park.ReportExit}, "b:x0 b:x1"},
			{"no such state", park.DeliveryFilter{State: park.DeliveryDead}, ""},
			{"page of a partner", park.DeliveryFilter{PartnerID: "P2", BeforeSeq: b.find("c", "e2").Seq, Limit: 1}, "c:e1"},
		} {
			if got := sortedLabels(b.list(c.f)); got != c.want {
				t.Errorf("%s: %s, want %s", c.name, got, c.want)
			}
		}
	})

	// Some go out: e0 and x0 delivered, e1 dead for a, failed for c.
	now := mins(10)
	for _, r := range []struct{ sub, report, state string }{
		{"a", "e0", park.DeliveryDelivered}, {"c", "e0", park.DeliveryDelivered}, {"b", "x0", park.DeliveryDelivered},
		{"a", "e1", park.DeliveryDead}, {"c", "e1", park.DeliveryFailed},
	} {
		d := b.find(r.sub, r.report)
		d.State, d.Attempts, d.LastAttemptAt, d.NextAt = r.state, 3, &now, now.Add(time.Hour)
		if r.state == park.DeliveryDelivered {
			d.DeliveredAt = &now
		}
		b.settle(d)
	}
	count := func() string {
		t.Helper()
		var cs []park.DeliveryCount
		must(t, s.View(ctx, func(tx park.Tx) (err error) { cs, err = tx.CountDeliveries(ctx); return }))
		var out []string
		for _, c := range cs {
			out = append(out, fmt.Sprintf("%s=%d@%s", c.State, c.Count, c.Oldest.Sub(base)))
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}

	t.Run("Count", func(t *testing.T) {
		// Not delivered, per state, with the oldest's creation.
		if got := count(); got != "dead=1@2m0s failed=1@2m0s pending=5@3m0s" {
			t.Fatalf("counts %s", got)
		}
		if got := sortedLabels(b.list(park.DeliveryFilter{State: park.DeliveryDelivered})); got != "a:e0 b:x0 c:e0" {
			t.Fatalf("delivered %s", got)
		}
	})

	t.Run("Resume", func(t *testing.T) {
		// c:e1 waits for its retry at now+1h (70m). A lifted pause that
		// ended at another time leaves it; one that ended then makes it
		// due at 11m, its attempts kept.
		var n int
		must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.ResumeDeliveries(ctx, "c", mins(69), mins(11)); return }))
		if d := b.find("c", "e1"); n != 0 || !d.NextAt.Equal(mins(70)) {
			t.Fatalf("ResumeDeliveries of a pause ending at 69m: %d, c:e1 due %s; want 0, 70m kept", n, d.NextAt.Sub(base))
		}
		must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.ResumeDeliveries(ctx, "c", mins(70), mins(11)); return }))
		if d := b.find("c", "e1"); n != 1 || !d.NextAt.Equal(mins(11)) || d.Attempts != 3 || d.State != park.DeliveryFailed {
			t.Fatalf("ResumeDeliveries of a pause ending at 70m: %d, c:e1 %+v; want 1, failed, 3 attempts, due 11m", n, d)
		}
	})

	t.Run("RetryNow", func(t *testing.T) {
		// c moved to a new address at 4m: what waits later is due then,
		// attempts kept (c:e1 from 11m, c:e3 from 5m: 2); c:e2, due at
		// 3m, and c:e0, delivered, keep their times, and so does a:e3
		// (another subscription's, 5m).
		var n int
		must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.RetryDeliveriesNow(ctx, "c", mins(4)); return }))
		e1, e2, e3, e0 := b.find("c", "e1"), b.find("c", "e2"), b.find("c", "e3"), b.find("c", "e0")
		if n != 2 || !e1.NextAt.Equal(mins(4)) || e1.Attempts != 3 || e1.State != park.DeliveryFailed || !e3.NextAt.Equal(mins(4)) {
			t.Fatalf("RetryDeliveriesNow at 4m: %d, c:e1 %s %d attempts due %s, c:e3 due %s; want 2, failed 3 attempts due 4m, 4m",
				n, e1.State, e1.Attempts, e1.NextAt.Sub(base), e3.NextAt.Sub(base))
		}
		if !e2.NextAt.Equal(mins(3)) || !e0.NextAt.Equal(mins(70)) || !b.find("a", "e3").NextAt.Equal(mins(5)) {
			t.Fatalf("c:e2 due %s, c:e0 %s, a:e3 %s; want 3m, 70m, 5m kept", e2.NextAt.Sub(base), e0.NextAt.Sub(base),
				b.find("a", "e3").NextAt.Sub(base))
		}
	})

	t.Run("Redeliver", func(t *testing.T) {
		later := mins(20)
		// Every delivery of a since a time starts over: pending, due now.
		var n int
		must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.RedeliverSince(ctx, "a", mins(2), later); return }))
		if n != 3 {
			t.Fatalf("RedeliverSince redelivered %d, want 3 (e1, e2, e3)", n)
		}
		for _, id := range []string{"e1", "e2", "e3"} {
			d := b.find("a", id)
			if d.State != park.DeliveryPending || d.Attempts != 0 || !d.NextAt.Equal(later) || d.LeaseUntil != nil || d.DeliveredAt != nil {
				t.Fatalf("a:%s after redelivery %+v", id, d)
			}
		}
		if d := b.find("a", "e0"); d.State != park.DeliveryDelivered {
			t.Fatalf("a:e0, older, became %s", d.State)
		}
		if d := b.find("c", "e1"); d.State != park.DeliveryFailed {
			t.Fatalf("c:e1, another subscription's, became %s", d.State)
		}
		// One report to one subscription, then to all.
		must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.RedeliverReport(ctx, "e0", "c", later); return }))
		if d := b.find("c", "e0"); n != 1 || d.State != park.DeliveryPending || d.DeliveredAt != nil || !d.NextAt.Equal(later) {
			t.Fatalf("RedeliverReport to c: %d, %+v", n, d)
		}
		if d := b.find("a", "e0"); d.State != park.DeliveryDelivered {
			t.Fatalf("a:e0 became %s", d.State)
		}
		must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.RedeliverReport(ctx, "e0", "", later); return }))
		if n != 2 || b.find("a", "e0").State != park.DeliveryPending {
			t.Fatalf("RedeliverReport to all: %d", n)
		}
		must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.RedeliverReport(ctx, "nope", "", later); return }))
		if n != 0 {
			t.Fatalf("RedeliverReport of an unknown report: %d", n)
		}
		if got := count(); got != "failed=1@2m0s pending=8@0s" {
			t.Fatalf("counts after redelivery %s", got)
		}
	})
}

// testClaimConcurrently: two workers drain one queue at once. Each
// delivery is claimed exactly once, and none before the one ahead of it
// in its key was delivered.
func testClaimConcurrently(t *testing.T, s park.Store) {
	b := newReportBundle(t, s)
	ctx := b.ctx
	seedLot(t, s, "L1")
	b.partner("P1", "L1")
	b.subscribe("A", "P1", park.ReportEntry, true)
	const keys, perKey = 100, 5
	must(t, update(t, s, func(tx park.Tx) error {
		for i := range perKey {
			for k := range keys {
				r := newReport(fmt.Sprintf("r-%d-%d", k, i), park.ReportEntry, "L1", fmt.Sprintf("k%d", k), base.Add(time.Duration(i)*time.Second))
				if _, err := tx.Enqueue(ctx, r); err != nil {
					return err
				}
			}
		}
		return nil
	}))
	now, lease := base.Add(time.Hour), base.Add(2*time.Hour)

	var mu sync.Mutex
	done := map[int]int{} // key -> how many of its reports were delivered
	claimed := map[string]int{}
	total := 0
	deadline := time.Now().Add(30 * time.Second)
	var failed atomic.Bool // one worker failed: the other stops too
	worker := func() error {
		for !failed.Load() {
			var ds []*park.Delivery
			err := s.Update(ctx, func(tx park.Tx) (err error) {
				ds, err = ClaimDue(ctx, tx, now, lease, 7, nil)
				return err
			})
			if err != nil {
				return err
			}
			pos := make([][2]int, len(ds)) // key and place in it of each
			for j, d := range ds {
				if _, err := fmt.Sscanf(d.ReportID, "r-%d-%d", &pos[j][0], &pos[j][1]); err != nil {
					return err
				}
			}
			mu.Lock()
			for j, d := range ds {
				if claimed[d.ID]++; claimed[d.ID] > 1 {
					mu.Unlock()
					return fmt.Errorf("delivery %s claimed twice", d.ID)
				}
				if k, i := pos[j][0], pos[j][1]; done[k] != i {
					mu.Unlock()
					return fmt.Errorf("claimed %s while %d of its key were delivered", d.ReportID, done[k])
				}
			}
			finished := total == keys*perKey
			mu.Unlock()
			if len(ds) == 0 {
				if finished {
					return nil
				}
				if time.Now().After(deadline) {
					return errors.New("the queue did not drain")
				}
				time.Sleep(time.Millisecond) // the other worker holds what is left
				continue
			}
			err = s.Update(ctx, func(tx park.Tx) error {
				for _, d := range ds {
					d.State, d.Attempts, d.DeliveredAt = park.DeliveryDelivered, 1, &now
				}
				if n, err := tx.FinishDeliveries(ctx, ds); err != nil || n != len(ds) {
					return fmt.Errorf("%d of %d finished: %v", n, len(ds), err)
				}
				// Recorded before the commit, so no claim can see the
				// delivery done before the check below does.
				mu.Lock()
				defer mu.Unlock()
				for _, p := range pos {
					done[p[0]] = p[1] + 1
					total++
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			if errs[i] = worker(); errs[i] != nil {
				failed.Store(true)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		must(t, err)
	}
	if len(claimed) != keys*perKey {
		t.Fatalf("%d deliveries claimed, want %d", len(claimed), keys*perKey)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Fatalf("delivery %s claimed %d times", id, n)
		}
	}
}

// testClaimDueAmong: DueDeliveries finds without claiming, and
// ClaimDueDeliveries claims only the deliveries it is given that are
// still due.
func testClaimDueAmong(t *testing.T, s park.Store) {
	b := newReportBundle(t, s)
	seedLot(t, s, "L1")
	b.partner("P1", "L1")
	b.subscribe("A", "P1", park.ReportEntry, true)
	sec := func(n int) time.Time { return base.Add(time.Duration(n) * time.Second) }
	b.enqueue(newReport("r1", park.ReportEntry, "L1", "k1", sec(0)))
	b.enqueue(newReport("r2", park.ReportEntry, "L1", "k2", sec(1)))
	b.enqueue(newReport("r3", park.ReportEntry, "L1", "k3", sec(3600)))
	seq := func(report string) int64 { return b.find("A", report).Seq }
	due := func(now time.Time, limit int) []int64 {
		t.Helper()
		var out []int64
		must(t, b.s.View(b.ctx, func(tx park.Tx) (err error) { out, err = tx.DueDeliveries(b.ctx, now, limit, nil); return }))
		return out
	}
	claim := func(seqs []int64, now time.Time) string {
		t.Helper()
		var ds []*park.Delivery
		must(t, update(t, b.s, func(tx park.Tx) (err error) {
			ds, err = tx.ClaimDueDeliveries(b.ctx, seqs, now, now.Add(time.Minute))
			return
		}))
		return labels(ds)
	}

	if got, want := due(sec(10), 10), []int64{seq("r1"), seq("r2")}; !slices.Equal(got, want) {
		t.Fatalf("due at 10 s: %v, want r1's and r2's %v", got, want)
	}
	if got, want := due(sec(10), 1), []int64{seq("r1")}; !slices.Equal(got, want) {
		t.Fatalf("due at 10 s, limit 1: %v, want r1's %v", got, want)
	}
	for _, d := range b.list(park.DeliveryFilter{}) {
		if d.State != park.DeliveryPending {
			t.Fatalf("after DueDeliveries, %s is %s: it claimed", d.ID, d.State)
		}
	}
	if got := claim([]int64{seq("r2")}, sec(10)); got != "A:r2" {
		t.Fatalf("claiming r2's alone: [%s], want [A:r2] (r1, due too, not named)", got)
	}
	if got := claim([]int64{seq("r2"), seq("r3"), 1 << 40}, sec(10)); got != "" {
		t.Fatalf("claiming r2 (claimed), r3 (due in an hour) and no delivery: [%s], want none", got)
	}
	if got := claim(nil, sec(10)); got != "" {
		t.Fatalf("claiming none: [%s]", got)
	}
	if got := claim([]int64{seq("r3"), seq("r1")}, sec(3600)); got != "A:r1 A:r3" {
		t.Fatalf("claiming r3 and r1 at their time: [%s], want [A:r1 A:r3], oldest first", got)
	}
}
