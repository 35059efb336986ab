package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/sqlite"
)

// BenchmarkListPasses lists the passes of a lot with 5,000 of them, two
// plates each, in one read (as the pass sync and a plan's change do in
// the single writer, and the passes list and access page do).
//
//	go test ./internal/store/sqlite -run '^$' -bench ListPasses
func BenchmarkListPasses(b *testing.B) {
	const passes = 5000
	ctx := context.Background()
	st, now := benchLot(b, 10)
	if err := st.Update(ctx, func(tx park.Tx) error {
		for i := range passes {
			pl := []string{fmt.Sprintf("京A%05d", i), fmt.Sprintf("京B%05d", i)}
			if err := tx.CreatePass(ctx, &park.Pass{ID: fmt.Sprintf("p%05d", i), LotCode: "L1", HolderName: "H", Plates: pl,
				PlateKeys: pl, Spaces: 1, ValidFrom: now, ValidTo: now.AddDate(0, 1, 0), CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		var ps []*park.Pass
		if err := st.View(ctx, func(tx park.Tx) (err error) { ps, err = tx.ListPasses(ctx, "L1"); return }); err != nil {
			b.Fatal(err)
		}
		if len(ps) != passes || len(ps[passes-1].Plates) != 2 {
			b.Fatalf("%d passes", len(ps))
		}
	}
}

// benchLot opens a store in a temporary folder, closed with the
// benchmark, with lot L1 of capacity spaces; now is its creation time.
func benchLot(b *testing.B, capacity int) (st *sqlite.Store, now time.Time) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	now = time.Now().UTC().Truncate(park.Precision)
	if err := st.Update(ctx, func(tx park.Tx) error {
		return tx.CreateLot(ctx, &park.Lot{Code: "L1", Name: "L1", TimeZone: "Asia/Shanghai", Currency: "CNY", Capacity: capacity,
			Tariff: []byte(`{"every":{"minutes":60,"price":500}}`), CreatedAt: now, UpdatedAt: now})
	}); err != nil {
		b.Fatal(err)
	}
	return st, now
}
