package deliveries_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/jobs"
	"parkd/internal/park"
	"parkd/internal/store/postgres"
	"parkd/internal/store/sqlite"
	"parkd/internal/systemtest"
)

// TestRetentionPrunesThroughTheJob: the periodic job, run at start as a
// node's jobs do, deletes the entries a partner was sent longer ago than
// the retention, and keeps those sent since and the exits still waiting
// for a disabled subscription, however old.
func TestRetentionPrunesThroughTheJob(t *testing.T) {
	const retention = 24 * time.Hour
	b := systemtest.NewWith(t, systemtest.Options{DeliveryRetention: retention})
	partner(t, b, "app")
	rc := deliverytest.New(t)
	entries := subscribe(t, b, "app", park.ReportEntry, rc.URL+"/entry")
	off := false
	exits := subscribeWith(t, b, "app", deliveries.SubscriptionInput{Report: park.ReportExit, URL: rc.URL + "/exit", Enabled: &off})
	old := visits(t, b, "O", 3)
	run(t, b)
	// Recorded, not only acknowledged: moving the clock past a claim
	// still open would have it sent again.
	delivered := func(n int) func() bool {
		return func() bool {
			return len(listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: entries.ID, State: park.DeliveryDelivered})) == n
		}
	}
	waitFor(t, "the first entries", delivered(3))

	// A day and a minute later, more cars come and are told of.
	b.Clock.Set(b.Clock.Now().Add(retention + time.Minute))
	recent := visits(t, b, "N", 2)
	waitFor(t, "the later entries", delivered(5))

	startJobs(t, b)
	waitFor(t, "the old entries pruned", func() bool {
		return len(listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: entries.ID})) == 2
	})
	stayOfReport := map[string]string{}
	for _, d := range listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: entries.ID}) {
		r, err := getReport(b, d.ReportID)
		if err != nil {
			t.Fatal(err)
		}
		stayOfReport[d.ReportID] = r.Key
	}
	for _, st := range old {
		for _, k := range stayOfReport {
			if k == park.StayKey(st) {
				t.Errorf("the entry of stay %s, sent more than %s ago, was kept", st, retention)
			}
		}
	}
	if len(stayOfReport) != len(recent) {
		t.Errorf("entries kept %v, want those of %v", stayOfReport, recent)
	}
	// The exits wait for their subscription: all five kept, pending.
	kept := listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: exits.ID})
	if len(kept) != 5 {
		t.Fatalf("the disabled subscription has %d deliveries, want its 5 exits", len(kept))
	}
	for _, d := range kept {
		if d.State != park.DeliveryPending {
			t.Errorf("exit %s is %s, want pending", d.ID, d.State)
		}
		if _, err := getReport(b, d.ReportID); err != nil {
			t.Errorf("the report of a pending exit: %v", err)
		}
	}
	if h := b.Sys.Deliveries.PrunedBefore(); !h.Equal(b.Clock.Now().Add(-retention).Truncate(park.Precision)) {
		t.Errorf("PrunedBefore %s, want now less the retention", h)
	}
}

func getReport(b *systemtest.Bundle, id string) (*park.Report, error) {
	var r *park.Report
	err := b.Store.View(b.Ctx, func(tx park.Tx) (err error) { r, err = tx.GetReport(b.Ctx, id); return })
	return r, err
}

// startJobs runs the node's job queue, with the bundle's deliveries to
// prune, on the bundle's own database until the test ends.
func startJobs(t *testing.T, b *systemtest.Bundle) {
	t.Helper()
	ctx := context.Background()
	cfg := jobs.Config{Service: noQuotes{}, Deliveries: b.Sys.Deliveries, PollInterval: 100 * time.Millisecond}
	var stop func(context.Context) error
	switch st := b.Store.(type) {
	case *sqlite.Store:
		d := riversqlite.New(st.WriterDB())
		if err := jobs.Migrate(ctx, d); err != nil {
			t.Fatal(err)
		}
		c, err := jobs.Start(ctx, d, cfg)
		if err != nil {
			t.Fatal(err)
		}
		stop = c.Stop
	case *postgres.Store:
		d := riverpgxv5.New(st.Pool())
		if err := jobs.Migrate(ctx, d); err != nil {
			t.Fatal(err)
		}
		c, err := jobs.Start(ctx, d, cfg)
		if err != nil {
			t.Fatal(err)
		}
		stop = c.Stop
	default:
		t.Fatalf("no job queue for %T", b.Store)
	}
	t.Cleanup(func() { _ = stop(context.Background()) })
}

type noQuotes struct{}

func (noQuotes) PurgeExpiredQuotes(context.Context, time.Duration) (int, error) { return 0, nil }
