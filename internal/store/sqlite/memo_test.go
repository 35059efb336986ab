package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"parkd/internal/park"
)

// TestMemoFollowsTheBatch runs one group commit by hand: requests that
// change a lot, a subscription and a rental order, some of them rolled
// back, between requests that read them. Each read must see exactly what
// the requests before it left, as it would without the memo.
func TestMemoFollowsTheBatch(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "parkd.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	base := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Update(ctx, func(tx park.Tx) error {
		if err := tx.CreateLot(ctx, &park.Lot{Code: "L1", Name: "one", TimeZone: "UTC", Currency: "CNY", Capacity: 10,
			QuoteTTLSeconds: 60, MissedEntry: park.MissedEntryHold, CreatedAt: base, UpdatedAt: base}); err != nil {
			return err
		}
		if err := tx.CreatePartner(ctx, &park.Partner{ID: "p", Name: "P", Dialect: "api-one", Type: park.PartnerNormal,
			Lots: []string{"L1"}, CreatedAt: base, UpdatedAt: base}); err != nil {
			return err
		}
		if err := tx.SaveRentalStore(ctx, &park.RentalStore{Code: "A", CompanyCode: "1", Kind: park.RentalStoreKind, Name: "A",
			Address: "x", City: "330100", Opens: "08:00", Closes: "22:00", Active: true, LotCode: "L1", UpdatedAt: base}); err != nil {
			return err
		}
		if err := tx.SaveVehicleModel(ctx, &park.VehicleModel{Code: "M", Name: "M", Seats: 5, Fuel: "petrol",
			Transmission: "automatic", UpdatedAt: base}); err != nil {
			return err
		}
		return tx.SaveRentalVehicle(ctx, &park.RentalVehicle{Plate: "K1", PlateKey: "K1", VIN: "LSVAU2180N2123456",
			StoreCode: "A", ModelCode: "M", UpdatedAt: base})
	}))

	sub := &park.Subscription{ID: "s1", PartnerID: "p", Report: park.ReportEntry, URL: "https://partner.example/h",
		Format: park.FormatNative, Enabled: true, Secret: "whsec_c2VjcmV0", CreatedAt: base, UpdatedAt: base}
	order := &park.RentalOrder{ID: "o1", ChannelID: "c", ChannelOrderID: "F1", StoreCode: "A", ModelCode: "M", Plate: "K1",
		PlateKey: "K1", PickupAt: base, ReturnAt: base.Add(24 * time.Hour), Days: 1, Rent: 100,
		Status: park.OrderAwaitingPickup, CreatedAt: base, UpdatedAt: base}
	undone := errors.New("refused after writing")
	var steps []string
	// read records what a request sees: the lot's name, whether its entries
	// are subscribed, how many orders K1 has open.
	read := func(label string) func(park.Tx) error {
		return func(tx park.Tx) error {
			l, err := tx.GetLotSettings(ctx, "L1")
			if err != nil {
				return err
			}
			l.Name = "changed by a caller" // a caller's copy: the memo keeps its own
			l, err = tx.GetLotSettings(ctx, "L1")
			if err != nil {
				return err
			}
			subscribed, err := tx.Subscribed(ctx, "L1", park.ReportEntry)
			if err != nil {
				return err
			}
			os, err := tx.VehicleOrders(ctx, "K1")
			if err != nil {
				return err
			}
			inside, err := tx.CountInside(ctx, "L1")
			if err != nil {
				return err
			}
			uses, err := tx.PartnerUsesLot(ctx, "p", "L1")
			if err != nil {
				return err
			}
			steps = append(steps, fmt.Sprintf("%s: %s %s %s %d inside%s", label, l.Name,
				map[bool]string{true: "subscribed", false: "unsubscribed"}[subscribed], strings.Repeat("o", len(os)), inside,
				map[bool]string{true: "", false: ", p not on L1"}[uses]))
			return nil
		}
	}
	lot := func(name string) func(park.Tx) error {
		return func(tx park.Tx) error {
			l, err := tx.GetLotSettings(ctx, "L1")
			if err != nil {
				return err
			}
			l.Name = name
			return tx.UpdateLot(ctx, l)
		}
	}
	then := func(a, b func(park.Tx) error) func(park.Tx) error {
		return func(tx park.Tx) error {
			if err := a(tx); err != nil {
				return err
			}
			return b(tx)
		}
	}
	fail := func(fn func(park.Tx) error) func(park.Tx) error {
		return func(tx park.Tx) error {
			if err := fn(tx); err != nil {
				return err
			}
			return undone
		}
	}
	// Each change follows a read that filled the memo; each change undone
	// reads after writing, so the memo held what was then undone, and the
	// next request only reads.
	add := func(n int) func(park.Tx) error {
		return func(tx park.Tx) error { return tx.AddOccupied(ctx, "L1", n) }
	}
	cancel := func(tx park.Tx) error {
		o, err := tx.GetRentalOrder(ctx, "o1")
		if err != nil {
			return err
		}
		o.Status = park.OrderCancelled
		return tx.SaveRentalOrder(ctx, o)
	}
	fns := []func(park.Tx) error{
		read("before"),
		lot("uno"),
		read("after a lot change"),
		func(tx park.Tx) error { return tx.CreateSubscription(ctx, sub) },
		read("after a subscription"),
		fail(then(func(tx park.Tx) error { return tx.DeleteSubscription(ctx, "s1") }, read("inside a deletion undone"))),
		read("after a deletion undone"),
		fail(then(lot("eins"), read("inside a lot change undone"))),
		read("after a lot change undone"),
		func(tx park.Tx) error { return tx.SaveRentalOrder(ctx, order) },
		read("after an order"),
		fail(then(cancel, read("inside a cancellation undone"))),
		read("after a cancellation undone"),
		add(3),
		read("after 3 cars came in"),
		add(-1),
		read("after one left"),
		fail(then(add(5), read("inside 5 cars undone"))),
		read("after 5 cars undone"),
		fail(then(func(tx park.Tx) error { return tx.DeletePartner(ctx, "p") }, read("inside a partner's deletion undone"))),
		read("after a partner's deletion undone"),
	}
	batch := make([]*writeReq, len(fns))
	for i, fn := range fns {
		batch[i] = &writeReq{ctx: ctx, fn: fn, done: make(chan writeResult, 1)}
	}
	s.commit(batch)
	for i, r := range batch {
		res := <-r.done
		if wantErr := i == 5 || i == 7 || i == 11 || i == 17 || i == 19; (res.err != nil) != wantErr || res.panicked != nil {
			t.Fatalf("request %d: %v %v", i, res.err, res.panicked)
		}
	}
	want := []string{
		"before: one unsubscribed  0 inside",
		"after a lot change: uno unsubscribed  0 inside",
		"after a subscription: uno subscribed  0 inside",
		"inside a deletion undone: uno unsubscribed  0 inside",
		"after a deletion undone: uno subscribed  0 inside",
		"inside a lot change undone: eins subscribed  0 inside",
		"after a lot change undone: uno subscribed  0 inside",
		"after an order: uno subscribed o 0 inside",
		"inside a cancellation undone: uno subscribed  0 inside",
		"after a cancellation undone: uno subscribed o 0 inside",
		"after 3 cars came in: uno subscribed o 3 inside",
		"after one left: uno subscribed o 2 inside",
		"inside 5 cars undone: uno subscribed o 7 inside",
		"after 5 cars undone: uno subscribed o 2 inside",
		"inside a partner's deletion undone: uno unsubscribed o 2 inside, p not on L1",
		"after a partner's deletion undone: uno subscribed o 2 inside",
	}
	if !slices.Equal(steps, want) {
		t.Fatalf("reads in the batch saw\n%q\nwant\n%q", steps, want)
	}
}

