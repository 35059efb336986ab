// Package toptest is a Taobao Open Platform gateway for tests: a real HTTP
// server on loopback that checks each call's signature and timestamp the
// way the gateway does, records it, and answers as the test scripts it
// (success, an isp or isv error, a rate limit, a hang).
package toptest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/dialect/top"
)

// Call is one call the gateway got.
type Call struct {
	Seq    int
	Method string
	AppKey string
	Params url.Values
	// Refused says why the gateway refused the call itself (a bad
	// signature, a stale timestamp, an unknown app); "" when it passed.
	Refused string
	Reply   Reply
}

// Param is one of the call's parameters.
func (c Call) Param(name string) string { return c.Params.Get(name) }

// Reply is how the gateway answers one call that passed its checks.
type Reply struct {
	MessageCode int    // the method's message_code (0: success)
	Message     string // its message
	// Error, when set, answers {"error_response":...} instead.
	Error *Error
	// Status, when not 0, answers that HTTP status with Body.
	Status int
	Body   string
	// Hang never answers: the caller's timeout ends the call.
	Hang bool
	// Wait delays the answer: a slow gateway, so that calls are still
	// being sent or queued when a test stops parkd.
	Wait time.Duration
}

// Error is an error_response.
type Error struct {
	Code    int
	Msg     string
	SubCode string
	SubMsg  string
}

// Common replies.
var (
	OK        = Reply{}
	ISP       = Reply{Error: &Error{Code: 15, Msg: "Remote service error", SubCode: "isp.remote-service-error", SubMsg: "服务暂不可用"}}
	ISV       = Reply{Error: &Error{Code: 50, Msg: "Remote service error", SubCode: "isv.invalid-parameter", SubMsg: "非法参数"}}
	RateLimit = Reply{Error: &Error{Code: 7, Msg: "App Call Limited", SubCode: "accesscontrol.limited-by-app-access-count", SubMsg: "调用频率超限"}}
)

// Gateway is the test gateway.
type Gateway struct {
	*httptest.Server
	// Now is the gateway's clock, for the ±10 minute timestamp check.
	Now func() time.Time

	mu      sync.Mutex
	secrets map[string]string // app key -> secret
	calls   []Call
	script  func(Call) Reply
	stop    chan struct{}
}

// New starts a gateway that knows the app keys and secrets given (app
// key, secret, app key, secret, ...) and answers success until Script
// says otherwise.
func New(t testing.TB, now func() time.Time, appSecrets ...string) *Gateway {
	g := &Gateway{Now: now, secrets: map[string]string{}, script: func(Call) Reply { return OK }, stop: make(chan struct{})}
	for i := 0; i+1 < len(appSecrets); i += 2 {
		g.secrets[appSecrets[i]] = appSecrets[i+1]
	}
	g.Server = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.Close)
	t.Cleanup(func() { close(g.stop) })
	return g
}

// URL of the gateway's router.
func (g *Gateway) Router() string { return g.Server.URL + "/router/rest" }

// Script sets how the following calls are answered.
func (g *Gateway) Script(f func(Call) Reply) {
	g.mu.Lock()
	g.script = f
	g.mu.Unlock()
}

// Calls returns the calls so far, in arrival order.
func (g *Gateway) Calls() []Call {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Call(nil), g.calls...)
}

func (g *Gateway) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(body))
	for k, v := range r.URL.Query() { // the gateway also takes parameters in the query
		if err == nil && form.Get(k) == "" {
			form[k] = v
		}
	}
	c := Call{Method: form.Get("method"), AppKey: form.Get("app_key"), Params: form}
	g.mu.Lock()
	secret, known := g.secrets[c.AppKey]
	g.mu.Unlock()
	switch {
	case err != nil:
		c.Refused = "body is not a form"
	case !known:
		c.Refused = "isv.appkey-not-exists"
	default:
		c.Refused = g.check(form, secret)
	}
	g.mu.Lock()
	c.Seq = len(g.calls) + 1
	if c.Refused == "" {
		c.Reply = g.script(c)
	} else {
		c.Reply = Reply{Error: &Error{Code: 25, Msg: "Invalid signature", SubCode: c.Refused}}
	}
	g.calls = append(g.calls, c)
	g.mu.Unlock()
	g.answer(w, r, c)
}

// check verifies the common parameters, the timestamp and the signature.
func (g *Gateway) check(form url.Values, secret string) string {
	for _, k := range []string{"method", "app_key", "timestamp", "v", "sign_method", "sign"} {
		if form.Get(k) == "" {
			return "isv.missing-parameter:" + k
		}
	}
	if form.Get("v") != "2.0" || form.Get("format") != "json" {
		return "isv.invalid-parameter:v-or-format"
	}
	at, err := top.ParseTimestamp(form.Get("timestamp"))
	if err != nil {
		return "isv.invalid-timestamp"
	}
	if d := g.Now().Sub(at); d > 10*time.Minute || d < -10*time.Minute {
		return "isv.invalid-timestamp"
	}
	p := map[string]string{}
	for k := range form {
		p[k] = form.Get(k)
	}
	want, err := top.Sign(form.Get("sign_method"), secret, p)
	if err != nil || want != form.Get("sign") {
		return "isv.invalid-signature"
	}
	return ""
}

func (g *Gateway) answer(w http.ResponseWriter, r *http.Request, c Call) {
	rp := c.Reply
	if rp.Wait > 0 {
		select {
		case <-time.After(rp.Wait):
		case <-r.Context().Done():
			return
		case <-g.stop:
			return
		}
	}
	switch {
	case rp.Hang:
		select {
		case <-r.Context().Done():
		case <-g.stop:
		}
		return
	case rp.Status != 0:
		w.WriteHeader(rp.Status)
		io.WriteString(w, rp.Body)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	if e := rp.Error; e != nil {
		fmt.Fprintf(w, `{"error_response":{"code":%d,"msg":%q,"sub_code":%q,"sub_msg":%q,"request_id":"test"}}`,
			e.Code, e.Msg, e.SubCode, e.SubMsg)
		return
	}
	msg := rp.Message
	if msg == "" {
		msg = "success"
	}
	fmt.Fprintf(w, `{"%s_response":{"message_code":%d,"message":%q,"request_id":"test"}}`,
		strings.ReplaceAll(c.Method, ".", "_"), rp.MessageCode, msg)
}
