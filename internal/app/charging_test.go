package app

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestDemoChargeEndToEnd: `parkd serve --demo` as the docs run it: the
// demo app gets a token and starts charging on the simulated cabinet,
// which connected over OCPP by itself; the order is charging, then ended
// by stopCharge.
func TestDemoChargeEndToEnd(t *testing.T) {
	s := serve(t, "--demo")
	call := func(op, token string, form url.Values) map[string]any {
		t.Helper()
		req, _ := http.NewRequest("POST", s.url+"/open/oem/"+op, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("token", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var out map[string]any
		if json.Unmarshal(b, &out) != nil || out["success"] != true {
			t.Fatalf("%s: %s", op, b)
		}
		d, _ := out["data"].(map[string]any)
		return d
	}
	tok := call("getToken", "", url.Values{"appId": {"demo"}, "appSecret": {"demo-secret"}})["token"].(string)
	online := false
	for i := 0; i < 300 && !online; i++ { // the simulated cabinet connects beside the start
		online = call("deviceStatus", tok, url.Values{"deviceId": {"CAB-DEMO-01"}})["online"] == 1.0
		if !online {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if !online {
		t.Fatalf("the demo cabinet never came online:\n%s", s.logs)
	}
	order := call("charge", tok, url.Values{"deviceId": {"CAB-DEMO-01"}, "portNum": {"2"}, "payMoney": {"300"}, "workTime": {"240"}})
	num, _ := order["orderNum"].(string)
	// 1: the cabinet has the command but has not reported its start yet
	// (a busy machine); the order charges once it does.
	for i := 0; i < 300 && order["status"] == 1.0; i++ {
		time.Sleep(20 * time.Millisecond)
		order = call("queryChargeOrder", tok, url.Values{"orderNum": {num}})["list"].([]any)[0].(map[string]any)
	}
	if order["status"] != 2.0 {
		t.Fatalf("charge %v", order)
	}
	// Stopping is asynchronous: the charger reports its StopTransaction
	// right after it accepts the command.
	if st := call("stopCharge", tok, url.Values{"orderNum": {num}}); st["status"] != 2.0 && st["status"] != 3.0 {
		t.Fatalf("stopCharge %v", st)
	}
	var o map[string]any
	for i := 0; i < 300; i++ {
		o = call("queryChargeOrder", tok, url.Values{"orderNum": {num}})["list"].([]any)[0].(map[string]any)
		if o["status"] == 3.0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The seed's standard: a started 240-minute block is 1 yuan; 2 back.
	if o["totalPrice"] != 100.0 || o["refundMoney"] != 200.0 || o["status"] != 3.0 {
		t.Fatalf("order %v", o)
	}
}
