package top_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/dialect/top"
	"parkd/internal/dialect/top/toptest"
	"parkd/internal/park"
	"parkd/internal/rental"
	"parkd/internal/systemtest"
)

// channelBundle is a core whose rental channel 12345678 sells store
// 10001, with the delivery worker running against a test gateway that
// checks signatures and timestamps by the core's clock.
type channelBundle struct {
	*systemtest.Bundle
	gw *toptest.Gateway
}

func newChannel(t *testing.T, method string) *channelBundle {
	t.Helper()
	b := systemtest.NewWith(t, systemtest.Options{RentalDialect: top.Name,
		Formats: map[string]deliveries.Formatter{top.Name: top.Reports{}}})
	gw := toptest.New(t, b.Clock.Now, "12345678", "helloworld-secret")
	r := b.Sys.Rental
	must(t, func() error {
		_, err := r.PutStore(b.Ctx, park.RentalStore{Code: "10001", CompanyCode: "122", Kind: park.RentalStoreKind, Name: "西湖店",
			Address: "文三路 1 号", Latitude: 30.27, Longitude: 120.15, City: "330100", Opens: "08:00", Closes: "22:00", Active: true,
			LotCode: b.Lot})
		return err
	}())
	in := channelInput(gw.Router(), "helloworld-secret")
	in.SignMethod = method
	must(t, func() error { _, err := r.PutChannel(b.Ctx, in); return err }())
	must(t, func() error {
		_, err := r.PutModel(b.Ctx, park.VehicleModel{Code: "100001", Name: "卡罗拉", Seats: 5, Fuel: "petrol",
			Transmission: "automatic", StandardID: "STD1"})
		return err
	}())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = b.Sys.Deliveries.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return &channelBundle{Bundle: b, gw: gw}
}

func channelInput(gateway, secret string) rental.ChannelInput {
	return rental.ChannelInput{AppKey: "12345678", Name: "飞猪", Secret: secret, SignMethod: top.SignMD5, GatewayURL: gateway,
		Stores: []string{"10001"}}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// calls waits for n calls of a method and returns them.
func (c *channelBundle) calls(t *testing.T, method string, n int) []toptest.Call {
	t.Helper()
	var got []toptest.Call
	deliverytest.WaitFor(t, 10*time.Second, "calls of "+method, func() bool {
		got = got[:0]
		for _, call := range c.gw.Calls() {
			if call.Method == method {
				got = append(got, call)
			}
		}
		return len(got) >= n
	})
	return got
}

// TestStoreModelReachesTheGateway: a change to a store's terms reaches
// the gateway, signed so that it passes the gateway's checks, with the
// seed's object; the gateway's message_code 0 delivers it.
func TestStoreModelReachesTheGateway(t *testing.T) {
	for _, m := range top.SignMethods() {
		t.Run(m, func(t *testing.T) {
			c := newChannel(t, m)
			_, err := c.Sys.Rental.PutStoreModel(c.Ctx, park.StoreModel{StoreCode: "10001", ModelCode: "100001",
				MileageLimited: true, MileageLimit: 5000, OverMileageFee: 5000, CreditDeposit: true, ViolationDeposit: 100000,
				DamageDeposit: 100000})
			must(t, err)
			call := c.calls(t, top.MethodStoreModel, 1)[0]
			if call.Refused != "" {
				t.Fatalf("the gateway refused the call: %s", call.Refused)
			}
			if call.Param("sign_method") != m || call.Param("timestamp") != top.Timestamp(c.Clock.Now()) {
				t.Fatalf("sign_method %q timestamp %q", call.Param("sign_method"), call.Param("timestamp"))
			}
			var info map[string]any
			must(t, json.Unmarshal([]byte(call.Param("store_vehicle_model_info_list")), &info))
			if info["store_code"] != "10001" || info["company_code"] != "122" || info["vehicle_model_code"] != "100001" {
				t.Fatalf("info %v", info)
			}
			deliverytest.WaitFor(t, 10*time.Second, "the delivery delivered", func() bool {
				ds, _, err := c.Sys.Deliveries.DeliveryPage(c.Ctx, deliveries.DeliveryQuery{PartnerID: "12345678", Report: park.ReportRental})
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range ds {
					if d.State != park.DeliveryDelivered {
						return false
					}
				}
				return len(ds) >= 2 // the model, then the terms
			})
		})
	}
}
