package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"parkd/internal/devices"
	"parkd/internal/park"
)

func TestDevices(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("POST", "/v1/lots", lotJSON), http.StatusCreated)

	t.Run("Register", func(t *testing.T) {
		d := e.want(e.do("POST", "/v1/devices", `{"serial":"cam-1","lot":"140123001","lane":"in-1","protocol":"test-http",
			"addr":"http://192.0.2.10","username":"admin","password":"s3cret"}`), http.StatusCreated)
		if d["kind"] != "camera" || d["direction"] != "in" || d["online"] != false || d["lot"] != "140123001" {
			t.Fatalf("%v: want an offline camera of an entry lane", d)
		}
		if _, ok := d["password"]; ok {
			t.Fatalf("%v: the password is shown", d)
		}
		if _, ok := d["seen_at"]; ok {
			t.Fatalf("%v: seen before any heartbeat", d)
		}
	})
	t.Run("ErrProtocol", func(t *testing.T) {
		p := e.problem(e.do("POST", "/v1/devices", `{"serial":"cam-2","lot":"140123001","lane":"in-1","protocol":"carrier-pigeon"}`),
			http.StatusBadRequest, "invalid")
		if p["field"] != "protocol" {
			t.Fatalf("%v: want field protocol", p)
		}
	})
	// A missing field is named, whatever the lane: the direction could
	// not be told from a missing lane, and that was all the error said.
	t.Run("ErrMissingField", func(t *testing.T) {
		for field, body := range map[string]string{
			"lane":     `{"serial":"cam-4","lot":"140123001","protocol":"test-http"}`,
			"serial":   `{"lot":"140123001","lane":"gate-a","protocol":"test-http"}`,
			"lot":      `{"serial":"cam-4","lane":"gate-a","protocol":"test-http"}`,
			"protocol": `{"serial":"cam-4","lot":"140123001","lane":"gate-a"}`,
		} {
			if p := e.problem(e.do("POST", "/v1/devices", body), http.StatusBadRequest, "invalid"); p["field"] != field {
				t.Errorf("%s: problem %v, want field %s", body, p, field)
			}
		}
		p := e.problem(e.do("POST", "/v1/devices", `{"serial":"cam-4","lot":"140123001","lane":"gate-a","protocol":"test-http"}`),
			http.StatusBadRequest, "invalid")
		if p["field"] != "direction" || !strings.Contains(p["detail"].(string), `"in" or "out"`) {
			t.Errorf("problem %v, want direction required for a lane named neither in nor out", p)
		}
	})
	t.Run("ErrTaken", func(t *testing.T) {
		e.problem(e.do("POST", "/v1/devices", `{"serial":"cam-1","lot":"140123001","lane":"out-1","protocol":"test-http"}`),
			http.StatusConflict, "conflict")
	})
	// The 404 names the body's field: without it, it read as a route
	// that does not exist.
	t.Run("ErrLot", func(t *testing.T) {
		p := e.problem(e.do("POST", "/v1/devices", `{"serial":"cam-3","lot":"nowhere","lane":"in-1","protocol":"test-http"}`),
			http.StatusNotFound, "not_found")
		if p["field"] != "lot" {
			t.Fatalf("%v: want field lot", p)
		}
	})
	t.Run("ErrUnknownField", func(t *testing.T) {
		p := e.problem(e.do("POST", "/v1/devices", `{"serial":"cam-4","lot":"140123001","lane":"in-1","protocol":"test-http","ip":"x"}`),
			http.StatusBadRequest, "invalid")
		if p["field"] != "ip" {
			t.Fatalf("%v", p)
		}
	})
	t.Run("List", func(t *testing.T) {
		e.want(e.do("POST", "/v1/devices", `{"serial":"cam-0","lot":"140123001","lane":"out-1","protocol":"test-http"}`), http.StatusCreated)
		l := e.want(e.do("GET", "/v1/devices?lot=140123001", ""), http.StatusOK)
		ds := l["devices"].([]any)
		if len(ds) != 2 || ds[0].(map[string]any)["serial"] != "cam-0" || ds[1].(map[string]any)["direction"] != "in" {
			t.Fatalf("%v: want cam-0 (out) then cam-1 (in)", l)
		}
		e.problem(e.do("GET", "/v1/devices?lot=nowhere", ""), http.StatusNotFound, "not_found")
	})
	t.Run("GetAndRemove", func(t *testing.T) {
		if d := e.want(e.do("GET", "/v1/devices/cam-1", ""), http.StatusOK); d["serial"] != "cam-1" || d["addr"] != "http://192.0.2.10" {
			t.Fatalf("%v", d)
		}
		e.want(e.do("DELETE", "/v1/devices/cam-1", ""), http.StatusNoContent)
		p := e.problem(e.do("GET", "/v1/devices/cam-1", ""), http.StatusNotFound, "not_found")
		if !strings.Contains(p["detail"].(string), "cam-1") {
			t.Fatalf("%v: the detail should name the device", p)
		}
		e.problem(e.do("DELETE", "/v1/devices/cam-1", ""), http.StatusNotFound, "not_found")
	})
}

// TestImageContentType: GET /v1/images/{id} serves a camera's picture
// with the Content-Type its bytes are: a PNG a camera sent is image/png
// (a Vzenith camera's were all served as image/jpeg), and so is one kept
// before, stored as JPEG. Text sent as a picture is not kept at all.
func TestImageContentType(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.want(e.do("POST", "/v1/lots", lotJSON), http.StatusCreated)
	e.want(e.do("POST", "/v1/devices", `{"serial":"cam-1","lot":"140123001","lane":"in-1","protocol":"test-http"}`), http.StatusCreated)
	// PNG's 8-byte signature, then a 1x1 IHDR chunk (length 13) and its CRC.
	const png = "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90\x77\x53\xde"
	imageOf := func(record, plate, data string) string {
		t.Helper()
		if _, err := e.sys.Devices.Read(ctx, devices.Read{Serial: "cam-1", Protocol: "test-http", RecordID: record, Plate: plate, Image: []byte(data)}); err != nil {
			t.Fatal(err)
		}
		var ev *park.Event
		if err := e.sys.Store.View(ctx, func(tx park.Tx) (err error) { ev, err = tx.GetEvent(ctx, "140123001", "dev:cam-1:"+record); return }); err != nil {
			t.Fatal(err)
		}
		return ev.ImageURL
	}
	if u := imageOf("2", "京A12346", "not a picture"); u != "" {
		t.Fatalf("text kept as a picture at %s", u)
	}
	u := imageOf("1", "京A12345", png)
	if !strings.HasPrefix(u, "/v1/images/") {
		t.Fatalf("image_url %q", u)
	}
	old := &park.Image{ID: "old-png", LotCode: "140123001", EventID: "dev:cam-1:1", ContentType: "image/jpeg", Data: []byte(png), CreatedAt: t0}
	if err := e.sys.Store.Update(ctx, func(tx park.Tx) error { return tx.PutImage(ctx, old) }); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{u, "/v1/images/old-png"} {
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			r := e.do("GET", path, "")
			if r.status == http.StatusOK {
				if ct := r.header.Get("Content-Type"); ct != "image/png" || string(r.body) != png {
					t.Fatalf("%s served as %q, want image/png, its bytes", path, ct)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: status %d: %s", path, r.status, r.body)
			}
		}
	}
}
