package rental_test

import (
	"encoding/json"
	"testing"

	"parkd/internal/deliveries"
	"parkd/internal/park"
	"parkd/internal/rental"
	"parkd/internal/systemtest"
)

// setup is a core with one lot, store 10001 in it, model 100001, and a
// channel 12345678 (of dialect "chan") that sells the store.
func setup(t *testing.T) *systemtest.Bundle {
	t.Helper()
	// The channel dialect's format: any will do, no worker runs here.
	b := systemtest.NewWith(t, systemtest.Options{RentalDialect: "chan",
		Formats: map[string]deliveries.Formatter{"chan": deliveries.Native{}}})
	r := b.Sys.Rental
	if _, err := r.PutStore(b.Ctx, store("10001", b.Lot)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.PutModel(b.Ctx, park.VehicleModel{Code: "100001", Name: "Corolla", Seats: 5, Fuel: "petrol",
		Transmission: "automatic"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.PutChannel(b.Ctx, rental.ChannelInput{AppKey: "12345678", Name: "channel", Secret: "helloworld-secret",
		SignMethod: "md5", GatewayURL: "http://127.0.0.1:1/router/rest", Stores: []string{"10001"}}); err != nil {
		t.Fatal(err)
	}
	return b
}

func store(code, lot string) park.RentalStore {
	return park.RentalStore{Code: code, CompanyCode: "122", Kind: park.RentalStoreKind, Name: "西湖店", Address: "文三路 1 号",
		Latitude: 30.27, Longitude: 120.15, City: "330100", Opens: "08:00", Closes: "22:00", Active: true, LotCode: lot}
}

func terms() park.StoreModel {
	return park.StoreModel{StoreCode: "10001", ModelCode: "100001", MileageLimited: true, MileageLimit: 300,
		OverMileageFee: 100, CreditDeposit: true, ViolationDeposit: 200000, DamageDeposit: 500000}
}

// pending lists the channel's deliveries, newest first.
func pending(t *testing.T, b *systemtest.Bundle) []*park.Delivery {
	t.Helper()
	var ds []*park.Delivery
	err := b.Store.View(b.Ctx, func(tx park.Tx) (err error) {
		ds, err = tx.ListDeliveries(b.Ctx, park.DeliveryFilter{PartnerID: "12345678", Limit: 100})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestStoreModelQueuesAChange(t *testing.T) {
	b := setup(t)
	before := len(pending(t, b)) // the store's own creation came before the channel sold it
	got, err := b.Sys.Rental.PutStoreModel(b.Ctx, terms())
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 1 || got.UpdatedAt.IsZero() {
		t.Fatalf("terms %+v, want version 1 with a time", got)
	}
	ds := pending(t, b)
	if len(ds) != before+1 {
		t.Fatalf("%d deliveries, want %d: one for the change", len(ds), before+1)
	}
	d := ds[0]
	if d.Report != park.ReportRental || d.SubscriptionID != park.RentalSubscription("12345678") || d.State != park.DeliveryPending ||
		d.LotCode != b.Lot {
		t.Fatalf("delivery %+v, want a pending rental report to the channel's subscription in the store's lot", d)
	}
	var rep *park.Report
	if err := b.Store.View(b.Ctx, func(tx park.Tx) (err error) { rep, err = tx.GetReport(b.Ctx, d.ReportID); return }); err != nil {
		t.Fatal(err)
	}
	if rep.Key != park.RentalStoreKey("10001") {
		t.Fatalf("report key %q, want the store's", rep.Key)
	}
}

func TestStoreModelNotSold(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Rental.PutStore(b.Ctx, store("20002", b.Lot)); err != nil {
		t.Fatal(err)
	}
	before := len(pending(t, b))
	tm := terms()
	tm.StoreCode = "20002"
	if _, err := b.Sys.Rental.PutStoreModel(b.Ctx, tm); err != nil {
		t.Fatal(err)
	}
	if n := len(pending(t, b)); n != before {
		t.Fatalf("%d deliveries after a change to a store no channel sells, want %d", n, before)
	}
}

func TestStoreModelValidation(t *testing.T) {
	b := setup(t)
	before := len(pending(t, b))
	for _, tc := range []struct {
		name  string
		edit  func(*park.StoreModel)
		code  park.Code
		field string
	}{
		{"LimitWithoutFlag", func(m *park.StoreModel) { m.MileageLimited = false }, park.EInvalid, "mileage_limit_km"},
		{"FeeWithoutFlag", func(m *park.StoreModel) { m.MileageLimited, m.MileageLimit = false, 0 }, park.EInvalid, "mileage_limit_km"},
		{"NoLimit", func(m *park.StoreModel) { m.MileageLimit = 0 }, park.EInvalid, "mileage_limit_km"},
		{"NegativeFee", func(m *park.StoreModel) { m.OverMileageFee = -1 }, park.EInvalid, "over_mileage_fee"},
		{"FeeWithFen", func(m *park.StoreModel) { m.OverMileageFee = 150 }, park.EInvalid, "over_mileage_fee"}, // 1.50 a km
		{"FeeOfOneFen", func(m *park.StoreModel) { m.OverMileageFee = 1 }, park.EInvalid, "over_mileage_fee"},
		{"FeeJustOverWhole", func(m *park.StoreModel) { m.OverMileageFee = 10001 }, park.EInvalid, "over_mileage_fee"}, // 100.01
		{"NegativeDeposit", func(m *park.StoreModel) { m.ViolationDeposit = -100 }, park.EInvalid, "violation_deposit"},
		{"HugeDeposit", func(m *park.StoreModel) { m.DamageDeposit = park.MaxRentalAmount + 1 }, park.EInvalid, "damage_deposit"},
		{"UnknownStore", func(m *park.StoreModel) { m.StoreCode = "nope" }, park.ENotFound, "store_code"},
		{"UnknownModel", func(m *park.StoreModel) { m.ModelCode = "nope" }, park.ENotFound, "model_code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := terms()
			tc.edit(&m)
			_, err := b.Sys.Rental.PutStoreModel(b.Ctx, m)
			systemtest.WantCode(t, err, tc.code)
			if pe, _ := err.(*park.Error); pe == nil || pe.Field != tc.field {
				t.Fatalf("error %v names field %q, want %q", err, pe.Field, tc.field)
			}
		})
	}
	if n := len(pending(t, b)); n != before {
		t.Fatalf("refused changes queued %d deliveries", n-before)
	}
	if _, err := b.Sys.Rental.GetStoreModel(b.Ctx, "10001", "100001"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("refused terms were stored: %v", err)
	}
}

func TestChannelIsAPartner(t *testing.T) {
	b := setup(t)
	var p *park.Partner
	var sub *park.Subscription
	err := b.Store.View(b.Ctx, func(tx park.Tx) (err error) {
		if p, err = tx.GetPartner(b.Ctx, "12345678"); err != nil {
			return err
		}
		sub, err = tx.GetSubscription(b.Ctx, "rental-12345678")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.Dialect != "chan" || p.Secret != "helloworld-secret" || p.SignMode != "md5" || len(p.Lots) != 1 || p.Lots[0] != b.Lot {
		t.Fatalf("partner %+v, want dialect chan, the secret, md5, the store's lot", p)
	}
	if sub.Report != park.ReportRental || sub.Format != "chan" || sub.URL != "http://127.0.0.1:1/router/rest" || !sub.Enabled {
		t.Fatalf("subscription %+v", sub)
	}
	// A replace keeps the secret when none is given, and follows the
	// gateway, sign method and rate limit.
	c, err := b.Sys.Rental.PutChannel(b.Ctx, rental.ChannelInput{AppKey: "12345678", Name: "channel", SignMethod: "hmac-sha256",
		GatewayURL: "http://127.0.0.1:2/router/rest", Stores: []string{"10001"}, RateLimit: 5})
	if err != nil {
		t.Fatal(err)
	}
	err = b.Store.View(b.Ctx, func(tx park.Tx) (err error) {
		if p, err = tx.GetPartner(b.Ctx, "12345678"); err != nil {
			return err
		}
		sub, err = tx.GetSubscription(b.Ctx, "rental-12345678")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Secret != "helloworld-secret" || p.Secret != "helloworld-secret" || p.SignMode != "hmac-sha256" || sub.URL != "http://127.0.0.1:2/router/rest" ||
		sub.RateLimit != 5 {
		t.Fatalf("after the replace: channel %+v, partner %+v, subscription %+v", c, p, sub)
	}
}

func TestChannelValidation(t *testing.T) {
	b := setup(t)
	ok := rental.ChannelInput{AppKey: "23456789", Name: "c", Secret: "0123456789abcdef", SignMethod: "md5", GatewayURL: "https://gw.example/router/rest",
		Stores: []string{"10001"}}
	for _, tc := range []struct {
		name  string
		edit  func(*rental.ChannelInput)
		code  park.Code
		field string
	}{
		{"SignMethod", func(c *rental.ChannelInput) { c.SignMethod = "sha1" }, park.EInvalid, "sign_method"},
		{"NoSecret", func(c *rental.ChannelInput) { c.Secret = "" }, park.EInvalid, "secret"},
		{"Gateway", func(c *rental.ChannelInput) { c.GatewayURL = "ftp://gw.example" }, park.EInvalid, "gateway_url"},
		{"NoStores", func(c *rental.ChannelInput) { c.Stores = nil }, park.EInvalid, "stores"},
		{"UnknownStore", func(c *rental.ChannelInput) { c.Stores = []string{"nope"} }, park.ENotFound, "stores"},
		{"AppKey", func(c *rental.ChannelInput) { c.AppKey = "a b" }, park.EInvalid, "app_key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := ok
			tc.edit(&in)
			_, err := b.Sys.Rental.PutChannel(b.Ctx, in)
			systemtest.WantCode(t, err, tc.code)
			if pe, _ := err.(*park.Error); pe == nil || pe.Field != tc.field {
				t.Fatalf("error %v, want field %q", err, tc.field)
			}
		})
	}
}

func TestVehicles(t *testing.T) {
	b := setup(t)
	v, err := b.Sys.Rental.PutVehicle(b.Ctx, rental.VehicleInput{Plate: "浙a12345", VIN: "LSVAU2180N2123456", StoreCode: "10001",
		ModelCode: "100001", Mileage: 12000})
	if err != nil {
		t.Fatal(err)
	}
	if v.Plate != "浙A12345" {
		t.Fatalf("plate %q, want it read as 浙A12345", v.Plate)
	}
	_, err = b.Sys.Rental.PutVehicle(b.Ctx, rental.VehicleInput{Plate: "浙A99999", VIN: "LSVAU2180N2123456", StoreCode: "10001",
		ModelCode: "100001"})
	systemtest.WantCode(t, err, park.EConflict)
	_, err = b.Sys.Rental.PutVehicle(b.Ctx, rental.VehicleInput{Plate: "浙A99999", VIN: "LSVAU2180N212345I", StoreCode: "10001",
		ModelCode: "100001"})
	systemtest.WantCode(t, err, park.EInvalid)
}

// TestVehiclesOfUnknownStore: listing the cars of a store that does not
// exist (a typo) says so, naming store, rather than an empty fleet.
func TestVehiclesOfUnknownStore(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Rental.PutVehicle(b.Ctx, rental.VehicleInput{Plate: "浙A12345", VIN: "LSVAU2180N2123456", StoreCode: "10001",
		ModelCode: "100001"}); err != nil {
		t.Fatal(err)
	}
	_, err := b.Sys.Rental.ListVehicles(b.Ctx, "1001")
	systemtest.WantCode(t, err, park.ENotFound)
	if pe, _ := err.(*park.Error); pe.Field != "store" {
		t.Fatalf("field %q, want store", pe.Field)
	}
	for _, store := range []string{"10001", ""} {
		if vs, err := b.Sys.Rental.ListVehicles(b.Ctx, store); err != nil || len(vs) != 1 {
			t.Fatalf("store %q: %d cars, %v; want 1", store, len(vs), err)
		}
	}
}

// TestNoRentalSubscriptionByHand: the rental report goes only to a
// channel's own subscription; one made by hand would never hear of
// anything, so it is refused.
func TestNoRentalSubscriptionByHand(t *testing.T) {
	b := setup(t)
	_, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, "12345678", deliveries.SubscriptionInput{Report: park.ReportRental,
		URL: "https://gw.example/other", Format: "native"})
	systemtest.WantCode(t, err, park.EInvalid)
	// The channel's own subscription can still be changed.
	off := false
	if _, err := b.Sys.Deliveries.UpdateSubscription(b.Ctx, "12345678", park.RentalSubscription("12345678"),
		deliveries.SubscriptionPatch{Enabled: &off}); err != nil {
		t.Fatalf("pausing the channel's subscription: %v", err)
	}
}

// TestStoreLotKeepsItsCurrency: a lot a rental store sits in cannot
// change its currency from the channels' (400 naming currency, the lot
// unchanged); once the store is retired, it can.
func TestStoreLotKeepsItsCurrency(t *testing.T) {
	b := setup(t) // store 10001 in b.Lot, priced in CNY
	toUSD := func(l *park.Lot) error { l.Currency = "USD"; return nil }
	_, err := b.Sys.Gate.UpdateLot(b.Ctx, b.Lot, toUSD)
	if pe, ok := err.(*park.Error); !ok || pe.Code != park.EInvalid || pe.Field != "currency" {
		t.Fatalf("currency change under a rental store: %v, want invalid naming currency", err)
	}
	if l, err := b.Sys.Gate.GetLot(b.Ctx, b.Lot); err != nil || l.Currency != park.RentalCurrency {
		t.Fatalf("lot after the refusal: %+v %v", l, err)
	}
	if err := b.Sys.Rental.DeleteStore(b.Ctx, "10001"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Gate.UpdateLot(b.Ctx, b.Lot, toUSD); err != nil {
		t.Fatalf("currency change once the store is retired: %v", err)
	}
}

// TestVehicleMovedToAnotherStore: a car moved from a store a channel
// sells to one it does not is retired from the first store for that
// channel (deleted 1, under the first store's order), so the channel no
// longer offers it there; a channel selling both hears of the car leaving
// the first store and arriving at the second.
func TestVehicleMovedToAnotherStore(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Rental.PutStore(b.Ctx, store("20002", b.Lot)); err != nil {
		t.Fatal(err)
	}
	car := rental.VehicleInput{Plate: "浙A12345", VIN: "LSVAU2180N2123456", StoreCode: "10001", ModelCode: "100001", Mileage: 12000}
	if _, err := b.Sys.Rental.PutVehicle(b.Ctx, car); err != nil {
		t.Fatal(err)
	}
	// changes are the channel's rental changes queued since n deliveries.
	changes := func(n int) (out []*park.RentalChange, keys []string) {
		ds := pending(t, b)
		for i := len(ds) - n - 1; i >= 0; i-- { // oldest first
			var rep *park.Report
			if err := b.Store.View(b.Ctx, func(tx park.Tx) (err error) { rep, err = tx.GetReport(b.Ctx, ds[i].ReportID); return }); err != nil {
				t.Fatal(err)
			}
			var data park.ReportData
			if err := json.Unmarshal(rep.Data, &data); err != nil {
				t.Fatal(err)
			}
			out, keys = append(out, data.Rental), append(keys, rep.Key)
		}
		return out, keys
	}
	before := len(pending(t, b))
	car.StoreCode = "20002"
	if _, err := b.Sys.Rental.PutVehicle(b.Ctx, car); err != nil {
		t.Fatal(err)
	}
	got, keys := changes(before)
	if len(got) != 1 || keys[0] != park.RentalStoreKey("10001") || !got[0].Deleted || got[0].Vehicle == nil ||
		got[0].Vehicle.StoreCode != "10001" || got[0].Vehicle.Plate != "浙A12345" || !got[0].Vehicle.Deleted {
		t.Fatalf("after the move to a store not sold: %d changes %v (keys %v); want the car retired from 10001", len(got), got, keys)
	}

	// Now the channel sells both; the car goes back to 10001.
	if _, err := b.Sys.Rental.PutChannel(b.Ctx, rental.ChannelInput{AppKey: "12345678", Name: "channel",
		SignMethod: "md5", GatewayURL: "http://127.0.0.1:1/router/rest", Stores: []string{"10001", "20002"}}); err != nil {
		t.Fatal(err)
	}
	before = len(pending(t, b))
	car.StoreCode = "10001"
	if _, err := b.Sys.Rental.PutVehicle(b.Ctx, car); err != nil {
		t.Fatal(err)
	}
	got, keys = changes(before)
	if len(got) != 2 || keys[0] != park.RentalStoreKey("20002") || !got[0].Deleted || got[0].Vehicle.StoreCode != "20002" ||
		keys[1] != park.RentalStoreKey("10001") || got[1].Deleted || got[1].Vehicle.StoreCode != "10001" || got[1].Vehicle.Deleted {
		t.Fatalf("after the move between two stores sold: %v (keys %v); want retired from 20002, then at 10001", got, keys)
	}
	// Put again at the same store: only its new state.
	before = len(pending(t, b))
	car.Mileage = 12500
	if _, err := b.Sys.Rental.PutVehicle(b.Ctx, car); err != nil {
		t.Fatal(err)
	}
	if got, _ := changes(before); len(got) != 1 || got[0].Deleted {
		t.Fatalf("a put at the same store: %v, want one change, not deleted", got)
	}
}

// TestChannelRateLimitDefault: a channel put without a rate limit shows the
// one it is sent at, 50 calls a second, as its subscription does.
func TestChannelRateLimitDefault(t *testing.T) {
	b := setup(t)
	c, err := b.Sys.Rental.GetChannel(b.Ctx, "12345678")
	if err != nil {
		t.Fatal(err)
	}
	if c.RateLimit != 50 {
		t.Errorf("channel rate limit %d, want the default 50", c.RateLimit)
	}
}

// TestChannelGatewayNotPrivate: a channel's gateway is where its pushes
// go, so it is refused where a subscription's URL would be (a loopback or
// private address, unless the operator allows those), naming gateway_url
// and creating nothing, rather than accepted and every push then failing
// to dial.
func TestChannelGatewayNotPrivate(t *testing.T) {
	b := systemtest.NewWith(t, systemtest.Options{RentalDialect: "chan", RefusePrivateWebhooks: true,
		Formats: map[string]deliveries.Formatter{"chan": deliveries.Native{}}})
	r := b.Sys.Rental
	if _, err := r.PutStore(b.Ctx, store("10001", b.Lot)); err != nil {
		t.Fatal(err)
	}
	in := rental.ChannelInput{AppKey: "12345678", Name: "channel", Secret: "helloworld-secret", SignMethod: "md5", Stores: []string{"10001"}}
	for _, gw := range []string{"http://127.0.0.1:18777/router/rest", "http://10.0.0.5/router/rest", "http://[::1]:80/"} {
		in.GatewayURL = gw
		_, err := r.PutChannel(b.Ctx, in)
		systemtest.WantCode(t, err, park.EInvalid)
		if pe, _ := err.(*park.Error); pe == nil || pe.Field != "gateway_url" {
			t.Fatalf("%s: error %v, want field gateway_url", gw, err)
		}
		if _, err := r.GetChannel(b.Ctx, "12345678"); !park.IsCode(err, park.ENotFound) {
			t.Fatalf("%s: the refused channel exists (%v)", gw, err)
		}
	}
	in.GatewayURL = "https://93.184.216.34/router/rest"
	if _, err := r.PutChannel(b.Ctx, in); err != nil {
		t.Fatalf("a public gateway: %v", err)
	}
}

// TestStoreMoveShowsInChannelLots: a store put again in another lot moves
// there, and the channel that sells it now serves that lot, as its
// partner's lots say; the lot it left is no longer one of them once no
// store it sells is there.
func TestStoreMoveShowsInChannelLots(t *testing.T) {
	b := setup(t)
	b.CreateLot(t, "140123002", 10, park.MissedEntryHold)
	lots := func() []string {
		t.Helper()
		var p *park.Partner
		if err := b.Store.View(b.Ctx, func(tx park.Tx) (err error) { p, err = tx.GetPartner(b.Ctx, "12345678"); return }); err != nil {
			t.Fatal(err)
		}
		return p.Lots
	}
	if got := lots(); len(got) != 1 || got[0] != b.Lot {
		t.Fatalf("channel lots %v before the move, want [%s]", got, b.Lot)
	}
	if _, err := b.Sys.Rental.PutStore(b.Ctx, store("10001", "140123002")); err != nil {
		t.Fatal(err)
	}
	// The channel sells one store, now in 140123002 alone.
	if got := lots(); len(got) != 1 || got[0] != "140123002" {
		t.Fatalf("channel lots %v after the store moved, want [140123002]", got)
	}
	// A second store the channel sells, left in the first lot: both lots.
	if _, err := b.Sys.Rental.PutStore(b.Ctx, store("20002", b.Lot)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Rental.PutChannel(b.Ctx, rental.ChannelInput{AppKey: "12345678", Name: "channel", SignMethod: "md5",
		GatewayURL: "http://127.0.0.1:1/router/rest", Stores: []string{"10001", "20002"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Rental.PutStore(b.Ctx, store("10001", b.Lot)); err != nil { // back
		t.Fatal(err)
	}
	if got := lots(); len(got) != 1 || got[0] != b.Lot {
		t.Fatalf("channel lots %v after both stores are in %s, want [%s]", got, b.Lot, b.Lot)
	}
}
