package deliveries

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"parkd/internal/core"
)

// Native is parkd's own delivery format, the Standard Webhooks scheme
// (v1): the report as {"type","timestamp","data"}, with the headers
// webhook-id (the report's event id, the same on every attempt),
// webhook-timestamp (this attempt, Unix seconds) and webhook-signature
// ("v1," + base64 HMAC-SHA256 of "id.timestamp.body" under the
// subscription's secret; while a secret is rotated, one signature per
// secret, separated by a space). Any 2xx acknowledges; a sensorless ask
// is paid only by a 2xx saying {"paid": true} (Paid).
type Native struct{}

type nativeBody struct {
	Type      string          `json:"type"`
	Timestamp time.Time       `json:"timestamp"` // when it happened
	Data      json.RawMessage `json:"data"`
}

// Request builds a signed attempt.
func (Native) Request(ctx context.Context, a *Attempt, url string) (*http.Request, error) {
	body, err := json.Marshal(nativeBody{Type: a.Report.Kind, Timestamp: a.Report.At, Data: a.Report.Data})
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(a.At.Unix(), 10)
	var sigs []string
	for _, secret := range []string{a.Subscription.Secret, a.Subscription.Previous} {
		if secret == "" {
			continue
		}
		sig, err := Sign(secret, a.Report.ID, ts, body)
		if err != nil {
			return nil, err
		}
		sigs = append(sigs, sig)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", a.Report.ID)
	req.Header.Set("webhook-timestamp", ts)
	req.Header.Set("webhook-signature", strings.Join(sigs, " "))
	return req, nil
}

// Judge: any 2xx acknowledges, whatever its body; any other status says
// why itself.
func (Native) Judge(status int, _ []byte) (bool, string) { return status >= 200 && status < 300, "" }

// Paid: a 2xx whose body is a JSON object with "paid": true, said once.
// A 2xx without it is refused naming it, an empty or blank one (a
// receiver that takes every report with a 204) saying so, with its status, so that the
// operator does not take it for the partner's refusal; another status
// says why itself.
func (Native) Paid(status int, body []byte) (bool, string) {
	if status < 200 || status > 299 {
		return false, ""
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return false, "reply is empty (" + strings.TrimSpace(strconv.Itoa(status)+" "+http.StatusText(status)) + `), not {"paid":true}`
	}
	var a struct {
		Paid *bool `json:"paid"`
	}
	if json.Unmarshal(body, &a) != nil || a.Paid == nil || !*a.Paid || core.RepeatedKey(body) != "" {
		return false, `reply is not {"paid":true}`
	}
	return true, ""
}

// SecretPrefix marks a Standard Webhooks secret.
const SecretPrefix = "whsec_"

// NewSecret returns a fresh signing secret: whsec_ and 24 random bytes in
// base64.
func NewSecret() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return SecretPrefix + base64.StdEncoding.EncodeToString(b[:])
}

// Sign is one Standard Webhooks v1 signature of a message.
func Sign(secret, id, timestamp string, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || len(key) == 0 {
		return "", errors.New("deliveries: a signing secret is whsec_ and base64")
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}
