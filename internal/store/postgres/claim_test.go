package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/postgres/pgtest"
	"parkd/internal/store/storetest"
)

// While one node's claim is still uncommitted, another node's claim
// neither waits for it nor takes what it holds: each gets its own
// deliveries, and together they get them all.
func TestClaimSkipsLocked(t *testing.T) {
	t.Parallel()
	s := pgtest.Open(t)
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	const queued = 40
	err := s.Update(ctx, func(tx park.Tx) error {
		if err := tx.CreateLot(ctx, lot("L1")); err != nil {
			return err
		}
		if err := tx.CreatePartner(ctx, &park.Partner{ID: "P1", Name: "P1", Dialect: "native", Type: park.PartnerNormal,
			Lots: []string{"L1"}, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		if err := tx.CreateSubscription(ctx, &park.Subscription{ID: "S1", PartnerID: "P1", Report: park.ReportEntry,
			URL: "https://partner.example/", Format: park.FormatNative, Enabled: true, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		for i := range queued {
			r := &park.Report{ID: fmt.Sprintf("r%02d", i), Kind: park.ReportEntry, LotCode: "L1",
				Key: park.StayKey(fmt.Sprint(i)), At: now, Data: []byte(`{}`)}
			if _, err := tx.Enqueue(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	lease := now.Add(time.Minute)
	holding := make(chan []*park.Delivery, 1)
	release := make(chan struct{})
	firstDone := make(chan error, 1)
	go func() {
		firstDone <- s.Update(ctx, func(tx park.Tx) error {
			ds, err := storetest.ClaimDue(ctx, tx, now, lease, 10, nil)
			holding <- ds
			if err != nil {
				return err
			}
			<-release // keep the transaction, and its row locks, open
			return nil
		})
	}()
	first := <-holding

	wait, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var second []*park.Delivery
	err = s.Update(wait, func(tx park.Tx) (err error) { second, err = storetest.ClaimDue(wait, tx, now, lease, 100, nil); return })
	close(release)
	if err != nil {
		t.Fatalf("second claim while the first is open: %v", err)
	}
	if err := <-firstDone; err != nil {
		t.Fatal(err)
	}
	if len(first) != 10 || len(second) != queued-10 {
		t.Fatalf("claimed %d and %d, want 10 and %d", len(first), len(second), queued-10)
	}
	seen := map[string]bool{}
	for _, d := range append(first, second...) {
		if seen[d.ID] {
			t.Fatalf("delivery %s claimed twice", d.ID)
		}
		seen[d.ID] = true
	}
}
