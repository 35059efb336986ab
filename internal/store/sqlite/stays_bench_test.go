package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"parkd/internal/park"
)

// BenchmarkStayUpdate changes one stay a commit among 100,000 cars inside
// with random plates and tickets, as a payment ("paid": its amounts only)
// and as an exit ("exit": its state and exit time), each reading the stay
// first in its transaction as the core does. A commit writes every page
// the update touched, so its cost follows the index pages rewritten.
//
//	go test ./internal/store/sqlite -run '^$' -bench StayUpdate -benchtime 3000x
func BenchmarkStayUpdate(b *testing.B) {
	const cars = 100_000
	ctx := context.Background()
	st, now := benchLot(b, cars)
	rnd := rand.New(rand.NewPCG(1, 2))
	plates := rnd.Perm(cars)
	stays := make([]*park.Stay, cars)
	tickets := map[int64]bool{}
	for i := range stays {
		t := 1_000_000_000 + rnd.Int64N(9_000_000_000)
		for tickets[t] {
			t = 1_000_000_000 + rnd.Int64N(9_000_000_000)
		}
		tickets[t] = true
		p := fmt.Sprintf("京A%05d", plates[i])
		stays[i] = &park.Stay{ID: fmt.Sprintf("s%06d", i), LotCode: "L1", Plate: p, PlateKey: p, VehicleClass: park.ClassSmall,
			Locator: fmt.Sprint(t), EntryAt: now.Add(-time.Hour),
			EntryLane: "in-1", State: park.StayIn, UpdatedAt: now}
	}
	for i := 0; i < cars; i += 5000 {
		if err := st.Update(ctx, func(tx park.Tx) error {
			for _, s := range stays[i : i+5000] {
				if err := tx.InsertStay(ctx, s); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	order := rnd.Perm(cars)
	next := 0
	update := func(b *testing.B, change func(*park.Stay)) {
		for range b.N {
			id := stays[order[next]].ID
			next++
			if err := st.Update(ctx, func(tx park.Tx) error {
				s, err := tx.GetStay(ctx, id)
				if err != nil {
					return err
				}
				change(s)
				return tx.UpdateStay(ctx, s)
			}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("paid", func(b *testing.B) {
		update(b, func(s *park.Stay) { s.Total, s.Paid, s.UpdatedAt = 500, 500, now })
	})
	b.Run("exit", func(b *testing.B) {
		update(b, func(s *park.Stay) {
			at := now
			s.State, s.ExitAt, s.ExitLane, s.UpdatedAt = park.StayOut, &at, "out-1", now
		})
	})
}
