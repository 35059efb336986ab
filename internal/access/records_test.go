package access

import (
	"context"
	"strings"
	"testing"
	"time"

	"parkd/internal/park"
)

// askedTx records which look-ups reach the store.
type askedTx struct {
	park.Tx // nil: any other method would panic
	has     park.PlateRecords
	inside  *park.Stay // LotAndPlate's open stay
	asked   []string
}

func (a *askedTx) PlateRecords(context.Context, string, string) (park.PlateRecords, error) {
	return a.has, nil
}
func (a *askedTx) FindWhitelist(_ context.Context, lot, key string) (*park.WhitelistEntry, error) {
	a.asked = append(a.asked, "whitelist "+lot+" "+key)
	return nil, park.Errorf(park.ENotFound, "not found")
}
func (a *askedTx) FindPassByPlate(_ context.Context, lot, key string) (*park.Pass, error) {
	a.asked = append(a.asked, "pass "+lot+" "+key)
	return nil, park.Errorf(park.ENotFound, "not found")
}
func (a *askedTx) BookedReservations(_ context.Context, lot, key string, _ time.Time) ([]*park.Reservation, error) {
	a.asked = append(a.asked, "reservations "+lot+" "+key)
	return nil, nil
}
func (a *askedTx) IsLocked(_ context.Context, lot, key string) (*park.Lock, error) {
	a.asked = append(a.asked, "lock "+lot+" "+key)
	return nil, nil
}
func (a *askedTx) StayCoupons(_ context.Context, lot, key, _ string) ([]*park.Coupon, error) {
	a.asked = append(a.asked, "coupons "+lot+" "+key)
	return nil, nil
}

// TestKnownRecordsAsksOnlyWhatExists: the kinds the plate has are looked
// up in the store, the others answer "none" at once, and another plate or
// lot is always looked up.
func TestKnownRecordsAsksOnlyWhatExists(t *testing.T) {
	ctx := context.Background()
	raw := &askedTx{has: park.PlateRecords{Pass: true, Coupons: true}}
	tx, err := KnownRecords(ctx, raw, "L1", "K1")
	if err != nil {
		t.Fatal(err)
	}
	ask := func(lot, key string) {
		if _, err := tx.FindWhitelist(ctx, lot, key); !park.IsCode(err, park.ENotFound) {
			t.Errorf("whitelist of %s %s: %v, want not found", lot, key, err)
		}
		if _, err := tx.FindPassByPlate(ctx, lot, key); !park.IsCode(err, park.ENotFound) {
			t.Errorf("pass of %s %s: %v, want not found", lot, key, err)
		}
		rs, _ := tx.BookedReservations(ctx, lot, key, time.Now())
		lk, _ := tx.IsLocked(ctx, lot, key)
		cs, _ := tx.StayCoupons(ctx, lot, key, "s1")
		if rs != nil || lk != nil || cs != nil {
			t.Errorf("%s %s: reservations %v, lock %v, coupons %v, want none", lot, key, rs, lk, cs)
		}
	}
	ask("L1", "K1")
	ask("L1", "K2")
	ask("L2", "K1")
	if again, _ := KnownRecords(ctx, tx, "L1", "K1"); again != tx {
		t.Error("a transaction that knows the plate's records was wrapped again")
	}
	want := []string{
		"pass L1 K1", "coupons L1 K1",
		"whitelist L1 K2", "pass L1 K2", "reservations L1 K2", "lock L1 K2", "coupons L1 K2",
		"whitelist L2 K1", "pass L2 K1", "reservations L2 K1", "lock L2 K1", "coupons L2 K1",
	}
	if len(raw.asked) != len(want) {
		t.Fatalf("asked the store %q\nwant %q", raw.asked, want)
	}
	for i := range want {
		if raw.asked[i] != want[i] {
			t.Fatalf("asked the store %q\nwant %q", raw.asked, want)
		}
	}
}

func (a *askedTx) FindInside(_ context.Context, lot, key string) (*park.Stay, error) {
	a.asked = append(a.asked, "inside "+lot+" "+key)
	return nil, park.Errorf(park.ENotFound, "not found")
}
func (a *askedTx) InsertStay(context.Context, *park.Stay) error { return nil }
func (a *askedTx) UpdateStay(context.Context, *park.Stay) error { return nil }

// TestKnownRecordsSeesTheStayItOpens: a plate with no open stay is not
// looked for inside; once a stay of it is written open through the
// transaction (an entry), it is, and another plate's stay changes nothing.
func TestKnownRecordsSeesTheStayItOpens(t *testing.T) {
	ctx := context.Background()
	for _, write := range []string{"insert", "update"} {
		raw := &askedTx{}
		tx, err := KnownRecords(ctx, raw, "L1", "K1")
		if err != nil {
			t.Fatal(err)
		}
		put := tx.InsertStay
		if write == "update" {
			put = tx.UpdateStay
		}
		tx.FindInside(ctx, "L1", "K1")
		if err := put(ctx, &park.Stay{LotCode: "L1", PlateKey: "K2", State: park.StayIn}); err != nil {
			t.Fatal(err)
		}
		if err := put(ctx, &park.Stay{LotCode: "L1", PlateKey: "K1", State: park.StayOut}); err != nil {
			t.Fatal(err)
		}
		tx.FindInside(ctx, "L1", "K1")
		if len(raw.asked) != 0 {
			t.Fatalf("%s: asked the store %q before the plate had an open stay", write, raw.asked)
		}
		if err := put(ctx, &park.Stay{LotCode: "L1", PlateKey: "K1", State: park.StayIn}); err != nil {
			t.Fatal(err)
		}
		tx.FindInside(ctx, "L1", "K1")
		if want := []string{"inside L1 K1"}; len(raw.asked) != 1 || raw.asked[0] != want[0] {
			t.Errorf("%s: asked the store %q after the stay was opened, want %q", write, raw.asked, want)
		}
	}
}

