package ocpp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"parkd/internal/charging"
	"parkd/internal/ocpp"
	"parkd/internal/ocpp/ocppsim"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

const password = "0123456789abcdef"

// The seed's standard: 100 fen per started 240 minutes, at most 960
// minutes, prepaid, refunds to the payment.
var seedRules = park.ChargeRules{Kind: "time", MaxMinutes: 960, Payment: "prepaid", RefundTo: "payment",
	Segments: []park.ChargeSegment{{From: "00:00", To: "24:00", Price: 100, BlockMinutes: 240}}}

// 100 fen per kWh (60 electricity + 40 service) all day, prepaid.
var energyRules = park.ChargeRules{Kind: "energy", Payment: "prepaid", RefundTo: "balance",
	Segments: []park.ChargeSegment{{From: "00:00", To: "24:00", Price: 60, ServiceFee: 40}}}

type rig struct {
	*systemtest.Bundle
	cs  *charging.Service
	srv *ocpp.Server
	url string
}

// newRig serves the central system over a core with two chargers: "CAB1"
// (a 10-port cabinet on the seed's standard) and "CAR1" (a car pile
// priced by energy), both with password.
func newRig(t *testing.T) *rig { return newRigWith(t, nil) }

// newRigWith is newRig with the server's Metrics set to m (when not nil).
func newRigWith(t *testing.T, m ocpp.Recorder) *rig {
	b := systemtest.New(t)
	r := &rig{Bundle: b, cs: b.Sys.Charging}
	r.srv = ocpp.New(ocpp.Config{Charging: r.cs, Now: b.Clock.Now, CallTimeout: 2 * time.Second, Metrics: m})
	r.cs.SetRemote(r.srv)
	mux := http.NewServeMux()
	mux.Handle("GET /ocpp/{id}", r.srv)
	hs := httptest.NewServer(mux)
	t.Cleanup(func() { r.srv.Close(); hs.Close() })
	r.url = "ws" + strings.TrimPrefix(hs.URL, "http")
	for _, c := range []struct {
		id     string
		family int
		ports  int
		rules  park.ChargeRules
	}{{"CAB1", park.FamilyTwoWheeler, 10, seedRules}, {"CAR1", park.FamilyCar, 2, energyRules}} {
		st, err := r.cs.CreateStandard(b.Ctx, charging.StandardInput{Name: c.id, Family: c.family, Rules: c.rules})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.cs.RegisterCharger(b.Ctx, charging.ChargerInput{ID: c.id, LotCode: b.Lot, Family: c.family,
			Connectors: c.ports, StandardID: st.ID, Password: password}); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func (r *rig) dial(t *testing.T, id string) *ocppsim.Point {
	t.Helper()
	p, err := ocppsim.Dial(r.Ctx, r.url, id, password)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	if st, err := p.Boot(r.Ctx); err != nil || st != "Accepted" {
		t.Fatalf("boot %q %v", st, err)
	}
	return p
}

func (r *rig) session(t *testing.T, id string) *park.ChargeSession {
	t.Helper()
	s, err := r.cs.Session(r.Ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAuthentication: only a registered charge point with its own
// password gets in; everything else is refused before the upgrade.
func TestAuthentication(t *testing.T) {
	r := newRig(t)
	status := func(id, user, pass string, proto bool) int {
		req, _ := http.NewRequest("GET", "http"+strings.TrimPrefix(r.url, "ws")+"/ocpp/"+id, nil)
		req.Header.Set("Connection", "Upgrade")
		req.Header.Set("Upgrade", "websocket")
		req.Header.Set("Sec-WebSocket-Version", "13")
		req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
		if proto {
			req.Header.Set("Sec-WebSocket-Protocol", "ocpp2.0, ocpp1.6")
		}
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, c := range []struct {
		name, id, user, pass string
		proto                bool
		want                 int
	}{
		{"no credentials", "CAB1", "", "", true, 401},
		{"wrong password", "CAB1", "CAB1", "0123456789abcdeX", true, 401},
		{"unknown charge point", "NOPE", "NOPE", password, true, 401},
		{"claims another's id", "CAB1", "CAR1", password, true, 401},
		{"without ocpp1.6", "CAB1", "CAB1", password, false, 400},
		{"good", "CAB1", "CAB1", password, true, 101},
	} {
		if got := status(c.id, c.user, c.pass, c.proto); got != c.want {
			t.Errorf("%s: HTTP %d, want %d", c.name, got, c.want)
		}
	}
	// A retired charger can no longer connect.
	if _, err := r.cs.RetireCharger(r.Ctx, "CAR1"); err != nil {
		t.Fatal(err)
	}
	if got := status("CAR1", "CAR1", password, true); got != 401 {
		t.Errorf("retired: HTTP %d", got)
	}
}

// TestBootHeartbeatStatus: what a charger says about itself is on its
// record; a disconnect marks it offline.
func TestBootHeartbeatStatus(t *testing.T) {
	r := newRig(t)
	p := r.dial(t, "CAB1")
	if err := p.Heartbeat(r.Ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Status(r.Ctx, 3, "Available"); err != nil {
		t.Fatal(err)
	}
	c, _ := r.cs.Charger(r.Ctx, "CAB1")
	if !c.Online || c.Vendor != "parkd-sim" || c.Firmware != "1.0.0" || c.LastHeartbeat == nil ||
		len(c.Ports) != 1 || c.Ports[0].Connector != 3 || c.Ports[0].Status != "Available" {
		t.Fatalf("charger %+v", c)
	}
	// Connector 11 of a 10-port cabinet does not exist, and the charge
	// point as a whole (connector 0) cannot be charging.
	var ce *ocppsim.CallError
	err := p.Status(r.Ctx, 11, "Available")
	if !asCallError(err, &ce) || ce.Code != "PropertyConstraintViolation" {
		t.Fatalf("connector 11: %v", err)
	}
	err = p.Status(r.Ctx, 0, "Charging")
	if !asCallError(err, &ce) || ce.Code != "PropertyConstraintViolation" {
		t.Fatalf("connector 0 charging: %v", err)
	}
	if err := p.Status(r.Ctx, 0, "Unavailable"); err != nil {
		t.Fatalf("connector 0 unavailable: %v", err)
	}
	p.Close()
	waitFor(t, func() bool { c, _ := r.cs.Charger(r.Ctx, "CAB1"); return !c.Online })
}

func asCallError(err error, ce **ocppsim.CallError) bool {
	e, ok := err.(*ocppsim.CallError)
	*ce = e
	return ok
}

// waitFor polls a condition that another goroutine makes true (a
// connection's end is noticed by the server's reader).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition never became true")
}

// TestRemoteSessionPrepaidExhaustion: a session bought for 1 yuan on the
// seed's standard starts through RemoteStartTransaction, runs through its
// 240-minute block, is stopped by RemoteStopTransaction when a 241st
// minute would cost more than was paid, and ends billed 1 yuan with the
// charge_end report written. The stop is asked once the charger has the
// answer to its MeterValues, so a charger that handles one message at a
// time stops too.
func TestRemoteSessionPrepaidExhaustion(t *testing.T) {
	for _, oneAtATime := range []bool{false, true} {
		t.Run(fmt.Sprint("one message at a time=", oneAtATime), func(t *testing.T) { prepaidExhaustion(t, oneAtATime) })
	}
}

func prepaidExhaustion(t *testing.T, oneAtATime bool) {
	r := newRig(t)
	p := r.dial(t, "CAB1")
	p.SetAutoStart(true)
	p.SetOneAtATime(oneAtATime)
	t0 := r.Clock.Now()
	p.SetClock(r.Clock.Now)
	sess, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CAB1", Connector: 4, Prepaid: 100, Source: park.SourceNative})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return p.LastTransaction() != 0 })
	tx := r.session(t, sess.ID).TransactionID
	if tx != p.LastTransaction() || tx <= 0 {
		t.Fatalf("transaction %d, the charger has %d", tx, p.LastTransaction())
	}
	r.Clock.Set(t0.Add(239 * time.Minute))
	if err := p.Meter(r.Ctx, 4, tx, ocppsim.Sample{At: r.Clock.Now(), EnergyWh: 300, PowerW: 80}); err != nil {
		t.Fatal(err)
	}
	if s := r.session(t, sess.ID); s.Status != park.SessionCharging || s.Amount != 100 || s.StopAsked != nil {
		t.Fatalf("at 239 minutes %+v", s)
	}
	r.Clock.Set(t0.Add(240 * time.Minute))
	p.Register.Store(301)
	if err := p.Meter(r.Ctx, 4, tx, ocppsim.Sample{At: r.Clock.Now(), EnergyWh: 301, PowerW: 80}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return r.session(t, sess.ID).Status == park.SessionEnded })
	s := r.session(t, sess.ID)
	if s.Amount != 100 || s.Refund != 0 || s.EndReason != park.EndMoneyUsedUp || s.EnergyWh != 301 {
		t.Fatalf("ended %+v", s)
	}
	// The stop's result is recorded once the charger's answer to it is
	// read, beside the StopTransaction the charger sends next: either may
	// be stored first.
	var c *park.Charger
	waitFor(t, func() bool { c, _ = r.cs.Charger(r.Ctx, "CAB1"); return len(c.Commands) >= 2 })
	if len(c.Commands) != 2 || c.Commands[0].Command != "RemoteStartTransaction" || c.Commands[1].Command != "RemoteStopTransaction" ||
		c.Commands[1].Status != "Accepted" {
		t.Fatalf("commands recorded %+v", c.Commands)
	}
}

// TestRemoteStartRefused: a charger that rejects the start fails the
// session at once, refunding the prepayment in full; one that does not
// answer is recorded as a timeout.
func TestRemoteStartRefused(t *testing.T) {
	r := newRig(t)
	p := r.dial(t, "CAB1")
	p.SetAnswer("RemoteStartTransaction", "Rejected")
	sess, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CAB1", Connector: 1, Prepaid: 300})
	if err != nil {
		t.Fatal(err)
	}
	if sess.Status != park.SessionFailed || sess.Refund != 300 || sess.Amount != 0 || sess.EndReason != park.EndRefused {
		t.Fatalf("rejected start %+v", sess)
	}
	p.SetAnswer("RemoteStartTransaction", "")
	sess, err = r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CAB1", Connector: 1, Prepaid: 300})
	if err != nil || sess.Status != park.SessionFailed {
		t.Fatalf("unanswered start %+v %v", sess, err)
	}
	c, _ := r.cs.Charger(r.Ctx, "CAB1")
	if n := len(c.Commands); n != 2 || c.Commands[0].Status != "Rejected" || c.Commands[1].Status != "timeout" {
		t.Fatalf("commands %+v", c.Commands)
	}
	// And one not connected at all: refused before any session is made or
	// command sent.
	_, err = r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CAR1", Connector: 1, Prepaid: 300})
	if pe, _ := err.(*park.Error); pe == nil || pe.Code != park.EConflict || pe.Field != "charger_id" || pe.Reason != park.ReasonNotConnected {
		t.Fatalf("offline start: %v, want charger_id not connected", err)
	}
	c, _ = r.cs.Charger(r.Ctx, "CAR1")
	if len(c.Commands) != 0 {
		t.Fatalf("offline commands %+v", c.Commands)
	}
}

// start opens a session on CAR1's connector 1 with 20 yuan prepaid and
// has the charger start it with its register at 10 kWh.
func (r *rig) startCar(t *testing.T, p *ocppsim.Point) (*park.ChargeSession, int64) {
	t.Helper()
	p.Register.Store(10000)
	p.SetAutoStart(true)
	sess, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CAR1", Connector: 1, Prepaid: 2000})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return p.LastTransaction() != 0 })
	return sess, r.session(t, sess.ID).TransactionID
}

// TestOfflineStop: the charger drops off mid-session, keeps charging, and
// comes back with its StopTransaction and the meter values it kept: all
// 6 kWh are billed once (600 fen), 1400 refunded.
func TestOfflineStop(t *testing.T) {
	r := newRig(t)
	p := r.dial(t, "CAR1")
	t0 := r.Clock.Now()
	p.SetClock(r.Clock.Now)
	sess, tx := r.startCar(t, p)
	if err := p.Meter(r.Ctx, 1, tx, ocppsim.Sample{At: t0.Add(10 * time.Minute), EnergyWh: 11000}); err != nil {
		t.Fatal(err)
	}
	r.Clock.Set(t0.Add(10 * time.Minute))
	p.Close()
	waitFor(t, func() bool { c, _ := r.cs.Charger(r.Ctx, "CAR1"); return !c.Online })
	if s := r.session(t, sess.ID); s.Status != park.SessionCharging {
		t.Fatalf("a disconnect ended the session: %+v", s)
	}
	r.Clock.Set(t0.Add(2 * time.Hour))
	p2 := r.dial(t, "CAR1")
	p2.SetClock(r.Clock.Now)
	p2.Register.Store(16000)
	if err := p2.Stop(r.Ctx, tx, "EVDisconnected",
		ocppsim.Sample{At: t0.Add(30 * time.Minute), EnergyWh: 13000},
		ocppsim.Sample{At: t0.Add(60 * time.Minute), EnergyWh: 16000}); err != nil {
		t.Fatal(err)
	}
	s := r.session(t, sess.ID)
	if s.Status != park.SessionEnded || s.EnergyWh != 6000 || s.Amount != 600 || s.Electricity != 360 || s.Refund != 1400 ||
		s.EndReason != park.EndUnplugged {
		t.Fatalf("ended %+v", s)
	}
	// The same stop again (the charger did not see the answer) changes
	// nothing.
	if err := p2.Stop(r.Ctx, tx, "EVDisconnected"); err != nil {
		t.Fatal(err)
	}
	if again := r.session(t, sess.ID); again.Amount != 600 || again.Version != s.Version {
		t.Fatalf("stop sent twice: %+v", again)
	}
}

// TestMeterFaults: readings sent twice, out of order and going backwards
// (a meter reset) never bill more than the energy delivered, nor less
// than zero.
func TestMeterFaults(t *testing.T) {
	r := newRig(t)
	p := r.dial(t, "CAR1")
	t0 := r.Clock.Now()
	p.SetClock(r.Clock.Now)
	sess, tx := r.startCar(t, p)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	send := func(samples ...ocppsim.Sample) {
		t.Helper()
		if err := p.Meter(r.Ctx, 1, tx, samples...); err != nil {
			t.Fatal(err)
		}
	}
	r.Clock.Set(at(30))
	send(ocppsim.Sample{At: at(20), EnergyWh: 12000})
	send(ocppsim.Sample{At: at(20), EnergyWh: 12000}) // twice
	send(ocppsim.Sample{At: at(10), EnergyWh: 11000}) // late
	if s := r.session(t, sess.ID); s.Amount != 200 || len(s.Readings) != 2 {
		t.Fatalf("after duplicates: amount %d, %d readings (want 200 for 2 kWh, 2 readings)", s.Amount, len(s.Readings))
	}
	send(ocppsim.Sample{At: at(25), EnergyWh: 50}) // the meter reset
	if s := r.session(t, sess.ID); s.Amount != 200 {
		t.Fatalf("after a reset: amount %d, want 200", s.Amount)
	}
	r.Clock.Set(at(40))
	p.Register.Store(13000)
	if err := p.Stop(r.Ctx, tx, "Local"); err != nil {
		t.Fatal(err)
	}
	if s := r.session(t, sess.ID); s.Amount != 300 || s.EnergyWh != 3000 || s.EndReason != park.EndManual {
		t.Fatalf("ended %+v", s)
	}
	// Unknown transactions are answered and change nothing.
	if err := p.Stop(r.Ctx, 999999, "Local"); err != nil {
		t.Fatalf("stop of an unknown transaction: %v", err)
	}
	if err := p.Meter(r.Ctx, 1, 999999, ocppsim.Sample{At: at(41), EnergyWh: 99999}); err != nil {
		t.Fatal(err)
	}
}

// TestChargerClockOff: a charger whose clock is a day behind is billed on
// parkd's clock: 1 kWh over 30 minutes costs 100 fen, not a day of it.
func TestChargerClockOff(t *testing.T) {
	r := newRig(t)
	p := r.dial(t, "CAB1")
	p.SetClock(func() time.Time { return r.Clock.Now().Add(-24 * time.Hour) })
	t0 := r.Clock.Now()
	p.SetAutoStart(true)
	sess, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CAB1", Connector: 1, Prepaid: 1000})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return r.session(t, sess.ID).Status == park.SessionCharging })
	s := r.session(t, sess.ID)
	if !s.StartedAt.Equal(t0) {
		t.Fatalf("started at %v, want parkd's %v", s.StartedAt, t0)
	}
	r.Clock.Set(t0.Add(300 * time.Minute))
	if err := p.Stop(r.Ctx, s.TransactionID, "Local"); err != nil {
		t.Fatal(err)
	}
	// 300 minutes: 2 blocks of 240 = 200 fen, 800 back.
	if s = r.session(t, sess.ID); s.Amount != 200 || s.Refund != 800 || !s.EndedAt.Equal(t0.Add(300*time.Minute)) {
		t.Fatalf("ended %+v", s)
	}
}

// TestFrames: malformed frames, unknown actions and bad payloads get the
// spec's error codes and the connection goes on.
func TestFrames(t *testing.T) {
	r := newRig(t)
	p := r.dial(t, "CAB1")
	for _, c := range []struct{ frame, id, code string }{
		{`not json`, "-1", "FormationViolation"},
		{`[2,"a1","Heartbeat"]`, "a1", "FormationViolation"},
		{`[2,"a27","Heartbeat",{}][1]`, "a27", "FormationViolation"}, // data after it, the id readable
		{`[2,"a2","Heartbeat",{},{}]`, "a2", "FormationViolation"},
		{`[2,"a3","Heartbeat",[]]`, "a3", "FormationViolation"},
		{`[7,"a4","Heartbeat",{}]`, "a4", "FormationViolation"},
		{`[2,"a5","FlyToTheMoon",{}]`, "a5", "NotImplemented"},
		{`[2,"a6","Reset",{"type":"Hard"}]`, "a6", "NotSupported"},
		{`[2,"a7","Heartbeat",{"extra":1}]`, "a7", "FormationViolation"},
		{`[2,"a8","Authorize",{}]`, "a8", "OccurenceConstraintViolation"},
		{`[2,"a9","Authorize",{"idTag":42}]`, "a9", "TypeConstraintViolation"},
		{`[2,"b1","Authorize",{"idTag":"123456789012345678901"}]`, "b1", "PropertyConstraintViolation"},
		{`[2,"b2","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Dancing"}]`, "b2", "PropertyConstraintViolation"},
		{`[2,"b3","StartTransaction",{"connectorId":1,"idTag":"x","meterStart":-5,"timestamp":"2026-11-23T08:00:00Z"}]`, "b3", "PropertyConstraintViolation"},
		{`[2,"b4","MeterValues",{"connectorId":1,"transactionId":1,"meterValue":[{"timestamp":"x","sampledValue":[{"value":"1"}]}]}]`, "b4", "PropertyConstraintViolation"},
		// A sampled value's enums are checked as every other enum: a register
		// in an unknown unit would be billed as Wh.
		{`[2,"b5","MeterValues",{"connectorId":1,"transactionId":1,"meterValue":[{"timestamp":"2026-11-23T08:00:00Z","sampledValue":[{"value":"1500","unit":"MWh"}]}]}]`, "b5", "PropertyConstraintViolation"},
		{`[2,"b6","MeterValues",{"connectorId":1,"transactionId":1,"meterValue":[{"timestamp":"2026-11-23T08:00:00Z","sampledValue":[{"value":"1500","measurand":"Energy.Active.Imprt.Register"}]}]}]`, "b6", "PropertyConstraintViolation"},
		{`[2,"b7","MeterValues",{"connectorId":1,"transactionId":1,"meterValue":[{"timestamp":"2026-11-23T08:00:00Z","sampledValue":[{"value":"1500","context":"Whenever"}]}]}]`, "b7", "PropertyConstraintViolation"},
		{`[2,"b8","MeterValues",{"connectorId":1,"transactionId":1,"meterValue":[{"timestamp":"2026-11-23T08:00:00Z","sampledValue":[{"value":"1500","location":"Roof"}]}]}]`, "b8", "PropertyConstraintViolation"},
		{`[2,"b9","MeterValues",{"connectorId":1,"transactionId":1,"meterValue":[{"timestamp":"2026-11-23T08:00:00Z","sampledValue":[{"value":"1500","phase":"L4"}]}]}]`, "b9", "PropertyConstraintViolation"},
		{`[2,"c1","MeterValues",{"connectorId":1,"transactionId":1,"meterValue":[{"timestamp":"2026-11-23T08:00:00Z","sampledValue":[{"value":"1500","format":"Base64"}]}]}]`, "c1", "PropertyConstraintViolation"},
		// The register parkd bills with, in a unit that is not energy, or
		// below zero: acknowledged and dropped before, the charger never told.
		{`[2,"c2","MeterValues",{"connectorId":1,"transactionId":1,"meterValue":[{"timestamp":"2026-11-23T08:00:00Z","sampledValue":[{"value":"1500","unit":"Percent"}]}]}]`, "c2", "PropertyConstraintViolation"},
		{`[2,"c3","MeterValues",{"connectorId":1,"transactionId":1,"meterValue":[{"timestamp":"2026-11-23T08:00:00Z","sampledValue":[{"value":"-500"}]}]}]`, "c3", "PropertyConstraintViolation"},
		// Registers beyond any meter (charging.MaxRegisterWh): a meterStop of
		// 2^63-1 Wh was billed as such.
		{`[2,"c5","StopTransaction",{"transactionId":1,"meterStop":9223372036854775807,"timestamp":"2026-11-23T08:00:00Z"}]`, "c5", "PropertyConstraintViolation"},
		{`[2,"c6","StartTransaction",{"connectorId":1,"idTag":"x","meterStart":1000000000001,"timestamp":"2026-11-23T08:00:00Z"}]`, "c6", "PropertyConstraintViolation"},
		{`[2,"c7","MeterValues",{"connectorId":1,"transactionId":1,"meterValue":[{"timestamp":"2026-11-23T08:00:00Z","sampledValue":[{"value":"1000000001","unit":"kWh"}]}]}]`, "c7", "PropertyConstraintViolation"},
		{`[2,"c8","MeterValues",{"connectorId":1,"transactionId":1,"meterValue":[{"timestamp":"2026-11-23T08:00:00Z","sampledValue":[{"value":"1000001","measurand":"Power.Active.Import","unit":"kW"}]}]}]`, "c8", "PropertyConstraintViolation"},
		{`[2,"c4","StopTransaction",{"transactionId":1,"meterStop":10,"timestamp":"2026-11-23T08:00:00Z","transactionData":[{"timestamp":"2026-11-23T08:00:00Z","sampledValue":[{"value":"5","unit":"Wh","measurand":"Energy.Active.Import.Register","context":"Nonsense"}]}]}]`, "c4", "PropertyConstraintViolation"},
	} {
		resp, err := p.Raw(r.Ctx, []byte(c.frame), c.id)
		if err != nil {
			t.Fatal(err)
		}
		var parts []any
		if json.Unmarshal(resp, &parts) != nil || len(parts) != 5 || parts[0] != float64(4) || parts[1] != c.id || parts[2] != c.code {
			t.Errorf("%s: answered %s, want a CALLERROR %s for %s", c.frame, resp, c.code, c.id)
		}
	}
	var out map[string]any
	if err := p.Call(r.Ctx, "DataTransfer", map[string]string{"vendorId": "acme", "messageId": "x"}, &out); err != nil || out["status"] != "UnknownVendorId" {
		t.Fatalf("DataTransfer %v %v", out, err)
	}
	if err := p.Heartbeat(r.Ctx); err != nil {
		t.Fatalf("the connection did not survive bad frames: %v", err)
	}
}

// TestOversizedFrame: a frame over the limit closes that connection with
// 1009 (message too big); the charger can connect again.
func TestOversizedFrame(t *testing.T) {
	r := newRig(t)
	p := r.dial(t, "CAB1")
	big := `[2,"x","DataTransfer",{"vendorId":"v","data":"` + strings.Repeat("a", ocpp.MaxFrame) + `"}]`
	if _, err := p.Raw(r.Ctx, []byte(big), "x"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return p.Err() != nil })
	if websocket.CloseStatus(p.Err()) != websocket.StatusMessageTooBig {
		t.Fatalf("closed with %v, want 1009", p.Err())
	}
	r.dial(t, "CAB1")
}

// TestOneCallAtATime: a second CALL before the first is answered is a
// ProtocolError, not a second handler running.
func TestOneCallAtATime(t *testing.T) {
	r := newRig(t)
	ws, _, err := websocket.Dial(r.Ctx, r.url+"/ocpp/CAB1", &websocket.DialOptions{Subprotocols: []string{"ocpp1.6"},
		HTTPHeader: http.Header{"Authorization": {"Basic " + basic("CAB1", password)}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	// Ten StatusNotifications at once: each is answered, either with a
	// result or a ProtocolError, and at least the first with a result.
	for i := 0; i < 10; i++ {
		f := `[2,"s` + string(rune('0'+i)) + `","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available"}]`
		if err := ws.Write(r.Ctx, websocket.MessageText, []byte(f)); err != nil {
			t.Fatal(err)
		}
	}
	results, protocol := 0, 0
	for i := 0; i < 10; i++ {
		_, b, err := ws.Read(r.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasPrefix(string(b), "[3,"):
			results++
		case strings.Contains(string(b), `"ProtocolError"`):
			protocol++
		default:
			t.Fatalf("answer %s", b)
		}
	}
	if results < 1 || results+protocol != 10 {
		t.Fatalf("%d results and %d protocol errors for 10 calls", results, protocol)
	}
}

func basic(user, pass string) string {
	req, _ := http.NewRequest("GET", "http://x", nil)
	req.SetBasicAuth(user, pass)
	return strings.TrimPrefix(req.Header.Get("Authorization"), "Basic ")
}

// TestCommands: each command is sent, answered and recorded; one the
// charger never answers is recorded as a timeout.
func TestCommands(t *testing.T) {
	r := newRig(t)
	p := r.dial(t, "CAB1")
	for _, c := range []struct {
		cmd            charging.Command
		action, answer string
	}{
		{charging.Command{Kind: "reset", Type: "soft"}, "Reset", "Accepted"},
		{charging.Command{Kind: "unlock", Connector: 2}, "UnlockConnector", "Unlocked"},
		{charging.Command{Kind: "availability", Type: "inoperative"}, "ChangeAvailability", "Accepted"},
		{charging.Command{Kind: "trigger", Type: "StatusNotification", Connector: 3}, "TriggerMessage", "Accepted"},
	} {
		res, err := r.cs.SendCommand(r.Ctx, "CAB1", c.cmd)
		if err != nil || res.Status != c.answer || res.Command != c.action {
			t.Fatalf("%v: %+v %v", c.cmd, res, err)
		}
		got := <-p.Commands()
		if got.Action != c.action {
			t.Fatalf("charger got %s, want %s", got.Action, c.action)
		}
	}
	c, _ := r.cs.Charger(r.Ctx, "CAB1")
	if c.Availability != park.ChargerInoperative || len(c.Commands) != 4 {
		t.Fatalf("after commands %+v", c)
	}
	p.SetAnswer("Reset", "")
	res, err := r.cs.SendCommand(r.Ctx, "CAB1", charging.Command{Kind: "reset", Type: "hard"})
	if err != nil || res.Status != "timeout" {
		t.Fatalf("unanswered reset %+v %v", res, err)
	}
	_, err = r.cs.SendCommand(r.Ctx, "CAB1", charging.Command{Kind: "unlock", Connector: 11})
	systemtest.WantCode(t, err, park.EInvalid)
	// A status OCPP does not define for the command is recorded as the
	// charger's error, not as its answer.
	p.SetAnswer("Reset", "Bogus")
	res, err = r.cs.SendCommand(r.Ctx, "CAB1", charging.Command{Kind: "reset", Type: "soft"})
	if err != nil || res.Status != "error" || !strings.Contains(res.Detail, `"Bogus"`) {
		t.Fatalf("reset answered Bogus: %+v %v", res, err)
	}
}

// TestTagAtCharger: a driver of the lot (a whitelisted plate) presents the
// plate as id tag: authorized, the charger starts a session of its own,
// billed by use on the seed's standard (250 minutes: 2 blocks, 200 fen,
// nothing prepaid so nothing refunded); a stranger's tag is refused.
func TestTagAtCharger(t *testing.T) {
	r := newRig(t)
	now := r.Clock.Now()
	if _, err := r.Sys.Access.CreateWhitelist(r.Ctx, r.Lot, &park.WhitelistEntry{Plate: "粤B12345", Kind: park.AccessAllow,
		ValidFrom: now.AddDate(0, -1, 0), ValidTo: now.AddDate(0, 1, 0)}); err != nil {
		t.Fatal(err)
	}
	p := r.dial(t, "CAB1")
	p.SetClock(r.Clock.Now)
	if st, err := p.Authorize(r.Ctx, "粤B99999"); err != nil || st != "Invalid" {
		t.Fatalf("stranger: %q %v", st, err)
	}
	if _, err := p.Start(r.Ctx, 5, "粤B99999"); err == nil {
		t.Fatal("a stranger's start was accepted")
	}
	if st, err := p.Authorize(r.Ctx, "粤B12345"); err != nil || st != "Accepted" {
		t.Fatalf("the lot's driver: %q %v", st, err)
	}
	// Port 11 of a 10-port cabinet: the frame is wrong, not the tag.
	var ce *ocppsim.CallError
	if _, err := p.Start(r.Ctx, 11, "粤B12345"); !asCallError(err, &ce) || ce.Code != "PropertyConstraintViolation" {
		t.Fatalf("start on connector 11: %v", err)
	}
	tx, err := p.Start(r.Ctx, 5, "粤B12345")
	if err != nil {
		t.Fatal(err)
	}
	page, err := r.cs.Sessions(r.Ctx, park.ChargeSessionFilter{ChargerID: "CAB1", Status: park.SessionCharging, Limit: 10}, 0)
	if err != nil || len(page.Sessions) != 1 {
		t.Fatalf("sessions %+v %v", page, err)
	}
	s := page.Sessions[0]
	if s.Source != park.SourceCharger || s.TransactionID != tx || s.Connector != 5 || s.Prepaid != 0 {
		t.Fatalf("session %+v", s)
	}
	r.Clock.Set(now.Add(250 * time.Minute))
	p.Register.Store(900)
	if err := p.Stop(r.Ctx, tx, "Local"); err != nil {
		t.Fatal(err)
	}
	if s = r.session(t, s.ID); s.Status != park.SessionEnded || s.Amount != 200 || s.Refund != 0 {
		t.Fatalf("ended %+v", s)
	}
}

// TestRegisteredTags: cards registered in the lot answer Authorize with
// OCPP's statuses (a card is matched without regard to case); a blocked
// card cannot start; a card linked to 粤B12345 starts a session for that
// car, which then parks free for its charging time plus 30 minutes: in
// at 0, charging 0 to 60 minutes, out at 80, it owes nothing (without
// the link it would owe 80 minutes: 15 free, then 3 started half hours at
// 2.00, 600).
func TestRegisteredTags(t *testing.T) {
	r := newRig(t)
	now := r.Clock.Now()
	if _, err := r.Sys.Gate.SetTariff(r.Ctx, r.Lot,
		[]byte(`{"grace_minutes":15,"every":{"minutes":30,"price":200},"charging_free_minutes":30}`)); err != nil {
		t.Fatal(err)
	}
	past := now.Add(-time.Hour)
	for _, in := range []charging.IDTagInput{{Tag: "card-ok", Plate: "粤B12345"}, {Tag: "CARD-BLK", Blocked: true},
		{Tag: "CARD-OLD", ExpiresAt: &past}} {
		if _, err := r.cs.CreateIDTag(r.Ctx, r.Lot, in); err != nil {
			t.Fatal(err)
		}
	}
	p := r.dial(t, "CAR1")
	p.SetClock(r.Clock.Now)
	for _, c := range []struct{ tag, want string }{{"CARD-OK", "Accepted"}, {"Card-Ok", "Accepted"}, {"CARD-BLK", "Blocked"},
		{"CARD-OLD", "Expired"}, {"CARD-NONE", "Invalid"}} {
		if st, err := p.Authorize(r.Ctx, c.tag); err != nil || st != c.want {
			t.Errorf("Authorize(%s) = %q %v, want %s", c.tag, st, err, c.want)
		}
	}
	if _, err := p.Start(r.Ctx, 1, "CARD-BLK"); err == nil || !strings.Contains(err.Error(), "Blocked") {
		t.Fatalf("a blocked card's start: %v", err)
	}
	r.Event(t, park.EventEntry, "粤B12345", now)
	tx, err := p.Start(r.Ctx, 1, "card-ok")
	if err != nil {
		t.Fatal(err)
	}
	page, err := r.cs.Sessions(r.Ctx, park.ChargeSessionFilter{ChargerID: "CAR1", Status: park.SessionCharging, Limit: 10}, 0)
	if err != nil || len(page.Sessions) != 1 || page.Sessions[0].PlateKey != "粤B12345" || page.Sessions[0].Source != park.SourceCharger {
		t.Fatalf("sessions %+v %v", page, err)
	}
	r.Clock.Set(now.Add(time.Hour))
	p.Register.Store(7000)
	if err := p.Stop(r.Ctx, tx, "Local"); err != nil {
		t.Fatal(err)
	}
	r.Clock.Set(now.Add(80 * time.Minute))
	if d := r.Event(t, park.EventExit, "粤B12345", now.Add(80*time.Minute)); d.AmountDue != 0 || d.Decision != park.DecisionOpen {
		t.Fatalf("the card's car at the exit: %s/%s, owes %d; want to leave free", d.Decision, d.Reason, d.AmountDue)
	}
}

// TestTagExpiryDates: an id tag accepted for a limited time is answered
// with that time as expiryDate, in Authorize, StartTransaction and
// StopTransaction alike, so a charger's authorization cache drops it then
// (a card's expiry; a plate's pass or whitelist entry, the later end when
// it has both); a tag accepted for good has none; a plate on the deny
// list is no tag, pass or not. A stop with a blocked card answers
// Blocked, which takes it out of the cache.
func TestTagExpiryDates(t *testing.T) {
	r := newRig(t)
	now := r.Clock.Now().Truncate(time.Second)
	soon := now.Add(48 * time.Hour)
	for _, in := range []charging.IDTagInput{{Tag: "CARD-SOON", ExpiresAt: &soon}, {Tag: "CARD-EVER"}, {Tag: "CARD-BLK", Blocked: true}} {
		if _, err := r.cs.CreateIDTag(r.Ctx, r.Lot, in); err != nil {
			t.Fatal(err)
		}
	}
	passEnd, listEnd, bothEnd := now.AddDate(0, 0, 30), now.AddDate(0, 0, 10), now.AddDate(0, 0, 60)
	for _, p := range []struct {
		plate string
		to    time.Time
	}{{"粤B22222", passEnd}, {"粤B44444", passEnd}, {"粤B55555", passEnd}} {
		if _, err := r.Sys.Access.CreatePass(r.Ctx, "", r.Lot, &park.Pass{HolderName: "x", Plates: []string{p.plate},
			ValidFrom: now.AddDate(0, 0, -1), ValidTo: p.to}); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range []struct {
		plate string
		to    time.Time
		kind  string
	}{{"粤B33333", listEnd, park.AccessAllow}, {"粤B44444", bothEnd, park.AccessAllow}, {"粤B55555", bothEnd, park.AccessDeny},
		{"粤B66666", bothEnd, park.AccessDeny}} {
		if _, err := r.Sys.Access.CreateWhitelist(r.Ctx, r.Lot, &park.WhitelistEntry{Plate: w.plate, Kind: w.kind,
			ValidFrom: now.AddDate(0, 0, -1), ValidTo: w.to}); err != nil {
			t.Fatal(err)
		}
	}
	p := r.dial(t, "CAR1")
	p.SetClock(r.Clock.Now)
	utc := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	type info struct {
		Status     string `json:"status"`
		ExpiryDate string `json:"expiryDate"`
	}
	for _, c := range []struct{ tag, status, expiry string }{
		{"CARD-SOON", "Accepted", utc(soon)}, {"CARD-EVER", "Accepted", ""}, {"CARD-BLK", "Blocked", ""},
		{"粤B22222", "Accepted", utc(passEnd)}, {"粤B33333", "Accepted", utc(listEnd)}, {"粤B44444", "Accepted", utc(bothEnd)},
		// A plate on the deny list is kept out of the lot, with a pass or without.
		{"粤B55555", "Invalid", ""}, {"粤B66666", "Invalid", ""},
	} {
		var out struct {
			IDTagInfo info `json:"idTagInfo"`
		}
		if err := p.Call(r.Ctx, "Authorize", map[string]string{"idTag": c.tag}, &out); err != nil {
			t.Fatal(err)
		}
		if out.IDTagInfo.Status != c.status || out.IDTagInfo.ExpiryDate != c.expiry {
			t.Errorf("Authorize(%s) = %+v, want %s until %q", c.tag, out.IDTagInfo, c.status, c.expiry)
		}
	}
	type startAnswer struct {
		IDTagInfo     info  `json:"idTagInfo"`
		TransactionID int64 `json:"transactionId"`
	}
	var start startAnswer
	// The same start sent again (its answer lost) is answered the same.
	var first int64
	for i := range 2 {
		start = startAnswer{} // a field the answer leaves out must not keep the first's value
		if err := p.Call(r.Ctx, "StartTransaction", map[string]any{"connectorId": 1, "idTag": "CARD-SOON", "meterStart": 0,
			"timestamp": utc(r.Clock.Now())}, &start); err != nil {
			t.Fatal(err)
		}
		if start.IDTagInfo.Status != "Accepted" || start.IDTagInfo.ExpiryDate != utc(soon) || (i == 1 && start.TransactionID != first) {
			t.Fatalf("StartTransaction #%d: %+v, transaction %d; want Accepted until %s, the first's transaction %d", i+1,
				start.IDTagInfo, start.TransactionID, utc(soon), first)
		}
		first = start.TransactionID
	}
	// A tag that is no card nor plate of the lot (a session's own) was good
	// for the transaction that ended: Accepted, with no expiry.
	for _, c := range []struct{ tag, status, expiry string }{{"CARD-SOON", "Accepted", utc(soon)}, {"CARD-BLK", "Blocked", ""},
		{"SESSION-OWN", "Accepted", ""}} {
		var stop struct {
			IDTagInfo info `json:"idTagInfo"`
		}
		if err := p.Call(r.Ctx, "StopTransaction", map[string]any{"transactionId": start.TransactionID, "idTag": c.tag,
			"meterStop": 100, "timestamp": utc(r.Clock.Now())}, &stop); err != nil {
			t.Fatal(err)
		}
		if stop.IDTagInfo.Status != c.status || stop.IDTagInfo.ExpiryDate != c.expiry {
			t.Errorf("StopTransaction with %s: %+v, want %s until %q", c.tag, stop.IDTagInfo, c.status, c.expiry)
		}
	}
}

// TestReconnectBesideHalfOpen: a charger that reconnects while its old
// connection is half-open (the network changed; nothing answers on the
// old one) is answered at once, not after the old close handshake gives
// up (5 s).
func TestReconnectBesideHalfOpen(t *testing.T) {
	r := newRig(t)
	old, _, err := websocket.Dial(r.Ctx, r.url+"/ocpp/CAB1", &websocket.DialOptions{Subprotocols: []string{"ocpp1.6"},
		HTTPHeader: http.Header{"Authorization": {"Basic " + basic("CAB1", password)}}})
	if err != nil {
		t.Fatal(err)
	}
	defer old.CloseNow() // never read: the server's close frame gets no answer
	waitFor(t, func() bool { return r.srv.Connected("CAB1") })
	p, err := ocppsim.Dial(r.Ctx, r.url, "CAB1", password)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(r.Ctx, 3*time.Second)
	defer cancel()
	if st, err := p.Boot(ctx); err != nil || st != "Accepted" {
		t.Fatalf("the reconnected charger's boot: %q %v", st, err)
	}
}

// TestFullFromMeterValues: "pay 10 yuan to charge full" (100 fen per kWh
// metered). The car reports a state of charge of 100 % in a MeterValues
// at 3 kWh, then the charger stops because it was unplugged, without
// transactionData: the session is full, ends as full (2, not unplugged),
// and costs the agreed 1000 fen, not the 300 metered; 2000 paid from a
// balance, 1000 back.
func TestFullFromMeterValues(t *testing.T) {
	r := newRig(t)
	st, err := r.cs.CreateStandard(r.Ctx, charging.StandardInput{Name: "full", Family: park.FamilyCar,
		Rules: park.ChargeRules{Kind: "energy", Payment: "balance", RefundTo: "balance", StopWhenFull: true, FullPrice: 1000,
			Segments: []park.ChargeSegment{{From: "00:00", To: "24:00", Price: 60, ServiceFee: 40}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.cs.RegisterCharger(r.Ctx, charging.ChargerInput{ID: "FULL1", LotCode: r.Lot, Family: park.FamilyCar,
		Connectors: 1, StandardID: st.ID, Password: password}); err != nil {
		t.Fatal(err)
	}
	p := r.dial(t, "FULL1")
	t0 := r.Clock.Now()
	p.SetClock(r.Clock.Now)
	p.SetAutoStart(true)
	sess, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "FULL1", Connector: 1, Prepaid: 2000})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return p.LastTransaction() != 0 })
	tx := r.session(t, sess.ID).TransactionID
	r.Clock.Set(t0.Add(30 * time.Minute))
	if err := p.Meter(r.Ctx, 1, tx, ocppsim.Sample{At: t0.Add(30 * time.Minute), EnergyWh: 3000, SoC: 100}); err != nil {
		t.Fatal(err)
	}
	r.Clock.Set(t0.Add(31 * time.Minute))
	p.Register.Store(3000)
	if err := p.Stop(r.Ctx, tx, "EVDisconnected"); err != nil {
		t.Fatal(err)
	}
	s := r.session(t, sess.ID)
	if s.Status != park.SessionEnded || !s.Full || s.Amount != 1000 || s.Refund != 1000 || s.EndReason != park.EndFull {
		t.Fatalf("ended: full %v, amount %d, refund %d, reason %d; want full, 1000, 1000, 2", s.Full, s.Amount, s.Refund, s.EndReason)
	}
}

// TestPowerWithoutPowerSamples: power segments by average (per started
// hour: below 500 W 50 fen, 500-1000 W 80, from 1000 W 120). The charger
// reports 1200 W in its MeterValues at 30 and 45 minutes; its
// StopTransaction's transactionData holds the register only (a
// Transaction.Begin sample at the start), which measures no power. The
// average is 1200 W, 120 fen for the started hour, not (0×30 + 1200×30) /
// 60 = 600 W (80 fen) as if the register sample had read 0 W.
func TestPowerWithoutPowerSamples(t *testing.T) {
	r := newRig(t)
	st, err := r.cs.CreateStandard(r.Ctx, charging.StandardInput{Name: "power", Family: park.FamilyTwoWheeler,
		Rules: park.ChargeRules{Kind: "power", PowerMeasure: "average", Payment: "balance", RefundTo: "balance",
			Segments: []park.ChargeSegment{
				{From: "00:00", To: "24:00", Price: 50, BlockMinutes: 60, MinPowerW: 0, MaxPowerW: 500},
				{From: "00:00", To: "24:00", Price: 80, BlockMinutes: 60, MinPowerW: 500, MaxPowerW: 1000},
				{From: "00:00", To: "24:00", Price: 120, BlockMinutes: 60, MinPowerW: 1000},
			}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.cs.RegisterCharger(r.Ctx, charging.ChargerInput{ID: "PWR1", LotCode: r.Lot, Family: park.FamilyTwoWheeler,
		Connectors: 1, StandardID: st.ID, Password: password}); err != nil {
		t.Fatal(err)
	}
	p := r.dial(t, "PWR1")
	t0 := r.Clock.Now()
	p.SetClock(r.Clock.Now)
	p.SetAutoStart(true)
	sess, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "PWR1", Connector: 1})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return p.LastTransaction() != 0 })
	tx := r.session(t, sess.ID).TransactionID
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	r.Clock.Set(at(45))
	if err := p.Meter(r.Ctx, 1, tx, ocppsim.Sample{At: at(30), EnergyWh: 600, PowerW: 1200},
		ocppsim.Sample{At: at(45), EnergyWh: 900, PowerW: 1200}); err != nil {
		t.Fatal(err)
	}
	r.Clock.Set(at(60))
	p.Register.Store(1200)
	if err := p.Stop(r.Ctx, tx, "Local", ocppsim.Sample{At: t0, EnergyWh: 0}); err != nil {
		t.Fatal(err)
	}
	if s := r.session(t, sess.ID); s.Status != park.SessionEnded || s.Amount != 120 {
		t.Fatalf("ended: %s, amount %d; want ended, 120", s.Status, s.Amount)
	}
}
