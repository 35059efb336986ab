package top_test

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/dialect/top"
	"parkd/internal/dialect/top/toptest"
	"parkd/internal/park"
)

// modelOf reads the vehicle model code a model or terms call carried.
func modelOf(t *testing.T, call toptest.Call) string {
	t.Helper()
	var v struct {
		Code string `json:"vehicle_model_code"`
	}
	p := call.Param("company_vehicle_model_info")
	if call.Method == top.MethodStoreModel {
		p = call.Param("store_vehicle_model_info_list")
	}
	if err := json.Unmarshal([]byte(p), &v); err != nil {
		t.Error(err)
	}
	return v.Code
}

// subjects maps each of the channel's deliveries to what it tells
// (park.RentalChange.Subject).
func (c *channelBundle) subjects(t *testing.T) map[string]*park.Delivery {
	t.Helper()
	ds, _, err := c.Sys.Deliveries.DeliveryPage(c.Ctx, deliveries.DeliveryQuery{PartnerID: "12345678", Report: park.ReportRental})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*park.Delivery{}
	for i := len(ds) - 1; i >= 0; i-- { // oldest first: the newest of a subject stays
		var r *park.Report
		if err := c.Store.View(c.Ctx, func(tx park.Tx) (err error) { r, err = tx.GetReport(c.Ctx, ds[i].ReportID); return }); err != nil {
			t.Fatal(err)
		}
		var data park.ReportData
		if err := json.Unmarshal(r.Data, &data); err != nil {
			t.Fatal(err)
		}
		out[data.Rental.Subject()] = ds[i]
	}
	return out
}

// TestTermsWaitForTheirModel: a new model's push fails once; the terms of
// a store for that model, put just after, reach the channel only after
// the model (a channel refuses terms for a model it does not know, and
// would then never hear them again), while the other model's terms at
// another store go at once.
func TestTermsWaitForTheirModel(t *testing.T) {
	c := newChannel(t, top.SignMD5)
	_, err := c.Sys.Rental.PutStore(c.Ctx, park.RentalStore{Code: "20002", CompanyCode: "122", Kind: park.RentalStoreKind,
		Name: "滨江店", Address: "江南大道 1 号", Latitude: 30.2, Longitude: 120.2, City: "330100", Opens: "08:00", Closes: "22:00",
		Active: true, LotCode: c.Lot})
	must(t, err)
	in := channelInput(c.gw.Router(), "helloworld")
	in.Stores = []string{"10001", "20002"}
	_, err = c.Sys.Rental.PutChannel(c.Ctx, in)
	must(t, err)

	var mu sync.Mutex
	known := map[string]bool{"100001": true} // put by newChannel; 200002 is the one that fails
	failedOnce := false
	c.gw.Script(func(call toptest.Call) toptest.Reply {
		mu.Lock()
		defer mu.Unlock()
		switch call.Method {
		case top.MethodModel:
			code := modelOf(t, call)
			if code == "200002" && !failedOnce {
				failedOnce = true
				return toptest.ISP
			}
			known[code] = true
		case top.MethodStoreModel:
			if !known[modelOf(t, call)] {
				return toptest.ISV // the channel knows no such model
			}
		}
		return toptest.OK
	})

	_, err = c.Sys.Rental.PutModel(c.Ctx, park.VehicleModel{Code: "200002", Name: "思域", Seats: 5, Fuel: "petrol",
		Transmission: "automatic", StandardID: "STD2"})
	must(t, err)
	slow := terms(300)
	slow.ModelCode = "200002"
	_, err = c.Sys.Rental.PutStoreModel(c.Ctx, slow)
	must(t, err)
	other := terms(300)
	other.StoreCode = "20002"
	_, err = c.Sys.Rental.PutStoreModel(c.Ctx, other)
	must(t, err)

	model := park.RentalItemModel + ":200002"
	waiting := park.RentalItemStoreModel + ":10001/200002"
	free := park.RentalItemStoreModel + ":20002/100001"
	deliverytest.WaitFor(t, 10*time.Second, "the model's push failed, the other store's terms delivered", func() bool {
		s := c.subjects(t)
		return s[model] != nil && s[model].State == park.DeliveryFailed && s[free] != nil && s[free].State == park.DeliveryDelivered
	})
	// The clock stands still: the model's retry is not due, so its terms
	// have not been tried.
	if d := c.subjects(t)[waiting]; d.State != park.DeliveryPending || d.Attempts != 0 {
		t.Fatalf("terms of 200002: %s after %d attempts (%s), want pending, not tried, behind their model", d.State, d.Attempts, d.LastReply)
	}

	c.Clock.Set(c.Clock.Now().Add(time.Minute)) // past the schedule's 5 s (±20 %)
	deliverytest.WaitFor(t, 10*time.Second, "the model, then its terms, delivered", func() bool {
		s := c.subjects(t)
		st := s[waiting].State
		return s[model].State == park.DeliveryDelivered && (st == park.DeliveryDelivered || st == park.DeliveryDead)
	})
	if d := c.subjects(t)[waiting]; d.State != park.DeliveryDelivered || d.Attempts != 1 {
		t.Fatalf("terms of 200002: %s after %d attempts (%s), want delivered at the first, after the model", d.State, d.Attempts, d.LastReply)
	}
}
