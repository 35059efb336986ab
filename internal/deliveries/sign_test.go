package deliveries_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/park"
)

// The Standard Webhooks reference example (its specification and
// libraries test against it).
const (
	refSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	refMsgID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	refTimestamp = "1614265330"
	refPayload   = `{"test": 2432232314}`
	refSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

// referenceSign is the scheme as the specification states it, written
// here without the package's code: HMAC-SHA256 keyed with the base64
// decoding of the secret after "whsec_", over "id.timestamp.body",
// base64, prefixed "v1,".
func referenceSign(t *testing.T, secret, id, timestamp string, body []byte) string {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(secret[len("whsec_"):])
	if err != nil {
		t.Fatalf("secret %q: %v", secret, err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + timestamp + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// verifies reports whether a webhook-signature header holds a signature
// that secret made of the message, as a receiver checks it: any of the
// space-separated signatures.
func verifies(t *testing.T, secret, id, timestamp string, body []byte, header string) bool {
	t.Helper()
	want := referenceSign(t, secret, id, timestamp, body)
	for _, sig := range strings.Fields(header) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return true
		}
	}
	return false
}

func TestSignReferenceVector(t *testing.T) {
	t.Run("TheTestsMethod", func(t *testing.T) {
		if got := referenceSign(t, refSecret, refMsgID, refTimestamp, []byte(refPayload)); got != refSignature {
			t.Fatalf("the test's own computation gives %s, the specification %s", got, refSignature)
		}
	})
	t.Run("Sign", func(t *testing.T) {
		got, err := deliveries.Sign(refSecret, refMsgID, refTimestamp, []byte(refPayload))
		if err != nil || got != refSignature {
			t.Fatalf("Sign: %q, %v; want %q", got, err, refSignature)
		}
	})
	t.Run("ErrSecret", func(t *testing.T) {
		for _, s := range []string{"", "whsec_", "whsec_not base64!", "whsec_%%%%"} {
			if got, err := deliveries.Sign(s, refMsgID, refTimestamp, []byte(refPayload)); err == nil {
				t.Errorf("Sign with secret %q: %q, want an error", s, got)
			}
		}
	})
}

// TestNativeRequest: the request of an attempt carries the report's event
// id, the attempt's time and a signature a receiver verifies with the
// reference method; while a secret is rotated, one per secret.
func TestNativeRequest(t *testing.T) {
	at := time.Date(2021, 3, 2, 3, 2, 10, 0, time.UTC) // 1614654130
	rep := &park.Report{ID: refMsgID, Kind: park.ReportLotInfo, LotCode: "L1", At: time.Date(2021, 3, 2, 3, 0, 0, 0, time.UTC),
		Data: json.RawMessage(`{"lot":{"code":"L1"}}`)}
	newSecret := deliveries.NewSecret()
	for _, c := range []struct {
		name             string
		secret, previous string
	}{
		{"OneSecret", refSecret, ""},
		{"Rotating", newSecret, refSecret},
	} {
		t.Run(c.name, func(t *testing.T) {
			sub := &park.Subscription{ID: "s1", Secret: c.secret, Previous: c.previous}
			req, err := deliveries.Native{}.Request(context.Background(), &deliveries.Attempt{Report: rep, Subscription: sub, At: at}, "https://crm.example.com/hook")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(req.Body)
			if req.Method != "POST" || req.URL.String() != "https://crm.example.com/hook" || req.Header.Get("Content-Type") != "application/json" {
				t.Errorf("request %s %s, content type %q", req.Method, req.URL, req.Header.Get("Content-Type"))
			}
			if got := req.Header.Get("webhook-id"); got != refMsgID {
				t.Errorf("webhook-id %q, want the report's id %q", got, refMsgID)
			}
			if got := req.Header.Get("webhook-timestamp"); got != strconv.FormatInt(at.Unix(), 10) || got != "1614654130" {
				t.Errorf("webhook-timestamp %q, want 1614654130 (the attempt's time)", got)
			}
			if want := `{"type":"lot_info","timestamp":"2021-03-02T03:00:00Z","data":{"lot":{"code":"L1"}}}`; string(body) != want {
				t.Errorf("body %s, want %s", body, want)
			}
			sigs := strings.Fields(req.Header.Get("webhook-signature"))
			for _, secret := range []string{c.secret, c.previous} {
				if secret != "" && !verifies(t, secret, refMsgID, "1614654130", body, req.Header.Get("webhook-signature")) {
					t.Errorf("signature %v does not verify with secret %s", sigs, secret)
				}
			}
			want := 1
			if c.previous != "" {
				want = 2
			}
			if len(sigs) != want {
				t.Errorf("%d signatures, want %d", len(sigs), want)
			}
			if verifies(t, deliveries.NewSecret(), refMsgID, "1614654130", body, req.Header.Get("webhook-signature")) {
				t.Error("a stranger's secret verifies")
			}
		})
	}
}

func TestNativeJudge(t *testing.T) {
	for status, want := range map[int]bool{200: true, 201: true, 202: true, 204: true, 299: true,
		100: false, 199: false, 300: false, 302: false, 304: false, 400: false, 404: false, 410: false, 429: false, 500: false, 503: false} {
		if got, why := (deliveries.Native{}).Judge(status, nil); got != want || why != "" {
			t.Errorf("status %d acknowledged: %v (%q), want %v, the status saying why", status, got, why, want)
		}
	}
}

func TestNewSecret(t *testing.T) {
	a, b := deliveries.NewSecret(), deliveries.NewSecret()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, "whsec_"))
	if !strings.HasPrefix(a, "whsec_") || err != nil || len(key) != 24 || a == b {
		t.Errorf("secrets %q and %q: want whsec_ and 24 random bytes in base64", a, b)
	}
}
