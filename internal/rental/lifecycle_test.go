package rental_test

import (
	"encoding/json"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/rental"
	"parkd/internal/systemtest"
)

// changes returns the rental changes queued for the channel after the
// first skip deliveries, oldest first.
func changes(t *testing.T, b *systemtest.Bundle, skip int) []*park.RentalChange {
	t.Helper()
	ds := pending(t, b)
	var out []*park.RentalChange
	for i := len(ds) - 1 - skip; i >= 0; i-- {
		var rep *park.Report
		if err := b.Store.View(b.Ctx, func(tx park.Tx) (err error) { rep, err = tx.GetReport(b.Ctx, ds[i].ReportID); return }); err != nil {
			t.Fatal(err)
		}
		var data park.ReportData
		if err := json.Unmarshal(rep.Data, &data); err != nil || data.Rental == nil {
			t.Fatalf("report %s: %v: %s", rep.ID, err, rep.Data)
		}
		out = append(out, data.Rental)
	}
	return out
}

// wantItems checks the items (and their deleted flags) of changes, in order.
func wantItems(t *testing.T, got []*park.RentalChange, want ...string) {
	t.Helper()
	var items []string
	for _, c := range got {
		s := c.Item
		if c.Deleted {
			s += " deleted"
		}
		items = append(items, s)
	}
	if len(items) != len(want) {
		t.Fatalf("changes %v, want %v", items, want)
	}
	for i := range want {
		if items[i] != want[i] {
			t.Fatalf("changes %v, want %v", items, want)
		}
	}
}

func wantField(t *testing.T, err error, code park.Code, field string) {
	t.Helper()
	systemtest.WantCode(t, err, code)
	if pe, _ := err.(*park.Error); pe == nil || pe.Field != field {
		t.Fatalf("error %v does not name field %q", err, field)
	}
}

func rule() park.StoreRule {
	return park.StoreRule{StoreCode: "10001", CrossCity: true, BannedCities: []string{"110100"}, Invoice: true, MinDays: 2,
		MaxDays: 30, AdvanceHours: 4, FreeCancelHours: 24}
}

