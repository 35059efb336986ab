package top_test

import (
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/dialect/top"
	"parkd/internal/dialect/top/toptest"
	"parkd/internal/park"
	"parkd/internal/rental"
)

func terms(limit int) park.StoreModel {
	return park.StoreModel{StoreCode: "10001", ModelCode: "100001", MileageLimited: true, MileageLimit: limit,
		OverMileageFee: 100, CreditDeposit: true, ViolationDeposit: 100000, DamageDeposit: 100000}
}

// termsDeliveries lists the channel's deliveries of the store (not the
// model's), oldest first.
func (c *channelBundle) termsDeliveries(t *testing.T) []*park.Delivery {
	t.Helper()
	ds, _, err := c.Sys.Deliveries.DeliveryPage(c.Ctx, deliveries.DeliveryQuery{PartnerID: "12345678", Report: park.ReportRental})
	if err != nil {
		t.Fatal(err)
	}
	var out []*park.Delivery
	for i := len(ds) - 1; i >= 0; i-- {
		if ds[i].LotCode != "" { // the model's change has no lot
			out = append(out, ds[i])
		}
	}
	return out
}

// limitOf reads the mileage limit a store vehicle-model call carried.
func limitOf(t *testing.T, call toptest.Call) int {
	t.Helper()
	var info struct {
		M struct {
			Limit int `json:"mileage_limit"`
		} `json:"mileage_limit_info"`
	}
	if err := json.Unmarshal([]byte(call.Param("store_vehicle_model_info_list")), &info); err != nil {
		t.Fatal(err)
	}
	return info.M.Limit
}

// TestWrongReplySaysWhy: a gateway answering HTTP 200 with a body that
// is not the call's success has not taken the change: the delivery is
// failed, to be retried, and shows the reply expected before the answer.
func TestWrongReplySaysWhy(t *testing.T) {
	c := newChannel(t, top.SignHMACSHA256)
	c.gw.Script(func(call toptest.Call) toptest.Reply {
		if call.Method == top.MethodStoreModel {
			return toptest.Reply{Status: 200, Body: `{"message_code":0}`}
		}
		return toptest.OK
	})
	_, err := c.Sys.Rental.PutStoreModel(c.Ctx, terms(1))
	must(t, err)
	deliverytest.WaitFor(t, 10*time.Second, "the store model's push tried", func() bool {
		ds := c.termsDeliveries(t)
		return len(ds) == 1 && ds[0].Attempts > 0
	})
	d := c.termsDeliveries(t)[0]
	want := `reply is not {"<method with _>_response":{"message_code":0,…}}: {"message_code":0}`
	if d.State != park.DeliveryFailed || d.LastStatus != 200 || d.LastReply != want {
		t.Fatalf("delivery %s, %d %q; want failed, 200 %q", d.State, d.LastStatus, d.LastReply, want)
	}
}

// TestISVIsDeadAtOnce: the channel says the data is wrong; parkd does not
// send it again, shows the channel's message, and the store's next change
// still goes.
func TestISVIsDeadAtOnce(t *testing.T) {
	c := newChannel(t, top.SignHMACSHA256)
	c.gw.Script(func(call toptest.Call) toptest.Reply {
		if call.Method == top.MethodStoreModel && limitOf(t, call) == 1 {
			return toptest.ISV
		}
		return toptest.OK
	})
	_, err := c.Sys.Rental.PutStoreModel(c.Ctx, terms(1))
	must(t, err)
	deliverytest.WaitFor(t, 10*time.Second, "the refused delivery dead", func() bool {
		ds := c.termsDeliveries(t)
		return len(ds) == 1 && ds[0].State == park.DeliveryDead
	})
	d := c.termsDeliveries(t)[0]
	if d.Attempts != 1 || !strings.Contains(d.LastReply, "isv.invalid-parameter") || !strings.Contains(d.LastReply, "非法参数") {
		t.Fatalf("delivery %+v: want dead after one attempt, with the channel's sub-code and message", d)
	}
	// The operator fixes the data: the new state goes out and is taken.
	_, err = c.Sys.Rental.PutStoreModel(c.Ctx, terms(300))
	must(t, err)
	deliverytest.WaitFor(t, 10*time.Second, "the fixed terms delivered", func() bool {
		ds := c.termsDeliveries(t)
		return len(ds) == 2 && ds[1].State == park.DeliveryDelivered
	})
	if n := len(c.calls(t, top.MethodStoreModel, 2)); n != 2 {
		t.Fatalf("%d calls, want 2: the refused one is not sent again", n)
	}
}