func (a *askedTx) VehicleOrders(_ context.Context, key string) ([]*park.RentalOrder, error) {
	a.asked = append(a.asked, "orders "+key)
	return nil, nil
}

// TestKnownRecordsRentals: a plate's open rental orders are looked up only
// when it has some, whatever the lot; another plate's always are.
func TestKnownRecordsRentals(t *testing.T) {
	ctx := context.Background()
	for _, rented := range []bool{false, true} {
		raw := &askedTx{has: park.PlateRecords{Rented: rented}}
		tx, err := KnownRecords(ctx, raw, "L1", "K1")
		if err != nil {
			t.Fatal(err)
		}
		tx.VehicleOrders(ctx, "K1")
		tx.VehicleOrders(ctx, "K2")
		want := []string{"orders K2"}
		if rented {
			want = []string{"orders K1", "orders K2"}
		}
		if strings.Join(raw.asked, ",") != strings.Join(want, ",") {
			t.Errorf("rented %v: asked the store %q, want %q", rented, raw.asked, want)
		}
	}
}

func (a *askedTx) LotAndPlate(_ context.Context, lot, _ string) (*park.Lot, park.PlateRecords, *park.Stay, error) {
	if lot != "L1" {
		return nil, park.PlateRecords{}, nil, park.Errorf(park.ENotFound, "lot %q not found", lot)
	}
	return &park.Lot{Code: lot}, a.has, a.inside, nil
}

// TestKnownLot: the lot and the plate's records come from one read, and
// the transaction it returns knows them (KnownRecords does not read them
// again, and a look-up of a kind the plate has none of is not asked); an
// unknown lot is its read's error.
func TestKnownLot(t *testing.T) {
	ctx := context.Background()
	raw := &askedTx{has: park.PlateRecords{Pass: true}}
	l, tx, err := KnownLot(ctx, raw, "L1", "K1")
	if err != nil || l.Code != "L1" {
		t.Fatalf("KnownLot: %+v, %v", l, err)
	}
	if again, _ := KnownRecords(ctx, tx, "L1", "K1"); again != tx {
		t.Error("a transaction that knows the plate's records was wrapped again")
	}
	tx.FindWhitelist(ctx, "L1", "K1")
	tx.FindPassByPlate(ctx, "L1", "K1")
	if want := []string{"pass L1 K1"}; len(raw.asked) != 1 || raw.asked[0] != want[0] {
		t.Errorf("asked the store %q, want %q", raw.asked, want)
	}
	if _, _, err := KnownLot(ctx, raw, "L9", "K1"); !park.IsCode(err, park.ENotFound) {
		t.Errorf("an unknown lot: %v, want not found", err)
	}
}

// TestKnownLotInside: the open stay read with the lot answers the first
// FindInside of its plate without asking the store, once (its caller owns
// it); a later one asks, and so does the first after a stay is written in
// the transaction, which may have changed that stay. Another plate asks.
func TestKnownLotInside(t *testing.T) {
	ctx := context.Background()
	stay := &park.Stay{ID: "s1", LotCode: "L1", PlateKey: "K1", State: park.StayIn}
	raw := &askedTx{has: park.PlateRecords{Inside: true}, inside: stay}
	_, tx, err := KnownLot(ctx, raw, "L1", "K1")
	if err != nil {
		t.Fatal(err)
	}
	if st, err := tx.FindInside(ctx, "L1", "K1"); err != nil || st != stay {
		t.Errorf("first FindInside: %+v, %v; want the stay read with the lot", st, err)
	}
	tx.FindInside(ctx, "L1", "K1")
	tx.FindInside(ctx, "L1", "K2")
	if want := "inside L1 K1,inside L1 K2"; strings.Join(raw.asked, ",") != want {
		t.Errorf("asked the store %q, want %q", raw.asked, want)
	}
	for _, write := range []func(park.Tx) error{
		func(tx park.Tx) error {
			return tx.UpdateStay(ctx, &park.Stay{ID: "s1", LotCode: "L1", PlateKey: "K1", State: park.StayOut})
		},
		func(tx park.Tx) error {
			return tx.InsertStay(ctx, &park.Stay{ID: "s2", LotCode: "L1", PlateKey: "K9", State: park.StayIn})
		},
	} {
		raw.asked = nil
		_, tx, err := KnownLot(ctx, raw, "L1", "K1")
		if err != nil {
			t.Fatal(err)
		}
		if err := write(tx); err != nil {
			t.Fatal(err)
		}
		tx.FindInside(ctx, "L1", "K1")
		if want := "inside L1 K1"; strings.Join(raw.asked, ",") != want {
			t.Errorf("FindInside after a stay's write: asked the store %q, want %q", raw.asked, want)
		}
	}
}
