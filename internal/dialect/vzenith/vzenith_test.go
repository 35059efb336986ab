package vzenith_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/device/led"
	"parkd/internal/dialect/vzenith"
	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// verifiedWelcome is the voice frame the devices notes verified on a real
// card: "欢迎光临,请入场停车".
const verifiedWelcome = "AGT//zAUAbu206254sHZLMfryOuzoc2js7WpNg=="

type camera struct {
	*systemtest.Bundle
	url string
}

// setup is parkd with the push endpoints, an entry camera and an exit
// camera registered; the test plays the cameras.
func setup(t *testing.T) *camera {
	b := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{vzenith.Protocol}})
	mux := http.NewServeMux()
	vzenith.New(vzenith.Config{Devices: b.Sys.Devices}).Mount(mux.Handle)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	for serial, lane := range map[string]string{"e3b2a1c4-5d6f7081": "in-1", "cam-out": "out-1"} {
		if err := b.Sys.Devices.Register(b.Ctx, &park.Device{Serial: serial, LotCode: b.Lot, Lane: lane, Protocol: vzenith.Protocol}); err != nil {
			t.Fatal(err)
		}
	}
	return &camera{b, srv.URL}
}

type response struct {
	Response struct {
		Info       string `json:"info"`
		PlateID    *int64 `json:"plateid"`
		ChannelNum int64  `json:"channelNum"`
		SerialData []struct {
			SerialChannel int    `json:"serialChannel"`
			Data          string `json:"data"`
			DataLen       int    `json:"dataLen"`
		} `json:"serialData"`
	} `json:"Response_AlarmInfoPlate"`
	Continue *struct {
		PlateID  int64 `json:"plateid"`
		Continue int   `json:"continue"`
	} `json:"ContinuePushOffline"`
}

