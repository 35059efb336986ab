package hikvision_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/dialect/hikvision"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// camera is an ISAPI camera's barrier endpoint: Digest (qop auth) with
// admin/cam-pass, recording each accepted barrier command.
type camera struct {
	mu   sync.Mutex
	got  []string
	seen chan struct{}
}

func (c *camera) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const realm, nonce = "IP Camera(C1234)", "4e6f6e6365"
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "Digest ") || !validDigest(auth[7:], realm, nonce, "admin", "cam-pass", r.Method) {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Digest qop="auth", realm=%q, nonce=%q, stale="FALSE"`, realm, nonce))
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodPut || r.URL.Path != "/ISAPI/Parking/channels/1/barrierGate" {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.got = append(c.got, string(b))
	c.mu.Unlock()
	c.seen <- struct{}{}
	io.WriteString(w, `<ResponseStatus><statusCode>1</statusCode><statusString>OK</statusString></ResponseStatus>`)
}

func validDigest(params, realm, nonce, user, pass, method string) bool {
	p := map[string]string{}
	for _, kv := range strings.Split(params, ", ") {
		k, v, _ := strings.Cut(kv, "=")
		p[k] = strings.Trim(v, `"`)
	}
	h := func(s string) string { sum := md5.Sum([]byte(s)); return hex.EncodeToString(sum[:]) }
	want := h(h(user+":"+realm+":"+pass) + ":" + nonce + ":" + p["nc"] + ":" + p["cnonce"] + ":auth:" + h(method+":"+p["uri"]))
	return p["username"] == user && p["realm"] == realm && p["nonce"] == nonce && p["qop"] == "auth" && p["response"] == want
}

type env struct {
	*systemtest.Bundle
	url string
	cam *camera
}

func setup(t *testing.T, password string) *env {
	b := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{hikvision.Protocol},
		DeviceSerials: map[string]func(string) string{hikvision.Protocol: hikvision.Serial}})
	cam := &camera{seen: make(chan struct{}, 4)}
	camSrv := httptest.NewServer(cam)
	t.Cleanup(camSrv.Close)
	if err := b.Sys.Devices.Register(b.Ctx, &park.Device{Serial: "bc:ad:28:4e:11:22", LotCode: b.Lot, Lane: "in-1",
		Protocol: hikvision.Protocol, Addr: camSrv.URL, Username: "admin", Password: password}); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	hikvision.New(hikvision.Config{Devices: b.Sys.Devices, Barrier: &hikvision.Barrier{}}).Mount(mux.Handle)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{b, srv.URL, cam}
}

// otherCamera registers a second camera, cam-2, on lane with a barrier
// endpoint of its own.
func (e *env) otherCamera(t *testing.T, lane string) *camera {
	cam := &camera{seen: make(chan struct{}, 4)}
	srv := httptest.NewServer(cam)
	t.Cleanup(srv.Close)
	if err := e.Sys.Devices.Register(e.Ctx, &park.Device{Serial: "cam-2", LotCode: e.Lot, Lane: lane,
		Protocol: hikvision.Protocol, Addr: srv.URL, Username: "admin", Password: "cam-pass"}); err != nil {
		t.Fatal(err)
	}
	return cam
}

// multipartPush is the camera's push: anpr.xml and a picture.
func multipartPush(t *testing.T, doc []byte) (string, []byte) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="anpr.xml"; filename="anpr.xml"`)
	h.Set("Content-Type", "application/xml")
	p, _ := w.CreatePart(h)
	p.Write(doc)
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="licensePlatePicture.jpg"; filename="licensePlatePicture.jpg"`)
	h.Set("Content-Type", "image/jpeg")
	p, _ = w.CreatePart(h)
	p.Write([]byte(picture))
	w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

