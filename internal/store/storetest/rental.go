package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"parkd/internal/park"
)

func newRentalStore(code, lot string) *park.RentalStore {
	return &park.RentalStore{Code: code, CompanyCode: "122", Kind: park.RentalStoreKind, Name: "门店 " + code,
		Address: "杭州市西湖区文三路 1 号", Latitude: 30.27, Longitude: 120.15, City: "330100", Opens: "08:00", Closes: "22:00",
		Active: true, LotCode: lot, UpdatedAt: base}
}

func newVehicleModel(code string) *park.VehicleModel {
	return &park.VehicleModel{Code: code, Name: "Model " + code, Seats: 5, Fuel: "petrol", Transmission: "automatic",
		StandardID: "STD-" + code, UpdatedAt: base}
}

// testRentalCatalogue: the catalogue's items round-trip, their versions
// guard against lost updates, and what they name must exist.
func testRentalCatalogue(t *testing.T, s park.Store) {
	ctx := context.Background()
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateLot(ctx, newLot("L1")) }))

	st := newRentalStore("10001", "L1")
	must(t, update(t, s, func(tx park.Tx) error { return tx.SaveRentalStore(ctx, st) }))
	if st.Version != 1 {
		t.Fatalf("a new store has version %d, want 1", st.Version)
	}
	t.Run("ErrStoreExists", func(t *testing.T) {
		again := newRentalStore("10001", "L1")
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.SaveRentalStore(ctx, again) }), park.EConflict)
	})
	t.Run("ErrStoreLotUnknown", func(t *testing.T) {
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.SaveRentalStore(ctx, newRentalStore("10002", "NOPE")) }), park.ENotFound)
	})
	t.Run("StoreUpdate", func(t *testing.T) {
		var got *park.RentalStore
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetRentalStore(ctx, "10001"); return }))
		if !reflect.DeepEqual(got, st) {
			t.Fatalf("read back %+v, want %+v", got, st)
		}
		got.Name = "西湖店"
		must(t, update(t, s, func(tx park.Tx) error { return tx.SaveRentalStore(ctx, got) }))
		if got.Version != 2 {
			t.Fatalf("version after an update %d, want 2", got.Version)
		}
		stale := *st // still version 1
		err := update(t, s, func(tx park.Tx) error { return tx.SaveRentalStore(ctx, &stale) })
		wantCode(t, err, park.EConflict)
		var all []*park.RentalStore
		must(t, s.View(ctx, func(tx park.Tx) (err error) { all, err = tx.ListRentalStores(ctx); return }))
		if len(all) != 1 || all[0].Name != "西湖店" {
			t.Fatalf("stores %+v, want the one renamed 西湖店", all)
		}
		st = got
	})

	m := newVehicleModel("100001")
	must(t, update(t, s, func(tx park.Tx) error { return tx.SaveVehicleModel(ctx, m) }))
	t.Run("Models", func(t *testing.T) {
		var got *park.VehicleModel
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetVehicleModel(ctx, "100001"); return }))
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("read back %+v, want %+v", got, m)
		}
		_, err := getModel(s, "999")
		wantCode(t, err, park.ENotFound)
	})

	t.Run("StoreModels", func(t *testing.T) {
		terms := &park.StoreModel{StoreCode: "10001", ModelCode: "100001", MileageLimited: true, MileageLimit: 300,
			OverMileageFee: 5000, CreditDeposit: true, ViolationDeposit: 100000, DamageDeposit: 300000, UpdatedAt: base}
		must(t, update(t, s, func(tx park.Tx) error { return tx.SaveStoreModel(ctx, terms) }))
		var got *park.StoreModel
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetStoreModel(ctx, "10001", "100001"); return }))
		if !reflect.DeepEqual(got, terms) {
			t.Fatalf("read back %+v, want %+v", got, terms)
		}
		got.Deleted = true
		must(t, update(t, s, func(tx park.Tx) error { return tx.SaveStoreModel(ctx, got) }))
		var list []*park.StoreModel
		must(t, s.View(ctx, func(tx park.Tx) (err error) { list, err = tx.ListStoreModels(ctx, "10001"); return }))
		if len(list) != 1 || !list[0].Deleted || list[0].Version != 2 {
			t.Fatalf("terms %+v, want one, deleted, at version 2", list)
		}
		must(t, s.View(ctx, func(tx park.Tx) (err error) { list, err = tx.ListStoreModels(ctx, "other"); return }))
		if len(list) != 0 {
			t.Fatalf("terms of another store: %+v, want none", list)
		}
		bad := &park.StoreModel{StoreCode: "10001", ModelCode: "nope", UpdatedAt: base}
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.SaveStoreModel(ctx, bad) }), park.ENotFound)
	})

	t.Run("Vehicles", func(t *testing.T) {
		v := &park.RentalVehicle{Plate: "浙A12345", PlateKey: "浙A12345", VIN: "LSVAU2180N2123456", StoreCode: "10001",
			ModelCode: "100001", Mileage: 12000, OneWay: true, UpdatedAt: base}
		must(t, update(t, s, func(tx park.Tx) error { return tx.SaveRentalVehicle(ctx, v) }))
		var got *park.RentalVehicle
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetRentalVehicle(ctx, "浙A12345"); return }))
		if !reflect.DeepEqual(got, v) {
			t.Fatalf("read back %+v, want %+v", got, v)
		}
		twin := &park.RentalVehicle{Plate: "浙A99999", PlateKey: "浙A99999", VIN: v.VIN, StoreCode: "10001", ModelCode: "100001",
			UpdatedAt: base}
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.SaveRentalVehicle(ctx, twin) }), park.EConflict)
		var list []*park.RentalVehicle
		must(t, s.View(ctx, func(tx park.Tx) (err error) { list, err = tx.ListRentalVehicles(ctx, ""); return }))
		if len(list) != 1 || list[0].VIN != v.VIN {
			t.Fatalf("vehicles %+v, want the one", list)
		}
	})
}

