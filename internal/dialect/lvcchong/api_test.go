package lvcchong_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/deliveries"
	"parkd/internal/dialect/lvcchong"
	"parkd/internal/ocpp"
	"parkd/internal/ocpp/ocppsim"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

const appSecret = "app-secret-0123456789"

type rig struct {
	*systemtest.Bundle
	api  string // http base
	ws   string // OCPP base
	seed []byte // the seed's list[0]
}

// newRig serves the open API and OCPP over a core holding the seed's
// standard, a 10-port cabinet CAB1 on it in the bundle's lot, a cabinet
// FAR1 in another lot, and the app "app1" that may use the bundle's lot.
func newRig(t *testing.T) *rig {
	b := systemtest.NewWith(t, systemtest.Options{Dialects: []string{lvcchong.Name},
		Formats: map[string]deliveries.Formatter{lvcchong.Name: lvcchong.Reports{}}})
	r := &rig{Bundle: b, seed: seedList(t)}
	in, err := lvcchong.Import(r.seed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Charging.CreateStandard(b.Ctx, in); err != nil {
		t.Fatal(err)
	}
	b.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	for _, c := range []struct{ id, lot string }{{"CAB1", b.Lot}, {"FAR1", "OTHER"}} {
		if _, err := b.Sys.Charging.RegisterCharger(b.Ctx, charging.ChargerInput{ID: c.id, LotCode: c.lot, Connectors: 10,
			StandardID: 19464, Password: "0123456789abcdef"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: "app1", Name: "App", Dialect: lvcchong.Name,
		Type: park.PartnerNormal, Secret: appSecret, SignMode: lvcchong.SignToken, Lots: []string{b.Lot}}); err != nil {
		t.Fatal(err)
	}
	cs := ocpp.New(ocpp.Config{Charging: b.Sys.Charging, Now: b.Clock.Now, CallTimeout: 2 * time.Second})
	b.Sys.Charging.SetRemote(cs)
	mux := http.NewServeMux()
	mux.Handle("GET /ocpp/{id}", cs)
	lvcchong.New(lvcchong.Config{Service: b.Sys}).Mount(mux.Handle)
	hs := httptest.NewServer(mux)
	t.Cleanup(func() { cs.Close(); hs.Close() })
	r.api, r.ws = hs.URL, "ws"+strings.TrimPrefix(hs.URL, "http")
	return r
}

func seedList(t *testing.T) []byte {
	raw, err := os.ReadFile(filepath.Join("testdata", "seed_getPriceStandard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Data struct{ List []json.RawMessage }
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	return env.Data.List[0]
}

// post calls the open API and returns the reply as JSON.
func (r *rig) post(t *testing.T, op, token string, form url.Values) map[string]any {
	t.Helper()
	req, _ := http.NewRequest("POST", r.api+"/open/oem/"+op, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.Header.Set("token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: not JSON: %s", op, b)
	}
	return out
}

func (r *rig) token(t *testing.T) string {
	t.Helper()
	out := r.post(t, "getToken", "", url.Values{"appId": {"app1"}, "appSecret": {appSecret}})
	data, _ := out["data"].(map[string]any)
	tok, _ := data["token"].(string)
	if out["success"] != true || tok == "" {
		t.Fatalf("getToken %v", out)
	}
	return tok
}

func wantErr(t *testing.T, out map[string]any, code, contains string) {
	t.Helper()
	msg, _ := out["error"].(string)
	if out["success"] != false || out["code"] != code || !strings.Contains(msg, contains) {
		t.Fatalf("reply %v, want code %s and an error containing %q", out, code, contains)
	}
}

// TestTokens: a token comes from appId and appSecret, lasts 24 hours, and
// is required by every other call.
func TestTokens(t *testing.T) {
	r := newRig(t)
	wantErr(t, r.post(t, "getToken", "", url.Values{"appId": {"app1"}, "appSecret": {"wrong"}}), "-1", "appSecret错误")
	wantErr(t, r.post(t, "getToken", "", url.Values{"appId": {"nobody"}, "appSecret": {appSecret}}), "-1", "appSecret错误")
	wantErr(t, r.post(t, "getPriceStandard", "", nil), "10001", "token")
	wantErr(t, r.post(t, "getPriceStandard", "v1.app1.99999999999.forged", nil), "10001", "token")
	tok := r.token(t)
	if out := r.post(t, "getPriceStandard", tok, nil); out["success"] != true {
		t.Fatalf("with a fresh token %v", out)
	}
	r.Clock.Set(r.Clock.Now().Add(24*time.Hour - time.Second))
	if out := r.post(t, "getPriceStandard", tok, nil); out["success"] != true {
		t.Fatalf("a second before 24 h %v", out)
	}
	r.Clock.Set(r.Clock.Now().Add(time.Second))
	wantErr(t, r.post(t, "getPriceStandard", tok, nil), "10001", "过期")
}

// TestGetPriceStandardGolden: the reply has the seed example's shape, key
// for key and type for type, and the seed's standard comes back with the
// seed's values (but the segment's row id, which parkd numbers itself,
// and the count of devices using it).
func TestGetPriceStandardGolden(t *testing.T) {
	r := newRig(t)
	out := r.post(t, "getPriceStandard", r.token(t), url.Values{"pageSize": {"1"}, "pageNum": {"1"}, "deviceFamily": {"0"}})
	raw, _ := os.ReadFile(filepath.Join("testdata", "seed_getPriceStandard.json"))
	var seed map[string]any
	if err := json.Unmarshal(raw, &seed); err != nil {
		t.Fatal(err)
	}
	sameShape(t, "reply", out, seed)
	got := out["data"].(map[string]any)["list"].([]any)[0].(map[string]any)
	want := seed["data"].(map[string]any)["list"].([]any)[0].(map[string]any)
	got["priceStandardTbody"].([]any)[0].(map[string]any)["id"] = want["priceStandardTbody"].([]any)[0].(map[string]any)["id"]
	// Two cabinets use it here, but only CAB1 is in the app's lot (FAR1 is
	// another lot's, of which the app learns nothing); the seed's had none.
	if got["deviceAssociateCount"] != 1.0 {
		t.Fatalf("deviceAssociateCount %v, want 1", got["deviceAssociateCount"])
	}
	got["deviceAssociateCount"] = 0.0
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		t.Fatalf("standard\n%s\nwant the seed's\n%s", g, r.seed)
	}
	if p := out["data"].(map[string]any)["page"]; !reflect.DeepEqual(p, map[string]any{"total": 1.0, "pages": 1.0, "pageSize": 1.0, "pageNum": 1.0}) {
		t.Fatalf("page %v", p)
	}
	// Filters: a name and a family with nothing is an empty list.
	out = r.post(t, "getPriceStandard", r.token(t), url.Values{"deviceFamily": {"1"}})
	if l := out["data"].(map[string]any)["list"].([]any); len(l) != 0 || out["success"] != true {
		t.Fatalf("cars %v", out)
	}
	out = r.post(t, "getPriceStandard", r.token(t), url.Values{"name": {"固定金额-1元240分钟"}})
	if l := out["data"].(map[string]any)["list"].([]any); len(l) != 1 {
		t.Fatalf("by name %v", out)
	}
	wantErr(t, r.post(t, "getPriceStandard", r.token(t), url.Values{"deviceFamily": {"2"}}), "-1", "deviceFamily")
	wantErr(t, r.post(t, "getPriceStandard", r.token(t), url.Values{"pageSize": {"101"}}), "-1", "pageSize")
}

// sameShape checks that got has exactly want's keys with the same JSON
// types, all the way down (arrays by their first element).
func sameShape(t *testing.T, path string, got, want any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Fatalf("%s: %T, want an object", path, got)
		}
		for k := range w {
			if _, ok := g[k]; !ok {
				t.Errorf("%s.%s: missing", path, k)
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				t.Errorf("%s.%s: not in the seed", path, k)
				continue
			}
			sameShape(t, path+"."+k, g[k], w[k])
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) == 0 || len(w) == 0 {
			t.Fatalf("%s: %v, want a non-empty array", path, got)
		}
		sameShape(t, path+"[0]", g[0], w[0])
	default:
		if reflect.TypeOf(got) != reflect.TypeOf(want) {
			t.Errorf("%s: %T, want %T", path, got, want)
		}
	}
}

// receiver is an app's callback URL that records what it gets.
type receiver struct {
	mu     sync.Mutex
	bodies [][]byte
	signs  []string
}

func (v *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	v.mu.Lock()
	v.bodies = append(v.bodies, b)
	v.signs = append(v.signs, r.Header.Get("sign"))
	v.mu.Unlock()
	_, _ = w.Write([]byte(`{"success":true}`))
}

func (v *receiver) count() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.bodies)
}

