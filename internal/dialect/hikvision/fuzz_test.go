package hikvision

import (
	"bytes"
	"os"
	"testing"

	"parkd/internal/park"
)

// FuzzParseAlert: no document crashes the parser; what it accepts names
// a camera within the registry's bounds.
func FuzzParseAlert(f *testing.F) {
	if b, err := os.ReadFile("testdata/anpr.xml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`<EventNotificationAlert><eventType>ANPR</eventType><macAddress>x</macAddress></EventNotificationAlert>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		r, err := parseAlert(doc)
		if err != nil {
			return
		}
		if r.Serial == "" || len(r.Serial) > 64 || len(r.UUID) > 56 {
			t.Fatalf("accepted %+v", r)
		}
	})
}

// FuzzEventDoc: no multipart body crashes the reader.
func FuzzEventDoc(f *testing.F) {
	f.Add("multipart/form-data; boundary=xyz", []byte("--xyz\r\nContent-Type: application/xml\r\n\r\n<a/>\r\n--xyz--\r\n"))
	f.Add("application/xml", []byte("<a/>"))
	// A PNG part declared JPEG, and text declared a PNG: the reader keeps
	// a picture part's bytes whatever they are (devices types or refuses them).
	f.Add("multipart/form-data; boundary=xyz", []byte("--xyz\r\nContent-Type: application/xml\r\n\r\n<a/>\r\n--xyz\r\nContent-Type: image/jpeg\r\n\r\n\x89PNG\r\n\x1a\n\r\n--xyz--\r\n"))
	f.Add("multipart/form-data; boundary=xyz", []byte("--xyz\r\nContent-Type: image/png\r\n\r\nnot a picture\r\n--xyz\r\nContent-Type: text/xml\r\n\r\n<a/>\r\n--xyz--\r\n"))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		_, pic, err := eventDoc(ct, bytes.NewReader(body))
		if err == nil && len(pic) > park.MaxImage {
			t.Fatalf("a picture of %d bytes, over park.MaxImage", len(pic))
		}
	})
}

// FuzzDigestChallenge: no challenge crashes the Digest answer.
func FuzzDigestChallenge(f *testing.F) {
	f.Add(`Digest qop="auth", realm="IP Camera", nonce="abc", opaque="x"`)
	f.Add(`Digest realm="r", nonce="n", algorithm=SHA-256`)
	f.Add(`Digest realm="`)
	f.Fuzz(func(t *testing.T, chal string) {
		_, _ = digest(chal, "admin", "pw", "PUT", "/ISAPI/Parking/channels/1/barrierGate")
	})
}