// TestRetriedErrors: the platform's errors, a call-rate limit, an HTTP
// error and a reply that is not the gateway's are each tried again (once
// the schedule's next wait has passed) until the gateway takes the change.
func TestRetriedErrors(t *testing.T) {
	for name, bad := range map[string]toptest.Reply{
		"isp":         toptest.ISP,
		"rate limit":  toptest.RateLimit,
		"gateway 502": {Status: 502, Body: "bad gateway"},
		"not json":    {Status: 200, Body: "<html>maintenance</html>"},
		"refusal":     {MessageCode: 1, Message: "稍后重试"},
	} {
		t.Run(name, func(t *testing.T) {
			c := newChannel(t, top.SignMD5)
			var n atomic.Int32
			c.gw.Script(func(call toptest.Call) toptest.Reply {
				if call.Method == top.MethodStoreModel && n.Add(1) == 1 {
					return bad
				}
				return toptest.OK
			})
			_, err := c.Sys.Rental.PutStoreModel(c.Ctx, terms(300))
			must(t, err)
			deliverytest.WaitFor(t, 10*time.Second, "the failed attempt recorded", func() bool {
				ds := c.termsDeliveries(t)
				return len(ds) == 1 && ds[0].State == park.DeliveryFailed
			})
			c.Clock.Set(c.Clock.Now().Add(time.Minute)) // past the schedule's 5 s (±20 %)
			deliverytest.WaitFor(t, 10*time.Second, "the retry delivered", func() bool {
				ds := c.termsDeliveries(t)
				return len(ds) == 1 && ds[0].State == park.DeliveryDelivered
			})
			if d := c.termsDeliveries(t)[0]; d.Attempts != 2 {
				t.Fatalf("%d attempts, want 2", d.Attempts)
			}
			calls := c.calls(t, top.MethodStoreModel, 2)
			if len(calls) != 2 || calls[1].Param("timestamp") != top.Timestamp(c.Clock.Now()) || calls[1].Refused != "" {
				t.Fatalf("calls %+v: want the retry stamped and signed anew", calls)
			}
		})
	}
}

// TestBurstInOrder: a burst of edits to one store's terms reaches the
// gateway in the order they were made, each once, even when one of them
// fails and is retried: the later ones wait for it.
func TestBurstInOrder(t *testing.T) {
	c := newChannel(t, top.SignHMAC)
	var failed atomic.Bool
	c.gw.Script(func(call toptest.Call) toptest.Reply {
		if call.Method == top.MethodStoreModel && limitOf(t, call) == 7 && failed.CompareAndSwap(false, true) {
			return toptest.ISP
		}
		return toptest.OK
	})
	const edits = 20
	for i := 1; i <= edits; i++ {
		_, err := c.Sys.Rental.PutStoreModel(c.Ctx, terms(i))
		must(t, err)
	}
	deliverytest.WaitFor(t, 10*time.Second, "the failed edit", func() bool { return failed.Load() })
	deliverytest.WaitFor(t, 10*time.Second, "its attempt recorded", func() bool {
		for _, d := range c.termsDeliveries(t) {
			if d.State == park.DeliveryFailed {
				return true
			}
		}
		return false
	})
	c.Clock.Set(c.Clock.Now().Add(time.Minute))
	deliverytest.WaitFor(t, 10*time.Second, "every edit delivered", func() bool {
		ds := c.termsDeliveries(t)
		for _, d := range ds {
			if d.State != park.DeliveryDelivered {
				return false
			}
		}
		return len(ds) == edits
	})
	var taken []int
	for _, call := range c.gw.Calls() {
		if call.Method == top.MethodStoreModel && call.Reply.Error == nil { // taken, not the failed attempt
			taken = append(taken, limitOf(t, call))
		}
	}
	for i, l := range taken {
		if l != i+1 {
			t.Fatalf("the gateway took limits %v, want 1..%d in order, each once", taken, edits)
		}
	}
	if len(taken) != edits {
		t.Fatalf("the gateway took %d edits, want %d: %v", len(taken), edits, taken)
	}
}

