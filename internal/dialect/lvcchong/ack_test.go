package lvcchong

import "testing"

// TestCallbackAcknowledged: only a reply that says success without
// contradicting itself ends the callback's retries; a reply that says
// both (success false with code 0, a key named twice) is retried, as a
// callback taken for delivered is lost to the app for good.
func TestCallbackAcknowledged(t *testing.T) {
	for body, want := range map[string]bool{
		`{"success":true}`:                 true,
		`{"success": true, "data": null}`:  true,
		`{"code":0}`:                       true,
		`{"code":"0","error":""}`:          true,
		`{"success":true,"code":0}`:        true,
		`{"success":false,"code":0}`:       false,
		`{"success":true,"code":"-1"}`:     false,
		`{"success":false,"success":true}`: false,
		`{"code":1,"code":0}`:              false,
		`{"Success":false,"success":true}`: false,
		`{"success":false}`:                false,
		`{"code":"-1","error":"系统错误"}`:     false,
		`[]`:                               false,
		``:                                 false,
	} {
		if got, _ := (Reports{}).Judge(200, []byte(body)); got != want {
			t.Errorf("%s: acknowledged %v, want %v", body, got, want)
		}
	}
	if ok, _ := (Reports{}).Judge(500, []byte(`{"success":true}`)); ok {
		t.Error("a 500 acknowledged")
	}
}

// TestCallbackJudgeSaysWhy: a 2xx whose body does not say success is
// refused naming the reply the app must give, so the operator can tell
// the app; a 500 carrying the success body is refused for its status,
// saying so; a plain error status says why itself.
func TestCallbackJudgeSaysWhy(t *testing.T) {
	const want = `reply is not {"success":true} or {"code":0}, with nothing saying otherwise`
	for _, tc := range []struct {
		status int
		body   string
		ok     bool
		why    string
	}{
		{200, `{"success":true}`, true, ""},
		{201, `{"code":0}`, true, ""},
		{200, `{"success":false,"code":0}`, false, want},
		{200, `{"code":"-1","error":"系统错误"}`, false, want},
		{200, `ok`, false, want},
		{204, ``, false, want},
		{500, `{"success":true}`, false, "the success reply acknowledges only with a 2xx status, not HTTP 500"},
		{500, `{"success":false}`, false, ""},
		{502, `bad gateway`, false, ""},
	} {
		ok, why := (Reports{}).Judge(tc.status, []byte(tc.body))
		if ok != tc.ok || why != tc.why {
			t.Errorf("%d %s: %v %q, want %v %q", tc.status, tc.body, ok, why, tc.ok, tc.why)
		}
	}
}