// TestChargeEndToEnd: an app starts charging on a port of a simulated
// cabinet, sees it charging, stops it, finds the order ended with its
// bill, and is called back at its URL, signed, once.
func TestChargeEndToEnd(t *testing.T) {
	r := newRig(t)
	recv := &receiver{}
	cb := httptest.NewServer(recv)
	defer cb.Close()
	if _, err := r.Sys.Deliveries.CreateSubscription(r.Ctx, "app1", deliveries.SubscriptionInput{Report: park.ReportChargeEnd,
		URL: cb.URL, Format: lvcchong.Name}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(r.Ctx)
	defer cancel()
	go func() { _ = r.Sys.Deliveries.Run(ctx) }()

	p := r.cabinet(t)
	tok := r.token(t)
	st := r.post(t, "deviceStatus", tok, url.Values{"deviceId": {"CAB1"}})
	d := st["data"].(map[string]any)
	if d["online"] != 1.0 || d["portCount"] != 10.0 || len(d["ports"].([]any)) != 10 {
		t.Fatalf("deviceStatus %v", st)
	}
	wantErr(t, r.post(t, "deviceStatus", tok, url.Values{"deviceId": {"FAR1"}}), "-1", "查询无数据") // another lot
	// Two names of two devices: which the app meant is not parkd's to guess.
	wantErr(t, r.post(t, "deviceStatus", tok, url.Values{"deviceId": {"CAB1"}, "qcode": {"FAR1"}}), "-1", "deviceId与qcode")
	if out := r.post(t, "deviceStatus", tok, url.Values{"deviceId": {"CAB1"}, "qcode": {"CAB1"}}); out["success"] != true {
		t.Fatalf("deviceId and qcode naming the same device: %v", out)
	}
	// The app hears which ports the cabinet has, not only that 11 is wrong.
	wantErr(t, r.post(t, "charge", tok, url.Values{"deviceId": {"CAB1"}, "portNum": {"11"}, "payMoney": {"300"}}), "-1", "参数portNum必须在1到10之间")
	// Past any device's ports, the cabinet's own range is still named (CAB1 has 10).
	wantErr(t, r.post(t, "charge", tok, url.Values{"deviceId": {"CAB1"}, "portNum": {"99"}, "payMoney": {"300"}}), "-1", "参数portNum必须在1到10之间")
	for _, bad := range []string{"0", "-3", "x", "99999999999"} {
		wantErr(t, r.post(t, "charge", tok, url.Values{"deviceId": {"CAB1"}, "portNum": {bad}, "payMoney": {"300"}}), "-1", "参数portNum必须是正整数")
	}
	wantErr(t, r.post(t, "charge", tok, url.Values{"deviceId": {"CAB1"}, "portNum": {"1"}, "color": {"red"}}), "-1", "未知参数")

	// 3 yuan for a port; 250 minutes later the app stops it: 2 yuan, 1 back.
	t0 := r.Clock.Now()
	out := r.post(t, "charge", tok, url.Values{"deviceId": {"CAB1"}, "portNum": {"3"}, "payMoney": {"300"}, "workTime": {"480"}})
	if out["success"] != true {
		t.Fatalf("charge %v", out)
	}
	order := out["data"].(map[string]any)["orderNum"].(string)
	for i := 0; p.LastTransaction() == 0 && i < 500; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	q := r.post(t, "queryChargeOrder", tok, url.Values{"orderNum": {order}})
	if o := q["data"].(map[string]any)["list"].([]any)[0].(map[string]any); o["status"] != 2.0 || o["payPrice"] != 300.0 {
		t.Fatalf("order while charging %v", q)
	}
	r.Clock.Set(t0.Add(250 * time.Minute))
	p.Register.Store(800)
	if out := r.post(t, "stopCharge", tok, url.Values{"orderNum": {order}}); out["success"] != true {
		t.Fatalf("stopCharge %v", out)
	}
	var o map[string]any
	for i := 0; i < 500; i++ {
		q = r.post(t, "queryChargeOrder", tok, url.Values{"status": {"3"}, "pageSize": {"100"}})
		if l := q["data"].(map[string]any)["list"].([]any); len(l) == 1 {
			o = l[0].(map[string]any)
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if o == nil || o["orderNum"] != order || o["totalPrice"] != 200.0 || o["refundMoney"] != 100.0 || o["endReason"] != 3.0 ||
		o["refundType"] != 1.0 || o["endTime"] != float64(t0.Add(250*time.Minute).UnixMilli()) {
		t.Fatalf("ended order %v", o)
	}
	for i := 0; recv.count() == 0 && i < 500; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	recv.mu.Lock()
	defer recv.mu.Unlock()
	if len(recv.bodies) != 1 {
		t.Fatalf("%d callbacks", len(recv.bodies))
	}
	var c map[string]any
	_ = json.Unmarshal(recv.bodies[0], &c)
	if c["orderNum"] != order || c["deviceId"] != "CAB1" || c["portNum"] != 3.0 || c["payPrice"] != 300.0 || c["totalPrice"] != 200.0 ||
		c["totalServiceFee"] != 200.0 || c["totalElectricMoney"] != 0.0 || c["endReason"] != 3.0 || c["eventId"] == "" {
		t.Fatalf("callback %s", recv.bodies[0])
	}
	if recv.signs[0] != lvcchong.Sign(recv.bodies[0], appSecret) {
		t.Fatal("callback signature does not verify")
	}
}

// TestDeviceStatusLimit: 60 calls in 60 seconds, the 61st refused.
func TestDeviceStatusLimit(t *testing.T) {
	r := newRig(t)
	tok := r.token(t)
	for i := 0; i < 60; i++ {
		if out := r.post(t, "deviceStatus", tok, url.Values{"deviceId": {"CAB1"}}); out["success"] != true {
			t.Fatalf("call %d: %v", i+1, out)
		}
	}
	wantErr(t, r.post(t, "deviceStatus", tok, url.Values{"deviceId": {"CAB1"}}), "-1", "60")
	r.Clock.Set(r.Clock.Now().Add(time.Minute))
	if out := r.post(t, "deviceStatus", tok, url.Values{"deviceId": {"CAB1"}}); out["success"] != true {
		t.Fatalf("a minute later: %v", out)
	}
}

// TestQueryChargeOrderEnds: status 3 lists the orders that ended
// normally (the app stopped it), status 4 those that ended abnormally (the
// cabinet's emergency stop), each only its own.
func TestQueryChargeOrderEnds(t *testing.T) {
	r := newRig(t)
	p := r.cabinet(t)
	tok := r.token(t)
	start := func(port string) string {
		t.Helper()
		before := p.LastTransaction()
		out := r.post(t, "charge", tok, url.Values{"deviceId": {"CAB1"}, "portNum": {port}, "payMoney": {"300"}})
		if out["success"] != true {
			t.Fatalf("charge %v", out)
		}
		for i := 0; p.LastTransaction() == before && i < 500; i++ {
			time.Sleep(10 * time.Millisecond)
		}
		return out["data"].(map[string]any)["orderNum"].(string)
	}
	orders := func(status string) []string {
		t.Helper()
		q := r.post(t, "queryChargeOrder", tok, url.Values{"status": {status}, "pageSize": {"100"}})
		d := q["data"].(map[string]any)
		var ids []string
		for _, o := range d["list"].([]any) {
			ids = append(ids, o.(map[string]any)["orderNum"].(string))
		}
		if total := d["page"].(map[string]any)["total"]; total != float64(len(ids)) {
			t.Fatalf("status %s: total %v, list %v", status, total, ids)
		}
		return ids
	}
	normal := start("1")
	if out := r.post(t, "stopCharge", tok, url.Values{"orderNum": {normal}}); out["success"] != true {
		t.Fatalf("stopCharge %v", out)
	}
	for i := 0; len(orders("3")) == 0 && i < 500; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	faulty := start("2")
	if err := p.Stop(r.Ctx, p.LastTransaction(), "EmergencyStop"); err != nil {
		t.Fatal(err)
	}
	if got := orders("3"); len(got) != 1 || got[0] != normal {
		t.Fatalf("status 3: %v, want only %s", got, normal)
	}
	if got := orders("4"); len(got) != 1 || got[0] != faulty {
		t.Fatalf("status 4: %v, want only %s", got, faulty)
	}
	if got := orders("2"); len(got) != 0 {
		t.Fatalf("status 2: %v, want none", got)
	}
}

// cabinet connects the simulated cabinet CAB1 on the rig's clock; it
// starts (and stops) what parkd asks it to.
// charging starts an order of 300 fen on the cabinet's port 3 and waits
// until the cabinet has its transaction; it returns the order's number.
func (r *rig) charging(t *testing.T, tok string, p *ocppsim.Point) string {
	t.Helper()
	out := r.post(t, "charge", tok, url.Values{"deviceId": {"CAB1"}, "portNum": {"3"}, "payMoney": {"300"}})
	if out["success"] != true {
		t.Fatalf("charge %v", out)
	}
	for deadline := time.Now().Add(5 * time.Second); p.LastTransaction() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the cabinet never started the order's transaction")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return out["data"].(map[string]any)["orderNum"].(string)
}

func (r *rig) cabinet(t *testing.T) *ocppsim.Point {
	t.Helper()
	p, err := ocppsim.Dial(r.Ctx, r.ws, "CAB1", "0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	p.SetClock(r.Clock.Now)
	p.SetAutoStart(true)
	if _, err := p.Boot(r.Ctx); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestQueryParametersRefused: a parameter in the query string is refused,
// naming it, rather than ignored (an unfiltered list, a charge started
// without it), and the call does nothing.
func TestQueryParametersRefused(t *testing.T) {
	r := newRig(t)
	r.cabinet(t)
	tok := r.token(t)
	wantErr(t, r.post(t, "getPriceStandard?deviceFamily=1", tok, nil), "-1", "参数须放在表单中：deviceFamily")
	wantErr(t, r.post(t, "getToken?appSecret="+appSecret, "", url.Values{"appId": {"app1"}}), "-1", "参数须放在表单中：appSecret")
	wantErr(t, r.post(t, "charge?workTime=60", tok, url.Values{"deviceId": {"CAB1"}, "portNum": {"3"}, "payMoney": {"300"}}),
		"-1", "参数须放在表单中：workTime")
	wantErr(t, r.post(t, "getPriceStandard?%zz", tok, nil), "-1", "参数须放在表单中")
	q := r.post(t, "queryChargeOrder", tok, url.Values{"pageSize": {"100"}})
	if l, _ := q["data"].(map[string]any)["list"].([]any); q["success"] != true || len(l) != 0 {
		t.Fatalf("orders after a refused charge %v", q)
	}
	if out := r.post(t, "getPriceStandard?", tok, nil); out["success"] != true {
		t.Fatalf("an empty query string %v", out)
	}
}

// TestChargeEndToItsApp: an app's order is reported to that app alone,
// not to another app of the same lot; a session no app started (the
// native API) is reported to every app that subscribed.
func TestChargeEndToItsApp(t *testing.T) {
	r := newRig(t)
	if _, err := r.Sys.Partners.CreatePartner(r.Ctx, &park.Partner{ID: "app2", Name: "Other app", Dialect: lvcchong.Name,
		Type: park.PartnerNormal, Secret: appSecret, SignMode: lvcchong.SignToken, Lots: []string{r.Lot}}); err != nil {
		t.Fatal(err)
	}
	for _, app := range []string{"app1", "app2"} {
		if _, err := r.Sys.Deliveries.CreateSubscription(r.Ctx, app, deliveries.SubscriptionInput{Report: park.ReportChargeEnd,
			URL: "https://" + app + ".example.com/charge-end", Format: lvcchong.Name}); err != nil {
			t.Fatal(err)
		}
	}
	p := r.cabinet(t)
	startedAfter := func(prev int64) {
		for i := 0; p.LastTransaction() == prev && i < 500; i++ {
			time.Sleep(10 * time.Millisecond)
		}
	}
	out := r.post(t, "charge", r.token(t), url.Values{"deviceId": {"CAB1"}, "portNum": {"3"}, "payMoney": {"300"}})
	if out["success"] != true {
		t.Fatalf("charge %v", out)
	}
	order := out["data"].(map[string]any)["orderNum"].(string)
	startedAfter(0)
	native, err := r.Sys.Charging.StartSession(r.Ctx, charging.StartInput{ChargerID: "CAB1", Connector: 4, Prepaid: 300,
		Source: park.SourceNative})
	if err != nil {
		t.Fatal(err)
	}
	startedAfter(p.LastTransaction())
	for _, id := range []string{order, native.ID} {
		if _, err := r.Sys.Charging.StopSession(r.Ctx, id, ""); err != nil {
			t.Fatal(err)
		}
	}
	keys := func(app string) map[string]bool {
		t.Helper()
		ds, _, err := r.Sys.Deliveries.DeliveryPage(r.Ctx, deliveries.DeliveryQuery{PartnerID: app, Report: park.ReportChargeEnd})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, d := range ds {
			out[d.Key] = true
		}
		return out
	}
	for i := 0; len(keys("app1")) < 2 && i < 500; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if k := keys("app1"); len(k) != 2 || !k[park.ChargeKey(order)] || !k[park.ChargeKey(native.ID)] {
		t.Fatalf("app1 told of %v: want its order %s and the native session %s", k, order, native.ID)
	}
	if k := keys("app2"); len(k) != 1 || !k[park.ChargeKey(native.ID)] {
		t.Fatalf("app2 told of %v: want the native session %s alone, not app1's order", k, native.ID)
	}
}

// TestDeviceStatusBusyPort: a port charging an order shows in use (1)
// although the charger sent no StatusNotification, as charge on it is
// refused as busy; the others stay free (0); a port the charger reports
// Faulted is a fault (2).
func TestDeviceStatusBusyPort(t *testing.T) {
	r := newRig(t)
	p := r.cabinet(t)
	tok := r.token(t)
	r.charging(t, tok, p)
	if err := p.Status(r.Ctx, 5, "Faulted"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, r.post(t, "charge", tok, url.Values{"deviceId": {"CAB1"}, "portNum": {"3"}, "payMoney": {"300"}}), "-1", "")
	ports := r.post(t, "deviceStatus", tok, url.Values{"deviceId": {"CAB1"}})["data"].(map[string]any)["ports"].([]any)
	want := map[float64]float64{1: 0, 3: 1, 5: 2}
	for _, x := range ports {
		port := x.(map[string]any)
		if w, ok := want[port["portNum"].(float64)]; ok && port["status"] != w {
			t.Errorf("port %v: status %v, want %v", port["portNum"], port["status"], w)
		}
	}
}

// TestOrderEndsFull: a session the core ended full is an order whose
// endReason is the seed's 2 (charged full), not the stop that ended it.
func TestOrderEndsFull(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	s := &park.ChargeSession{ID: "20260301100000123456", ChargerID: "CAB1", Connector: 2, Status: park.SessionEnded,
		EndReason: park.EndFull, Full: true, StartedAt: &at, EndedAt: &at, UpdatedAt: at}
	if o := lvcchong.OrderOf(s); o.EndReason != 2 {
		t.Fatalf("order %+v: want endReason 2", o)
	}
}

// TestPageNumBound: how far an app may page depends on its pageSize; a
// pageNum beyond it is told the bound for that size, not that it is
// somehow invalid.
func TestPageNumBound(t *testing.T) {
	r := newRig(t)
	tok := r.token(t)
	for _, call := range []string{"getPriceStandard", "queryChargeOrder"} {
		// 100 a page: offsets up to charging.MaxListOffset (100000), page 1001.
		wantErr(t, r.post(t, call, tok, url.Values{"pageSize": {"100"}, "pageNum": {"1002"}}), "-1", "参数pageNum必须是1到1001之间的整数")
		if out := r.post(t, call, tok, url.Values{"pageSize": {"100"}, "pageNum": {"1001"}}); out["success"] != true {
			t.Fatalf("%s page 1001 of 100: %v", call, out)
		}
	}
}

// TestChargeBlankMoney: payMoney sent empty (an app whose amount was
// not filled in) is refused, not read as no prepayment, which on a
// balance standard started a session billed by use with no cap; nothing
// is started. Left out, it is no prepayment, as the vendor's API has it.
func TestChargeBlankMoney(t *testing.T) {
	r := newRig(t)
	tok := r.token(t)
	for _, v := range []string{"", " "} {
		wantErr(t, r.post(t, "charge", tok, url.Values{"deviceId": {"CAB1"}, "portNum": {"3"}, "payMoney": {v}}), "-1",
			"参数payMoney不能为空")
	}
	if p, err := r.Sys.Charging.Sessions(r.Ctx, park.ChargeSessionFilter{Limit: 10}, 0); err != nil || p.Total != 0 {
		t.Fatalf("sessions after a refused charge: %+v, %v", p, err)
	}
}
