package ebopark_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"parkd/internal/dialect/ebopark"
	"parkd/internal/gate"
	"parkd/internal/park"
)

// seedBody is the seed's curl --data-raw, byte for byte.
const seedBody = `{
    "ParkCode": "140123001",
    "CarNo": "aute quis tempor Ut",
    "userMobile": "18679681247"
}`

// TestSeedCurl runs the seed's example verbatim against the fixtures.
// Its CarNo is placeholder text, not a plate, so parkd answers as the
// vendor does for a bad field: state -1 with a desc.
func TestSeedCurl(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.post("/partnerService/QueryMonthCarInfoV2?partnerid=test&sign=ebo2019", seedBody)
	wantState(t, r, -1, "车牌号格式错误")
	// The seed's error example: {"state": -1, "total": 0, "desc": "..."},
	// those three keys, integers where it shows integers, no result.
	var bad map[string]any
	if err := json.Unmarshal(r.body, &bad); err != nil || len(bad) != 3 || bad["state"] != float64(-1) || bad["total"] != float64(0) {
		t.Fatalf("error reply %s, want the seed's keys state -1, total 0 and desc", r.body)
	}
	if _, ok := bad["desc"].(string); !ok {
		t.Fatalf("error reply %s: desc is not a string", r.body)
	}
	// The same request with the fixture pass's plate finds it, in the
	// seed's reply schema: state and total integers; result an object with
	// userMobile, userName and userCode strings, lotInfo an array of
	// objects of 6 fields, carNo an array of strings.
	r = e.post("/partnerService/QueryMonthCarInfoV2?partnerid=test&sign=ebo2019",
		strings.Replace(seedBody, "aute quis tempor Ut", "京A12345", 1))
	wantState(t, r, 0, "成功")
	var ok struct {
		State  *int `json:"state"`
		Total  *int `json:"total"`
		Result *struct {
			UserMobile *string           `json:"userMobile"`
			UserName   *string           `json:"userName"`
			UserCode   *string           `json:"userCode"`
			LotInfo    *[]map[string]any `json:"lotInfo"`
			CarNo      *[]string         `json:"carNo"`
		} `json:"result"`
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	if err := dec.Decode(&ok); err != nil || ok.State == nil || ok.Total == nil || ok.Result == nil {
		t.Fatalf("reply %s does not follow the seed's schema: %v", r.body, err)
	}
	res := ok.Result
	if res.UserMobile == nil || *res.UserMobile != "18679681247" || res.UserName == nil || res.UserCode == nil ||
		res.LotInfo == nil || len(*res.LotInfo) == 0 || res.CarNo == nil || len(*res.CarNo) == 0 {
		t.Fatalf("reply %s lacks a field of the seed's schema", r.body)
	}
	for _, info := range *res.LotInfo {
		if len(info) != 6 {
			t.Fatalf("lotInfo entry %v has %d fields, the seed's has 6", info, len(info))
		}
	}
}

func TestSign(t *testing.T) {
	t.Parallel()
	// printf '%s' '{"ParkCode":"140123001"}k3y-md5' | md5sum
	if got := ebopark.Sign([]byte(`{"ParkCode":"140123001"}`), md5Secret); got != "efee18478eef56284bbea411abc41735" {
		t.Fatalf("Sign = %s", got)
	}
	e := newEnv(t)
	body := `{"ParkCode":"140123001"}`
	t.Run("OK", func(t *testing.T) {
		wantState(t, e.post("/partnerService/QueryRemainingSpaces?partnerid=md5p&sign="+ebopark.Sign([]byte(body), md5Secret), body), 0, "成功")
	})
	t.Run("UpperCase", func(t *testing.T) {
		wantState(t, e.post("/partnerService/QueryRemainingSpaces?partnerid=md5p&sign="+strings.ToUpper(ebopark.Sign([]byte(body), md5Secret)), body), 0, "成功")
	})
	t.Run("ErrBodyChanged", func(t *testing.T) {
		wantState(t, e.post("/partnerService/QueryRemainingSpaces?partnerid=md5p&sign="+ebopark.Sign([]byte(body), md5Secret), body+" "), -1, "签名错误")
	})
	t.Run("ErrSecretAsSign", func(t *testing.T) {
		// Only static partners accept the secret itself.
		wantState(t, e.post("/partnerService/QueryRemainingSpaces?partnerid=md5p&sign="+md5Secret, body), -1, "签名错误")
	})
}

func TestQueryMonthCarInfoV2(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	q := func(plate, mobile string) reply {
		return e.call("QueryMonthCarInfoV2", `{"ParkCode":"140123001","CarNo":"`+plate+`","userMobile":"`+mobile+`"}`)
	}
	t.Run("OtherPlateOfPass", func(t *testing.T) {
		env := wantState(t, q("京ad12345", "18679681247"), 0, "成功")
		var res struct {
			UserCode string   `json:"userCode"`
			CarNo    []string `json:"carNo"`
		}
		_ = json.Unmarshal(env.Result, &res)
		if res.UserCode != "U1001" || len(res.CarNo) != 2 {
			t.Fatalf("got %s", env.Result)
		}
	})
	t.Run("ErrNoPass", func(t *testing.T) {
		wantState(t, q("粤B12345", "18679681247"), -1, "未找到")
	})
	t.Run("ErrOtherMobile", func(t *testing.T) {
		wantState(t, q("京A12345", "13800000000"), -1, "未找到")
	})
	t.Run("ErrMobileFormat", func(t *testing.T) {
		wantState(t, q("京A12345", "abc"), -1, "userMobile")
	})
	t.Run("NoMobileOmitted", func(t *testing.T) {
		// A pass added in the core is what the dialect answers; without a
		// mobile on the pass, userMobile is left out of the reply.
		if _, err := e.svc.Access.CreatePass(e.ctx, "", lotCode, &park.Pass{HolderName: "李娜", Plates: []string{"沪A99999"},
			Spaces: 1, ValidFrom: now, ValidTo: now.AddDate(0, 1, 0)}); err != nil {
			t.Fatal(err)
		}
		env := wantState(t, q("沪A99999", "13800000000"), 0, "成功")
		var res map[string]any
		_ = json.Unmarshal(env.Result, &res)
		if _, ok := res["userMobile"]; ok || res["userName"] != "李娜" || res["userCode"] != "" {
			t.Fatalf("got %s", env.Result)
		}
		info := res["lotInfo"].([]any)[0].(map[string]any)
		if len(info) != 6 || info["lotType"] != "月租" || info["beginTime"] != "2026-03-01 10:00:00" || info["endTime"] != "2026-04-01 10:00:00" {
			t.Fatalf("lotInfo %v", info)
		}
	})
}

func TestQueryRemainingSpaces(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	spaces := func() map[string]any {
		env := wantState(t, e.call("QueryRemainingSpaces", `{"ParkCode":"140123001"}`), 0, "成功")
		var m map[string]any
		_ = json.Unmarshal(env.Result, &m)
		return m
	}
	if m := spaces(); m["remainingSpaces"] != 497.0 || m["totalSpaces"] != 500.0 {
		t.Fatalf("got %v", m)
	}
	if _, err := e.svc.Gate.HandleEvent(e.ctx, gate.EventInput{LotCode: lotCode, ID: "t-1", Type: park.EventEntry,
		Plate: "浙A11111", Lane: "in-1", At: now}); err != nil {
		t.Fatal(err)
	}
	if m := spaces(); m["remainingSpaces"] != 496.0 || m["occupiedSpaces"] != 4.0 {
		t.Fatalf("after an entry: %v", m)
	}
}

func TestQueryInParkCars(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	page := func(body string) (int, []map[string]any, string) {
		env := wantState(t, e.call("QueryInParkCars", body), 0, "成功")
		var res struct {
			Records    []map[string]any `json:"records"`
			NextCursor string           `json:"nextCursor"`
		}
		if err := json.Unmarshal(env.Result, &res); err != nil {
			t.Fatal(err)
		}
		return env.Total, res.Records, res.NextCursor
	}
	n, recs, next := page(`{"ParkCode":"140123001","PageSize":2}`)
	if n != 2 || len(recs) != 2 || next == "" || recs[0]["carNo"] != "粤B12345" {
		t.Fatalf("page 1: %d %v %q", n, recs, next)
	}
	n, recs, next = page(`{"ParkCode":"140123001","PageSize":2,"Cursor":"` + next + `"}`)
	if n != 1 || next != "" || recs[0]["carNo"] != "京A12345" || recs[0]["entryTime"] != "2026-03-01 08:00:00" {
		t.Fatalf("page 2: %d %v %q", n, recs, next)
	}
	// A car that leaves is no longer listed.
	exit := now.Add(time.Minute)
	if _, err := e.svc.Gate.HandleEvent(e.ctx, gate.EventInput{LotCode: lotCode, ID: "t-out", Type: park.EventExit,
		Plate: "京A12345", Lane: "out-1", At: exit}); err != nil {
		t.Fatal(err)
	}
	if n, _, _ = page(`{"ParkCode":"140123001"}`); n != 2 {
		t.Fatalf("after exit: %d cars", n)
	}
}

// TestRefused: every refusal is HTTP 200, state -1, a desc naming the
// problem, and no change in the data.
func TestRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.snapshot(t)
	month := func(park, car, mobile string) string {
		return `{"ParkCode":"` + park + `","CarNo":"` + car + `","userMobile":"` + mobile + `"}`
	}
	ok := month("140123001", "京A12345", "18679681247")
	const q = "?partnerid=test&sign=ebo2019"
	for _, c := range []struct {
		name, path, body, desc string
	}{
		{"ErrBadSign", "/partnerService/QueryMonthCarInfoV2?partnerid=test&sign=wrong", ok, "签名错误"},
		{"ErrBadMD5Sign", "/partnerService/QueryMonthCarInfoV2?partnerid=md5p&sign=" + ebopark.Sign([]byte(ok), "nope"), ok, "签名错误"},
		{"ErrNoSign", "/partnerService/QueryMonthCarInfoV2?partnerid=test", ok, "缺少参数 sign"},
		{"ErrNoPartnerID", "/partnerService/QueryMonthCarInfoV2?sign=ebo2019", ok, "缺少参数 partnerid"},
		{"ErrUnknownPartner", "/partnerService/QueryMonthCarInfoV2?partnerid=nobody&sign=ebo2019", ok, "合作商不存在"},
		{"ErrOtherDialectPartner", "/partnerService/QueryMonthCarInfoV2?partnerid=lk&sign=ebo2019", ok, "合作商不存在"},
		{"ErrOtherOperatorsLot", "/partnerService/QueryMonthCarInfoV2" + q, month(otherLot, "京A12345", "18679681247"), "无权操作该车场或车场不存在"},
		{"ErrOtherOperatorsLotSpaces", "/partnerService/QueryRemainingSpaces" + q, `{"ParkCode":"` + otherLot + `"}`, "无权操作该车场或车场不存在"},
		{"ErrOtherOperatorsLotCars", "/partnerService/QueryInParkCars" + q, `{"ParkCode":"` + otherLot + `"}`, "无权操作该车场或车场不存在"},
		{"ErrUnknownLot", "/partnerService/QueryMonthCarInfoV2" + q, month("999999999", "京A12345", "18679681247"), "无权操作该车场或车场不存在"},
		{"ErrMissingParkCode", "/partnerService/QueryMonthCarInfoV2" + q, `{"CarNo":"京A12345","userMobile":"18679681247"}`, "缺少参数 ParkCode"},
		{"ErrMissingCarNo", "/partnerService/QueryMonthCarInfoV2" + q, `{"ParkCode":"140123001","userMobile":"18679681247"}`, "缺少参数 CarNo"},
		{"ErrEmptyCarNo", "/partnerService/QueryMonthCarInfoV2" + q, month("140123001", "", "18679681247"), "缺少参数 CarNo"},
		{"ErrMissingMobile", "/partnerService/QueryMonthCarInfoV2" + q, `{"ParkCode":"140123001","CarNo":"京A12345"}`, "缺少参数 userMobile"},
		{"ErrMistypedCarNo", "/partnerService/QueryMonthCarInfoV2" + q, `{"ParkCode":"140123001","CarNo":12345,"userMobile":"18679681247"}`, "参数类型错误 CarNo"},
		{"ErrMistypedPageSize", "/partnerService/QueryInParkCars" + q, `{"ParkCode":"140123001","PageSize":"10"}`, "参数类型错误 PageSize"},
		{"ErrPageSizeRange", "/partnerService/QueryInParkCars" + q, `{"ParkCode":"140123001","PageSize":0}`, "PageSize"},
		{"ErrInvalidPlate", "/partnerService/QueryMonthCarInfoV2" + q, month("140123001", "ABC", "18679681247"), "车牌号格式错误"},
		{"ErrNoPlateCar", "/partnerService/QueryMonthCarInfoV2" + q, month("140123001", "无牌车", "18679681247"), "车牌号格式错误"},
		{"ErrTooLarge", "/partnerService/QueryMonthCarInfoV2" + q, `{"ParkCode":"140123001","x":"` + strings.Repeat("a", ebopark.MaxBody) + `"}`, "请求体过大"},
		{"ErrMalformed", "/partnerService/QueryMonthCarInfoV2" + q, `{"ParkCode":`, "请求体不是JSON对象：不完整"},
		// Where the syntax breaks, counted from 1: the 25th byte is "}".
		{"ErrTrailingComma", "/partnerService/QueryMonthCarInfoV2" + q, `{"ParkCode":"140123001",}`, "请求体不是JSON对象：第25字节处格式错误"},
		{"ErrEmpty", "/partnerService/QueryMonthCarInfoV2" + q, ``, "请求体不是JSON对象：请求体为空"},
		{"ErrNull", "/partnerService/QueryMonthCarInfoV2" + q, `null`, "请求体不是JSON对象"},
		{"ErrArray", "/partnerService/QueryMonthCarInfoV2" + q, `[]`, "请求体不是JSON对象"},
		{"ErrTrailing", "/partnerService/QueryMonthCarInfoV2" + q, ok + `{}`, "请求体不是JSON对象"},
		{"ErrUnknownOperation", "/partnerService/NoSuchOperation" + q, ok, "不支持的接口 NoSuchOperation"},
		{"ErrNestedPath", "/partnerService/a/b" + q, ok, "不支持的接口"},
		{"ErrBarePath", "/partnerService" + q, ok, "不支持的接口"}, // not redirected to the catch-all
	} {
		t.Run(c.name, func(t *testing.T) {
			wantState(t, e.post(c.path, c.body), -1, c.desc)
		})
	}
	// A byte order mark before the object (what .NET's UTF-8 writers put
	// first) is read past, as RFC 8259 lets a parser do: the sign is of
	// the bytes sent, the mark included.
	t.Run("ByteOrderMark", func(t *testing.T) {
		bom := "\ufeff" + ok
		wantState(t, e.post("/partnerService/QueryMonthCarInfoV2"+q, bom), 0, "成功")
		wantState(t, e.post("/partnerService/QueryMonthCarInfoV2?partnerid=md5p&sign="+ebopark.Sign([]byte(bom), md5Secret), bom), 0, "成功")
		wantState(t, e.post("/partnerService/QueryMonthCarInfoV2"+q, "\ufeff\ufeff"+ok), -1, "请求体不是JSON对象：第4字节处格式错误")
	})
	t.Run("ErrGet", func(t *testing.T) {
		rec := e.get("/partnerService/QueryMonthCarInfoV2" + q)
		wantState(t, rec, -1, "不支持的接口")
	})
	if after := e.snapshot(t); after != before {
		t.Fatalf("a refused request changed the data:\nbefore %s\nafter  %s", before, after)
	}
}
