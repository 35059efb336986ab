package vzenith

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"parkd/internal/devices"
	"parkd/internal/park"
)

// FuzzParsePush: no body crashes the parser, and what it accepts names a
// camera within the registry's bounds.
func FuzzParsePush(f *testing.F) {
	if b, err := os.ReadFile("testdata/push_entry.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"AlarmInfoPlate":{"serialno":"x","result":{"PlateResult":{"license":"_无_","plateid":"3","isoffline":"1"}}}}`))
	f.Add([]byte(`{"AlarmInfoPlate":null}`))
	f.Add([]byte(`{"AlarmInfoPlate":{"serialno":"x","result":{"PlateResult":{"timeStamp":{"Timeval":{"sec":-1,"usec":99999999}}}}}}`))
	// Pictures: a PNG in imageFile, a JPEG in imagePath (base64), a
	// camera file path in imagePath, text in imageFile beside a picture
	// in imagePath, and neither field base64.
	f.Add([]byte(`{"AlarmInfoPlate":{"serialno":"x","result":{"PlateResult":{"license":"京A12345","imageFile":"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1Pe"}}}}`))
	f.Add([]byte(`{"AlarmInfoPlate":{"serialno":"x","result":{"PlateResult":{"license":"京A12345","imagePath":"/9j/4CBhIGpwZWcg/9k="}}}}`))
	f.Add([]byte(`{"AlarmInfoPlate":{"serialno":"x","result":{"PlateResult":{"license":"京A12345","imagePath":"/mmc/VzIPCCap/1.jpg"}}}}`))
	f.Add([]byte(`{"AlarmInfoPlate":{"serialno":"x","result":{"PlateResult":{"license":"京A12345","imageFile":"dGV4dA==","imagePath":"/9j/4CBhIGpwZWcg/9k="}}}}`))
	f.Add([]byte(`{"AlarmInfoPlate":{"serialno":"x","result":{"PlateResult":{"imageFile":"%%","imagePath":"not base64!"}}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := parsePush(body)
		if err != nil {
			return
		}
		if r.Serial == "" || len(r.Serial) > 64 || r.PlateID < 0 {
			t.Fatalf("accepted %+v", r)
		}
		if r.HasPlate != (r.License != "") {
			t.Fatalf("HasPlate %v with license %q", r.HasPlate, r.License)
		}
		if len(r.Image) > park.MaxImage {
			t.Fatalf("a picture of %d bytes, over park.MaxImage", len(r.Image))
		}
	})
}

// FuzzPictureOf: whatever a camera puts in imageFile and imagePath, the
// read's picture is nil or the decoded bytes of one of them, at most
// park.MaxImage; a picture in either is never passed over for a
// non-picture in the other.
func FuzzPictureOf(f *testing.F) {
	f.Add("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1Pe", "")
	f.Add("", "/9j/4CBhIGpwZWcg/9k=")
	f.Add("dGV4dA==", "/9j/4CBhIGpwZWcg/9k=")
	f.Add("", "/mmc/VzIPCCap/1.jpg")
	f.Add("%%", "not base64!")
	f.Fuzz(func(t *testing.T, file, path string) {
		got := pictureOf(plateResult{ImageFile: file, ImagePath: path})
		if len(got) > park.MaxImage {
			t.Fatalf("a picture of %d bytes", len(got))
		}
		f, p := decodePicture(file), decodePicture(path)
		isPic := func(b []byte) bool { return devices.PictureType(b) != "" }
		switch {
		case got == nil:
			if isPic(f) || isPic(p) || f != nil {
				t.Fatalf("nothing from %q %q", file, path)
			}
		case !bytes.Equal(got, f) && !bytes.Equal(got, p):
			t.Fatalf("%q is neither field's bytes", got)
		case !isPic(got) && (isPic(f) || isPic(p)):
			t.Fatalf("%q taken over a picture", got)
		}
	})
}

// FuzzFlexInt: a number or a numeric string, never a crash.
func FuzzFlexInt(f *testing.F) {
	for _, s := range []string{`1`, `"12"`, `null`, `""`, `"x"`, `1e3`, `-5`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var n flexInt
		_ = n.UnmarshalJSON(b)
	})
}

// FuzzParseMessage: no topic or payload crashes the MQTT reader, and what
// it accepts names the camera of its topic in its envelope.
func FuzzParseMessage(f *testing.F) {
	f.Add("cam1/device/message/up/ivs_result", []byte(`{"id":"1","sn":"cam1","name":"ivs_result","version":"1.0","payload":{"type":"ivs_result","body":{"PlateResult":{"license":"5LqsQTEyMzQ1","plateid":1}}}}`))
	f.Add("cam1/device/message/down/gpio_out/reply", []byte(`{"id":"x","sn":"cam1","payload":{"body":{}}}`))
	f.Add("a/b/c", []byte(`{}`))
	// A picture in imageFile, in imagePath (base64 of JPEG bytes), and
	// imagePath naming the camera's own file; and neither base64.
	f.Add("cam1/device/message/up/ivs_result", []byte(`{"id":"2","sn":"cam1","payload":{"body":{"PlateResult":{"license":"5LqsQTEyMzQ1","plateid":2,"imageFile":"/9j/4CBhIGpwZWcg/9k="}}}}`))
	f.Add("cam1/device/message/up/ivs_result", []byte(`{"id":"3","sn":"cam1","payload":{"body":{"PlateResult":{"license":"5LqsQTEyMzQ1","plateid":3,"imagePath":"/9j/4CBhIGpwZWcg/9k="}}}}`))
	f.Add("cam1/device/message/up/ivs_result", []byte(`{"id":"4","sn":"cam1","payload":{"body":{"license":"5LqsQTEyMzQ1","imagePath":"L21tYy9WeklQQ0NhcC8xLmpwZw=="}}}`))
	f.Add("cam1/device/message/up/ivs_result", []byte(`{"id":"5","sn":"cam1","payload":{"body":{"PlateResult":{"imagePath":"not base64!","imageFile":"%%"}}}}`))
	f.Fuzz(func(t *testing.T, topic string, payload []byte) {
		sn, _, _, env, err := parseMessage(topic, payload)
		if err != nil {
			return
		}
		if sn == "" || env.SN != sn || !strings.HasPrefix(topic, sn+"/device/message/") {
			t.Fatalf("accepted %q with envelope serial %q", topic, env.SN)
		}
		r, err := parseIVSResult(sn, env.Payload.Body)
		if err == nil && r.Serial != sn {
			t.Fatalf("read of %q names %q", sn, r.Serial)
		}
		if len(r.Image) > park.MaxImage {
			t.Fatalf("a picture of %d bytes decoded, at most %d are kept", len(r.Image), park.MaxImage)
		}
	})
}
