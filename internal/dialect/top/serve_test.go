package top_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"parkd/internal/dialect/top"
	"parkd/internal/park"
	"parkd/internal/rental"
)

// channelClient calls parkd as the channel does.
type channelClient struct {
	t      *testing.T
	url    string
	secret string
	now    func() time.Time
}

func newChannelServer(t *testing.T) (*channelBundle, *channelClient) {
	c := newChannel(t, top.SignHMACSHA256)
	tm := terms(300)
	tm.DailyRate = 20000
	_, err := c.Sys.Rental.PutStoreModel(c.Ctx, tm)
	must(t, err)
	_, err = c.Sys.Rental.PutVehicle(c.Ctx, rental.VehicleInput{Plate: "浙A12345", VIN: "LSVAU2180N2123456", StoreCode: "10001",
		ModelCode: "100001", Mileage: 12000})
	must(t, err)
	mux := http.NewServeMux()
	top.New(top.Config{Rental: c.Sys.Rental, Now: c.Clock.Now}).Mount(func(p string, h http.Handler) { mux.Handle(p, h) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return c, &channelClient{t: t, url: srv.URL + "/top/rental", secret: "helloworld-secret", now: c.Clock.Now}
}

// call signs and posts a call; edit may spoil it before it goes.
func (cc *channelClient) call(method string, params map[string]string, edit func(url.Values)) map[string]any {
	cc.t.Helper()
	p := map[string]string{"method": method, "app_key": "12345678", "timestamp": top.Timestamp(cc.now()), "v": "2.0",
		"sign_method": top.SignHMACSHA256, "format": "json"}
	for k, v := range params {
		p[k] = v
	}
	sign, err := top.Sign(top.SignHMACSHA256, cc.secret, p)
	must(cc.t, err)
	form := url.Values{}
	for k, v := range p {
		form.Set(k, v)
	}
	form.Set("sign", sign)
	if edit != nil {
		edit(form)
	}
	resp, err := http.Post(cc.url, "application/x-www-form-urlencoded;charset=utf-8", strings.NewReader(form.Encode()))
	must(cc.t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		cc.t.Fatalf("reply is not JSON: %s", body)
	}
	return out
}

// result is a successful reply's result; errSub an error's sub_code.
func result(t *testing.T, method string, reply map[string]any) map[string]any {
	t.Helper()
	r, ok := reply[strings.ReplaceAll(method, ".", "_")+"_response"].(map[string]any)
	if !ok || r["message_code"] != float64(0) {
		t.Fatalf("reply %v, want success", reply)
	}
	return r["result"].(map[string]any)
}

func errSub(reply map[string]any) string {
	e, _ := reply["error_response"].(map[string]any)
	s, _ := e["sub_code"].(string)
	return s
}

// errMsg is an error's sub_msg.
func errMsg(reply map[string]any) string {
	e, _ := reply["error_response"].(map[string]any)
	s, _ := e["sub_msg"].(string)
	return s
}

func TestChannelCalls(t *testing.T) {
	c, cc := newChannelServer(t)
	// 17:00 Beijing time tomorrow for 49 hours: three started days at 200.00.
	pickup := c.Clock.Now().Add(24 * time.Hour)
	times := map[string]string{"store_code": "10001", "vehicle_model_code": "100001", "pickup_time": top.Timestamp(pickup),
		"return_time": top.Timestamp(pickup.Add(49 * time.Hour))}

	terms := result(t, top.CallStoreModels, cc.call(top.CallStoreModels, map[string]string{"store_code": "10001"}, nil))
	list := terms["store_vehicle_model_info_list"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["vehicle_model_code"] != "100001" {
		t.Fatalf("terms %v", terms)
	}

	chk := result(t, top.CallOrderCheck, cc.call(top.CallOrderCheck, times, nil))
	if chk["available"] != true || chk["total_amount"] != "600.00" || chk["days"] != float64(3) {
		t.Fatalf("check %v, want available at 600.00 for 3 days", chk)
	}

	sub := map[string]string{"out_order_id": "FZ1"}
	for k, v := range times {
		sub[k] = v
	}
	o := result(t, top.CallOrderSubmit, cc.call(top.CallOrderSubmit, sub, nil))
	if o["order_status"] != float64(111) || o["plate_no"] != "浙A12345" || o["total_amount"] != "600.00" {
		t.Fatalf("submit %v", o)
	}
	again := result(t, top.CallOrderSubmit, cc.call(top.CallOrderSubmit, sub, nil))
	if again["order_id"] != o["order_id"] {
		t.Fatalf("the same out_order_id again made order %v, want %v", again["order_id"], o["order_id"])
	}
	// The same out_order_id for another time is refused, naming it.
	moved := map[string]string{}
	for k, v := range sub {
		moved[k] = v
	}
	moved["pickup_time"] = top.Timestamp(pickup.Add(time.Hour))
	if r := cc.call(top.CallOrderSubmit, moved, nil); errSub(r) != "isv.invalid-parameter" ||
		errMsg(r) != "幂等键冲突:该订单号已用于另一门店、车型或时间的订单 (out_order_id)" {
		t.Fatalf("FZ1 again for another pick-up: %v, want refused naming out_order_id", r)
	}
	sub["out_order_id"] = "FZ2"
	// A business refusal has the shape of seed 003's exception example:
	// code 50, "Remote service error", the isv sub-code.
	r := cc.call(top.CallOrderSubmit, sub, nil)
	if e, _ := r["error_response"].(map[string]any); errSub(r) != "isv.vehicle-unavailable" ||
		e["code"] != float64(50) || e["msg"] != "Remote service error" {
		t.Fatalf("a second order for the only car: %v, want code 50 Remote service error isv.vehicle-unavailable", r)
	}
	q := result(t, top.CallOrderQuery, cc.call(top.CallOrderQuery, map[string]string{"out_order_id": "FZ1"}, nil))
	if q["order_status"] != float64(111) {
		t.Fatalf("query %v", q)
	}
	x := result(t, top.CallOrderCancel, cc.call(top.CallOrderCancel, map[string]string{"out_order_id": "FZ1"}, nil))
	if x["order_status"] != float64(131) {
		t.Fatalf("cancel %v", x)
	}
	if o, _ := c.Sys.Rental.ChannelOrder(c.Ctx, "12345678", "FZ1"); o.Status != park.OrderCancelled {
		t.Fatalf("order %+v, want cancelled", o)
	}
	// The cancel sent again (its reply lost) answers the cancelled order.
	x = result(t, top.CallOrderCancel, cc.call(top.CallOrderCancel, map[string]string{"out_order_id": "FZ1"}, nil))
	if x["order_status"] != float64(131) || x["out_order_id"] != "FZ1" {
		t.Fatalf("cancel again %v, want order FZ1 with order_status 131", x)
	}
	if s := errSub(cc.call(top.CallOrderQuery, map[string]string{"out_order_id": "nope"}, nil)); s != "isv.order-not-exists" {
		t.Fatalf("unknown order: %q", s)
	}
}

func TestChannelCallsRefused(t *testing.T) {
	c, cc := newChannelServer(t)
	p := map[string]string{"store_code": "10001"}
	for _, tc := range []struct {
		name string
		edit func(url.Values)
		want string
	}{
		{"forged sign", func(f url.Values) { f.Set("sign", strings.Repeat("A", 64)) }, "isv.invalid-signature"},
		{"changed after signing", func(f url.Values) { f.Set("store_code", "10002") }, "isv.invalid-signature"},
		{"stale", func(f url.Values) { f.Set("timestamp", top.Timestamp(c.Clock.Now().Add(-11*time.Minute))) }, "isv.invalid-timestamp"},
		{"future", func(f url.Values) { f.Set("timestamp", top.Timestamp(c.Clock.Now().Add(11*time.Minute))) }, "isv.invalid-timestamp"},
		{"bad timestamp", func(f url.Values) { f.Set("timestamp", "yesterday") }, "isv.invalid-timestamp"},
		{"unknown app", func(f url.Values) { f.Set("app_key", "999") }, "isv.appkey-not-exists"},
		{"no sign", func(f url.Values) { f.Del("sign") }, "isv.missing-parameter"},
		{"xml", func(f url.Values) { f.Set("format", "xml") }, "isv.invalid-format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if s := errSub(cc.call(top.CallStoreModels, p, tc.edit)); s != tc.want {
				t.Fatalf("sub_code %q, want %q", s, tc.want)
			}
		})
	}
	// Signed with another secret.
	other := *cc
	other.secret = "not-the-secret"
	if s := errSub(other.call(top.CallStoreModels, p, nil)); s != "isv.invalid-signature" {
		t.Fatalf("another secret: %q", s)
	}
	// A store the channel does not sell, and bad order input.
	if s := errSub(cc.call(top.CallStoreModels, map[string]string{"store_code": "20002"}, nil)); s != "isv.store-not-exists" {
		t.Fatalf("a store not sold: %q", s)
	}
	bad := map[string]string{"store_code": "10001", "vehicle_model_code": "100001", "pickup_time": top.Timestamp(c.Clock.Now().Add(time.Hour)),
		"return_time": top.Timestamp(c.Clock.Now())}
	if s := errSub(cc.call(top.CallOrderCheck, bad, nil)); s != "isv.invalid-parameter" {
		t.Fatalf("return before pick-up: %q", s)
	}
	if s := errSub(cc.call("alitrip.rentcar.unknown", p, nil)); s != "isv.invalid-method" {
		t.Fatalf("unknown method: %q", s)
	}
}

// TestChannelCallsMissingParameter: a correctly signed call without one
// of its own parameters is told which, as a missing common one is, not
// that an empty store is not sold.
func TestChannelCallsMissingParameter(t *testing.T) {
	c, cc := newChannelServer(t)
	order := map[string]string{"store_code": "10001", "vehicle_model_code": "100001",
		"pickup_time": top.Timestamp(c.Clock.Now().Add(24 * time.Hour)), "return_time": top.Timestamp(c.Clock.Now().Add(48 * time.Hour))}
	without := func(m map[string]string, k string) map[string]string {
		out := map[string]string{}
		for kk, v := range m {
			if kk != k {
				out[kk] = v
			}
		}
		return out
	}
	for _, tc := range []struct {
		method string
		params map[string]string
		want   string
	}{
		{top.CallStoreModels, map[string]string{}, "缺少参数 store_code"},
		{top.CallOrderCheck, without(order, "store_code"), "缺少参数 store_code"},
		{top.CallOrderCheck, without(order, "vehicle_model_code"), "缺少参数 vehicle_model_code"},
		{top.CallOrderCheck, without(order, "pickup_time"), "缺少参数 pickup_time"},
		{top.CallOrderSubmit, without(order, "return_time"), "缺少参数 return_time"},
		{top.CallOrderQuery, map[string]string{}, "缺少参数 out_order_id"},
	} {
		t.Run(tc.method+"/"+tc.want, func(t *testing.T) {
			reply := cc.call(tc.method, tc.params, nil)
			if s, m := errSub(reply), errMsg(reply); s != "isv.missing-parameter" || m != tc.want {
				t.Fatalf("%q %q, want isv.missing-parameter %q", s, m, tc.want)
			}
		})
	}
	// The same words as a missing common parameter.
	if m := errMsg(cc.call(top.CallStoreModels, map[string]string{"store_code": "10001"}, func(f url.Values) { f.Del("sign") })); m != "缺少参数 sign" {
		t.Fatalf("no sign: %q", m)
	}
}

func FuzzChannelCall(f *testing.F) {
	f.Add("method=alitrip.rentcar.order.check&app_key=12345678&timestamp=2026-11-23+15:00:00&sign_method=md5&sign=X")
	f.Add("%zz")
	f.Add("")
	h := top.New(top.Config{Now: func() time.Time { return time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC) }})
	mux := http.NewServeMux()
	h.Mount(func(p string, hh http.Handler) { mux.Handle(p, hh) })
	f.Fuzz(func(t *testing.T, body string) {
		if form, err := url.ParseQuery(body); err == nil && form.Get("app_key") != "" && form.Get("timestamp") != "" &&
			form.Get("sign") != "" && form.Get("sign_method") != "" && form.Get("method") != "" {
			return // past the first checks it needs a core: TestChannelCalls* cover that
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("POST", "/top/rental", strings.NewReader(body)))
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out["error_response"] == nil {
			t.Fatalf("body %q: reply %s, want an error_response", body, rec.Body.Bytes())
		}
	})
}

