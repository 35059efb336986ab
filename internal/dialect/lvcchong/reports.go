package lvcchong

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"parkd/internal/core"
	"parkd/internal/deliveries"
	"parkd/internal/park"
)

// Reports is the end-of-charge callback (充电结束回调) to an app's URL: a
// JSON POST of the order (Order's fields: orderNum, deviceId, portNum,
// payPrice, totalElectricMoney, totalServiceFee, startTime, endTime in ms,
// endReason, ...) plus eventId, the report's id that every attempt
// carries; header sign is hex HMAC-SHA256 of the body under the app's
// secret. Acknowledged by a 2xx with {"success":true} or {"code":0} (or
// "0"), and nothing saying otherwise. The vendor does not publish the callback's wire format; this is
// parkd's, documented in docs/charging.md. Only charge_end is shaped.
type Reports struct{}

var _ deliveries.Formatter = Reports{}
var _ deliveries.Carrier = Reports{}

// Carries: only charge_end is shaped.
func (Reports) Carries(kind string) bool { return kind == park.ReportChargeEnd }

// Callback is the callback's body.
type Callback struct {
	EventID string `json:"eventId"`
	Order
}

// Sign is the callback's signature of body.
func Sign(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Request builds the signed POST.
func (Reports) Request(ctx context.Context, a *deliveries.Attempt, to string) (*http.Request, error) {
	if a.Report.Kind != park.ReportChargeEnd || a.Data == nil || a.Data.Charge == nil {
		return nil, errors.New("lvcchong reports carry only charge_end")
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Callback{EventID: a.Report.ID, Order: OrderOf(a.Data.Charge)}); err != nil {
		return nil, err
	}
	body := bytes.TrimRight(b.Bytes(), "\n")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, to, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("sign", Sign(body, a.Partner.Secret))
	return req, nil
}

// Judge: a 2xx whose body says success (success true, code 0) and
// nothing against it: a reply taken for an acknowledgement ends the
// retries, and the app never hears of the order again, so one saying
// both (success false with code 0, a key named twice) is retried.
// A refused reply says the reply wanted (a 2xx whose body does not say
// success, or the success body with another status), for the operator
// to tell the app; an error status with its own body says why itself.
func (Reports) Judge(status int, body []byte) (bool, string) {
	success := saysSuccess(body)
	switch {
	case status < 200 || status > 299:
		if success {
			return false, fmt.Sprintf("the success reply acknowledges only with a 2xx status, not HTTP %d", status)
		}
		return false, ""
	case !success:
		return false, "reply is not " + successReplies + ", with nothing saying otherwise"
	}
	return true, ""
}

// successReplies are the bodies that acknowledge a callback, as a reason
// names them.
const successReplies = `{"success":true} or {"code":0}`

// saysSuccess: the body says success and nothing against it.
func saysSuccess(body []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil || core.RepeatedKey(body) != "" {
		return false
	}
	success, hasSuccess := m["success"]
	code, hasCode := m["code"]
	if !hasSuccess && !hasCode {
		return false
	}
	if hasSuccess && strings.TrimSpace(string(success)) != "true" {
		return false
	}
	c := strings.TrimSpace(string(code))
	return !hasCode || c == "0" || c == `"0"`
}