// TestChannelEditSignsTheNextPush: once a channel's edit returns, its
// next push goes to the new gateway, signed with the new secret and sign
// method, although the worker sent with the old ones just before (the
// test's clock stands still: no cached setting could expire meanwhile).
func TestChannelEditSignsTheNextPush(t *testing.T) {
	c := newChannel(t, top.SignMD5)
	deliverytest.WaitFor(t, 10*time.Second, "the model's change delivered with the old settings", func() bool {
		ds, _, err := c.Sys.Deliveries.DeliveryPage(c.Ctx, deliveries.DeliveryQuery{PartnerID: "12345678", Report: park.ReportRental})
		must(t, err)
		return len(ds) == 1 && ds[0].State == park.DeliveryDelivered
	})
	moved := toptest.New(t, c.Clock.Now, "12345678", "new-secret-01234")
	in := channelInput(moved.Router(), "new-secret-01234")
	in.SignMethod = top.SignHMACSHA256
	_, err := c.Sys.Rental.PutChannel(c.Ctx, in)
	must(t, err)
	_, err = c.Sys.Rental.PutStoreModel(c.Ctx, terms(300))
	must(t, err)
	deliverytest.WaitFor(t, 10*time.Second, "the terms attempted", func() bool {
		ds := c.termsDeliveries(t)
		return len(ds) == 1 && ds[0].Attempts > 0
	})
	if d := c.termsDeliveries(t)[0]; d.State != park.DeliveryDelivered || d.Attempts != 1 {
		t.Fatalf("delivery %s after %d attempts (%s), want delivered at the first", d.State, d.Attempts, d.LastReply)
	}
	for _, call := range c.gw.Calls() {
		if call.Method == top.MethodStoreModel {
			t.Fatalf("the old gateway got the terms (sign_method %s)", call.Param("sign_method"))
		}
	}
	calls := moved.Calls()
	if len(calls) != 1 || calls[0].Refused != "" || calls[0].Param("sign_method") != top.SignHMACSHA256 {
		t.Fatalf("the new gateway got %+v, want one call signed hmac-sha256 with the new secret", calls)
	}
}

// TestSignatureRefusalRetried: a call the gateway refuses for its
// signature (the channel's secret changed there before it did in parkd)
// is not the data's fault: it is kept and retried, and once the operator
// puts the channel's secret right the retry is signed with it and taken.
func TestSignatureRefusalRetried(t *testing.T) {
	c := newChannel(t, top.SignMD5)
	// The model first, with the right secret: its terms wait behind it.
	deliverytest.WaitFor(t, 10*time.Second, "the model delivered", func() bool {
		d := c.subjects(t)[park.RentalItemModel+":100001"]
		return d != nil && d.State == park.DeliveryDelivered
	})
	_, err := c.Sys.Rental.PutChannel(c.Ctx, channelInput(c.gw.Router(), "wrong-secret-0123"))
	must(t, err)
	_, err = c.Sys.Rental.PutStoreModel(c.Ctx, terms(300))
	must(t, err)
	deliverytest.WaitFor(t, 10*time.Second, "the refused attempt recorded", func() bool {
		ds := c.termsDeliveries(t)
		return len(ds) == 1 && ds[0].Attempts > 0
	})
	if d := c.termsDeliveries(t)[0]; d.State != park.DeliveryFailed || !strings.Contains(d.LastReply, "isv.invalid-signature") {
		t.Fatalf("delivery %s (%s), want failed, to be retried, with the gateway's answer", d.State, d.LastReply)
	}
	if call := c.calls(t, top.MethodStoreModel, 1)[0]; call.Refused != "isv.invalid-signature" {
		t.Fatalf("gateway: %q, want isv.invalid-signature", call.Refused)
	}
	_, err = c.Sys.Rental.PutChannel(c.Ctx, channelInput(c.gw.Router(), "helloworld-secret"))
	must(t, err)
	c.Clock.Set(c.Clock.Now().Add(time.Minute)) // past the schedule's 5 s (±20 %)
	deliverytest.WaitFor(t, 10*time.Second, "the retry delivered", func() bool {
		ds := c.termsDeliveries(t)
		return len(ds) == 1 && ds[0].State == park.DeliveryDelivered
	})
	calls := c.calls(t, top.MethodStoreModel, 2)
	if len(calls) != 2 || calls[1].Refused != "" {
		t.Fatalf("calls %+v: want the retry signed with the right secret", calls)
	}
}

