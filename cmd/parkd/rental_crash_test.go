package main

import (
	"context"
	"encoding/json"
	"fmt"
	"syscall"
	"testing"
	"time"

	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/dialect/top"
	"parkd/internal/dialect/top/toptest"
)

// TestCrashDeliversEveryRentalPush kills parkd with SIGKILL while a
// rental channel's pushes are going out to a slow gateway: 5 stores, 40
// edits of each store's terms, some calls answered, some on the wire,
// most queued. After a restart on the same data folder the gateway has
// every edit, each signed so that it passed the gateway's checks, and
// each store's in the order they were made: a call sent again (answered,
// but parkd died before recording so) is the one it was sending, never
// an older one after a newer.
func TestCrashDeliversEveryRentalPush(t *testing.T) {
	const (
		appKey, secret = "12345678", "helloworld-secret"
		stores, edits  = 5, 40
	)
	bin := buildParkd(t)
	data := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	gw := toptest.New(t, time.Now, appKey, secret)
	gw.Script(func(toptest.Call) toptest.Reply { return toptest.Reply{Wait: 30 * time.Millisecond} })

	srv := spawnParkd(t, bin, "before the kill", append([]string{"--data", data}, deliveryArgs...)...)
	srv.waitListening()
	a := newAPI(srv.url)
	put := func(path string, body any) {
		t.Helper()
		if _, err := a.do(ctx, "PUT", path, body, "", 200, nil); err != nil {
			t.Fatalf("PUT %s: %v", path, err)
		}
	}
	a.createLot(ctx, t, "rent-crash")
	put("/v1/rental/models/M1", map[string]any{"name": "卡罗拉", "seats": 5, "fuel": "petrol", "transmission": "automatic"})
	var codes []string
	for i := range stores {
		code := fmt.Sprintf("S%d", i)
		codes = append(codes, code)
		put("/v1/rental/stores/"+code, map[string]any{"kind": "store", "name": "店 " + code, "address": "文三路 1 号", "latitude": 30.27, "longitude": 120.15,
			"city": "330100", "opens": "08:00", "closes": "22:00", "lot_code": "rent-crash"})
	}
	put("/v1/rental/channels/"+appKey, map[string]any{"name": "飞猪", "secret": secret, "sign_method": top.SignMD5,
		"gateway_url": gw.Router(), "stores": codes, "rate_limit": 500})
	// Held while the edits are queued; then retried every second, so a
	// restarted node does not wait minutes for a call cut short.
	sched := make([]int64, 30)
	for i := 1; i < len(sched); i++ {
		sched[i] = 1
	}
	subURL := "/v1/partners/" + appKey + "/subscriptions/rental-" + appKey
	if _, err := a.do(ctx, "PATCH", subURL, map[string]any{"enabled": false, "schedule_seconds": sched, "concurrency": 8,
		"timeout_seconds": 5}, "", 200, nil); err != nil {
		t.Fatalf("holding the channel's subscription: %v", err)
	}
	// Edit i of a store's terms carries a violation deposit of i yuan.
	for i := 1; i <= edits; i++ {
		for _, code := range codes {
			put("/v1/rental/stores/"+code+"/models/M1", map[string]any{"violation_deposit": i * 100, "damage_deposit": 100})
		}
	}
	if _, err := a.do(ctx, "PATCH", subURL, map[string]any{"enabled": true}, "", 200, nil); err != nil {
		t.Fatalf("enabling the channel's subscription: %v", err)
	}
	deliverytest.WaitFor(t, 60*time.Second, "the first 40 calls", func() bool { return len(gw.Calls()) >= 40 })
	if err := srv.stop(syscall.SIGKILL); err == nil {
		t.Fatal("parkd exited cleanly on SIGKILL; it was not running?")
	}
	before := len(gw.Calls())
	if before >= stores*edits {
		t.Fatalf("all %d calls were made before the kill; nothing was pending", stores*edits)
	}
	t.Logf("calls before SIGKILL: %d of %d", before, stores*edits)

	srv = spawnParkd(t, bin, "after the restart", append([]string{"--data", data}, deliveryArgs...)...)
	srv.waitListening()
	a = newAPI(srv.url)
	seen := func() map[string][]int { // store -> the edit of each call, in arrival order
		out := map[string][]int{}
		for _, c := range gw.Calls() {
			if c.Method != top.MethodStoreModel {
				continue
			}
			var info struct {
				StoreCode string `json:"store_code"`
				Deposit   struct {
					Illegal string `json:"illegal_amount"`
				} `json:"credit_deposit_info"`
			}
			if err := json.Unmarshal([]byte(c.Param("store_vehicle_model_info_list")), &info); err != nil {
				t.Fatalf("call %d: %v", c.Seq, err)
			}
			var yuan int
			if _, err := fmt.Sscanf(info.Deposit.Illegal, "%d.00", &yuan); err != nil {
				t.Fatalf("call %d: illegal_amount %q", c.Seq, info.Deposit.Illegal)
			}
			out[info.StoreCode] = append(out[info.StoreCode], yuan)
		}
		return out
	}
	deliverytest.WaitFor(t, 2*time.Minute, "every edit at the gateway", func() bool {
		s := seen()
		for _, code := range codes {
			if got := s[code]; len(got) == 0 || got[len(got)-1] != edits {
				return false
			}
		}
		return true
	})
	waitNoDeliveryLeft(ctx, t, a, appKey)

	for _, c := range gw.Calls() {
		if c.Refused != "" {
			t.Errorf("call %d (%s) refused by the gateway: %s", c.Seq, c.Method, c.Refused)
		}
	}
	again := 0
	for code, got := range seen() {
		next := 1 // the edit due next
		for _, e := range got {
			switch {
			case e == next:
				next++
			case e == next-1: // the call in flight at the kill, sent again
				again++
			default:
				t.Fatalf("store %s: edits arrived as %v; edit %d after %d", code, got, e, next-1)
			}
		}
		if next != edits+1 {
			t.Fatalf("store %s: edits %v, want 1 to %d", code, got, edits)
		}
	}
	t.Logf("after the restart: %d calls for %d edits, %d sent again", len(gw.Calls()), stores*edits, again)
}
