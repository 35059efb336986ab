package top

import (
	"encoding/json"
	"strings"

	"parkd/internal/core"
)

// reply is what a gateway answer means for a push.
type reply struct {
	ok           bool   // message_code 0
	gatewayError bool   // an error_response, read: its words say why
	retry        bool   // the platform's fault or a rate limit: try again later
	code         string // error_response code, or the message_code
	subCode      string
	message      string
	rateLimit    bool
}

// errorResponse is the gateway's error envelope.
type errorResponse struct {
	Code    json.Number `json:"code"`
	Msg     string      `json:"msg"`
	SubCode string      `json:"sub_code"`
	SubMsg  string      `json:"sub_msg"`
}

// parseReply reads a gateway answer: {"<method>_response":{"message_code":0,
// "message":...}} is success, {"error_response":{...}} an error; anything
// else (an HTTP error, a body that is not the gateway's) is retried, as
// is one with a key given twice or two envelopes: it reads either way,
// and taking it as delivered could lose the change at the channel.
func parseReply(status int, body []byte) reply {
	var env map[string]json.RawMessage
	if status != 200 || json.Unmarshal(body, &env) != nil || len(env) != 1 || core.RepeatedKey(body) != "" {
		return reply{retry: true}
	}
	if raw, ok := env["error_response"]; ok {
		var e errorResponse
		if json.Unmarshal(raw, &e) != nil {
			return reply{retry: true}
		}
		r := reply{gatewayError: true, code: e.Code.String(), subCode: e.SubCode, message: strings.TrimSpace(e.Msg + " " + e.SubMsg)}
		r.rateLimit = rateLimited(r.code, e.SubCode)
		// isv.*, or the gateway's own code for a malformed call without a
		// sub_code: the caller's data is wrong; sending it again unchanged
		// fails again. Everything else (isp.*, rate limits, a refusal of
		// the call's credentials or permission, unknown) may pass later.
		r.retry = r.rateLimit || credentialsRefused(r.code, e.SubCode) ||
			!strings.HasPrefix(e.SubCode, "isv.") && !(e.SubCode == "" && malformedCall(r.code))
		return r
	}
	for k, raw := range env {
		if !pushResponse(k) {
			continue // another API's answer: this change was not taken
		}
		var m struct {
			MessageCode *json.Number `json:"message_code"`
			Message     string       `json:"message"`
		}
		if json.Unmarshal(raw, &m) != nil || m.MessageCode == nil {
			return reply{retry: true}
		}
		r := reply{code: m.MessageCode.String(), message: m.Message}
		r.ok = r.code == "0"
		r.retry = !r.ok
		return r
	}
	return reply{retry: true}
}

// rateLimited: the gateway refused the call for its rate (code 7, App
// Call Limited; the access-control sub-codes), not its data. Only the
// rate's own sub-codes count: a sub-code that merely holds "limit" names
// a field (isv.invalid-parameter:mileage_limit), the caller's fault.
func rateLimited(code, subCode string) bool {
	return code == "7" || strings.HasPrefix(subCode, "accesscontrol.") || strings.Contains(subCode, "call-limited")
}

// credentialsRefused: the gateway refused the call's signature, app key
// or timestamp, or the app's permission to the API, not its data. The
// channel's secret or sign method changed at the gateway before the
// operator put it in parkd, parkd's clock is off, or the API is not yet
// granted: each attempt is signed and stamped anew, so once the operator
// mends it the same change passes, and dropping it would lose it.
func credentialsRefused(code, subCode string) bool {
	switch subCode {
	case "isv.invalid-signature", "isv.appkey-not-exists", "isv.invalid-timestamp":
		return true
	}
	// invalid signature, app key, timestamp; an app not (yet) granted the API
	return code == "25" || code == "29" || code == "31" || code == "11"
}

// malformedCall: the gateway's own refusal of the call's shape, which it
// words with a code and no sub_code (a parameter missing or invalid, a
// method, format or version it does not take): sent again unchanged it
// fails again, the caller's fault as an isv.* is.
func malformedCall(code string) bool {
	switch code {
	case "21", "22", "23", "24", "28", "30", "32", "33", "34", "40", "41", "43", "47":
		// missing method, invalid method, invalid format, missing
		// signature, missing app key, missing timestamp, missing version,
		// invalid version, unsupported version, missing arguments,
		// invalid arguments, parameter error, invalid encoding
		return true
	}
	return false
}

// pushResponse: k is the envelope of a call parkd pushes, the method's
// name with '_' for '.' and "_response".
func pushResponse(k string) bool {
	for _, m := range []string{MethodStoreModel, MethodStore, MethodModel, MethodVehicle, MethodStoreRule} {
		if k == strings.ReplaceAll(m, ".", "_")+"_response" {
			return true
		}
	}
	return false
}
