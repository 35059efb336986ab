package web_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"parkd/internal/charging"
	"parkd/internal/park"
	"parkd/internal/rental"
	"parkd/internal/systemtest"
	"parkd/internal/web"
)

// TestDevices: a lot's devices, online or not, and never their password.
func TestDevices(t *testing.T) {
	b := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{"test-cam"}})
	srv := newServer(t, b)
	s := &site{Bundle: b, srv: srv}
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	if err := s.Sys.Devices.Register(s.Ctx, &park.Device{Serial: "cam-1", LotCode: s.Lot, Lane: "in-1", Protocol: "test-cam",
		Addr: "http://192.0.2.9", Username: "admin", Password: "camera-secret"}); err != nil {
		t.Fatal(err)
	}
	br := s.browser(t)
	br.mustLogin("op")
	st, body, _ := br.get("/console/lots/" + s.Lot + "/devices")
	row := regexp.MustCompile(`(?s)<tr data-serial="cam-1">.*?</tr>`).FindString(body)
	if st != http.StatusOK || row == "" || !strings.Contains(row, "in-1 (in)") || !strings.Contains(row, "test-cam") {
		t.Fatalf("devices page: %d\n%s", st, body)
	}
	if strings.Contains(body, "camera-secret") {
		t.Fatal("a device's password reached the page")
	}
}

func newServer(t *testing.T, b *systemtest.Bundle) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(web.New(web.Config{System: b.Sys, Now: b.Clock.Now}))
	t.Cleanup(srv.Close)
	return srv
}

// TestChargers: a lot's chargers, and never their password.
func TestChargers(t *testing.T) {
	s := newSite(t)
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	st, err := s.Sys.Charging.CreateStandard(s.Ctx, charging.StandardInput{Name: "test", Family: park.FamilyTwoWheeler,
		Rules: park.ChargeRules{Kind: "time", MaxMinutes: 960, Payment: "prepaid", RefundTo: "payment",
			Segments: []park.ChargeSegment{{From: "00:00", To: "24:00", Price: 100, BlockMinutes: 240}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sys.Charging.RegisterCharger(s.Ctx, charging.ChargerInput{ID: "CP1", LotCode: s.Lot, Family: park.FamilyTwoWheeler,
		Connectors: 2, Type: "ebike-10", StandardID: st.ID, Password: "0123456789abcdef"}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.mustLogin("op")
	code, body, _ := b.get("/console/lots/" + s.Lot + "/chargers")
	row := regexp.MustCompile(`(?s)<tr data-charger="CP1">.*?</tr>`).FindString(body)
	if code != http.StatusOK || !strings.Contains(row, "ebike-10") || !strings.Contains(row, `<td class="num">2</td>`) ||
		!strings.Contains(row, "offline") {
		t.Fatalf("chargers page: %d\n%s", code, body)
	}
	if strings.Contains(body, "0123456789abcdef") {
		t.Fatal("a charger's password reached the page")
	}
}

// TestRental: the rental stores in a lot, with their vehicles; another
// lot's operator does not see them.
func TestRental(t *testing.T) {
	s := newSite(t)
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	s.CreateLot(t, "OTHER", 5, park.MissedEntryHold)
	s.user(t, "other", park.RoleLotOperator, "OTHER")
	r := s.Sys.Rental
	if _, err := r.PutStore(s.Ctx, park.RentalStore{Code: "10001", CompanyCode: "122", Kind: park.RentalStoreKind, Name: "West <Lake>",
		Address: "1 Wensan Rd", Latitude: 30.27, Longitude: 120.15, City: "330100", Opens: "08:00", Closes: "22:00", Active: true,
		LotCode: s.Lot}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.PutModel(s.Ctx, park.VehicleModel{Code: "100001", Name: "Corolla", Seats: 5, Fuel: "petrol",
		Transmission: "automatic"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.PutVehicle(s.Ctx, rental.VehicleInput{Plate: "浙A12345", VIN: "LVGBE40K8GG123456", StoreCode: "10001",
		ModelCode: "100001", Mileage: 12000}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.mustLogin("op")
	code, body, _ := b.get("/console/lots/" + s.Lot + "/rental")
	if code != http.StatusOK || !strings.Contains(body, "West &lt;Lake&gt;") || !strings.Contains(body, "浙A12345") ||
		!strings.Contains(body, "Corolla (5 seats, petrol, automatic)") || !strings.Contains(body, "12000 km") {
		t.Fatalf("rental page: %d\n%s", code, body)
	}
	o := s.browser(t)
	o.mustLogin("other")
	if code, _, _ := o.get("/console/lots/" + s.Lot + "/rental"); code != http.StatusNotFound {
		t.Fatalf("another lot's operator: %d, want 404", code)
	}
}
