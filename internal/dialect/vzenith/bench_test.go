package vzenith_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/device"
	"parkd/internal/device/mqttlink"
	"parkd/internal/dialect/vzenith"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/park"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
)

const benchToken = "bench-token-0123456789"

// BenchmarkEntries compares entry reads through a camera's push, and
// through a camera's MQTT messages, with the same reads through the
// native API, on one server and store, 16 lanes at once; each
// sub-benchmark reports reads/s and the p99 read to reply (over MQTT: the
// ivs_result published to the gpio_out received). mqtt-floor runs the
// same cameras against an answerer that decides nothing: what a read's
// messages cost through the broker, on the same cores, without parkd.
// The MQTT ones start a Mosquitto of their own and are skipped without
// the binary.
// Run: go test -run X -bench Entries -benchtime 3000x ./internal/dialect/vzenith/
func BenchmarkEntries(b *testing.B) {
	st := teststore.Open(b)
	m := metrics.New()
	sys := system.New(system.Config{Store: st, Barriers: device.NewMemory(), Metrics: m, DeviceProtocols: []string{vzenith.Protocol, vzenith.ProtocolMQTT}})
	ctx := context.Background()
	if _, err := sys.Gate.CreateLot(ctx, &park.Lot{Code: "BENCH", Name: "Bench", TimeZone: "Asia/Shanghai", Currency: "CNY",
		Capacity: 1_000_000, MissedEntry: park.MissedEntryHold}); err != nil {
		b.Fatal(err)
	}
	const lanes = 16
	for i := range lanes {
		if err := sys.Devices.Register(ctx, &park.Device{Serial: fmt.Sprintf("bench-%d", i), LotCode: "BENCH",
			Lane: fmt.Sprintf("in-%d", i), Protocol: vzenith.Protocol}); err != nil {
			b.Fatal(err)
		}
	}
	h := httpapi.New(httpapi.Config{Service: sys, Log: slog.New(slog.DiscardHandler), Metrics: m, AdminToken: benchToken})
	vzenith.New(vzenith.Config{Devices: sys.Devices}).Mount(h.Mount)
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: lanes}}
	var seq atomic.Int64

	run := func(b *testing.B, req func(n int64, lane int) *http.Request) {
		var next atomic.Int64
		lat := make([][]time.Duration, lanes)
		var wg sync.WaitGroup
		b.ResetTimer()
		start := time.Now()
		for l := range lanes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= int64(b.N) {
					r := req(seq.Add(1), l)
					t := time.Now()
					res, err := client.Do(r)
					if err != nil {
						b.Error(err)
						return
					}
					var out map[string]any
					_ = json.NewDecoder(res.Body).Decode(&out)
					res.Body.Close()
					lat[l] = append(lat[l], time.Since(t))
					if res.StatusCode != 200 {
						b.Errorf("status %d: %v", res.StatusCode, out)
						return
					}
				}
			}()
		}
		wg.Wait()
		report(b, lat, time.Since(start))
	}
	plate := func(n int64) string { return fmt.Sprintf("京%c%05d", 'A'+rune(n/100000%20), n%100000) }
	b.Run("native", func(b *testing.B) {
		run(b, func(n int64, lane int) *http.Request {
			// A struct, as the cameras' messages are: the clients share the
			// server's two cores, and neither should cost more than it must.
			body, _ := json.Marshal(nativeEvent{fmt.Sprintf("ev-%d", n), "entry", plate(n),
				fmt.Sprintf("in-%d", lane), time.Now().UTC().Format(time.RFC3339Nano)})
			r, _ := http.NewRequest("POST", srv.URL+"/v1/lots/BENCH/events", bytes.NewReader(body))
			r.Header.Set("Authorization", "Bearer "+benchToken)
			return r
		})
	})
	b.Run("vzenith-push", func(b *testing.B) {
		run(b, func(n int64, lane int) *http.Request {
			body := pushBody(fmt.Sprintf("bench-%d", lane), plate(n), n, 0, 0)
			r, _ := http.NewRequest("POST", srv.URL+"/devices/vzenith", bytes.NewReader([]byte(body)))
			r.Header.Set("Content-Type", "application/json")
			return r
		})
	})
	b.Run("vzenith-mqtt", func(b *testing.B) { pushAll(b, mqttRig(b, sys, lanes), plate, &seq) })
	b.Run("mqtt-floor", func(b *testing.B) { pushAll(b, floorRig(b, lanes), plate, &seq) })
}