func TestStoreRule(t *testing.T) {
	b := fleet(t)
	before := len(pending(t, b))
	got, err := b.Sys.Rental.PutStoreRule(b.Ctx, rule())
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 1 || got.UpdatedAt.IsZero() {
		t.Fatalf("rule %+v, want version 1 with a time", got)
	}
	cs := changes(t, b, before)
	wantItems(t, cs, park.RentalItemStoreRule)
	if r := cs[0].Rule; r == nil || !r.CrossCity || len(r.BannedCities) != 1 || r.MinDays != 2 || cs[0].Store == nil ||
		cs[0].Store.Code != "10001" {
		t.Fatalf("change %+v, want the rule with its store", cs[0])
	}

	t.Run("Validation", func(t *testing.T) {
		before := len(pending(t, b))
		for _, tc := range []struct {
			name  string
			edit  func(*park.StoreRule)
			code  park.Code
			field string
		}{
			{"BannedWithoutCrossCity", func(r *park.StoreRule) { r.CrossCity = false }, park.EInvalid, "banned_cities"},
			{"BannedTwice", func(r *park.StoreRule) { r.BannedCities = []string{"110100", "110100"} }, park.EInvalid, "banned_cities"},
			{"BannedNotACode", func(r *park.StoreRule) { r.BannedCities = []string{"北京"} }, park.EInvalid, "banned_cities"},
			{"NoMinDays", func(r *park.StoreRule) { r.MinDays = 0 }, park.EInvalid, "min_days"},
			{"MaxBelowMin", func(r *park.StoreRule) { r.MaxDays = 1 }, park.EInvalid, "max_days"},
			{"MaxTooLong", func(r *park.StoreRule) { r.MaxDays = 91 }, park.EInvalid, "max_days"},
			{"NegativeAdvance", func(r *park.StoreRule) { r.AdvanceHours = -1 }, park.EInvalid, "advance_hours"},
			{"HugeCancel", func(r *park.StoreRule) { r.FreeCancelHours = 721 }, park.EInvalid, "free_cancel_hours"},
			{"UnknownStore", func(r *park.StoreRule) { r.StoreCode = "nope" }, park.ENotFound, "store_code"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := rule()
				tc.edit(&r)
				_, err := b.Sys.Rental.PutStoreRule(b.Ctx, r)
				wantField(t, err, tc.code, tc.field)
			})
		}
		if n := len(pending(t, b)); n != before {
			t.Fatalf("%d deliveries queued by refused rules, want none", n-before)
		}
		if r, _ := b.Sys.Rental.GetStoreRule(b.Ctx, "10001"); r.Version != 1 {
			t.Fatalf("rule at version %d after refusals, want 1", r.Version)
		}
	})

	t.Run("OrdersFollowIt", func(t *testing.T) {
		now := b.Clock.Now()
		// One day is shorter than the store's two.
		_, err := b.Sys.Rental.CheckOrder(b.Ctx, request(now.Add(5*time.Hour), 24))
		wantField(t, err, park.EInvalid, "return_at")
		// Picked up in 3 hours: the store wants 4 hours' notice.
		_, err = b.Sys.Rental.CheckOrder(b.Ctx, request(now.Add(3*time.Hour), 48))
		wantField(t, err, park.EInvalid, "pickup_at")
		// 31 days is over the store's 30.
		_, err = b.Sys.Rental.CheckOrder(b.Ctx, request(now.Add(5*time.Hour), 31*24))
		wantField(t, err, park.EInvalid, "return_at")
		q, err := b.Sys.Rental.CheckOrder(b.Ctx, request(now.Add(5*time.Hour), 48))
		if err != nil || q.Available != 1 || q.Days != 2 {
			t.Fatalf("two days with notice: %+v, %v; want the car, 2 days", q, err)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		before := len(pending(t, b))
		if err := b.Sys.Rental.DeleteStoreRule(b.Ctx, "10001"); err != nil {
			t.Fatal(err)
		}
		if err := b.Sys.Rental.DeleteStoreRule(b.Ctx, "10001"); err != nil { // again: nothing more
			t.Fatal(err)
		}
		wantItems(t, changes(t, b, before), park.RentalItemStoreRule+" deleted")
		r, err := b.Sys.Rental.GetStoreRule(b.Ctx, "10001")
		if err != nil || !r.Deleted {
			t.Fatalf("rule after the delete: %+v, %v; want it kept, deleted", r, err)
		}
		// A deleted rule no longer holds orders back: one day is fine.
		if _, err := b.Sys.Rental.CheckOrder(b.Ctx, request(b.Clock.Now().Add(time.Hour), 24)); err != nil {
			t.Fatalf("one day after the rule's deletion: %v", err)
		}
		systemtest.WantCode(t, b.Sys.Rental.DeleteStoreRule(b.Ctx, "nope"), park.ENotFound)
	})
}

