package top_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/dialect/top"
	"parkd/internal/dialect/top/toptest"
	"parkd/internal/park"
	"parkd/internal/plate"
	"parkd/internal/rental"
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
	in := channelInput(c.gw.Router(), "helloworld-secret")
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

// said is what one call told the channel: its item, the model it names,
// and whether it withdrew it ("-").
func said(t *testing.T, call toptest.Call) string {
	t.Helper()
	var v struct {
		Code    string `json:"vehicle_model_code"`
		Deleted int    `json:"deleted"`
	}
	item, p := "", ""
	switch call.Method {
	case top.MethodModel:
		item, p = "model", call.Param("company_vehicle_model_info")
	case top.MethodStoreModel:
		item, p = "terms", call.Param("store_vehicle_model_info_list")
	case top.MethodVehicle:
		item, p = "car", call.Param("store_vehicle_info")
	default:
		return call.Method
	}
	if err := json.Unmarshal([]byte(p), &v); err != nil {
		t.Error(err)
	}
	if v.Deleted == 1 {
		return "-" + item + " " + v.Code
	}
	return item + " " + v.Code
}

// channelLog is a stand-in channel: it refuses, as the channel does
// (isv, dead at once), a car or terms naming a model it does not have,
// fails the first call for which fail says so with an HTTP 500, and
// keeps the order in which it took calls.
type channelLog struct {
	mu    sync.Mutex
	known map[string]bool
	seen  []string // what it took, "!" before one it failed or refused
}

func (l *channelLog) script(t *testing.T, fail string) func(toptest.Call) toptest.Reply {
	failed := false
	return func(call toptest.Call) toptest.Reply {
		l.mu.Lock()
		defer l.mu.Unlock()
		s := said(t, call)
		if s == fail && !failed {
			failed = true
			l.seen = append(l.seen, "!"+s)
			return toptest.Reply{Status: 500, Body: "internal error"}
		}
		code := s[strings.LastIndex(s, " ")+1:]
		switch {
		case call.Method == top.MethodModel:
			l.known[code] = s[0] != '-'
		case call.Method == top.MethodStoreModel || call.Method == top.MethodVehicle:
			if !l.known[code] {
				l.seen = append(l.seen, "!"+s)
				return toptest.ISV // the channel has no such model
			}
		}
		l.seen = append(l.seen, s)
		return toptest.OK
	}
}

func (l *channelLog) calls() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.seen...)
}

// TestCarsWaitForTheirModel: a new model's push fails once (HTTP 500); a
// car of that model, put just after, reaches the channel only after the
// model is retried and taken. Sent first it was refused (the channel
// knows no such model) and dead, the car never for sale.
func TestCarsWaitForTheirModel(t *testing.T) {
	c := newChannel(t, top.SignMD5)
	deliverytest.WaitFor(t, 10*time.Second, "model 100001 delivered", func() bool {
		d := c.subjects(t)[park.RentalItemModel+":100001"]
		return d != nil && d.State == park.DeliveryDelivered
	})
	l := &channelLog{known: map[string]bool{"100001": true}}
	c.gw.Script(l.script(t, "model 200002"))

	_, err := c.Sys.Rental.PutModel(c.Ctx, park.VehicleModel{Code: "200002", Name: "思域", Seats: 5, Fuel: "petrol",
		Transmission: "automatic", StandardID: "STD2"})
	must(t, err)
	_, err = c.Sys.Rental.PutVehicle(c.Ctx, rental.VehicleInput{Plate: "浙A12345", VIN: "LSVAU2180N2123456", StoreCode: "10001",
		ModelCode: "200002", Mileage: 12000})
	must(t, err)

	model := park.RentalItemModel + ":200002"
	car := park.RentalItemVehicle + ":10001/" + plateKey(t, "浙A12345")
	deliverytest.WaitFor(t, 10*time.Second, "the model's push failed", func() bool {
		d := c.subjects(t)[model]
		return d != nil && d.State == park.DeliveryFailed
	})
	// The clock stands still: the model's retry is not due, so its car
	// has not been tried.
	if d := c.subjects(t)[car]; d.State != park.DeliveryPending || d.Attempts != 0 {
		t.Fatalf("car of 200002: %s after %d attempts (%s), want pending, not tried, behind its model", d.State, d.Attempts, d.LastReply)
	}

	c.Clock.Set(c.Clock.Now().Add(time.Minute)) // past the schedule's 5 s (±20 %)
	deliverytest.WaitFor(t, 10*time.Second, "the model, then its car, sent", func() bool {
		s := c.subjects(t)
		st := s[car].State
		return s[model].State == park.DeliveryDelivered && (st == park.DeliveryDelivered || st == park.DeliveryDead)
	})
	want := []string{"!model 200002", "model 200002", "car 200002"}
	if got := l.calls(); !reflect.DeepEqual(got, want) {
		t.Fatalf("the channel saw %q, want %q", got, want)
	}
}

