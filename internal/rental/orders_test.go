package rental_test

import (
	"strings"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/rental"
	"parkd/internal/systemtest"
)

// fleet is setup with terms of 300 km a day, then 1.00 a km, at 200.00 a
// day, and one car, 浙A12345, at 12000 km.
func fleet(t *testing.T) *systemtest.Bundle {
	t.Helper()
	b := setup(t)
	tm := terms()
	tm.DailyRate = 20000
	if _, err := b.Sys.Rental.PutStoreModel(b.Ctx, tm); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Rental.PutVehicle(b.Ctx, rental.VehicleInput{Plate: "浙A12345", VIN: "LSVAU2180N2123456", StoreCode: "10001",
		ModelCode: "100001", Mileage: 12000}); err != nil {
		t.Fatal(err)
	}
	return b
}

func request(pickup time.Time, hours int) rental.OrderRequest {
	return rental.OrderRequest{ChannelID: "12345678", ChannelOrderID: "F" + pickup.Format("0102150405"), StoreCode: "10001",
		ModelCode: "100001", PickupAt: pickup, ReturnAt: pickup.Add(time.Duration(hours) * time.Hour)}
}

func TestCheckAndSubmit(t *testing.T) {
	b := fleet(t)
	pickup := b.Clock.Now().Add(time.Hour)
	// 49 hours: three started days of 24 hours, at 200.00.
	q, err := b.Sys.Rental.CheckOrder(b.Ctx, request(pickup, 49))
	if err != nil {
		t.Fatal(err)
	}
	if q.Available != 1 || q.Days != 3 || q.Rent != 60000 {
		t.Fatalf("quote: %d free, %d days, rent %d; want 1, 3, 60000", q.Available, q.Days, q.Rent)
	}
	o, err := b.Sys.Rental.SubmitOrder(b.Ctx, request(pickup, 49))
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != park.OrderAwaitingPickup || o.Plate != "浙A12345" || o.Rent != 60000 {
		t.Fatalf("order %+v", o)
	}
	again, err := b.Sys.Rental.SubmitOrder(b.Ctx, request(pickup, 49))
	if err != nil || again.ID != o.ID {
		t.Fatalf("the same channel order again: %v, %v; want the first order %s", again, err, o.ID)
	}
	// The same channel order id for another time is not that order: it
	// is refused, and the first order stays as it was.
	moved := request(pickup, 49)
	moved.PickupAt, moved.ReturnAt = pickup.Add(time.Hour), pickup.Add(50*time.Hour)
	_, err = b.Sys.Rental.SubmitOrder(b.Ctx, moved)
	systemtest.WantCode(t, err, park.EIdempotencyKey)
	if pe, _ := err.(*park.Error); pe.Field != "channel_order_id" {
		t.Errorf("field %q, want channel_order_id", pe.Field)
	}
	if got, err := b.Sys.Rental.GetOrder(b.Ctx, o.ID); err != nil || !got.PickupAt.Equal(pickup) || got.Rent != 60000 {
		t.Fatalf("first order after the refused resubmit: %+v, %v", got, err)
	}
	// Another order overlapping it finds no car; one after it does.
	other := request(pickup.Add(24*time.Hour), 5)
	_, err = b.Sys.Rental.SubmitOrder(b.Ctx, other)
	systemtest.WantCode(t, err, park.EConflict)
	if q, _ := b.Sys.Rental.CheckOrder(b.Ctx, other); q.Available != 0 {
		t.Fatalf("%d free while the only car is reserved", q.Available)
	}
	later := request(pickup.Add(49*time.Hour), 5)
	if _, err := b.Sys.Rental.SubmitOrder(b.Ctx, later); err != nil {
		t.Fatalf("an order after the first: %v", err)
	}
	// Cancelled, the car is free again.
	if c, err := b.Sys.Rental.CancelOrder(b.Ctx, o.ID); err != nil || c.Status != park.OrderCancelled {
		t.Fatalf("cancel: %v, %v", c, err)
	}
	if _, err := b.Sys.Rental.SubmitOrder(b.Ctx, other); err != nil {
		t.Fatalf("after the cancel: %v", err)
	}
	for _, bad := range []struct {
		r     rental.OrderRequest
		code  park.Code
		field string
	}{
		{rental.OrderRequest{StoreCode: "10001", ModelCode: "100001", PickupAt: pickup, ReturnAt: pickup}, park.EInvalid, "return_at"},
		{rental.OrderRequest{StoreCode: "10001", ModelCode: "100001", PickupAt: pickup.Add(-48 * time.Hour), ReturnAt: pickup}, park.EInvalid, "pickup_at"},
		{rental.OrderRequest{StoreCode: "nope", ModelCode: "100001", PickupAt: pickup, ReturnAt: pickup.Add(time.Hour)}, park.ENotFound, "store_code"},
		// Left out, a code is missing, not a store or model named "".
		{rental.OrderRequest{ModelCode: "100001", PickupAt: pickup, ReturnAt: pickup.Add(time.Hour)}, park.EInvalid, "store_code"},
		{rental.OrderRequest{StoreCode: "10001", PickupAt: pickup, ReturnAt: pickup.Add(time.Hour)}, park.EInvalid, "model_code"},
		{rental.OrderRequest{StoreCode: "10001", ModelCode: "nope", PickupAt: pickup, ReturnAt: pickup.Add(time.Hour)}, park.ENotFound, "model_code"},
	} {
		_, err := b.Sys.Rental.SubmitOrder(b.Ctx, bad.r)
		systemtest.WantCode(t, err, bad.code)
		if pe, _ := err.(*park.Error); pe.Field != bad.field {
			t.Errorf("%+v: field %q, want %q", bad.r, pe.Field, bad.field)
		}
	}
}