func (c *camera) post(t *testing.T, path, ctype string, body []byte) (int, []byte) {
	t.Helper()
	res, err := http.Post(c.url+path, ctype, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

func (c *camera) push(t *testing.T, body string) response {
	t.Helper()
	st, out := c.post(t, "/devices/vzenith", "application/json", []byte(body))
	if st != 200 {
		t.Fatalf("status %d: %s", st, out)
	}
	var r response
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	return r
}

func pushBody(serial, plate string, id int64, offline int, sec int64) string {
	return fmt.Sprintf(`{"AlarmInfoPlate":{"channel":0,"serialno":%q,"result":{"PlateResult":{"license":%q,"colorType":1,"plateid":%d,"isoffline":%d,"triggerType":1,"timeStamp":{"Timeval":{"sec":%d,"usec":0}}}}}}`,
		serial, plate, id, offline, sec)
}

// frames decodes a reply's serial data, checking each dataLen.
func frames(t *testing.T, r response) [][]byte {
	t.Helper()
	var out [][]byte
	for _, s := range r.Response.SerialData {
		b, err := base64.StdEncoding.DecodeString(s.Data)
		if err != nil || len(b) != s.DataLen || s.SerialChannel != 0 {
			t.Fatalf("serial data %+v: %v (dataLen must count the raw bytes)", s, err)
		}
		out = append(out, b)
	}
	return out
}

// framer returns a frame builder's result, failing t on its error.
func framer(t *testing.T) func([]byte, error) []byte {
	return func(f []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
}

// TestEntryPush: the camera's real push opens the barrier of a visitor's
// entry, and the reply carries the screen's lines and the verified
// welcome voice frame.
func TestEntryPush(t *testing.T) {
	c := setup(t)
	body, err := os.ReadFile("testdata/push_entry.json")
	if err != nil {
		t.Fatal(err)
	}
	r := c.push(t, string(body))
	if r.Response.Info != "ok" || r.Response.PlateID == nil || *r.Response.PlateID != 1201 || r.Continue != nil {
		t.Fatalf("%+v: want ok echoing plateid 1201, no offline continuation", r)
	}
	fs := frames(t, r)
	frame := framer(t)
	want := [][]byte{frame(led.Text(0, "京A12345", 10)), frame(led.Text(1, "欢迎光临", 10))}
	if len(fs) != 3 || !bytes.Equal(fs[0], want[0]) || !bytes.Equal(fs[1], want[1]) {
		t.Fatalf("frames % X, want the plate and the welcome, then the voice", fs)
	}
	if got := base64.StdEncoding.EncodeToString(fs[2]); got != verifiedWelcome {
		t.Fatalf("voice frame %s, want the verified %s", got, verifiedWelcome)
	}
	// The camera retries the same record (no answer reached it): the same
	// decision, one car inside.
	if r := c.push(t, string(body)); r.Response.Info != "ok" {
		t.Fatalf("retry: %+v", r)
	}
	if n := c.Occupied(t); n != 1 {
		t.Fatalf("%d cars inside after a retried push, want 1", n)
	}
}

// TestExitHeld: an unpaid exit is held with the amount and a pay prompt.
func TestExitHeld(t *testing.T) {
	c := setup(t)
	c.push(t, pushBody("e3b2a1c4-5d6f7081", "京B54321", 1, 0, 0))
	c.Clock.Set(c.Clock.Now().Add(45 * time.Minute)) // 2 started half hours: 4.00
	r := c.push(t, pushBody("cam-out", "京B54321", 1, 0, 0))
	if r.Response.Info != "no" {
		t.Fatalf("%+v: an unpaid exit must not open", r)
	}
	fs := frames(t, r)
	frame := framer(t)
	want := [][]byte{frame(led.Text(0, "京B54321", 10)), frame(led.Text(1, "停车费4.00元", 10)),
		frame(led.Text(2, "请扫码缴费", 10)), frame(led.Voice("请缴费4.00元,请扫码缴费"))}
	if len(fs) != len(want) {
		t.Fatalf("%d frames, want %d", len(fs), len(want))
	}
	for i := range want {
		if !bytes.Equal(fs[i], want[i]) {
			t.Fatalf("frame %d % X, want % X", i, fs[i], want[i])
		}
	}
}

// TestOfflineReplay: a record the camera stored while parkd was away is
// acknowledged with ContinuePushOffline (so it sends the next), dated when
// the car passed, and sent twice it is one read.
func TestOfflineReplay(t *testing.T) {
	c := setup(t)
	passed := c.Clock.Now().Add(-20 * time.Minute).Truncate(time.Second)
	body := pushBody("e3b2a1c4-5d6f7081", "京C11111", 88, 1, passed.Unix())
	for range 2 {
		r := c.push(t, body)
		if r.Continue == nil || r.Continue.PlateID != 88 || r.Continue.Continue != 1 {
			t.Fatalf("%+v: want ContinuePushOffline for plateid 88", r)
		}
	}
	stays, err := c.Sys.Gate.ListStays(c.Ctx, gate.StayQuery{LotCode: c.Lot})
	if err != nil || len(stays) != 1 || !stays[0].EntryAt.Equal(passed) {
		t.Fatalf("stays %+v %v: want one, entered at %s", stays, err, passed)
	}

	// Both cameras were offline: a car entered 40 minutes ago and left 5
	// minutes ago without paying (35 minutes: 2 started half hours at
	// 2.00, 4.00 left unpaid).
	in := c.Clock.Now().Add(-40 * time.Minute).Truncate(time.Second)
	left := c.Clock.Now().Add(-5 * time.Minute).Truncate(time.Second)
	c.push(t, pushBody("e3b2a1c4-5d6f7081", "京D22222", 89, 1, in.Unix()))
	r := c.push(t, pushBody("cam-out", "京D22222", 90, 1, left.Unix()))
	if r.Response.Info != "no" || len(r.Response.SerialData) != 0 || r.Continue == nil {
		t.Fatalf("%+v: a replayed record moves nothing at the lane now", r)
	}
	stays, err = c.Sys.Gate.ListStays(c.Ctx, gate.StayQuery{LotCode: c.Lot, Plate: "京D22222"})
	if err != nil || len(stays) != 1 {
		t.Fatalf("stays %+v %v", stays, err)
	}
	st := stays[0]
	if st.State != park.StayOut || st.ExitAt == nil || !st.ExitAt.Equal(left) || st.Anomaly != park.AnomalyOffline ||
		st.Total != 400 || st.Paid != 0 {
		t.Fatalf("%+v: want left at %s, offline_pass, 4.00 total unpaid", st, left)
	}
	if n := c.Occupied(t); n != 1 {
		t.Fatalf("%d cars inside, want 1 (京C11111)", n)
	}
}

// TestOfflineContinue: ContinuePushOffline is sent only for a record that
// was recorded. One dated by a camera clock reset to 1970, or days ahead,
// is recorded at the time it came with an anomaly device_clock (the
// passage kept). One the gate refuses for good (a plate that is not one)
// is kept as an anomaly refused_record, once, and the camera may let go
// of it: otherwise it would send it for ever.
func TestOfflineContinue(t *testing.T) {
	c := setup(t)
	for i, at := range []time.Time{time.Unix(1, 0), c.Clock.Now().Add(72 * time.Hour)} {
		id := int64(200 + i)
		plate := fmt.Sprintf("京E1111%d", i)
		r := c.push(t, pushBody("e3b2a1c4-5d6f7081", plate, id, 1, at.Unix()))
		if r.Continue == nil || r.Continue.PlateID != id {
			t.Fatalf("%s dated %s: %+v: want it recorded and ContinuePushOffline", plate, at, r)
		}
		stays, err := c.Sys.Gate.ListStays(c.Ctx, gate.StayQuery{LotCode: c.Lot, Plate: plate})
		if err != nil || len(stays) != 1 || !stays[0].EntryAt.Equal(c.Clock.Now()) {
			t.Fatalf("stays %+v %v: want one entered when the record came, %s", stays, err, c.Clock.Now())
		}
	}
	as, err := c.Sys.Gate.ListAnomalies(c.Ctx, c.Lot, 10)
	if err != nil {
		t.Fatal(err)
	}
	var clock int
	for _, a := range as {
		if a.Kind == park.AnomalyDeviceClock {
			clock++
		}
	}
	if clock != 2 {
		t.Fatalf("anomalies %+v: want 2 device_clock", as)
	}
	for range 2 { // the camera sends it again when its reply is lost
		r := c.push(t, pushBody("e3b2a1c4-5d6f7081", "!!", 210, 1, c.Clock.Now().Add(-time.Minute).Unix()))
		if r.Continue == nil || r.Continue.PlateID != 210 || r.Response.Info != "no" {
			t.Fatalf("%+v: a record refused for good: want it let go with ContinuePushOffline", r)
		}
	}
	if as, err = c.Sys.Gate.ListAnomalies(c.Ctx, c.Lot, 10); err != nil {
		t.Fatal(err)
	}
	var refused []*park.Anomaly
	for _, a := range as {
		if a.Kind == park.AnomalyRefusedRecord {
			refused = append(refused, a)
		}
	}
	if len(refused) != 1 || refused[0].Plate != "!!" || refused[0].EventID != "dev:e3b2a1c4-5d6f7081:210" ||
		!strings.Contains(refused[0].Detail, "plate") {
		t.Fatalf("anomalies %+v: want one refused_record of plate !! naming the plate's fault", refused)
	}
	if stays, err := c.Sys.Gate.ListStays(c.Ctx, gate.StayQuery{LotCode: c.Lot, Plate: "!!"}); err == nil && len(stays) != 0 {
		t.Fatalf("stays %+v: a refused record makes no stay", stays)
	}
}

// TestNoPassage: triggerType 64, 65 and 66 (lingering, cleared, turned
// back) are not passages: answered "no", no event, the stay untouched.
func TestNoPassage(t *testing.T) {
	c := setup(t)
	if r := c.push(t, pushBody("e3b2a1c4-5d6f7081", "京F12345", 300, 0, 0)); r.Response.Info != "ok" {
		t.Fatalf("%+v: want the entry open", r)
	}
	for i, trig := range []int{64, 65, 66} {
		for _, cam := range []string{"e3b2a1c4-5d6f7081", "cam-out"} {
			body := strings.Replace(pushBody(cam, "京F12345", int64(301+2*i+len(cam)%2), 0, 0), `"triggerType":1`,
				fmt.Sprintf(`"triggerType":%d`, trig), 1)
			if r := c.push(t, body); r.Response.Info != "no" || len(r.Response.SerialData) != 0 {
				t.Fatalf("triggerType %d at %s: %+v: want info no and nothing shown", trig, cam, r)
			}
		}
	}
	stays, err := c.Sys.Gate.ListStays(c.Ctx, gate.StayQuery{LotCode: c.Lot, Plate: "京F12345"})
	if err != nil || len(stays) != 1 || stays[0].State != park.StayIn || stays[0].Anomaly != "" {
		t.Fatalf("stays %+v %v: want the one stay, inside, no anomaly", stays, err)
	}
	if as, _ := c.Sys.Gate.ListAnomalies(c.Ctx, c.Lot, 10); len(as) != 0 {
		t.Fatalf("anomalies %+v: want none", as)
	}
}

// TestNoPlateID: pushes without plateid are each their own read: the
// second car is not answered with the first car's decision.
func TestNoPlateID(t *testing.T) {
	c := setup(t)
	var echoed []*int64
	for i, plate := range []string{"京G11111", "京G22222"} {
		body := strings.Replace(pushBody("e3b2a1c4-5d6f7081", plate, 0, 0, 0), `"plateid":0,`, "", 1)
		r := c.push(t, body)
		if n := c.Occupied(t); n != i+1 || r.Response.Info != "ok" {
			t.Fatalf("%d cars inside after %s (%+v), want %d, it opened", n, plate, r, i+1)
		}
		echoed = append(echoed, r.Response.PlateID)
	}
	if echoed[0] != nil || echoed[1] != nil {
		t.Fatal("no plateid came, yet one was echoed")
	}
}

func TestRefused(t *testing.T) {
	c := setup(t)
	for _, x := range []struct {
		name, body string
		status     int
	}{
		{"Unknown", pushBody("cam-stranger", "京A12345", 1, 0, 0), 403},
		{"NotJSON", "license=京A12345", 400},
		{"NoAlarm", `{"Other":{}}`, 400},
		{"NoSerial", pushBody("", "京A12345", 1, 0, 0), 400},
		{"BadPlateID", strings.Replace(pushBody("cam-out", "京A12345", 1, 0, 0), `"plateid":1`, `"plateid":"x"`, 1), 400},
		{"Oversized", `{"AlarmInfoPlate":{"serialno":"cam-out","pad":"` + strings.Repeat("A", vzenith.MaxPush) + `"}}`, 413},
		// isoffline is 0 or 1: another value is not read as an offline
		// record, a passage recorded without asking the rules.
		{"BadOffline", pushBody("e3b2a1c4-5d6f7081", "京A12345", 2, 7, 1795417200), 400},
		{"NegativeOffline", pushBody("e3b2a1c4-5d6f7081", "京A12345", 3, -1, 1795417200), 400},
		// A push without its plate result reports no read at all: not a
		// plate-less car, whose screen would send the driver to scan.
		{"NoResult", `{"AlarmInfoPlate":{"channel":0,"serialno":"e3b2a1c4-5d6f7081"}}`, 400},
		{"NoPlateResult", `{"AlarmInfoPlate":{"channel":0,"serialno":"e3b2a1c4-5d6f7081","result":{}}}`, 400},
		{"NullPlateResult", `{"AlarmInfoPlate":{"channel":0,"serialno":"e3b2a1c4-5d6f7081","result":{"PlateResult":null}}}`, 400},
	} {
		t.Run(x.name, func(t *testing.T) {
			st, out := c.post(t, "/devices/vzenith", "application/json", []byte(x.body))
			if st != x.status || bytes.Contains(out, []byte("Response_AlarmInfoPlate")) {
				t.Fatalf("%d %s, want %d and no answer the camera would act on", st, out, x.status)
			}
		})
	}
	if n := c.Occupied(t); n != 0 {
		t.Fatalf("%d cars inside after refused pushes", n)
	}
	// The refusal names the field that is wrong, for whoever reads the
	// camera's log.
	body := strings.Replace(pushBody("e3b2a1c4-5d6f7081", "京A12345", 1, 0, 0), `"plateid":1`, `"plateid":"x"`, 1)
	if st, out := c.post(t, "/devices/vzenith", "application/json", []byte(body)); st != 400 || !bytes.Contains(out, []byte("plateid")) {
		t.Fatalf("%d %s: want 400 naming plateid", st, out)
	}
	body = `{"AlarmInfoPlate":{"channel":0,"serialno":"e3b2a1c4-5d6f7081","result":{}}}`
	if st, out := c.post(t, "/devices/vzenith", "application/json", []byte(body)); st != 400 ||
		!bytes.Contains(out, []byte("AlarmInfoPlate.result.PlateResult is missing")) {
		t.Fatalf("%d %s: want 400 naming AlarmInfoPlate.result.PlateResult", st, out)
	}
}

// TestIgnoredFields: fields parkd does not read (confidence, type,
// direction) never refuse a read, whatever a firmware puts there: the
// car would wait at a shut barrier while the camera retried for ever.
func TestIgnoredFields(t *testing.T) {
	c := setup(t)
	body := strings.Replace(pushBody("e3b2a1c4-5d6f7081", "京A12345", 1, 0, 0), `"triggerType":1`,
		`"triggerType":1,"confidence":95.5,"type":"blue","direction":"left"`, 1)
	if r := c.push(t, body); r.Response.Info != "ok" {
		t.Fatalf("%+v: want the visitor let in", r)
	}
	if n := c.Occupied(t); n != 1 {
		t.Fatalf("%d cars inside, want 1", n)
	}
}

func heartbeatBody(t *testing.T, serial string) (string, []byte) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"device_name": "IVS", "ipaddr": "192.168.1.100", "port": "80", "user_name": "admin",
		"pass_wd": "admin", "serialno": serial, "channel_num": "1"} {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

func TestHeartbeat(t *testing.T) {
	c := setup(t)
	ct, body := heartbeatBody(t, "cam-out")
	st, out := c.post(t, "/devices/vzenith/heartbeat", ct, body)
	if st != 200 || !strings.Contains(string(out), `"info":"no"`) {
		t.Fatalf("%d %s: want an answer with nothing to do", st, out)
	}
	if err := c.Sys.Devices.Sweep(c.Ctx); err != nil { // writes when devices were heard from
		t.Fatal(err)
	}
	d, err := c.Sys.Devices.Device(c.Ctx, "cam-out")
	if err != nil || d.SeenAt == nil || !d.SeenAt.Equal(c.Clock.Now()) {
		t.Fatalf("%+v %v: the heartbeat was not recorded", d, err)
	}
	ct, body = heartbeatBody(t, "cam-stranger")
	if st, _ := c.post(t, "/devices/vzenith/heartbeat", ct, body); st != 403 {
		t.Fatalf("an unknown camera's heartbeat: %d, want 403", st)
	}
	if st, _ := c.post(t, "/devices/vzenith/heartbeat", "application/x-www-form-urlencoded", []byte("device_name=x")); st != 400 {
		t.Fatalf("a heartbeat without serialno: %d, want 400", st)
	}
	// Over the limit, form-encoded or multipart, it is too large, not
	// missing its serial.
	big := append([]byte("serialno=cam-out&pad="), bytes.Repeat([]byte("a"), 100<<10)...)
	if st, out := c.post(t, "/devices/vzenith/heartbeat", "application/x-www-form-urlencoded", big); st != 413 {
		t.Fatalf("a form heartbeat over the limit: %d %s, want 413", st, out)
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("serialno", "cam-out")
	_ = w.WriteField("pad", strings.Repeat("a", 100<<10))
	w.Close()
	if st, out := c.post(t, "/devices/vzenith/heartbeat", w.FormDataContentType(), buf.Bytes()); st != 413 {
		t.Fatalf("a multipart heartbeat over the limit: %d %s, want 413", st, out)
	}
}

// stalledStore holds every write while stalled.
type stalledStore struct {
	park.Store
	mu      sync.Mutex
	stalled chan struct{} // nil: writes pass
}

func (s *stalledStore) set(stall bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if stall {
		s.stalled = make(chan struct{})
	} else if s.stalled != nil {
		close(s.stalled)
		s.stalled = nil
	}
}

func (s *stalledStore) Update(ctx context.Context, fn func(park.Tx) error) error {
	s.mu.Lock()
	ch := s.stalled
	s.mu.Unlock()
	if ch != nil {
		select {
		case <-ch:
		case <-ctx.Done():
			return park.Errorf(park.EUnavailable, "stalled: %v", ctx.Err())
		}
	}
	return s.Store.Update(ctx, fn)
}

// TestOfflineReplayLate: an offline record not recorded within the reply
// deadline is answered without ContinuePushOffline, so the camera keeps
// it and sends it again; sent again once the store answers, it is
// recorded once and the camera is asked for the next.
func TestOfflineReplayLate(t *testing.T) {
	stalled := &stalledStore{}
	// A deadline a loaded machine meets once the store answers.
	b := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{vzenith.Protocol}, DeviceDeadline: time.Second,
		WrapStore: func(s park.Store) park.Store { stalled.Store = s; return stalled }})
	mux := http.NewServeMux()
	vzenith.New(vzenith.Config{Devices: b.Sys.Devices}).Mount(mux.Handle)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	if err := b.Sys.Devices.Register(b.Ctx, &park.Device{Serial: "cam-in", LotCode: b.Lot, Lane: "in-1", Protocol: vzenith.Protocol}); err != nil {
		t.Fatal(err)
	}
	c := &camera{b, srv.URL}
	body := pushBody("cam-in", "京E12345", 7, 1, c.Clock.Now().Add(-10*time.Minute).Unix())
	stalled.set(true)
	if r := c.push(t, body); r.Continue != nil || r.Response.Info != "no" {
		t.Fatalf("%+v: an offline record not yet recorded must not be continued", r)
	}
	stalled.set(false)
	if r := c.push(t, body); r.Continue == nil || r.Continue.PlateID != 7 {
		t.Fatalf("%+v: sent again once recorded, it is continued", r)
	}
	if n := c.Occupied(t); n != 1 {
		t.Fatalf("%d cars inside, want the one record once", n)
	}
}

// TestOfflineWithoutTime: an offline record that gives no time for its
// passage (timeStamp 0, or none) is still a passage, recorded when it
// came, but the operator is told, as for a camera clock that is off: the
// stay's times (and what it owes) are not the car's.
func TestOfflineWithoutTime(t *testing.T) {
	c := setup(t)
	bodies := []string{
		pushBody("e3b2a1c4-5d6f7081", "京E22220", 220, 1, 0),
		`{"AlarmInfoPlate":{"channel":0,"serialno":"e3b2a1c4-5d6f7081","result":{"PlateResult":{"license":"京E22221","colorType":1,"plateid":221,"isoffline":1,"triggerType":1}}}}`,
	}
	for i, body := range bodies {
		plate := fmt.Sprintf("京E2222%d", i)
		if r := c.push(t, body); r.Continue == nil || r.Continue.PlateID != int64(220+i) {
			t.Fatalf("%s: %+v: want it recorded and ContinuePushOffline", plate, r)
		}
		stays, err := c.Sys.Gate.ListStays(c.Ctx, gate.StayQuery{LotCode: c.Lot, Plate: plate})
		if err != nil || len(stays) != 1 || !stays[0].EntryAt.Equal(c.Clock.Now()) {
			t.Fatalf("stays %+v %v: want one entered when the record came, %s", stays, err, c.Clock.Now())
		}
	}
	as, err := c.Sys.Gate.ListAnomalies(c.Ctx, c.Lot, 10)
	if err != nil {
		t.Fatal(err)
	}
	var clock []string
	for _, a := range as {
		if a.Kind == park.AnomalyDeviceClock {
			clock = append(clock, a.Plate+": "+a.Detail)
		}
	}
	if len(clock) != 2 {
		t.Fatalf("device_clock anomalies %q: want one for each record without a time", clock)
	}
	for _, d := range clock {
		if !strings.Contains(d, "no time") {
			t.Errorf("anomaly %q: want it to say the lane gave no time", d)
		}
	}
}

// TestOfflinePlateless: a camera's offline record of a car whose plate it
// could not read ("_无_") is a passage that happened: it is kept as an
// anomaly plateless_record the operator sees (lane, direction, when the
// car passed), acknowledged with ContinuePushOffline only once kept, and
// kept once however often the camera sends it.
func TestOfflinePlateless(t *testing.T) {
	stalled := &stalledStore{}
	b := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{vzenith.Protocol}, DeviceDeadline: time.Second,
		WrapStore: func(s park.Store) park.Store { stalled.Store = s; return stalled }})
	mux := http.NewServeMux()
	vzenith.New(vzenith.Config{Devices: b.Sys.Devices}).Mount(mux.Handle)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	for serial, lane := range map[string]string{"cam-in": "in-1", "cam-out": "out-1"} {
		if err := b.Sys.Devices.Register(b.Ctx, &park.Device{Serial: serial, LotCode: b.Lot, Lane: lane, Protocol: vzenith.Protocol}); err != nil {
			t.Fatal(err)
		}
	}
	c := &camera{b, srv.URL}
	// The entry passed 20 minutes before now, the exit 5 minutes before.
	inAt, outAt := c.Clock.Now().Add(-20*time.Minute), c.Clock.Now().Add(-5*time.Minute)
	inBody := pushBody("cam-in", "_无_", 230, 1, inAt.Unix())
	outBody := pushBody("cam-out", "_无_", 231, 1, outAt.Unix())
	stalled.set(true)
	if r := c.push(t, inBody); r.Continue != nil || r.Response.Info != "no" {
		t.Fatalf("%+v: a plate-less record not yet kept must not be continued", r)
	}
	stalled.set(false)
	for range 2 { // sent again until continued, and once more (a lost reply)
		for _, x := range []struct {
			body string
			id   int64
		}{{inBody, 230}, {outBody, 231}} {
			if r := c.push(t, x.body); r.Continue == nil || r.Continue.PlateID != x.id || r.Response.Info != "no" ||
				len(r.Response.SerialData) != 0 {
				t.Fatalf("%+v: want record %d kept, continued, nothing shown", r, x.id)
			}
		}
	}
	as, err := c.Sys.Gate.ListAnomalies(c.Ctx, c.Lot, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		at   time.Time
		lane string
	}{"dev:cam-in:230": {inAt, "in-1"}, "dev:cam-out:231": {outAt, "out-1"}}
	for _, a := range as {
		w, ok := want[a.EventID]
		if a.Kind != park.AnomalyPlatelessRecord || !ok || !a.At.Equal(w.at) || !strings.Contains(a.Detail, w.lane) {
			t.Fatalf("anomaly %+v: want plateless_record of %+v", a, w)
		}
		delete(want, a.EventID)
	}
	if len(want) != 0 {
		t.Fatalf("anomalies %+v: missing %v (each record kept once)", as, want)
	}
	// No plate, so no stay could be made or closed: the count is untouched.
	if n := c.Occupied(t); n != 0 {
		t.Fatalf("%d cars inside, want 0", n)
	}
}

