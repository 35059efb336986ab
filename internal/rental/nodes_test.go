package rental_test

import (
	"context"
	"encoding/json"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"parkd/internal/park"
	"parkd/internal/rental"
)

// pausedStore holds the n-th write transaction open, once its work is
// done, until release is closed.
type pausedStore struct {
	park.Store
	mu      sync.Mutex
	n       int
	paused  chan struct{}
	release chan struct{}
}

func (s *pausedStore) Update(ctx context.Context, fn func(park.Tx) error) error {
	s.mu.Lock()
	s.n--
	hold := s.n == 0
	s.mu.Unlock()
	return s.Store.Update(ctx, func(tx park.Tx) error {
		if err := fn(tx); err != nil || !hold {
			return err
		}
		close(s.paused)
		<-s.release
		return nil
	})
}

// TestResyncBesideAChange: a resync run (parkd rental resync) while
// another node changes a store it queues: whichever commits first, the
// last push of the store a channel hears is the store as changed.
// PostgreSQL only: SQLite has one writer, so the two never overlap.
func TestResyncBesideAChange(t *testing.T) {
	url := os.Getenv("PARKD_TEST_POSTGRES")
	if os.Getenv("PARKD_TEST_STORE") != "postgres" || url == "" {
		t.Skip("two writers at once: PostgreSQL only")
	}
	b := setup(t)
	ps := &pausedStore{Store: b.Store, n: 2, paused: make(chan struct{}), release: make(chan struct{})} // 1: models, 2: the store
	resyncer := rental.New(rental.Config{Store: ps, Now: b.Clock.Now, ChannelDialect: "chan"})
	resynced := make(chan error, 1)
	go func() { _, err := resyncer.Resync(b.Ctx, "12345678", nil); resynced <- err }()
	select {
	case <-ps.paused:
	case err := <-resynced:
		t.Fatalf("the resync ended (%v) before queuing the store", err)
	}
	// The store's queued pushes are written, not committed; the other node
	// renames the store.
	changed := make(chan error, 1)
	go func() {
		s := store("10001", b.Lot)
		s.Name = "西湖新店"
		_, err := b.Sys.Rental.PutStore(b.Ctx, s)
		changed <- err
	}()
	// Let the change commit, or wait until it waits for the resync.
	conn, err := pgx.Connect(b.Ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(b.Ctx)
	deadline := time.Now().Add(10 * time.Second)
	var changeErr error
	done := false
	for !done && time.Now().Before(deadline) {
		select {
		case changeErr = <-changed:
			done = true
			continue
		default:
		}
		var waiting int
		if err := conn.QueryRow(b.Ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if done && changeErr == nil {
		// The change committed while the resync's pushes of the store,
		// queued before it, were not: is its push due to be sent now?
		var due []int64
		var ds []*park.Delivery
		err := b.Store.View(b.Ctx, func(tx park.Tx) (err error) {
			if due, err = tx.DueDeliveries(b.Ctx, b.Clock.Now().Add(time.Minute), 100, nil); err != nil {
				return err
			}
			ds, err = tx.ListDeliveries(b.Ctx, park.DeliveryFilter{PartnerID: "12345678", Limit: 1})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, seq := range due {
			if len(ds) == 1 && seq == ds[0].Seq {
				t.Errorf("the rename's push is due while the resync's older pushes of the store are not committed: " +
					"the channel would hear the rename, then the store as it was")
			}
		}
	}
	close(ps.release)
	if err := <-resynced; err != nil {
		t.Fatal(err)
	}
	if !done {
		changeErr = <-changed
	}
	if changeErr != nil {
		t.Fatal(changeErr)
	}
	var last park.ReportData
	err = b.Store.View(b.Ctx, func(tx park.Tx) error {
		ds, err := tx.ListDeliveries(b.Ctx, park.DeliveryFilter{PartnerID: "12345678", Limit: 100})
		if err != nil {
			return err
		}
		for _, d := range ds { // newest first
			r, err := tx.GetReport(b.Ctx, d.ReportID)
			if err != nil {
				return err
			}
			if err := json.Unmarshal(r.Data, &last); err != nil {
				return err
			}
			if last.Rental.Item == park.RentalItemStore {
				return nil
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if last.Rental == nil || last.Rental.Store == nil || last.Rental.Store.Name != "西湖新店" {
		t.Fatalf("the last push of the store a channel hears: %+v; want it renamed 西湖新店", last.Rental)
	}
}
