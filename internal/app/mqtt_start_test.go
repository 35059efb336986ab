package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parkd/internal/config"
	"parkd/internal/device/mqttlink"
	"parkd/internal/device/mqttlink/brokertest"
	"parkd/internal/dialect/vzenith"
)

// mosquitto is the MQTT broker the tests use (started by .ci/run).
const mosquitto = "127.0.0.1:1883"

// freeAddr is a loopback address where nothing listens (yet).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// brokerLater makes Mosquitto answer at addr from now on: a broker that
// comes up after parkd.
func brokerLater(t *testing.T, addr string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b, err := net.Dial("tcp", mosquitto)
			if err != nil {
				c.Close()
				continue
			}
			go func() { _, _ = io.Copy(b, c); b.Close() }()
			go func() { _, _ = io.Copy(c, b); c.Close() }()
		}
	}()
}

// call makes an admin request and decodes its JSON answer.
func (s *serving) call(t *testing.T, token, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// TestServesWhileTheBrokerIsAway: with --mqtt and no broker answering,
// parkd serves at once (HTTP cameras and partners do not wait for the
// broker); /readyz says MQTT is not connected; an open of an MQTT
// camera's lane fails at once, undelivered and saying why, rather than
// waiting. Once the broker answers, parkd connects by itself, its
// subscriptions are in place, and the same open is delivered.
func TestServesWhileTheBrokerIsAway(t *testing.T) {
	if c, err := net.DialTimeout("tcp", mosquitto, time.Second); err != nil {
		t.Skipf("no MQTT broker on %s: skipped", mosquitto)
	} else {
		c.Close()
	}
	broker := freeAddr(t)
	run := fmt.Sprintf("startup-%d", time.Now().UnixNano())
	s := serve(t, "--mqtt", "mqtt://"+broker, "--mqtt-client-id", run)
	t.Cleanup(func() {
		// End the node's persistent session, so the broker keeps nothing for it.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if l, err := mqttlink.Dial(ctx, "mqtt://"+mosquitto, mqttlink.Options{ClientID: run, Clean: true}); err == nil {
			l.Close()
		}
	})
	tok := s.adminToken(t)
	ready := func() string {
		code, body := s.call(t, "", "GET", "/readyz", "")
		if code != http.StatusOK {
			t.Fatalf("/readyz %d %v: the node serves HTTP whatever the broker does", code, body)
		}
		v, _ := body["mqtt"].(string)
		return v
	}
	if got := ready(); !strings.HasPrefix(got, "not connected") {
		t.Errorf("/readyz mqtt %q while the broker is away, want not connected and why", got)
	}
	serial := run + "-cam"
	for _, r := range []struct{ path, body string }{
		{"/v1/lots", `{"code":"L1","name":"Lot","timezone":"Asia/Shanghai","currency":"CNY","capacity":5}`},
		{"/v1/devices", `{"serial":"` + serial + `","lot":"L1","lane":"in1","protocol":"vzenith-mqtt","direction":"in"}`},
	} {
		if code, body := s.call(t, tok, "POST", r.path, r.body); code != http.StatusCreated {
			t.Fatalf("POST %s: %d %v", r.path, code, body)
		}
	}
	// An open not delivered is answered 503; the lane's log keeps why.
	open := func(want int) map[string]any {
		t.Helper()
		if code, body := s.call(t, tok, "POST", "/v1/lots/L1/lanes/in1/commands", `{"command":"open","reason":"test"}`); code != want {
			t.Fatalf("open: %d %v, want %d", code, body, want)
		}
		code, body := s.call(t, tok, "GET", "/v1/lots/L1/lanes/in1/commands", "")
		cmds, _ := body["commands"].([]any)
		if code != http.StatusOK || len(cmds) == 0 {
			t.Fatalf("lane commands: %d %v", code, body)
		}
		c, _ := cmds[0].(map[string]any)
		return c
	}
	if c := open(http.StatusServiceUnavailable); c["result"] != "undelivered" || !strings.Contains(fmt.Sprint(c["detail"]), "not connected") {
		t.Errorf("open while the broker is away: %v; want undelivered, saying MQTT is not connected", c)
	}

	brokerLater(t, broker)
	deadline := time.Now().Add(30 * time.Second)
	for ready() != "connected" {
		if time.Now().After(deadline) {
			t.Fatalf("not connected 30 s after the broker came up; /readyz says %q:\n%s", ready(), s.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cam, err := vzenith.DialCamera(ctx, "mqtt://"+mosquitto, serial)
	if err != nil {
		t.Fatal(err)
	}
	defer cam.Close()
	// The camera answers the gpio_out on the reply topic parkd subscribed
	// to once connected.
	if c := open(http.StatusOK); c["result"] != "delivered" {
		t.Errorf("open once connected: %v; want delivered", c)
	}
}

// TestRefusedLoginStopsTheStart: a broker that refuses parkd's login
// stops parkd, saying so and which variables sign it in: a wrong
// password is fixed by the operator, not by waiting.
func TestRefusedLoginStopsTheStart(t *testing.T) {
	broker := brokertest.Refusing(t, 4)
	c, err := config.Parse("parkd serve", []string{"--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "data"), "--mqtt", "mqtt://" + broker},
		func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = Serve(ctx, c, slog.New(slog.DiscardHandler), io.Discard, nil)
	if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), "bad user name or password") || !strings.Contains(err.Error(), "PARKD_MQTT_USER") {
		t.Fatalf("Serve: %v; want it stopped by the refusal, saying so and naming PARKD_MQTT_USER", err)
	}
}