// Tiny pictures built by hand from each format's first bytes.
const (
	// A JPEG: SOI (FF D8), an APP0 JFIF segment, EOI (FF D9).
	tinyJPEG = "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
	// A PNG: its 8-byte signature, then the IHDR chunk of a 1x1 image
	// (length 13, width 1, height 1, depth 8, colour type 2) and its CRC.
	tinyPNG = "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90\x77\x53\xde"
)

// TestPushPicture: the HTTP push keeps a read's picture by the same rule
// as MQTT: imageFile when its bytes are a picture, else imagePath when
// its bytes (base64) are one; kept as the type its bytes are (a PNG is a
// PNG, not the JPEG every Vzenith picture was kept as). Before, the push
// ignored imagePath. A camera file path in imagePath, or an imageFile
// that is no picture, keeps nothing, and the car still goes in.
func TestPushPicture(t *testing.T) {
	c := setup(t)
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for i, tc := range []struct {
		name   string
		fields string
		want   string // "": none kept
		typ    string
	}{
		{"ImageFileJPEG", fmt.Sprintf(`"imageFile":%q`, b64(tinyJPEG)), tinyJPEG, "image/jpeg"},
		{"ImageFilePNG", fmt.Sprintf(`"imageFile":%q`, b64(tinyPNG)), tinyPNG, "image/png"},
		{"ImagePathPicture", fmt.Sprintf(`"imagePath":%q`, b64(tinyPNG)), tinyPNG, "image/png"},
		{"ImageFileTextImagePathPicture", fmt.Sprintf(`"imageFile":%q,"imagePath":%q`, b64("not a picture"), b64(tinyJPEG)), tinyJPEG, "image/jpeg"},
		{"ImagePathCameraFile", `"imagePath":"/mmc/VzIPCCap/2026_12_06/1808123.jpg"`, "", ""},
		{"ImagePathCameraFileBase64", fmt.Sprintf(`"imagePath":%q`, b64("/mmc/VzIPCCap/2026_12_06/1808123.jpg")), "", ""},
		{"ImageFileText", fmt.Sprintf(`"imageFile":%q`, b64("<html><script>alert(1)</script></html>")), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := int64(600 + i)
			body := strings.Replace(pushBody("e3b2a1c4-5d6f7081", fmt.Sprintf("京A6%04d", i), id, 0, 0),
				`"triggerType":1`, `"triggerType":1,`+tc.fields, 1)
			if r := c.push(t, body); r.Response.Info != "ok" {
				t.Fatalf("info %q: the car must go in, picture or not", r.Response.Info)
			}
			var ev *park.Event
			if err := c.Store.View(c.Ctx, func(tx park.Tx) (err error) {
				ev, err = tx.GetEvent(c.Ctx, c.Lot, fmt.Sprintf("dev:e3b2a1c4-5d6f7081:%d", id))
				return
			}); err != nil {
				t.Fatal(err)
			}
			if tc.want == "" {
				if ev.ImageURL != "" {
					t.Fatalf("image_url %q, want none", ev.ImageURL)
				}
				return
			}
			pid, ok := strings.CutPrefix(ev.ImageURL, "/v1/images/")
			if !ok {
				t.Fatalf("image_url %q, want /v1/images/<id>", ev.ImageURL)
			}
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				im, err := c.Sys.Devices.Image(c.Ctx, pid)
				if err == nil {
					if string(im.Data) != tc.want || im.ContentType != tc.typ {
						t.Fatalf("kept %q as %s, want %q as %s", im.Data, im.ContentType, tc.want, tc.typ)
					}
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("the picture was never kept: %v", err)
				}
			}
		})
	}
}