// TestRentalThroughTheBarrier: the rented car leaves its store's lot at
// the start of its rental and comes back; its mileage then settles the
// over-mileage fee. A car of the fleet without an order is held.
func TestRentalThroughTheBarrier(t *testing.T) {
	b := fleet(t)
	now := b.Clock.Now()
	// No order: held at the exit like any car without a stay.
	d := b.Event(t, park.EventExit, "浙A12345", now)
	systemtest.WantDecision(t, d, park.DecisionHold, park.ReasonMissedEntry, 0)

	o, err := b.Sys.Rental.SubmitOrder(b.Ctx, request(now.Add(time.Hour), 72))
	if err != nil {
		t.Fatal(err)
	}
	// The car came in earlier (a stay inside), and leaves an hour before
	// its pick-up time: let out, its stay closed with nothing to pay.
	b.Event(t, park.EventEntry, "浙A12345", now)
	out := now.Add(10 * time.Minute)
	b.Clock.Set(out)
	d = b.Event(t, park.EventExit, "浙A12345", out)
	systemtest.WantDecision(t, d, park.DecisionOpen, park.ReasonRentalPickup, 0)
	if st := b.Stay(t, d.StayID); st.State != park.StayOut || st.Total != 0 {
		t.Fatalf("stay %+v, want left with nothing charged", st)
	}
	got, _ := b.Sys.Rental.GetOrder(b.Ctx, o.ID)
	if got.Status != park.OrderInUse || got.PickedUpAt == nil || !got.PickedUpAt.Equal(out) || got.MileageOut != 12000 {
		t.Fatalf("after the exit: %+v", got)
	}
	// Back three days (72 hours) later, into the lot.
	back := out.Add(72 * time.Hour)
	b.Clock.Set(back)
	d = b.Event(t, park.EventEntry, "浙A12345", back)
	if d.Decision != park.DecisionOpen {
		t.Fatalf("the returning car: %+v", d)
	}
	got, _ = b.Sys.Rental.GetOrder(b.Ctx, o.ID)
	if got.Status != park.OrderAwaitingSettlement || !got.ReturnedAt.Equal(back) || got.ReturnLot != b.Lot {
		t.Fatalf("after the return: %+v", got)
	}
	// 1000 km in 3 days at 300 km a day: 100 km over at 1.00 = 100.00.
	got, err = b.Sys.Rental.SettleOrder(b.Ctx, o.ID, 13000)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != park.OrderCompleted || got.OverMileageFee != 10000 || got.MileageIn != 13000 {
		t.Fatalf("settled %+v, want completed with 10000 over mileage", got)
	}
	if v, _ := b.Sys.Rental.GetVehicle(b.Ctx, "浙A12345"); v.Mileage != 13000 {
		t.Fatalf("vehicle mileage %d, want 13000", v.Mileage)
	}
	_, err = b.Sys.Rental.SettleOrder(b.Ctx, o.ID, 14000)
	systemtest.WantCode(t, err, park.EConflict)
}

