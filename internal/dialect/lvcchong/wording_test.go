package lvcchong_test

import (
	"net/url"
	"testing"
)

// TestParameterRefusalsOneWording: an app reading the errors sees one
// form for every refused parameter, 参数错误：<what>, whether the dialect
// found it (a port no device has, a form key twice) or the core did (a
// port past this cabinet's ten): it was 参数portNum必须是正整数 in one
// place and 参数错误：参数portNum必须在1到10之间 in another.
func TestParameterRefusalsOneWording(t *testing.T) {
	r := newRig(t)
	tok := r.token(t)
	cab := func(kv ...string) url.Values {
		v := url.Values{"deviceId": {"CAB1"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	dup := cab("portNum", "1")
	dup.Add("portNum", "2")
	for _, c := range []struct {
		name, op, token string
		form            url.Values
		want            string
	}{
		// Found by the dialect.
		{"port no device has", "charge", tok, cab("portNum", "0"), "参数错误：参数portNum必须是正整数"},
		{"unknown key", "charge", tok, cab("portNum", "1", "color", "red"), "参数错误：未知参数color"},
		{"key twice", "charge", tok, dup, "参数错误：参数portNum重复"},
		{"blank amount", "charge", tok, cab("portNum", "1", "payMoney", " "), "参数错误：参数payMoney不能为空，不预付请不要传此参数"},
		{"minutes past a week", "charge", tok, cab("portNum", "1", "workTime", "10081"), "参数错误：参数workTime必须是0到10080之间的整数"},
		{"no device", "deviceStatus", tok, url.Values{}, "参数错误：缺少参数deviceId或qcode"},
		{"two devices", "deviceStatus", tok, url.Values{"deviceId": {"CAB1"}, "qcode": {"FAR1"}}, "参数错误：deviceId与qcode不一致，请只传其中一个"},
		{"no secret", "getToken", "", url.Values{"appId": {"app1"}}, "参数错误：缺少参数appId或appSecret"},
		{"in the query", "getPriceStandard?deviceFamily=1", tok, nil, "参数错误：参数须放在表单中：deviceFamily"},
		// Found by the core: CAB1 has ten ports.
		{"port past the cabinet's", "charge", tok, cab("portNum", "11", "payMoney", "300"), "参数错误：参数portNum必须在1到10之间"},
	} {
		out := r.post(t, c.op, c.token, c.form)
		if out["success"] != false || out["code"] != "-1" || out["error"] != c.want {
			t.Errorf("%s: reply %v, want code -1 and error %q", c.name, out, c.want)
		}
	}
}
