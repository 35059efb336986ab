package lvcchong

import (
	"net/url"
	"strings"
	"testing"

	"parkd/internal/park"
)

// Every core error code has a row, in Chinese; only an expired or missing
// token is 10001.
func TestEveryCodeMapped(t *testing.T) {
	for _, c := range park.Codes() {
		e, ok := coreErrors[c]
		if !ok {
			t.Errorf("%s has no row", c)
			continue
		}
		if (e.Code == codeToken) != (c == park.EUnauthorized) || !hasHan(e.Msg) {
			t.Errorf("%s: %+v", c, e)
		}
	}
	if w := word(park.Invalid("connector", "bad")); w.Code != codeOther || !strings.Contains(w.Msg, "portNum") {
		t.Errorf("invalid connector worded %+v", w)
	}
	// An end before its start names the vendor's end parameter.
	if w := word(park.Invalid("updated_to", "must be after updated_from").Because(park.ReasonOrder)); w.Msg != "参数错误：参数endTime必须晚于开始时间" {
		t.Errorf("an inverted window worded %q", w.Msg)
	}
	// A range the core gives is worded with its numbers, in the vendor's field name.
	if w := word(park.Invalid("prepaid", "needs at least 100").Because(park.ReasonRange, "100", "10000")); w.Msg != "参数错误：参数payMoney必须在100到10000之间" {
		t.Errorf("a range worded %q", w.Msg)
	}
	// A control character is named with its byte, in Chinese, not the
	// core's English (deviceId "CAB\x1b": ESC is byte 3).
	if w := word(park.CheckText("charger_id", "CAB\x1b")); w.Msg != "参数错误：参数deviceId不能含控制字符U+001B（第3字节）" {
		t.Errorf("a control character worded %q", w.Msg)
	}
}

// FuzzForm: any form is refused or decoded; integers come back in range.
func FuzzForm(f *testing.F) {
	for _, s := range []string{"deviceId=CAB1&portNum=3&payMoney=300", "portNum=-1", "a=1&a=2", "payMoney=99999999999999999999", "%zz", "portNum=1e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		form, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		form, err = checkForm(form, []string{"deviceId", "portNum", "payMoney", "workTime"})
		if err != nil {
			if _, ok := err.(*apiError); !ok {
				t.Fatalf("error %v is not the vendor's", err)
			}
			return
		}
		if n, err := intParam(form, "portNum", 1, 64, 0); err == nil && (n < 0 || n > 64) {
			t.Fatalf("portNum %d out of range", n)
		}
	})
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}