func (e *env) push(t *testing.T, ct string, body []byte) int {
	t.Helper()
	res, err := http.Post(e.url+"/devices/hikvision", ct, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestPushOpens: a registered camera's ANPR push is a read of its lane;
// the open reaches the barrier by a Digest-authenticated ISAPI call back;
// the same UUID again is the same read.
func TestPushOpens(t *testing.T) {
	e := setup(t, "cam-pass")
	doc, err := os.ReadFile("testdata/anpr.xml")
	if err != nil {
		t.Fatal(err)
	}
	ct, body := multipartPush(t, doc)
	if st := e.push(t, ct, body); st != 200 {
		t.Fatalf("status %d", st)
	}
	select {
	case <-e.cam.seen:
	case <-time.After(10 * time.Second):
		t.Fatal("the barrier was never called")
	}
	e.cam.mu.Lock()
	got := e.cam.got
	e.cam.mu.Unlock()
	if len(got) != 1 || got[0] != "<BarrierGate><ctrlMode>open</ctrlMode></BarrierGate>" {
		t.Fatalf("barrier got %q", got)
	}
	if st := e.push(t, ct, body); st != 200 {
		t.Fatalf("again: status %d", st)
	}
	if n := e.Occupied(t); n != 1 {
		t.Fatalf("%d cars inside after the same UUID twice, want 1", n)
	}
	// The repeat lifts nothing: a read of another lane's camera, pushed
	// after it, opens its own barrier, and this one was called once.
	other := e.otherCamera(t, "in-2")
	doc2 := strings.NewReplacer("bc:ad:28:4e:11:22", "cam-2", "2f5c8a0e", "3f5c8a0e", "京A12345", "京B54321").Replace(string(doc))
	if ct2, body2 := multipartPush(t, []byte(doc2)); e.push(t, ct2, body2) != 200 {
		t.Fatal("the other camera's push was not accepted")
	}
	select {
	case <-other.seen:
	case <-time.After(10 * time.Second):
		t.Fatal("the other camera's barrier was never called")
	}
	e.cam.mu.Lock()
	got = e.cam.got
	e.cam.mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("barrier got %q: the same UUID again lifted it again", got)
	}

	// The picture sent with the read is kept, and the event names it.
	var ev *park.Event
	if err := e.Store.View(e.Ctx, func(tx park.Tx) (err error) {
		ev, err = tx.GetEvent(e.Ctx, e.Lot, "dev:bc:ad:28:4e:11:22:2f5c8a0e-3b7d-4c1e-9f7a-6d2b1e0c4a51")
		return
	}); err != nil {
		t.Fatal(err)
	}
	id, ok := strings.CutPrefix(ev.ImageURL, "/v1/images/")
	if !ok {
		t.Fatalf("event image_url %q", ev.ImageURL)
	}
	for i := 0; ; i++ {
		im, err := e.Sys.Devices.Image(e.Ctx, id)
		if err == nil {
			if string(im.Data) != picture || im.ContentType != "image/jpeg" {
				t.Fatalf("kept %q (%s), want the pushed picture", im.Data, im.ContentType)
			}
			break
		}
		if i == 200 {
			t.Fatalf("the picture was never kept: %v", err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

const picture = "\xff\xd8\xff\xe0 not really a jpeg \xff\xd9"

// TestWrongPassword: a camera refusing parkd's credentials leaves the
// command not delivered.
func TestWrongPassword(t *testing.T) {
	e := setup(t, "wrong")
	d, err := e.Sys.Devices.Device(e.Ctx, "bc:ad:28:4e:11:22")
	if err != nil {
		t.Fatal(err)
	}
	err = (&hikvision.Barrier{}).Send(e.Ctx, d, park.GateOpen)
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("%v: want not delivered, the camera answered 401", err)
	}
}

func TestRefused(t *testing.T) {
	e := setup(t, "cam-pass")
	doc, _ := os.ReadFile("testdata/anpr.xml")
	stranger := bytes.Replace(doc, []byte("bc:ad:28:4e:11:22"), []byte("00:11:22:33:44:55"), 1)
	ct, body := multipartPush(t, stranger)
	if st := e.push(t, ct, body); st != 403 {
		t.Fatalf("unknown camera: %d, want 403", st)
	}
	if st := e.push(t, "application/xml", []byte("<nope/>")); st != 400 {
		t.Fatalf("not an alert: %d, want 400", st)
	}
	if st := e.push(t, "application/xml", bytes.Replace(stranger, []byte("<eventType>ANPR"), []byte("<eventType>videoloss"), 1)); st != 403 {
		t.Fatalf("unknown camera's heartbeat: %d, want 403", st)
	}
	if st := e.push(t, "application/xml", bytes.Repeat([]byte("x"), hikvision.MaxPush+1)); st != 400 && st != 413 {
		t.Fatalf("oversized: %d", st)
	}
	// A multipart push over MaxPush (a huge picture) is too large: 413.
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="anpr.xml"; filename="anpr.xml"`)
	h.Set("Content-Type", "application/xml")
	p, _ := w.CreatePart(h)
	p.Write(doc)
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="pic.jpg"; filename="pic.jpg"`)
	h.Set("Content-Type", "image/jpeg")
	p, _ = w.CreatePart(h)
	p.Write(bytes.Repeat([]byte{0xff}, hikvision.MaxPush+1))
	w.Close()
	if st := e.push(t, w.FormDataContentType(), buf.Bytes()); st != 413 {
		t.Fatalf("oversized multipart push: %d, want 413", st)
	}
	if n := e.Occupied(t); n != 0 {
		t.Fatalf("%d cars inside after refused pushes", n)
	}
}

// TestUnansweredOpenAlarms: an open after a read that the camera refuses
// raises the alarm: a device_status report (barrier offline) for the
// lot's subscribed partners.
func TestUnansweredOpenAlarms(t *testing.T) {
	e := setup(t, "wrong")
	e.Subscribe(t, park.ReportDeviceStatus)
	doc, _ := os.ReadFile("testdata/anpr.xml")
	ct, body := multipartPush(t, doc)
	if st := e.push(t, ct, body); st != 200 {
		t.Fatalf("status %d", st)
	}
	for i := 0; ; i++ {
		var data park.ReportData
		err := e.Store.View(e.Ctx, func(tx park.Tx) error {
			ds, err := tx.ListDeliveries(e.Ctx, park.DeliveryFilter{Report: park.ReportDeviceStatus, Limit: 10})
			if err != nil || len(ds) == 0 {
				return err
			}
			r, err := tx.GetReport(e.Ctx, ds[0].ReportID)
			if err != nil {
				return err
			}
			return json.Unmarshal(r.Data, &data)
		})
		if err != nil {
			t.Fatal(err)
		}
		if data.Device != nil {
			if data.Device.Online || data.Device.Serial != "bc:ad:28:4e:11:22" || data.Device.Device != park.DeviceBarrier ||
				!strings.Contains(data.Device.Detail, "401") {
				t.Fatalf("report %+v: want the barrier offline, the camera's 401 named", data.Device)
			}
			return
		}
		if i == 200 {
			t.Fatal("no device_status report for the unanswered open")
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// TestHeartbeat: a camera sends other events besides its reads (its
// heartbeat is videoloss inactive, about every 10 s; motion alarms): each
// is answered 200, keeps the camera online and is no read.
func TestHeartbeat(t *testing.T) {
	e := setup(t, "cam-pass")
	doc, _ := os.ReadFile("testdata/anpr.xml")
	for _, ev := range []string{"videoloss", "VMD"} {
		t.Run(ev, func(t *testing.T) {
			alert := bytes.Replace(doc, []byte("<eventType>ANPR"), []byte("<eventType>"+ev), 1)
			if st := e.push(t, "application/xml", alert); st != 200 {
				t.Fatalf("%s: %d, want 200", ev, st)
			}
			if err := e.Sys.Devices.Sweep(e.Ctx); err != nil {
				t.Fatal(err)
			}
			d, err := e.Sys.Devices.Device(e.Ctx, "bc:ad:28:4e:11:22")
			if err != nil || !d.Online {
				t.Fatalf("%+v %v: want the camera online after its %s event", d, err, ev)
			}
			if n := e.Occupied(t); n != 0 {
				t.Fatalf("%d cars inside after a %s event, want 0", n, ev)
			}
			select {
			case <-e.cam.seen:
				t.Fatal("the barrier was called for an event that is no read")
			default:
			}
		})
	}
}

// TestPictureType: a picture is kept as the type its bytes are, not the
// one its part declared (a PNG sent as image/jpeg is served as PNG); a
// part that declares a picture but holds none is not kept, and the read
// goes through without it.
func TestPictureType(t *testing.T) {
	e := setup(t, "cam-pass")
	doc, _ := os.ReadFile("testdata/anpr.xml")
	// PNG's 8-byte signature and a 1x1 IHDR chunk (length 13), its CRC.
	const png = "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90\x77\x53\xde"
	for i, c := range []struct{ name, declared, data, want string }{
		{"PNGDeclaredJPEG", "image/jpeg", png, "image/png"},
		{"TextDeclaredPNG", "image/png", "a picture whose bytes name no type", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			uuid := fmt.Sprintf("2f5c8a0e-3b7d-4c1e-9f7a-6d2b1e0c4a5%d", i)
			var buf bytes.Buffer
			w := multipart.NewWriter(&buf)
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="anpr.xml"; filename="anpr.xml"`)
			h.Set("Content-Type", "application/xml")
			p, _ := w.CreatePart(h)
			p.Write(bytes.ReplaceAll(doc, []byte("2f5c8a0e-3b7d-4c1e-9f7a-6d2b1e0c4a51"), []byte(uuid)))
			h = textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="licensePlatePicture.jpg"; filename="licensePlatePicture.jpg"`)
			h.Set("Content-Type", c.declared)
			p, _ = w.CreatePart(h)
			p.Write([]byte(c.data))
			w.Close()
			if st := e.push(t, w.FormDataContentType(), buf.Bytes()); st != 200 {
				t.Fatalf("status %d", st)
			}
			var ev *park.Event
			if err := e.Store.View(e.Ctx, func(tx park.Tx) (err error) {
				ev, err = tx.GetEvent(e.Ctx, e.Lot, "dev:bc:ad:28:4e:11:22:"+uuid)
				return
			}); err != nil {
				t.Fatal(err)
			}
			if c.want == "" {
				if ev.ImageURL != "" {
					t.Fatalf("bytes that are no picture kept at %s", ev.ImageURL)
				}
				return
			}
			id, _ := strings.CutPrefix(ev.ImageURL, "/v1/images/")
			for i := 0; ; i++ {
				im, err := e.Sys.Devices.Image(e.Ctx, id)
				if err == nil {
					if im.ContentType != c.want || string(im.Data) != c.data {
						t.Fatalf("served as %s, want %s, its bytes", im.ContentType, c.want)
					}
					return
				}
				if i == 200 {
					t.Fatalf("the picture was never kept: %v", err)
				}
				time.Sleep(25 * time.Millisecond)
			}
		})
	}
}

// TestUpperCaseMAC: a camera registered with its MAC address as its
// label prints it (upper case, maybe with dashes) is the camera whose
// pushes name it in lower case: its reads are heard and open its barrier.
func TestUpperCaseMAC(t *testing.T) {
	e := setup(t, "cam-pass")
	cam := &camera{seen: make(chan struct{}, 4)}
	srv := httptest.NewServer(cam)
	t.Cleanup(srv.Close)
	if err := e.Sys.Devices.Register(e.Ctx, &park.Device{Serial: "BC-AD-28-4E-11-33", LotCode: e.Lot, Lane: "in-2",
		Protocol: hikvision.Protocol, Addr: srv.URL, Username: "admin", Password: "cam-pass"}); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("testdata/anpr.xml")
	if err != nil {
		t.Fatal(err)
	}
	doc2 := strings.NewReplacer("bc:ad:28:4e:11:22", "BC:AD:28:4E:11:33", "2f5c8a0e", "4f5c8a0e", "京A12345", "京B54321").Replace(string(doc))
	if ct, body := multipartPush(t, []byte(doc2)); e.push(t, ct, body) != 200 {
		t.Fatal("the push of the camera registered by its upper-case MAC was not accepted")
	}
	select {
	case <-cam.seen:
	case <-time.After(10 * time.Second):
		t.Fatal("its barrier was never called")
	}
	for _, serial := range []string{"BC:AD:28:4E:11:33", "bc:ad:28:4e:11:33", "bc-ad-28-4e-11-33"} {
		if d, err := e.Sys.Devices.Device(e.Ctx, serial); err != nil || d.Lane != "in-2" {
			t.Errorf("device %q: %+v %v, want the camera of in-2", serial, d, err)
		}
	}
	if err := e.Sys.Devices.Remove(e.Ctx, "BC:AD:28:4E:11:33"); err != nil {
		t.Fatalf("removing it by the serial it was registered with: %v", err)
	}
}

// TestSimCameraResentRecord: the simulator's camera pushing a record
// again (the same UUID) gets no second barrier call, as parkd documents
// (the first lifted it): the camera reports the first read's decision,
// not a hold, so the simulator's counts say what parkd decided.
func TestSimCameraResentRecord(t *testing.T) {
	e := setup(t, "cam-pass")
	cam, err := hikvision.StartCamera(e.url, "sim-cam-1", http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cam.Close() })
	reg := cam.Registration()
	if err := e.Sys.Devices.Register(e.Ctx, &park.Device{Serial: "sim-cam-1", LotCode: e.Lot, Lane: "in-2", Protocol: hikvision.Protocol,
		Addr: reg["addr"].(string), Username: reg["username"].(string), Password: reg["password"].(string)}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(e.Ctx, 10*time.Second)
	defer cancel()
	if open, err := cam.Push(ctx, "京A54321", 7); err != nil || !open {
		t.Fatalf("first push: open %v, %v: want the entry opened", open, err)
	}
	if open, err := cam.Push(ctx, "京A54321", 7); err != nil || !open {
		t.Fatalf("the same record again: open %v, %v: want the first decision (open)", open, err)
	}
	if n := e.Occupied(t); n != 1 {
		t.Fatalf("%d cars inside, want 1", n)
	}
}

// TestSeveralChallenges: a camera may offer several challenges, one
// WWW-Authenticate header each, in its order of preference (RFC 7616:
// SHA-256 before MD5; some add Basic). parkd answers the MD5 Digest one
// wherever it stands, rather than giving up on the first it cannot.
func TestSeveralChallenges(t *testing.T) {
	e := setup(t, "cam-pass")
	for _, first := range []string{
		`Digest qop="auth", realm="IP Camera(C1234)", nonce="4e6f6e6365", algorithm=SHA-256, stale="FALSE"`,
		`Basic realm="IP Camera(C1234)"`,
	} {
		cam := &camera{seen: make(chan struct{}, 4)}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(r.Header.Get("Authorization"), "Digest ") {
				w.Header().Add("WWW-Authenticate", first)
				w.Header().Add("WWW-Authenticate", `Digest qop="auth", realm="IP Camera(C1234)", nonce="4e6f6e6365", stale="FALSE"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			cam.ServeHTTP(w, r)
		}))
		d := &park.Device{Serial: "cam-3", LotCode: e.Lot, Lane: "in-3", Protocol: hikvision.Protocol, Addr: srv.URL,
			Username: "admin", Password: "cam-pass"}
		if err := (&hikvision.Barrier{}).Send(e.Ctx, d, park.GateOpen); err != nil {
			t.Errorf("challenges %q then MD5 Digest: %v, want the open delivered", first, err)
		}
		srv.Close()
	}
}