// TestModelDeletionWaitsForItsDependents: deleting a model withdraws its
// terms and cars at each store, then the model. The terms' withdrawal
// fails once (HTTP 500); the model's deletion waits for it and for the
// car's withdrawal behind it, so the channel never holds terms or a car
// of a model it no longer has. Sent first, the deletion left them there
// and the withdrawals were refused (no such model).
func TestModelDeletionWaitsForItsDependents(t *testing.T) {
	c := newChannel(t, top.SignMD5)
	_, err := c.Sys.Rental.PutStoreModel(c.Ctx, terms(300))
	must(t, err)
	_, err = c.Sys.Rental.PutVehicle(c.Ctx, rental.VehicleInput{Plate: "浙A12345", VIN: "LSVAU2180N2123456", StoreCode: "10001",
		ModelCode: "100001", Mileage: 12000})
	must(t, err)
	model := park.RentalItemModel + ":100001"
	tm := park.RentalItemStoreModel + ":10001/100001"
	car := park.RentalItemVehicle + ":10001/" + plateKey(t, "浙A12345")
	deliverytest.WaitFor(t, 10*time.Second, "the model, its terms and its car delivered", func() bool {
		s := c.subjects(t)
		for _, k := range []string{model, tm, car} {
			if s[k] == nil || s[k].State != park.DeliveryDelivered {
				return false
			}
		}
		return true
	})
	l := &channelLog{known: map[string]bool{"100001": true}}
	c.gw.Script(l.script(t, "-terms 100001"))

	must(t, c.Sys.Rental.DeleteModel(c.Ctx, "100001"))
	deliverytest.WaitFor(t, 10*time.Second, "the terms' withdrawal failed", func() bool {
		d := c.subjects(t)[tm]
		return d.State == park.DeliveryFailed
	})
	// The clock stands still: the withdrawal's retry is not due, so the
	// model's deletion has not been tried.
	if d := c.subjects(t)[model]; d.State != park.DeliveryPending || d.Attempts != 0 {
		t.Fatalf("deletion of 100001: %s after %d attempts (%s), want pending, not tried, behind its terms", d.State, d.Attempts, d.LastReply)
	}

	c.Clock.Set(c.Clock.Now().Add(time.Minute)) // past the schedule's 5 s (±20 %)
	deliverytest.WaitFor(t, 10*time.Second, "the withdrawals, then the model's deletion, sent", func() bool {
		s := c.subjects(t)
		for _, k := range []string{model, tm, car} {
			if st := s[k].State; st != park.DeliveryDelivered && st != park.DeliveryDead {
				return false
			}
		}
		return true
	})
	want := []string{"!-terms 100001", "-terms 100001", "-car 100001", "-model 100001"}
	if got := l.calls(); !reflect.DeepEqual(got, want) {
		t.Fatalf("the channel saw %q, want %q", got, want)
	}
}

// plateKey is a plate's key, as a car's subject names it.
func plateKey(t *testing.T, text string) string {
	t.Helper()
	p, err := plate.Normalize(text)
	if err != nil {
		t.Fatal(err)
	}
	return p.Key
}
