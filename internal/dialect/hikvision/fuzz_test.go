package hikvision

import (
	"bytes"
	"os"
	"testing"
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
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		_, _, _ = eventDoc(ct, bytes.NewReader(body))
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