// TestDeleteStore: refused while an order is open; then the store's
// terms, rule and cars are retired and the store last, each told to the
// channel in that order; nothing can be rented or added there until the
// store is put again.
func TestDeleteStore(t *testing.T) {
	b := fleet(t)
	if _, err := b.Sys.Rental.PutStoreRule(b.Ctx, rule()); err != nil {
		t.Fatal(err)
	}
	now := b.Clock.Now()
	o, err := b.Sys.Rental.SubmitOrder(b.Ctx, request(now.Add(5*time.Hour), 48))
	if err != nil {
		t.Fatal(err)
	}
	before := len(pending(t, b))
	wantField(t, b.Sys.Rental.DeleteStore(b.Ctx, "10001"), park.EConflict, "code")
	if st, _ := b.Sys.Rental.GetStore(b.Ctx, "10001"); st.Deleted || len(pending(t, b)) != before {
		t.Fatal("a refused deletion changed the store or queued a push")
	}
	if _, err := b.Sys.Rental.CancelOrder(b.Ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	before = len(pending(t, b))
	if err := b.Sys.Rental.DeleteStore(b.Ctx, "10001"); err != nil {
		t.Fatal(err)
	}
	if err := b.Sys.Rental.DeleteStore(b.Ctx, "10001"); err != nil { // again: nothing more
		t.Fatal(err)
	}
	wantItems(t, changes(t, b, before), park.RentalItemStoreModel+" deleted", park.RentalItemStoreRule+" deleted",
		park.RentalItemVehicle+" deleted", park.RentalItemStore+" deleted")

	st, err := b.Sys.Rental.GetStore(b.Ctx, "10001")
	if err != nil || !st.Deleted || st.Active {
		t.Fatalf("store %+v, %v; want kept, deleted, inactive", st, err)
	}
	if v, _ := b.Sys.Rental.GetVehicle(b.Ctx, "浙A12345"); !v.Deleted {
		t.Fatal("the store's car is not retired")
	}
	if tm, _ := b.Sys.Rental.GetStoreModel(b.Ctx, "10001", "100001"); !tm.Deleted {
		t.Fatal("the store's terms are not deleted")
	}
	_, err = b.Sys.Rental.CheckOrder(b.Ctx, request(now.Add(5*time.Hour), 48))
	wantField(t, err, park.ENotFound, "store_code")
	_, err = b.Sys.Rental.PutStoreModel(b.Ctx, terms())
	wantField(t, err, park.EConflict, "store_code")
	_, err = b.Sys.Rental.PutVehicle(b.Ctx, rental.VehicleInput{Plate: "浙A54321", VIN: "LSVAU2180N2654321", StoreCode: "10001",
		ModelCode: "100001"})
	wantField(t, err, park.EConflict, "store_code")
	r := rule()
	_, err = b.Sys.Rental.PutStoreRule(b.Ctx, r)
	wantField(t, err, park.EConflict, "store_code")
	systemtest.WantCode(t, b.Sys.Rental.DeleteStore(b.Ctx, "nope"), park.ENotFound)

	// Put again, the store is back, alone.
	back, err := b.Sys.Rental.PutStore(b.Ctx, store("10001", b.Lot))
	if err != nil || back.Deleted || !back.Active {
		t.Fatalf("store put again: %+v, %v; want it back, active", back, err)
	}
	if _, err := b.Sys.Rental.PutStoreModel(b.Ctx, terms()); err != nil {
		t.Fatalf("terms put again on the store: %v", err)
	}
}

// TestDeleteModel: refused while an order is open; then every store's
// terms for it and its cars are retired, and the model last.
func TestDeleteModel(t *testing.T) {
	b := fleet(t)
	now := b.Clock.Now()
	o, err := b.Sys.Rental.SubmitOrder(b.Ctx, request(now.Add(time.Hour), 24))
	if err != nil {
		t.Fatal(err)
	}
	wantField(t, b.Sys.Rental.DeleteModel(b.Ctx, "100001"), park.EConflict, "code")
	if _, err := b.Sys.Rental.CancelOrder(b.Ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	before := len(pending(t, b))
	if err := b.Sys.Rental.DeleteModel(b.Ctx, "100001"); err != nil {
		t.Fatal(err)
	}
	cs := changes(t, b, before)
	wantItems(t, cs, park.RentalItemStoreModel+" deleted", park.RentalItemVehicle+" deleted", park.RentalItemModel+" deleted")
	if m, _ := b.Sys.Rental.GetModel(b.Ctx, "100001"); !m.Deleted {
		t.Fatal("the model is not marked deleted")
	}
	_, err = b.Sys.Rental.CheckOrder(b.Ctx, request(now.Add(time.Hour), 24))
	wantField(t, err, park.ENotFound, "model_code")
	_, err = b.Sys.Rental.PutStoreModel(b.Ctx, terms())
	wantField(t, err, park.EConflict, "model_code")
	systemtest.WantCode(t, b.Sys.Rental.DeleteModel(b.Ctx, "nope"), park.ENotFound)
}

// TestRentalStoreNeedsYuan: a store in a lot that does not price in CNY
// is refused, naming lot_code; nothing is stored.
func TestRentalStoreNeedsYuan(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Gate.CreateLot(b.Ctx, &park.Lot{Code: "BR1", Name: "São Paulo", TimeZone: "America/Sao_Paulo", Currency: "BRL",
		Capacity: 10, MissedEntry: park.MissedEntryHold}); err != nil {
		t.Fatal(err)
	}
	_, err := b.Sys.Rental.PutStore(b.Ctx, store("30003", "BR1"))
	wantField(t, err, park.EInvalid, "lot_code")
	systemtest.WantCode(t, func() error { _, err := b.Sys.Rental.GetStore(b.Ctx, "30003"); return err }(), park.ENotFound)
}

// TestChannelStopsSellingAStore: a store taken out of a channel's stores
// is told to that channel as gone (deleted 1), so it stops offering it;
// the store itself stays, and a channel that still sells it hears nothing.
func TestChannelStopsSellingAStore(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Rental.PutStore(b.Ctx, store("20002", b.Lot)); err != nil {
		t.Fatal(err)
	}
	before := len(pending(t, b))
	if _, err := b.Sys.Rental.PutChannel(b.Ctx, rental.ChannelInput{AppKey: "12345678", Name: "channel", SignMethod: "md5",
		GatewayURL: "http://127.0.0.1:1/router/rest", Stores: []string{"20002"}}); err != nil {
		t.Fatal(err)
	}
	cs := changes(t, b, before)
	// 10001 is gone for it; 20002, new to it, is sent.
	wantItems(t, cs, park.RentalItemStore+" deleted", park.RentalItemStore)
	if cs[0].Store.Code != "10001" || !cs[0].Store.Deleted || cs[0].Store.Active || cs[1].Store.Code != "20002" {
		t.Fatalf("stores %+v, %+v: want 10001 deleted and inactive, as the channel is told, then 20002", cs[0].Store, cs[1].Store)
	}
	if st, err := b.Sys.Rental.GetStore(b.Ctx, "10001"); err != nil || st.Deleted || !st.Active {
		t.Fatalf("store 10001 in parkd: %+v, %v; want it kept as it was", st, err)
	}
	// The same stores again: nothing to tell.
	before = len(pending(t, b))
	if _, err := b.Sys.Rental.PutChannel(b.Ctx, rental.ChannelInput{AppKey: "12345678", Name: "channel", SignMethod: "md5",
		GatewayURL: "http://127.0.0.1:1/router/rest", Stores: []string{"20002"}}); err != nil {
		t.Fatal(err)
	}
	wantItems(t, changes(t, b, before))
}

// TestChannelStartsSellingAStore: a store added to a channel's stores is
// sent to that channel whole (the store, its terms, its cars), in the
// store's order, without a resync; the stores it sold already are not
// sent again.
func TestChannelStartsSellingAStore(t *testing.T) {
	b := setup(t)
	r := b.Sys.Rental
	if _, err := r.PutStore(b.Ctx, store("20002", b.Lot)); err != nil {
		t.Fatal(err)
	}
	tm := terms()
	tm.StoreCode = "20002"
	if _, err := r.PutStoreModel(b.Ctx, tm); err != nil {
		t.Fatal(err)
	}
	if _, err := r.PutVehicle(b.Ctx, rental.VehicleInput{Plate: "浙A12345", VIN: "LSVAU2180N2123456", StoreCode: "20002",
		ModelCode: "100001", Mileage: 12000}); err != nil {
		t.Fatal(err)
	}
	before := len(pending(t, b))
	if _, err := r.PutChannel(b.Ctx, rental.ChannelInput{AppKey: "12345678", Name: "channel", SignMethod: "md5",
		GatewayURL: "http://127.0.0.1:1/router/rest", Stores: []string{"10001", "20002"}}); err != nil {
		t.Fatal(err)
	}
	cs := changes(t, b, before)
	wantItems(t, cs, park.RentalItemStore, park.RentalItemStoreModel, park.RentalItemVehicle)
	for _, c := range cs {
		if c.Store.Code != "20002" {
			t.Fatalf("change %+v: want only store 20002's catalogue", c)
		}
	}
}