// TestMemoForgetsOnEveryWrite: each query that writes a table the memo
// answers from must be run only by txn methods that forget (or, for the
// count of cars inside, follow the change). A new one fails here until
// it is added, with t.memo.forget() in its method.
func TestMemoForgetsOnEveryWrite(t *testing.T) {
	known := []string{
		"AddOccupied", // lot_counts: its method updates the memo's count instead
		"ClearPartnerLots", "CreateLot", "CreatePartner", "CreateSubscription", "DeleteEmptyDeletedSubscriptions", "DeletePartner", "DeletePartnerSubscriptions",
		"DeleteSubscription",
		"InsertPartnerLot", "LiftPause", "PauseSubscription",
		"ReturnSlots", // as UseSlots
		"SetChannelPartner", "UpdateLot", "UpdateSubscription",
		"UseSlots", // writes only slots_until, which no answer the memo keeps is read from: no forget, every claim keeps the batch's memo
	}
	name := regexp.MustCompile(`^-- name: (\w+)`)
	writes := regexp.MustCompile(`(?i)\b(INSERT(\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+(lots|lot_counts|partner_lots|partners|subscriptions)\b`)
	files, err := filepath.Glob("queries/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("queries: %v", err)
	}
	var found []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range strings.Split(string(b), "\n-- name: ") {
			q = strings.TrimPrefix(q, "-- name: ")
			m := name.FindStringSubmatch("-- name: " + q)
			if m != nil && writes.MatchString(q) {
				found = append(found, m[1])
			}
		}
	}
	slices.Sort(found)
	if !slices.Equal(found, known) {
		t.Fatalf("queries writing what the memo answers from: %v\nwant (each in a method that forgets): %v", found, known)
	}
}