// pushAll has the cameras read b.N plates between them, each lane one car
// at a time, and reports reads/s and the p99 read to lift.
func pushAll(b *testing.B, cams []*vzenith.MQTTCamera, plate func(int64) string, seq *atomic.Int64) {
	ctx := context.Background()
	var next atomic.Int64
	lat := make([][]time.Duration, len(cams))
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for l, cam := range cams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				n := seq.Add(1)
				t := time.Now()
				open, err := cam.Push(ctx, plate(n), n)
				if err != nil || !open {
					b.Errorf("read %d: open %v, %v", n, open, err)
					return
				}
				lat[l] = append(lat[l], time.Since(t))
			}
		}()
	}
	wg.Wait()
	report(b, lat, time.Since(start))
}

// nativeEvent is a gate event as POST /v1/lots/{code}/events takes it.
type nativeEvent struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Plate string `json:"plate"`
	Lane  string `json:"lane"`
	At    string `json:"at"`
}

// floorRig starts a broker and n cameras on it, with an answerer in
// parkd's place that sends every read's screen frames and lift at once,
// deciding nothing: the messages of a read over MQTT alone, to set the
// MQTT figure beside.
func floorRig(b testing.TB, n int) []*vzenith.MQTTCamera {
	broker := startPrivateBroker(b).addr()
	ctx := context.Background()
	run := fmt.Sprintf("fl%d", time.Now().UnixNano())
	answerer, err := mqttlink.Dial(ctx, "mqtt://"+broker, mqttlink.Options{ClientID: run + "-answerer", Clean: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(answerer.Close)
	var ids atomic.Int64
	down := func(sn, name, body string) []byte {
		return fmt.Appendf(nil, `{"id":"%d","sn":%q,"name":%q,"version":"1.0","timestamp":%d,"payload":{"type":%q,"body":%s}}`,
			ids.Add(1), sn, name, time.Now().Unix(), name, body)
	}
	err = answerer.Subscribe(vzenith.UpFilter, false, func(topic string, _ []byte) error {
		sn, _, _ := strings.Cut(topic, "/")
		go func() {
			answerer.Live(sn+"/device/message/down/serial_data", down(sn, "serial_data", `{"serialData":[]}`))
			_ = answerer.Live(sn+"/device/message/down/gpio_out", down(sn, "gpio_out", `{"delay":500,"io":0,"value":2}`))()
		}()
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	cams := make([]*vzenith.MQTTCamera, n)
	for i := range cams {
		if cams[i], err = vzenith.DialCamera(ctx, "mqtt://"+broker, fmt.Sprintf("%s-%d", run, i)); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { cams[i].Close() })
	}
	return cams
}

// mqttRig starts a broker, registers n MQTT cameras of the lot BENCH,
// connects parkd's side to the broker, and returns the cameras, connected
// too.
func mqttRig(b testing.TB, sys *system.System, n int) []*vzenith.MQTTCamera {
	// A broker of its own, set as docs/devices.md recommends: the shared
	// one on 1883 is the distribution's default, whose Nagle delays took
	// MQTT from 1,826 to 426 reads/s.
	broker := startPrivateBroker(b).addr()
	ctx := context.Background()
	run := fmt.Sprintf("mb%d", time.Now().UnixNano())
	parkd, err := mqttlink.Dial(ctx, "mqtt://"+broker, mqttlink.Options{ClientID: run + "-parkd", Clean: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(parkd.Close)
	mq := vzenith.NewMQTT(vzenith.MQTTConfig{Devices: sys.Devices, Publisher: parkd})
	// parkd's subscriptions, as it makes them (internal/app).
	for _, f := range []string{vzenith.UpFilter, vzenith.ReplyFilter} {
		if err := parkd.Subscribe(f, false, mq.Handle); err != nil {
			b.Fatal(err)
		}
	}
	cams := make([]*vzenith.MQTTCamera, n)
	for i := range cams {
		serial := fmt.Sprintf("%s-%d", run, i)
		if err := sys.Devices.Register(ctx, &park.Device{Serial: serial, LotCode: "BENCH", Lane: fmt.Sprintf("in-m%d", i),
			Protocol: vzenith.ProtocolMQTT}); err != nil {
			b.Fatal(err)
		}
		if cams[i], err = vzenith.DialCamera(ctx, "mqtt://"+broker, serial); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { cams[i].Close() })
	}
	return cams
}

// report stops the timer and reports reads/s and the p99 read to reply of
// the lanes' latencies over elapsed.
func report(b *testing.B, lat [][]time.Duration, elapsed time.Duration) {
	b.StopTimer()
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) > 0 {
		b.ReportMetric(float64(len(all))/elapsed.Seconds(), "reads/s")
		b.ReportMetric(float64(all[len(all)*99/100])/float64(time.Millisecond), "p99-ms")
	}
}