// TestPickupWindow: a reserved car is let out only from two hours before
// its pick-up time, only from its store's lot.
func TestPickupWindow(t *testing.T) {
	b := fleet(t)
	now := b.Clock.Now()
	if _, err := b.Sys.Rental.SubmitOrder(b.Ctx, request(now.Add(3*time.Hour), 24)); err != nil {
		t.Fatal(err)
	}
	d := b.Event(t, park.EventExit, "浙A12345", now)
	systemtest.WantDecision(t, d, park.DecisionHold, park.ReasonMissedEntry, 0)
}

func TestOverMileage(t *testing.T) {
	tm := park.StoreModel{MileageLimited: true, MileageLimit: 300, OverMileageFee: 150}
	for _, c := range []struct {
		days, km int
		want     int64
	}{
		{1, 300, 0}, {1, 301, 150}, {2, 700, 100 * 150}, {3, 0, 0}, {0, 500, 0},
	} {
		if got := tm.OverMileage(c.days, c.km); got != c.want {
			t.Errorf("%d days %d km: %d, want %d", c.days, c.km, got, c.want)
		}
	}
	unlimited := park.StoreModel{}
	if unlimited.OverMileage(1, 10000) != 0 {
		t.Error("a fee without a mileage limit")
	}
	for _, c := range []struct {
		h    time.Duration
		want int
	}{{time.Minute, 1}, {24 * time.Hour, 1}, {24*time.Hour + time.Second, 2}, {72 * time.Hour, 3}} {
		t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		if got := park.RentalDays(t0, t0.Add(c.h)); got != c.want {
			t.Errorf("RentalDays(%s) = %d, want %d", c.h, got, c.want)
		}
	}
}

// TestResync: the whole catalogue a channel sells is queued for it, in
// the store's order: the store, its terms, its cars.
func TestResync(t *testing.T) {
	b := fleet(t)
	if _, err := b.Sys.Rental.PutStore(b.Ctx, store("20002", b.Lot)); err != nil { // not sold: left out
		t.Fatal(err)
	}
	before := len(pending(t, b))
	var ticks []int
	sum, err := b.Sys.Rental.Resync(b.Ctx, "12345678", func(done, total int) { ticks = append(ticks, done, total) })
	if err != nil {
		t.Fatal(err)
	}
	if sum != (rental.ResyncSummary{Stores: 1, Models: 1, Terms: 1, Vehicles: 1}) || len(ticks) != 2 || ticks[0] != 1 || ticks[1] != 1 {
		t.Fatalf("summary %+v, progress %v", sum, ticks)
	}
	ds := pending(t, b)
	if len(ds) != before+4 {
		t.Fatalf("%d deliveries queued, want 4", len(ds)-before)
	}
	_, err = b.Sys.Rental.Resync(b.Ctx, "nope", nil)
	systemtest.WantCode(t, err, park.ENotFound)
}

// TestLockedRentalCarHeld: an operator's lock wins over a rental: the car
// stays, and its order still awaits pick-up.
func TestLockedRentalCarHeld(t *testing.T) {
	b := fleet(t)
	now := b.Clock.Now()
	o, err := b.Sys.Rental.SubmitOrder(b.Ctx, request(now.Add(time.Hour), 24))
	if err != nil {
		t.Fatal(err)
	}
	b.Event(t, park.EventEntry, "浙A12345", now.Add(-time.Hour))
	if _, err := b.Sys.Gate.LockCar(b.Ctx, "", b.Lot, "浙A12345", "desk"); err != nil {
		t.Fatal(err)
	}
	d := b.Event(t, park.EventExit, "浙A12345", now)
	systemtest.WantDecision(t, d, park.DecisionHold, park.ReasonLocked, 0)
	if got, _ := b.Sys.Rental.GetOrder(b.Ctx, o.ID); got.Status != park.OrderAwaitingPickup {
		t.Fatalf("order %s, want still awaiting pick-up", got.Status)
	}
}