func getModel(s park.Store, code string) (*park.VehicleModel, error) {
	var m *park.VehicleModel
	err := s.View(context.Background(), func(tx park.Tx) (err error) { m, err = tx.GetVehicleModel(context.Background(), code); return })
	return m, err
}

// testRentalChannels: a channel sells stores, its partner follows it, and
// a change is queued only for the subscriptions named.
func testRentalChannels(t *testing.T, s park.Store) {
	ctx := context.Background()
	b := newReportBundle(t, s)
	must(t, update(t, s, func(tx park.Tx) error {
		for _, l := range []string{"L1", "L2"} {
			if err := tx.CreateLot(ctx, newLot(l)); err != nil {
				return err
			}
		}
		for _, st := range []*park.RentalStore{newRentalStore("A", "L1"), newRentalStore("B", "L1"), newRentalStore("C", "L2")} {
			if err := tx.SaveRentalStore(ctx, st); err != nil {
				return err
			}
		}
		return nil
	}))
	b.partner("12345678", "L1")
	b.partner("87654321", "L1")
	c := &park.RentalChannel{ID: "12345678", Name: "channel", Dialect: "native", Secret: "s", SignMethod: "md5",
		GatewayURL: "https://gw.example/router/rest", Stores: []string{"A"}, CreatedAt: base, UpdatedAt: base}
	must(t, update(t, s, func(tx park.Tx) error { return tx.SaveRentalChannel(ctx, c) }))
	other := &park.RentalChannel{ID: "87654321", Name: "other", Dialect: "native", Secret: "s", SignMethod: "md5",
		GatewayURL: "https://gw.example/router/rest", Stores: []string{"B"}, CreatedAt: base, UpdatedAt: base}
	must(t, update(t, s, func(tx park.Tx) error { return tx.SaveRentalChannel(ctx, other) }))

	selling := func(store string) []string {
		var ids []string
		must(t, s.View(ctx, func(tx park.Tx) (err error) { ids, err = tx.ChannelsSelling(ctx, store); return }))
		return ids
	}
	if got := selling("A"); !reflect.DeepEqual(got, []string{"12345678"}) {
		t.Fatalf("channels selling A: %v, want [12345678]", got)
	}

	t.Run("Replace", func(t *testing.T) {
		var got *park.RentalChannel
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetRentalChannel(ctx, "12345678"); return }))
		got.Stores = []string{"B", "C"}
		must(t, update(t, s, func(tx park.Tx) error { return tx.SaveRentalChannel(ctx, got) }))
		if a, bb := selling("A"), selling("B"); len(a) != 0 || !reflect.DeepEqual(bb, []string{"12345678", "87654321"}) {
			t.Fatalf("after the replace A is sold by %v (want none), B by %v (want both)", a, bb)
		}
		stale := *c
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.SaveRentalChannel(ctx, &stale) }), park.EConflict)
		bad := *got
		bad.Stores = []string{"nope"}
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.SaveRentalChannel(ctx, &bad) }), park.ENotFound)
	})

	t.Run("Partner", func(t *testing.T) {
		p := &park.Partner{ID: "12345678", Name: "renamed", Secret: "new", SignMode: "hmac", Lots: []string{"L1", "L2"}, UpdatedAt: base}
		must(t, update(t, s, func(tx park.Tx) error { return tx.SetChannelPartner(ctx, p) }))
		var got *park.Partner
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetPartner(ctx, "12345678"); return }))
		if got.Name != "renamed" || got.Secret != "new" || got.SignMode != "hmac" || !reflect.DeepEqual(got.Lots, []string{"L1", "L2"}) {
			t.Fatalf("partner %+v, want renamed, secret new, hmac, lots L1 L2", got)
		}
		wantCode(t, update(t, s, func(tx park.Tx) error {
			return tx.SetChannelPartner(ctx, &park.Partner{ID: "none", Lots: []string{"L1"}, UpdatedAt: base})
		}), park.ENotFound)
	})

	t.Run("EnqueueTo", func(t *testing.T) {
		b.subscribe("rental-12345678", "12345678", park.ReportRental, true)
		b.subscribe("rental-87654321", "87654321", park.ReportRental, true)
		r := newReport("r1", park.ReportRental, "L1", park.RentalStoreKey("A"), base)
		var n int
		must(t, update(t, s, func(tx park.Tx) (err error) {
			n, err = tx.EnqueueTo(ctx, r, []string{"rental-12345678", "rental-gone"})
			return
		}))
		if n != 1 || r.Seq == 0 {
			t.Fatalf("EnqueueTo made %d deliveries (seq %d), want 1 for the one subscription that exists", n, r.Seq)
		}
		ds := b.list(park.DeliveryFilter{Limit: 10})
		if len(ds) != 1 || ds[0].SubscriptionID != "rental-12345678" || ds[0].LotCode != "L1" {
			t.Fatalf("deliveries %+v, want one to rental-12345678 in L1", ds)
		}
		if got := b.claim(base, base.Add(60e9), 10); len(got) != 1 || got[0].Key != park.RentalStoreKey("A") {
			t.Fatalf("claimed %+v, want the one delivery, keyed by its store", got)
		}
		wantCode(t, update(t, s, func(tx park.Tx) (err error) { _, err = tx.EnqueueTo(ctx, r, nil); return }), park.EConflict)
	})

	// A report with a second key waits for the earlier unfinished ones of
	// it too (a store's terms behind their model's push); one whose second
	// key holds nothing goes at once.
	t.Run("EnqueueToAfter", func(t *testing.T) {
		at := base.Add(time.Hour) // r1 above, claimed until base+60 s, is due again: ignored by id
		enq := func(id, key, after string) {
			r := newReport(id, park.ReportRental, "L1", key, at)
			r.After = after
			must(t, update(t, s, func(tx park.Tx) (err error) { _, err = tx.EnqueueTo(ctx, r, []string{"rental-12345678"}); return }))
		}
		enq("m1", park.RentalModelKey("M"), "")
		enq("s1", park.RentalStoreKey("S"), park.RentalModelKey("M"))
		enq("t1", park.RentalStoreKey("T"), park.RentalModelKey("N"))
		got := byReport(b.claim(at, at.Add(time.Minute), 10))
		if got["m1"] == nil || got["t1"] == nil || got["s1"] != nil {
			t.Fatalf("claimed %v, want m1 and t1, and s1 held behind m1", got)
		}
		// m1 fails: s1 still waits, until m1 is delivered.
		m1 := got["m1"]
		failed(b, m1, 1, at, at.Add(time.Hour))
		if got := byReport(b.claim(at.Add(2*time.Minute), at.Add(3*time.Minute), 10)); got["s1"] != nil {
			t.Fatalf("claimed %v while m1 failed, want s1 held", got)
		}
		later := at.Add(2 * time.Hour)
		got = byReport(b.claim(later, later.Add(time.Minute), 10))
		if got["m1"] == nil || got["s1"] != nil {
			t.Fatalf("claimed %v at m1's retry, want m1 and s1 still held", got)
		}
		m1 = got["m1"]
		delivered(b, m1, 2, later)
		if got := byReport(b.claim(later, later.Add(time.Minute), 10)); got["s1"] == nil {
			t.Fatalf("claimed %v once m1 was delivered, want s1", got)
		}
	})

	// A report whose second key is its own key (a model's deletion) also
	// waits for the earlier unfinished ones that wait behind that key,
	// whatever their own key (its terms and cars withdrawn, store by
	// store). Those do not wait for one another.
	t.Run("EnqueueToAfterOwnKey", func(t *testing.T) {
		at := base.Add(4 * time.Hour) // the reports above, claimed until at most base+2h01m, are due again: ignored by id
		enq := func(id, key, after string) {
			r := newReport(id, park.ReportRental, "L1", key, at)
			r.After = after
			must(t, update(t, s, func(tx park.Tx) (err error) { _, err = tx.EnqueueTo(ctx, r, []string{"rental-12345678"}); return }))
		}
		enq("q1", park.RentalStoreKey("Q"), park.RentalModelKey("P"))
		enq("q2", park.RentalStoreKey("Q2"), park.RentalModelKey("P"))
		enq("p1", park.RentalModelKey("P"), park.RentalModelKey("P"))
		enq("o1", park.RentalModelKey("O"), park.RentalModelKey("O"))
		got := byReport(b.claim(at, at.Add(time.Minute), 10))
		if got["q1"] == nil || got["q2"] == nil || got["o1"] == nil || got["p1"] != nil {
			t.Fatalf("claimed %v, want q1, q2 and o1, and p1 held behind q1 and q2", got)
		}
		q2 := got["q2"]
		delivered(b, q2, 1, at)
		// q1 fails: p1 still waits, until q1 is delivered.
		q1 := got["q1"]
		failed(b, q1, 1, at, at.Add(time.Hour))
		if got := byReport(b.claim(at.Add(2*time.Minute), at.Add(3*time.Minute), 10)); got["p1"] != nil {
			t.Fatalf("claimed %v while q1 failed, want p1 held", got)
		}
		later := at.Add(2 * time.Hour)
		got = byReport(b.claim(later, later.Add(time.Minute), 10))
		if got["q1"] == nil || got["p1"] != nil {
			t.Fatalf("claimed %v at q1's retry, want q1 and p1 still held", got)
		}
		q1 = got["q1"]
		delivered(b, q1, 2, later)
		if got := byReport(b.claim(later, later.Add(time.Minute), 10)); got["p1"] == nil {
			t.Fatalf("claimed %v once q1 was delivered, want p1", got)
		}
	})
}

// byReport keys claimed deliveries by their report's id.
func byReport(ds []*park.Delivery) map[string]*park.Delivery {
	out := map[string]*park.Delivery{}
	for _, d := range ds {
		out[d.ReportID] = d
	}
	return out
}

// failed records d's attempts-th attempt at tried as failed, due again at next.
func failed(b *reportBundle, d *park.Delivery, attempts int, tried, next time.Time) {
	d.State, d.Attempts, d.NextAt, d.LastAttemptAt = park.DeliveryFailed, attempts, next, &tried
	b.finish(d)
}

// delivered records d's attempts-th attempt at at as delivered.
func delivered(b *reportBundle, d *park.Delivery, attempts int, at time.Time) {
	d.State, d.Attempts, d.LastAttemptAt, d.DeliveredAt = park.DeliveryDelivered, attempts, &at, &at
	b.finish(d)
}
