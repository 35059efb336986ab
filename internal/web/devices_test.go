package web_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"parkd/internal/charging"
	"parkd/internal/park"
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