// TestRetireVehicle: a car with an order cannot be retired; once free it
// can, is never reserved again, and the channel is told.
func TestRetireVehicle(t *testing.T) {
	b := fleet(t)
	now := b.Clock.Now()
	o, err := b.Sys.Rental.SubmitOrder(b.Ctx, request(now.Add(time.Hour), 24))
	if err != nil {
		t.Fatal(err)
	}
	systemtest.WantCode(t, b.Sys.Rental.DeleteVehicle(b.Ctx, "浙A12345"), park.EConflict)
	if _, err := b.Sys.Rental.CancelOrder(b.Ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	before := len(pending(t, b))
	if err := b.Sys.Rental.DeleteVehicle(b.Ctx, "浙A12345"); err != nil {
		t.Fatal(err)
	}
	if n := len(pending(t, b)); n != before+1 {
		t.Fatalf("%d deliveries for the retirement, want 1", n-before)
	}
	q, err := b.Sys.Rental.CheckOrder(b.Ctx, request(now.Add(48*time.Hour), 24))
	if err != nil || q.Available != 0 {
		t.Fatalf("after the retirement: %+v, %v; want no car free", q, err)
	}
	systemtest.WantCode(t, b.Sys.Rental.DeleteVehicle(b.Ctx, "浙A99999"), park.ENotFound)
}

// TestChannelSellsItsStores: a channel rents only at the stores it sells,
// whatever carries its call; an order it submitted is still its order
// when it submits it again after the store left its list (a retry).
func TestChannelSellsItsStores(t *testing.T) {
	b := fleet(t)
	r := b.Sys.Rental
	if _, err := r.PutStore(b.Ctx, store("20002", b.Lot)); err != nil {
		t.Fatal(err)
	}
	pickup := b.Clock.Now().Add(time.Hour)
	o, err := r.SubmitOrder(b.Ctx, request(pickup, 5))
	if err != nil {
		t.Fatal(err)
	}
	// The operator moves the channel to store 20002 only.
	if _, err := r.PutChannel(b.Ctx, rental.ChannelInput{AppKey: "12345678", Name: "channel", SignMethod: "md5",
		GatewayURL: "http://127.0.0.1:1/router/rest", Stores: []string{"20002"}}); err != nil {
		t.Fatal(err)
	}
	again, err := r.SubmitOrder(b.Ctx, request(pickup, 5))
	if err != nil || again.ID != o.ID {
		t.Fatalf("the channel's retry: %+v, %v; want its first order %s", again, err, o.ID)
	}
	later := request(pickup.Add(24*time.Hour), 5)
	_, err = r.CheckOrder(b.Ctx, later)
	wantField(t, err, park.ENotFound, "store_code")
	_, err = r.SubmitOrder(b.Ctx, later)
	wantField(t, err, park.ENotFound, "store_code")
	_, _, err = r.ChannelStoreModels(b.Ctx, "12345678", "10001")
	wantField(t, err, park.ENotFound, "store_code")
	// The operator's own order (no channel) may use any store.
	later.ChannelID, later.ChannelOrderID = "", ""
	if _, err := r.SubmitOrder(b.Ctx, later); err != nil {
		t.Fatalf("operator's order: %v", err)
	}
}

// TestOrderedVehicleStays: a car an order holds is not moved to another
// store or made another model (409, nothing changes), as it is not
// deleted; once the order is cancelled it may be.
func TestOrderedVehicleStays(t *testing.T) {
	b := fleet(t)
	if _, err := b.Sys.Rental.PutStore(b.Ctx, store("20002", b.Lot)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Rental.PutModel(b.Ctx, park.VehicleModel{Code: "100002", Name: "Civic", Seats: 5, Fuel: "petrol",
		Transmission: "automatic"}); err != nil {
		t.Fatal(err)
	}
	o, err := b.Sys.Rental.SubmitOrder(b.Ctx, request(b.Clock.Now().Add(time.Hour), 24))
	if err != nil {
		t.Fatal(err)
	}
	car := rental.VehicleInput{Plate: "浙A12345", VIN: "LSVAU2180N2123456", StoreCode: "20002", ModelCode: "100001", Mileage: 12000}
	_, err = b.Sys.Rental.PutVehicle(b.Ctx, car)
	systemtest.WantCode(t, err, park.EConflict)
	if pe, _ := err.(*park.Error); pe.Field != "store_code" {
		t.Errorf("moved: field %q, want store_code", pe.Field)
	}
	car.StoreCode, car.ModelCode = "10001", "100002"
	_, err = b.Sys.Rental.PutVehicle(b.Ctx, car)
	systemtest.WantCode(t, err, park.EConflict)
	if pe, _ := err.(*park.Error); pe.Field != "model_code" {
		t.Errorf("another model: field %q, want model_code", pe.Field)
	}
	if v, _ := b.Sys.Rental.GetVehicle(b.Ctx, "浙A12345"); v.StoreCode != "10001" || v.ModelCode != "100001" {
		t.Fatalf("vehicle %+v after the refusals, want it unchanged", v)
	}
	// Its mileage may still be put where it is.
	car.ModelCode, car.Mileage = "100001", 12100
	if _, err := b.Sys.Rental.PutVehicle(b.Ctx, car); err != nil {
		t.Fatalf("a put in place: %v", err)
	}
	if _, err := b.Sys.Rental.CancelOrder(b.Ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	car.StoreCode = "20002"
	if _, err := b.Sys.Rental.PutVehicle(b.Ctx, car); err != nil {
		t.Fatalf("the move after the cancel: %v", err)
	}
}

// TestPickupNotCenturiesAhead: an order is booked at most a year ahead
// (MaxAdvance); one for the year 2526 is refused naming pickup_at and
// reserves nothing, so the car stays free for a real renter.
func TestPickupNotCenturiesAhead(t *testing.T) {
	b := fleet(t)
	now := b.Clock.Now()
	for _, pickup := range []time.Time{now.AddDate(500, 0, 0), now.Add(366 * 24 * time.Hour)} {
		_, err := b.Sys.Rental.SubmitOrder(b.Ctx, request(pickup, 24))
		systemtest.WantCode(t, err, park.EInvalid)
		if pe, _ := err.(*park.Error); pe.Field != "pickup_at" || !strings.Contains(pe.Message, "365 days") {
			t.Errorf("pick-up %s: %v; want pickup_at, at most 365 days ahead", pickup, err)
		}
		_, err = b.Sys.Rental.CheckOrder(b.Ctx, request(pickup, 24))
		systemtest.WantCode(t, err, park.EInvalid)
	}
	// 364 days ahead is booked.
	if _, err := b.Sys.Rental.SubmitOrder(b.Ctx, request(now.Add(364*24*time.Hour), 24)); err != nil {
		t.Fatalf("364 days ahead: %v", err)
	}
}

// TestCancelTwice: cancelling is idempotent by design. A channel whose
// first cancel's reply was lost sends it again; it must hear that the
// order is cancelled, not an error it would take for a failed cancel.
// The second changes nothing: the same order, its time of cancel kept.
func TestCancelTwice(t *testing.T) {
	b := fleet(t)
	now := b.Clock.Now()
	o, err := b.Sys.Rental.SubmitOrder(b.Ctx, request(now.Add(2*time.Hour), 24))
	if err != nil {
		t.Fatal(err)
	}
	first, err := b.Sys.Rental.CancelOrder(b.Ctx, o.ID)
	if err != nil || first.Status != park.OrderCancelled {
		t.Fatalf("cancel: %+v, %v", first, err)
	}
	b.Clock.Set(now.Add(time.Hour))
	second, err := b.Sys.Rental.CancelOrder(b.Ctx, o.ID)
	if err != nil || second.Status != park.OrderCancelled || !second.UpdatedAt.Equal(first.UpdatedAt) {
		t.Fatalf("cancel again: %+v, %v; want the order cancelled at %s, unchanged", second, err, first.UpdatedAt)
	}
	// An order whose car has left cannot be cancelled, however often asked.
	o, err = b.Sys.Rental.SubmitOrder(b.Ctx, request(now.Add(3*time.Hour), 24))
	if err != nil {
		t.Fatal(err)
	}
	d := b.Event(t, park.EventExit, "浙A12345", now.Add(time.Hour))
	systemtest.WantDecision(t, d, park.DecisionOpen, park.ReasonRentalPickup, 0)
	_, err = b.Sys.Rental.CancelOrder(b.Ctx, o.ID)
	systemtest.WantCode(t, err, park.EConflict)
}

// TestNoRentWithoutDailyRate: terms put without a daily rate (an
// operator who set the deposits first) do not sell the car for nothing:
// checks and orders are refused naming daily_rate, and no car is
// reserved; once the terms have a rate they are taken.
func TestNoRentWithoutDailyRate(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Rental.PutStoreModel(b.Ctx, terms()); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Rental.PutVehicle(b.Ctx, rental.VehicleInput{Plate: "浙A12345", VIN: "LSVAU2180N2123456", StoreCode: "10001",
		ModelCode: "100001", Mileage: 12000}); err != nil {
		t.Fatal(err)
	}
	r := request(b.Clock.Now().Add(2*time.Hour), 24)
	_, err := b.Sys.Rental.CheckOrder(b.Ctx, r)
	systemtest.WantCode(t, err, park.EConflict)
	_, err = b.Sys.Rental.SubmitOrder(b.Ctx, r)
	systemtest.WantCode(t, err, park.EConflict)
	if pe, _ := err.(*park.Error); pe.Field != "daily_rate" {
		t.Fatalf("field %q, want daily_rate", pe.Field)
	}
	if _, err := b.Sys.Rental.ChannelOrder(b.Ctx, r.ChannelID, r.ChannelOrderID); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("an order made at no rent: %v", err)
	}
	tm := terms()
	tm.DailyRate = 15000
	if _, err := b.Sys.Rental.PutStoreModel(b.Ctx, tm); err != nil {
		t.Fatal(err)
	}
	if o, err := b.Sys.Rental.SubmitOrder(b.Ctx, r); err != nil || o.Rent != 15000 {
		t.Fatalf("with a rate: %+v, %v; want rent 15000", o, err)
	}
}

// rentedAndBack books the only car for 72 hours from now+1h, lets it out
// and back 72 hours later: its order awaits settlement.
func rentedAndBack(t *testing.T, b *systemtest.Bundle) *park.RentalOrder {
	t.Helper()
	now := b.Clock.Now()
	o, err := b.Sys.Rental.SubmitOrder(b.Ctx, request(now.Add(time.Hour), 72))
	if err != nil {
		t.Fatal(err)
	}
	b.Event(t, park.EventEntry, "浙A12345", now)
	out := now.Add(10 * time.Minute)
	b.Clock.Set(out)
	systemtest.WantDecision(t, b.Event(t, park.EventExit, "浙A12345", out), park.DecisionOpen, park.ReasonRentalPickup, 0)
	back := out.Add(72 * time.Hour)
	b.Clock.Set(back)
	b.Event(t, park.EventEntry, "浙A12345", back)
	return o
}

// TestSettleMileageTooLarge: an odometer reading a million km beyond the
// pick-up is refused saying so (not "at least" the pick-up's, which it
// is), and the order still awaits its mileage.
func TestSettleMileageTooLarge(t *testing.T) {
	b := fleet(t)
	o := rentedAndBack(t, b)
	_, err := b.Sys.Rental.SettleOrder(b.Ctx, o.ID, 12000+1_000_001)
	systemtest.WantCode(t, err, park.EInvalid)
	if pe, _ := err.(*park.Error); pe.Field != "mileage_km" || !strings.Contains(pe.Message, "at most 1012000") {
		t.Fatalf("%v; want mileage_km at most 1012000", err)
	}
	if got, _ := b.Sys.Rental.GetOrder(b.Ctx, o.ID); got.Status != park.OrderAwaitingSettlement {
		t.Fatalf("order %s after a refused mileage", got.Status)
	}
}

// TestSettleAtBookedTerms: the over-mileage fee is the one the renter
// booked at. Terms raised while the car is out (100 km a day at 50.00)
// do not reach back: 1000 km in 3 days at the booked 300 km a day and
// 1.00 a km is 100 km over, 100.00 (not 700 km at 50.00, 35000.00).
func TestSettleAtBookedTerms(t *testing.T) {
	b := fleet(t)
	o := rentedAndBack(t, b)
	tm := terms()
	tm.DailyRate, tm.MileageLimit, tm.OverMileageFee = 20000, 100, 5000
	if _, err := b.Sys.Rental.PutStoreModel(b.Ctx, tm); err != nil {
		t.Fatal(err)
	}
	got, err := b.Sys.Rental.SettleOrder(b.Ctx, o.ID, 13000)
	if err != nil {
		t.Fatal(err)
	}
	if got.OverMileageFee != 10000 {
		t.Fatalf("over-mileage fee %d, want 10000 at the booked terms", got.OverMileageFee)
	}
}

// TestNextRentalBeforeSettlement: a car back from one rental may leave on
// the next before the first's odometer is taken. The next renter's km
// start at the first's return reading, not the older reading the car
// had at the first's pick-up: 500 km in one day at 300 km a day and 1.00
// a km is 200.00, not the 1500 km (1200.00) the first renter drove too.
func TestNextRentalBeforeSettlement(t *testing.T) {
	b := fleet(t)
	first := rentedAndBack(t, b)
	now := b.Clock.Now()
	next := request(now.Add(time.Hour), 24)
	next.ChannelOrderID = "NEXT"
	o, err := b.Sys.Rental.SubmitOrder(b.Ctx, next)
	if err != nil {
		t.Fatal(err)
	}
	out := now.Add(30 * time.Minute)
	b.Clock.Set(out)
	systemtest.WantDecision(t, b.Event(t, park.EventExit, "浙A12345", out), park.DecisionOpen, park.ReasonRentalPickup, 0)
	if _, err := b.Sys.Rental.SettleOrder(b.Ctx, first.ID, 13000); err != nil {
		t.Fatal(err)
	}
	back := out.Add(20 * time.Hour)
	b.Clock.Set(back)
	b.Event(t, park.EventEntry, "浙A12345", back)
	got, err := b.Sys.Rental.SettleOrder(b.Ctx, o.ID, 13500)
	if err != nil {
		t.Fatal(err)
	}
	if got.MileageOut != 13000 || got.OverMileageFee != 20000 {
		t.Fatalf("next rental: out at %d km, fee %d; want 13000 km, 20000", got.MileageOut, got.OverMileageFee)
	}
	if v, _ := b.Sys.Rental.GetVehicle(b.Ctx, "浙A12345"); v.Mileage != 13500 {
		t.Fatalf("vehicle at %d km, want 13500", v.Mileage)
	}
}

// TestInactiveStoreRentsNothing: a store put inactive shows no car free,
// and an order there is refused saying the store is not active (naming
// store_code), not that every car of the model is taken.
func TestInactiveStoreRentsNothing(t *testing.T) {
	b := fleet(t)
	st := store("10001", b.Lot)
	st.Active = false
	if _, err := b.Sys.Rental.PutStore(b.Ctx, st); err != nil {
		t.Fatal(err)
	}
	r := request(b.Clock.Now().Add(2*time.Hour), 24)
	if q, err := b.Sys.Rental.CheckOrder(b.Ctx, r); err != nil || q.Available != 0 {
		t.Fatalf("check at an inactive store: %+v, %v; want none free", q, err)
	}
	_, err := b.Sys.Rental.SubmitOrder(b.Ctx, r)
	systemtest.WantCode(t, err, park.EConflict)
	if pe, _ := err.(*park.Error); pe.Field != "store_code" || !strings.Contains(pe.Message, "not active") {
		t.Fatalf("%v; want store_code, not active", err)
	}
}