// TestOtherMethods: the endpoint asked with another method than POST is
// answered in the gateway's error envelope, not the mux's plain-text 405.
func TestOtherMethods(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	top.New(top.Config{Now: time.Now}).Mount(func(p string, hh http.Handler) { mux.Handle(p, hh) })
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(m, "/top/rental?method=alitrip.rentcar.order.check", nil))
		var out struct {
			Err *struct {
				Code   int    `json:"code"`
				SubMsg string `json:"sub_msg"`
			} `json:"error_response"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != http.StatusOK || out.Err == nil ||
			out.Err.Code != 40 || out.Err.SubMsg != "请用POST提交表单" {
			t.Errorf("%s: HTTP %d %s, want 200 with an error_response (code 40)", m, rec.Code, rec.Body)
		}
	}
}

// TestSubmitRetryAfterStoreLeftChannel: a submit the channel repeats
// (its reply was lost) answers the order it made, also once the operator
// has taken the store off the channel; a new order there is refused as a
// store the channel does not sell.
func TestSubmitRetryAfterStoreLeftChannel(t *testing.T) {
	c, cc := newChannelServer(t)
	pickup := c.Clock.Now().Add(24 * time.Hour)
	sub := map[string]string{"out_order_id": "FZ1", "store_code": "10001", "vehicle_model_code": "100001",
		"pickup_time": top.Timestamp(pickup), "return_time": top.Timestamp(pickup.Add(5 * time.Hour))}
	o := result(t, top.CallOrderSubmit, cc.call(top.CallOrderSubmit, sub, nil))

	_, err := c.Sys.Rental.PutStore(c.Ctx, park.RentalStore{Code: "20002", CompanyCode: "122", Kind: park.RentalStoreKind,
		Name: "滨江店", Address: "江南大道 2 号", Latitude: 30.2, Longitude: 120.2, City: "330100", Opens: "08:00", Closes: "22:00",
		Active: true, LotCode: c.Lot})
	must(t, err)
	in := channelInput(c.gw.Router(), "")
	in.SignMethod, in.Stores = top.SignHMACSHA256, []string{"20002"}
	_, err = c.Sys.Rental.PutChannel(c.Ctx, in)
	must(t, err)

	again := result(t, top.CallOrderSubmit, cc.call(top.CallOrderSubmit, sub, nil))
	if again["order_id"] != o["order_id"] {
		t.Fatalf("the retried submit answered %v, want the first order %v", again, o["order_id"])
	}
	sub["out_order_id"] = "FZ2"
	if r := cc.call(top.CallOrderSubmit, sub, nil); errSub(r) != "isv.store-not-exists" || !strings.Contains(errMsg(r), "10001") {
		t.Fatalf("a new order at a store no longer sold: %v", r)
	}
	if r := cc.call(top.CallStoreModels, map[string]string{"store_code": "10001"}, nil); errSub(r) != "isv.store-not-exists" {
		t.Fatalf("terms of a store no longer sold: %v", r)
	}
}

// TestOrderTimesInRange: a rental's times are bounded as every API's
// dates are (years 2000 to 9000, as the channel writes them).
func TestOrderTimesInRange(t *testing.T) {
	_, cc := newChannelServer(t)
	r := cc.call(top.CallOrderCheck, map[string]string{"store_code": "10001", "vehicle_model_code": "100001",
		"pickup_time": "9999-12-30 10:00:00", "return_time": "9999-12-31 10:00:00"}, nil)
	if errSub(r) != "isv.invalid-parameter" || errMsg(r) != "pickup_time 年份应在2000到9000之间" {
		t.Fatalf("an order in the year 9999: %v", r)
	}
}

// TestChannelCallsNameTheirParameters: an order refused for its times or
// its model names the parameter the channel sent (pickup_time,
// return_time, vehicle_model_code), not parkd's own field, and says what
// the time must be.
func TestChannelCallsNameTheirParameters(t *testing.T) {
	c, cc := newChannelServer(t)
	now := c.Clock.Now()
	order := func(pickup, ret time.Time, model string) map[string]string {
		return map[string]string{"store_code": "10001", "vehicle_model_code": model, "pickup_time": top.Timestamp(pickup),
			"return_time": top.Timestamp(ret)}
	}
	for _, tc := range []struct {
		name   string
		params map[string]string
		want   string
	}{
		{"pick-up in the past", order(now.Add(-3*time.Hour), now.Add(24*time.Hour), "100001"),
			"参数错误 (pickup_time): 取车时间不能早于当前时间,不能晚于 365 天之后,且须满足门店的提前预订时长"},
		{"pick-up centuries ahead", order(now.AddDate(300, 0, 0), now.AddDate(300, 0, 1), "100001"),
			"参数错误 (pickup_time): 取车时间不能早于当前时间,不能晚于 365 天之后,且须满足门店的提前预订时长"},
		{"return before pick-up", order(now.Add(5*time.Hour), now.Add(2*time.Hour), "100001"),
			"参数错误 (return_time): 还车时间须晚于取车时间,租期最长 90 天,且在门店的最短与最长租期之内"},
		{"over 90 days", order(now.Add(5*time.Hour), now.Add(5*time.Hour+91*24*time.Hour), "100001"),
			"参数错误 (return_time): 还车时间须晚于取车时间,租期最长 90 天,且在门店的最短与最长租期之内"},
		{"unknown model", order(now.Add(5*time.Hour), now.Add(29*time.Hour), "999999"), "门店或车型不存在 (vehicle_model_code)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reply := cc.call(top.CallOrderCheck, tc.params, nil)
			if s, m := errSub(reply), errMsg(reply); s != "isv.invalid-parameter" || m != tc.want {
				t.Fatalf("%q %q, want isv.invalid-parameter %q", s, m, tc.want)
			}
		})
	}
}

// TestChannelSubmitLongOrderID: an out_order_id too long to keep is told
// as too long, not as missing, and makes no order.
func TestChannelSubmitLongOrderID(t *testing.T) {
	c, cc := newChannelServer(t)
	pickup := c.Clock.Now().Add(24 * time.Hour)
	sub := map[string]string{"store_code": "10001", "vehicle_model_code": "100001", "pickup_time": top.Timestamp(pickup),
		"return_time": top.Timestamp(pickup.Add(24 * time.Hour)), "out_order_id": strings.Repeat("9", 65)}
	reply := cc.call(top.CallOrderSubmit, sub, nil)
	if s, m := errSub(reply), errMsg(reply); s != "isv.invalid-parameter" || m != "out_order_id 过长: 最多 64 个字节" {
		t.Fatalf("%q %q, want isv.invalid-parameter, too long", s, m)
	}
	chk := result(t, top.CallOrderCheck, cc.call(top.CallOrderCheck, sub, nil))
	if chk["stock"] != float64(1) {
		t.Fatalf("check after the refusal %v: want the one car still free", chk)
	}
	sub["out_order_id"] = strings.Repeat("9", 64)
	result(t, top.CallOrderSubmit, cc.call(top.CallOrderSubmit, sub, nil))
}

// TestChannelCallTooLarge: a body over the limit is refused as too large,
// not cut at the limit and answered as if parameters were missing.
func TestChannelCallTooLarge(t *testing.T) {
	_, cc := newChannelServer(t)
	p := map[string]string{"store_code": "10001", "extra": strings.Repeat("a", 1<<20)}
	reply := cc.call(top.CallStoreModels, p, nil)
	if s, m := errSub(reply), errMsg(reply); s != "isv.invalid-parameter" || !strings.Contains(m, "请求体超过") {
		t.Fatalf("%s %q, want isv.invalid-parameter saying the body is too large", s, m)
	}
}

// TestChannelCallRepeatedParameter: a parameter given twice (in the body,
// or in the body and the query) could be read either way; the call is
// refused naming it, and makes no order under either value.
func TestChannelCallRepeatedParameter(t *testing.T) {
	c, cc := newChannelServer(t)
	now := c.Clock.Now()
	sub := map[string]string{"store_code": "10001", "vehicle_model_code": "100001", "out_order_id": "FZ1",
		"pickup_time": top.Timestamp(now.Add(5 * time.Hour)), "return_time": top.Timestamp(now.Add(29 * time.Hour))}
	r := cc.call(top.CallOrderSubmit, sub, func(f url.Values) { f.Add("out_order_id", "FZ2") })
	if errSub(r) != "isv.invalid-parameter" || errMsg(r) != "参数重复 out_order_id" {
		t.Fatalf("out_order_id twice: %v, want isv.invalid-parameter 参数重复 out_order_id", r)
	}
	for _, id := range []string{"FZ1", "FZ2"} {
		if o, err := c.Sys.Rental.ChannelOrder(c.Ctx, "12345678", id); !park.IsCode(err, park.ENotFound) {
			t.Fatalf("order %s made by a refused call: %+v, %v", id, o, err)
		}
	}
	// Once in the body and once in the query.
	saved := cc.url
	cc.url += "?store_code=20002"
	r = cc.call(top.CallOrderSubmit, sub, nil)
	cc.url = saved
	if errSub(r) != "isv.invalid-parameter" || errMsg(r) != "参数重复 store_code" {
		t.Fatalf("store_code in body and query: %v", r)
	}
	// Each once, the call is taken.
	result(t, top.CallOrderSubmit, cc.call(top.CallOrderSubmit, sub, nil))
}

// TestChannelCancelAfterPickup: a cancel once the car has left is refused
// naming the order's status as the channel knows it (order_status), and
// the order stays in use.
func TestChannelCancelAfterPickup(t *testing.T) {
	c, cc := newChannelServer(t)
	now := c.Clock.Now()
	result(t, top.CallOrderSubmit, cc.call(top.CallOrderSubmit, map[string]string{"store_code": "10001",
		"vehicle_model_code": "100001", "out_order_id": "FZ1", "pickup_time": top.Timestamp(now.Add(time.Hour)),
		"return_time": top.Timestamp(now.Add(25 * time.Hour))}, nil))
	c.Event(t, park.EventExit, "浙A12345", now)
	r := cc.call(top.CallOrderCancel, map[string]string{"out_order_id": "FZ1"}, nil)
	if errSub(r) != "isv.vehicle-unavailable" || !strings.Contains(errMsg(r), "(order_status)") {
		t.Fatalf("cancel of an order in use: %v; want isv.vehicle-unavailable naming order_status", r)
	}
	if o, _ := c.Sys.Rental.ChannelOrder(c.Ctx, "12345678", "FZ1"); o.Status != park.OrderInUse {
		t.Fatalf("order %s after a refused cancel, want in_use", o.Status)
	}
}
