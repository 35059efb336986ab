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