// TestRedeliverSupersededRefused: a change refused by the channel, then
// the store's newer state delivered; redelivering the refused one would
// send the older terms after the newer and leave the channel selling
// them. It is refused (409 naming report_id) and nothing is sent; the
// newest change itself may be sent again.
func TestRedeliverSupersededRefused(t *testing.T) {
	c := newChannel(t, top.SignMD5)
	c.gw.Script(func(call toptest.Call) toptest.Reply {
		if call.Method == top.MethodStoreModel && limitOf(t, call) == 1 {
			return toptest.ISV
		}
		return toptest.OK
	})
	_, err := c.Sys.Rental.PutStoreModel(c.Ctx, terms(1))
	must(t, err)
	deliverytest.WaitFor(t, 10*time.Second, "the refused delivery dead", func() bool {
		ds := c.termsDeliveries(t)
		return len(ds) == 1 && ds[0].State == park.DeliveryDead
	})
	sub := park.RentalSubscription("12345678")
	// Another item of the store (a car) changed and delivered since: the
	// terms are not superseded by it, and may be sent again.
	_, err = c.Sys.Rental.PutVehicle(c.Ctx, rental.VehicleInput{Plate: "浙A12345", VIN: "LSVAU2180N2123456", StoreCode: "10001",
		ModelCode: "100001", Mileage: 12000})
	must(t, err)
	deliverytest.WaitFor(t, 10*time.Second, "the car delivered", func() bool {
		ds := c.termsDeliveries(t)
		return len(ds) == 2 && ds[1].State == park.DeliveryDelivered
	})
	first := c.termsDeliveries(t)[0]
	if _, err := c.Sys.Deliveries.Redeliver(c.Ctx, "12345678", sub, first.ReportID, time.Time{}); err != nil {
		t.Fatalf("redeliver the terms after another item's change: %v", err)
	}
	c.calls(t, top.MethodStoreModel, 2)
	deliverytest.WaitFor(t, 10*time.Second, "the redelivered terms dead again", func() bool {
		return c.termsDeliveries(t)[0].State == park.DeliveryDead
	})
	_, err = c.Sys.Rental.PutStoreModel(c.Ctx, terms(300))
	must(t, err)
	deliverytest.WaitFor(t, 10*time.Second, "the newer terms delivered", func() bool {
		ds := c.termsDeliveries(t)
		return len(ds) == 3 && ds[2].State == park.DeliveryDelivered
	})
	ds := c.termsDeliveries(t)
	rp, err := c.Sys.Deliveries.Redeliver(c.Ctx, "12345678", sub, ds[0].ReportID, time.Time{})
	n := rp.Redelivered
	if pe, _ := err.(*park.Error); pe == nil || pe.Code != park.EConflict || pe.Field != "report_id" {
		t.Fatalf("redeliver the superseded change: %d, %v; want EConflict naming report_id", n, err)
	}
	if d := c.termsDeliveries(t)[0]; d.State != park.DeliveryDead {
		t.Fatalf("the refused redeliver changed the delivery: %+v", d)
	}
	// The newest may be sent again: it is the state the channel should have.
	if _, err := c.Sys.Deliveries.Redeliver(c.Ctx, "12345678", sub, ds[2].ReportID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	calls := c.calls(t, top.MethodStoreModel, 4)
	if len(calls) != 4 || limitOf(t, calls[3]) != 300 {
		t.Fatalf("%d calls, the last with limit %d; want the newest (300) sent again", len(calls), limitOf(t, calls[len(calls)-1]))
	}
}

// TestUnwordableChangeIsDeadAtOnce: terms kept from before the
// over-mileage fee had to be whole yuan (1.50 a km) cannot be worded as
// the seed's Long; the call is never built from them, whatever the
// attempt. Retried, it held the store's later changes behind it for a
// day, the operator's fix among them: it is dead at once, saying why,
// and the fixed terms go out.
func TestUnwordableChangeIsDeadAtOnce(t *testing.T) {
	c := newChannel(t, top.SignMD5)
	_, err := c.Sys.Rental.PutStoreModel(c.Ctx, terms(300))
	must(t, err)
	deliverytest.WaitFor(t, 10*time.Second, "the terms delivered", func() bool {
		ds := c.termsDeliveries(t)
		return len(ds) == 1 && ds[0].State == park.DeliveryDelivered
	})
	// As an earlier parkd stored them.
	must(t, c.Store.Update(c.Ctx, func(tx park.Tx) error {
		old, err := tx.GetStoreModel(c.Ctx, "10001", "100001")
		if err != nil {
			return err
		}
		old.OverMileageFee = 150
		return tx.SaveStoreModel(c.Ctx, old)
	}))
	_, err = c.Sys.Rental.Resync(c.Ctx, "12345678", nil)
	must(t, err)
	var legacy *park.Delivery
	deliverytest.WaitFor(t, 10*time.Second, "the legacy terms dead", func() bool {
		for _, d := range c.termsDeliveries(t) {
			if d.Attempts > 0 && strings.Contains(d.LastReply, "over_mileage_fee") {
				legacy = d
				return d.State == park.DeliveryDead
			}
		}
		return false
	})
	if legacy.Attempts != 1 {
		t.Fatalf("legacy terms %+v: want dead after one attempt", legacy)
	}
	_, err = c.Sys.Rental.PutStoreModel(c.Ctx, terms(400))
	must(t, err)
	deliverytest.WaitFor(t, 10*time.Second, "the fixed terms delivered", func() bool {
		ds := c.termsDeliveries(t)
		return ds[len(ds)-1].State == park.DeliveryDelivered
	})
	calls := c.calls(t, top.MethodStoreModel, 2)
	if last := calls[len(calls)-1]; limitOf(t, last) != 400 {
		t.Fatalf("last terms call with limit %d, want the fix (400)", limitOf(t, last))
	}
}
