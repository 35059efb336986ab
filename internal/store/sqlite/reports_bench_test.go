package sqlite_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/store/sqlite"
)

// BenchmarkEntryReport times a gate entry's transaction (the subscription
// probe, the stay, and the entry report when someone subscribed) in a lot
// with 20,000 entries already written: "none" with no subscription,
// "one" with one disabled subscription (its id made as the API makes
// it), so each entry also writes a
// report of about 1.3 KB and its one delivery, none sent.
//
// Beside ns/op, which a shared machine blurs, it reports pages/op: the
// WAL frames a commit appends (every page it changed), counted over 1,000
// more entries while a reader holds the log so it is not started over.
// That count follows the rows and index entries written, not the machine.
//
//	go test ./internal/store/sqlite -run '^$' -bench EntryReport -benchtime 3000x
func BenchmarkEntryReport(b *testing.B) {
	for _, mode := range []string{"none", "one"} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			path := filepath.Join(b.TempDir(), "parkd.db")
			// No bound: the log is started over only when copied back.
			st, err := sqlite.Open(ctx, path, sqlite.Options{WALBound: 1 << 40})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			now := time.Now().UTC().Truncate(park.Precision)
			lot := &park.Lot{Code: "L1", Name: "L1", TimeZone: "Asia/Shanghai", Currency: "CNY", Capacity: 1_000_000,
				Tariff: []byte(`{"every":{"minutes":60,"price":500}}`), CreatedAt: now, UpdatedAt: now}
			update := func(fn func(tx park.Tx) error) {
				if err := st.Update(ctx, fn); err != nil {
					b.Fatal(err)
				}
			}
			update(func(tx park.Tx) error { return tx.CreateLot(ctx, lot) })
			if mode == "one" {
				update(func(tx park.Tx) error {
					if err := tx.CreatePartner(ctx, &park.Partner{ID: "p1", Name: "Partner p1", Dialect: "native",
						Type: park.PartnerNormal, Lots: []string{"L1"}, CreatedAt: now, UpdatedAt: now}); err != nil {
						return err
					}
					// The id as the API makes it when none is given.
					return tx.CreateSubscription(ctx, &park.Subscription{ID: core.NewID(), PartnerID: "p1", Report: park.ReportEntry,
						URL: "https://partner.example/hooks/p1", Format: park.FormatNative, Secret: "whsec_c2VjcmV0",
						CreatedAt: now, UpdatedAt: now})
				})
			}
			n := 0
			entry := func(tx park.Tx) error {
				p := fmt.Sprintf("京C%06d", n)
				n++
				s := &park.Stay{ID: core.NewID(), LotCode: "L1", Plate: p, PlateKey: p, VehicleClass: park.ClassSmall,
					EntryAt: now, EntryLane: "in-1", State: park.StayIn, UpdatedAt: now}
				if err := tx.InsertStay(ctx, s); err != nil {
					return err
				}
				if ok, err := tx.Subscribed(ctx, "L1", park.ReportEntry); err != nil || !ok {
					return err
				}
				data, err := json.Marshal(&park.ReportData{Lot: core.ReportLot(lot), Stay: s, Category: "visitor",
					Occupancy: &park.Occupancy{Capacity: lot.Capacity, Occupied: n, Free: lot.Capacity - n},
					Event: &park.Event{ID: core.NewID(), LotCode: "L1", Type: "entry", Plate: p, Lane: "in-1", At: now,
						ImageURL: "https://img.example/L1/in-1/" + s.ID + ".jpg", PlateColor: "blue", VehicleClass: "small",
						Decision:   park.Decision{Decision: "open", Reason: "visitor", StayID: s.ID, Plate: p, Currency: "CNY"},
						ReceivedAt: now}})
				if err != nil {
					return err
				}
				if n == 1 {
					b.Logf("report data: %d bytes", len(data))
				}
				_, err = tx.Enqueue(ctx, &park.Report{ID: core.NewID(), Kind: park.ReportEntry, LotCode: "L1",
					Key: park.StayKey(s.ID), At: now, Data: data, Queued: now})
				return err
			}
			for range 20 {
				update(func(tx park.Tx) error {
					for range 1000 {
						if err := entry(tx); err != nil {
							return err
						}
					}
					return nil
				})
			}
			b.ResetTimer()
			for range b.N {
				update(entry)
			}
			b.StopTimer()
			b.ReportMetric(walPages(b, st, path, func() { update(entry) }), "pages/op")
		})
	}
}

// walPages runs op 1,000 times, one commit each, while a reader holds a
// snapshot on the log, and returns the WAL frames they appended per op.
// The reader begins just after a write, so its snapshot is in the log and
// the log cannot be started over under it; a log started over all the
// same (its header's checkpoint count moved) is measured again.
func walPages(b *testing.B, st *sqlite.Store, path string, op func()) float64 {
	const ops = 1000
	ctx := context.Background()
	wal := path + "-wal"
	header := func() (size int64, pageSize uint32, ckpt []byte) {
		f, err := os.Open(wal)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		h := make([]byte, 32)
		if _, err := f.ReadAt(h, 0); err != nil {
			b.Fatal(err)
		}
		fi, err := f.Stat()
		if err != nil {
			b.Fatal(err)
		}
		// The header: magic, version, page size, checkpoint count, salts.
		return fi.Size(), binary.BigEndian.Uint32(h[8:]), h[12:24]
	}
	for range 5 {
		op()
		held, release := make(chan struct{}), make(chan struct{})
		go st.View(ctx, func(tx park.Tx) error {
			_, err := tx.GetLot(ctx, "L1")
			close(held)
			<-release
			return err
		})
		<-held
		size0, pageSize, ckpt0 := header()
		for range ops {
			op()
		}
		size1, _, ckpt1 := header()
		close(release)
		if bytes.Equal(ckpt0, ckpt1) {
			return float64(size1-size0) / float64(int64(pageSize)+24) / ops
		}
	}
	b.Fatal("the WAL was started over under every measurement")
	return 0
}
