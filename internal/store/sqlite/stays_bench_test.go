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

// BenchmarkStayEntry inserts one stay a commit into a lot with 100,000
// cars inside, under random plates: "issued" lets the store give each
// stay its ticket, as the gate does, and "random" brings a random ticket,
// as the gate did before tickets were enciphered from a sequence (such
// tickets are indexed by themselves). Each runs on a database of its own
// filled the same way.
//
//	go test ./internal/store/sqlite -run '^$' -bench StayEntry -benchtime 5000x
func BenchmarkStayEntry(b *testing.B) {
	const cars = 100_000
	for _, mode := range []string{"issued", "random"} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			st, now := benchLot(b, 2*cars)
			rnd := rand.New(rand.NewPCG(3, 4))
			plates := rnd.Perm(2 * cars)
			n := 0
			stay := func() *park.Stay {
				p := fmt.Sprintf("京B%06d", plates[n])
				s := &park.Stay{ID: fmt.Sprintf("e%07d", n), LotCode: "L1", Plate: p, PlateKey: p,
					VehicleClass: park.ClassSmall, EntryAt: now, EntryLane: "in-1", State: park.StayIn, UpdatedAt: now}
				if mode == "random" {
					s.Locator = fmt.Sprint(1_000_000_000 + rnd.Int64N(9_000_000_000))
				}
				n++
				return s
			}
			for i := 0; i < cars; i += 5000 {
				if err := st.Update(ctx, func(tx park.Tx) error {
					for range 5000 {
						if err := tx.InsertStay(ctx, stay()); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					b.Fatal(err)
				}
			}
			if b.N > cars {
				b.Fatalf("-benchtime at most %dx: the lot holds %d more", cars, cars)
			}
			b.ResetTimer()
			for range b.N {
				s := stay()
				if err := st.Update(ctx, func(tx park.Tx) error { return tx.InsertStay(ctx, s) }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
