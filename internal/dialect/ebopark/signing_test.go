package ebopark_test

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/dialect/ebopark"
	"parkd/internal/gate"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/park"
)

const hmacSecret = "hmac-secret-0123456789"

var nonceSeq atomic.Int64

// signedURL is a request of op as partner hmacp in the default mode,
// signed here independently of the dialect: HMAC-SHA256 over partnerid,
// operation, timestamp and nonce, each followed by a newline, then the
// body.
func signedURL(op, body string, at time.Time, nonce string) string {
	ts := strconv.FormatInt(at.Unix(), 10)
	m := hmac.New(sha256.New, []byte(hmacSecret))
	m.Write([]byte("hmacp\n" + op + "\n" + ts + "\n" + nonce + "\n" + body))
	return "/partnerService/" + op + "?" + url.Values{"partnerid": {"hmacp"}, "timestamp": {ts}, "nonce": {nonce},
		"sign": {hex.EncodeToString(m.Sum(nil))}}.Encode()
}

func newNonce() string { return fmt.Sprintf("nonce-%08d", nonceSeq.Add(1)) }

// md5URL is a request as partner md5p in the body-only mode, signed here:
// MD5 of the body and the secret.
func md5URL(op, body string) string {
	sum := md5.Sum([]byte(body + md5Secret))
	return "/partnerService/" + op + "?partnerid=md5p&sign=" + hex.EncodeToString(sum[:])
}

// reaim sends a captured request (its query and body) to another
// operation.
func reaim(path, op string) string {
	_, q, _ := strings.Cut(path, "?")
	return "/partnerService/" + op + "?" + q
}

func hmacPartner(t *testing.T, e *env) {
	t.Helper()
	if _, err := e.svc.Partners.CreatePartner(e.ctx, &park.Partner{ID: "hmacp", Name: "HMAC", Dialect: ebopark.Name,
		Type: park.PartnerNormal, Secret: hmacSecret, SignMode: ebopark.SignHMAC, Lots: []string{lotCode}}); err != nil {
		t.Fatal(err)
	}
}

// TestReaimedRequestsRefused: in the default mode a request signed for
// one operation is refused by every other, so a captured fee query
// cannot close a stay unpaid, an AddWhiteCar cannot delete, an OpenGate
// cannot close, a LockCar cannot unlock (and the other way round).
func TestReaimedRequestsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hmacPartner(t, e)
	for _, c := range []struct{ from, to, body string }{
		{"getProStopWithDeductionV3", "DeleteInParkCar", `{"ParkCode":"140123001","CarNo":"粤B12345"}`},
		{"AddWhiteCar", "DeleteWhiteCar", `{"ParkCode":"140123001","CarNo":"苏E55555","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`},
		{"AddMonthCar", "DeleteMonthCar", `{"ParkCode":"140123001","CarNo":"苏E66666","UserName":"王","UserCode":"U9","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`},
		{"OpenGate", "CloseGate", `{"ParkCode":"140123001","ChannelId":"in-1"}`},
		{"LockCar", "UnlockCar", `{"ParkCode":"140123001","CarNo":"苏E77777"}`},
		{"UnlockCar", "LockCar", `{"ParkCode":"140123001","CarNo":"苏E77777"}`},
	} {
		t.Run(c.from+"To"+c.to, func(t *testing.T) {
			path := signedURL(c.from, c.body, now, newNonce())
			e.post(path, c.body) // served by its own operation (what it answers is tested elsewhere)
			before := e.snapshot(t)
			sent := len(e.memory(t).Sent())
			wantState(t, e.post(reaim(path, c.to), c.body), -1, "签名错误")
			if e.snapshot(t) != before || len(e.memory(t).Sent()) != sent {
				t.Fatalf("a request signed for %s changed something through %s", c.from, c.to)
			}
		})
	}
}

// TestReplayedRequestsRefused: a request served once is not served again
// within the window: in the default mode by its nonce (any operation), in
// the body-only and static modes by its operation and body (the
// operations that change something: barrier commands, deletes, locks).
// One signed OpenGate sent three times lifts the barrier once.
func TestReplayedRequestsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hmacPartner(t, e)
	open := `{"ParkCode":"140123001","ChannelId":"in-1","Remark":"人工开闸"}`
	for _, c := range []struct{ name, path string }{
		{"Default", signedURL("OpenGate", open, now, newNonce())},
		{"MD5", md5URL("OpenGate", open)},
		{"Static", "/partnerService/OpenGate?partnerid=test&sign=" + secret},
	} {
		t.Run(c.name, func(t *testing.T) {
			sent := len(e.memory(t).Sent())
			wantState(t, e.post(c.path, open), 0, "成功")
			for range 2 {
				wantState(t, e.post(c.path, open), -1, "重复的请求")
			}
			if n := len(e.memory(t).Sent()) - sent; n != 1 {
				t.Fatalf("the barrier got %d commands, want 1", n)
			}
		})
	}
	t.Run("DeleteInParkCar", func(t *testing.T) {
		// A car enters again after a removal; the captured removal, sent
		// again, does not remove it.
		del := `{"ParkCode":"140123001","CarNo":"粤B12345","Reason":"误识别"}`
		path := md5URL("DeleteInParkCar", del)
		wantState(t, e.post(path, del), 0, "成功")
		e.event(t, park.EventEntry, "粤B12345", now)
		wantState(t, e.post(path, del), -1, "重复的请求")
		sts, err := e.svc.Gate.ListStays(e.ctx, gate.StayQuery{LotCode: lotCode, State: park.StayIn, Plate: "粤B12345"})
		if err != nil || len(sts) != 1 {
			t.Fatalf("cars inside %+v, %v: the replayed removal removed the car that entered again", sts, err)
		}
	})
	t.Run("ReadNonce", func(t *testing.T) {
		fee := `{"ParkCode":"140123001","CarNo":"粤B12345"}`
		path := signedURL("getProStopWithDeductionV3", fee, now, newNonce())
		wantState(t, e.post(path, fee), 0, "成功")
		wantState(t, e.post(path, fee), -1, "重复的请求")
	})
	t.Run("OtherNode", func(t *testing.T) {
		// A second node (its own handler, the same database) refuses the
		// replay of a guarded request served by the first.
		srv := httpapi.New(httpapi.Config{Service: e.svc, Metrics: metrics.New(), AdminToken: "admin", Now: func() time.Time { return now }})
		ebopark.New(ebopark.Config{Service: e.svc}).Mount(srv.Mount)
		body := `{"ParkCode":"140123001","ChannelId":"in-1","Remark":"第二节点"}`
		path := signedURL("OpenGate", body, now, newNonce())
		wantState(t, e.post(path, body), 0, "成功")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("POST", path, strings.NewReader(body)))
		if !strings.Contains(rec.Body.String(), "重复的请求") {
			t.Fatalf("the other node answered %s", rec.Body)
		}
	})
}

// TestSignedTimestamp: the default mode refuses a timestamp more than
// 300 s from parkd's clock, either way, and requires timestamp and nonce.
func TestSignedTimestamp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hmacPartner(t, e)
	body := `{"ParkCode":"140123001"}`
	for _, c := range []struct {
		name string
		at   time.Time
		want string
	}{
		{"Past", now.Add(-301 * time.Second), "时间戳无效 timestamp"},
		{"Future", now.Add(301 * time.Second), "时间戳无效 timestamp"},
		{"EdgePast", now.Add(-300 * time.Second), "成功"},
		{"EdgeFuture", now.Add(300 * time.Second), "成功"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.post(signedURL("QueryRemainingSpaces", body, c.at, newNonce()), body)
			state := -1
			if c.want == "成功" {
				state = 0
			}
			wantState(t, r, state, c.want)
		})
	}
	good := signedURL("QueryRemainingSpaces", body, now, newNonce())
	u, _ := url.Parse(good)
	for _, drop := range []string{"timestamp", "nonce"} {
		q := u.Query()
		q.Del(drop)
		wantState(t, e.post(u.Path+"?"+q.Encode(), body), -1, "缺少参数 "+drop)
	}
	q := u.Query()
	q.Set("nonce", "short")
	wantState(t, e.post(u.Path+"?"+q.Encode(), body), -1, "参数类型错误 nonce")
}

// TestRefusedRequestMaySendAgain: in the modes without nonces (md5,
// static) a client cannot sign the same request differently, so a
// guarded request that was refused, and so changed nothing, is not
// remembered as served: an OpenGate refused with "服务暂不可用，请稍后重试"
// (the device did not answer) may be sent again as it was, as its desc
// says, and lifts the barrier once; sent a third time it is a replay.
// In the default mode the client signs its retry with a new nonce, and a
// nonce stays used.
func TestRefusedRequestMaySendAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hmacPartner(t, e)
	mem := e.memory(t)
	for i, c := range []struct{ name, path string }{
		{"MD5", md5URL("OpenGate", `{"ParkCode":"140123001","ChannelId":"in-1","Remark":"无响应后重试 1"}`)},
		{"Static", "/partnerService/OpenGate?partnerid=test&sign=" + secret},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := fmt.Sprintf(`{"ParkCode":"140123001","ChannelId":"in-1","Remark":"无响应后重试 %d"}`, i+1)
			sent := len(mem.Sent())
			mem.SetReachable(lotCode, "in-1", false)
			wantState(t, e.post(c.path, body), -1, "服务暂不可用，请稍后重试 ChannelId：道闸设备无响应，指令未送达")
			mem.SetReachable(lotCode, "in-1", true)
			wantState(t, e.post(c.path, body), 0, "成功")
			// Said how to send it again on purpose: a client of these
			// modes cannot sign it differently, only change the body.
			wantState(t, e.post(c.path, body), -1, replayedBody)
			if n := len(mem.Sent()) - sent; n != 1 {
				t.Fatalf("the barrier got %d commands, want 1", n)
			}
		})
	}
	t.Run("Refusal", func(t *testing.T) {
		// A withdrawal refused because the coupon is not issued yet is
		// sent again once it is.
		del := `{"ParkCode":"140123001","DeduNo":"LATE-0001"}`
		path := md5URL("DeleteMinuteDeduction", del)
		wantState(t, e.post(path, del), -1, "未找到 DeduNo：该券不存在")
		add := `{"ParkCode":"140123001","CarNo":"粤B12345","DeduNo":"LATE-0001","Minutes":30}`
		wantState(t, e.post(md5URL("AddMinuteDeduction", add), add), 0, "成功")
		var c struct {
			Status int `json:"status"`
		}
		result(t, wantState(t, e.post(path, del), 0, "成功"), &c)
		if c.Status != 5 {
			t.Fatalf("withdrawn coupon's status %d, want 5", c.Status)
		}
	})
	t.Run("DefaultNonceStaysUsed", func(t *testing.T) {
		body := `{"ParkCode":"140123001","ChannelId":"in-1","Remark":"无响应后重试 hmac"}`
		path := signedURL("OpenGate", body, now, newNonce())
		mem.SetReachable(lotCode, "in-1", false)
		wantState(t, e.post(path, body), -1, "服务暂不可用")
		mem.SetReachable(lotCode, "in-1", true)
		wantState(t, e.post(path, body), -1, replayedNonce)
	})
}

// replayedBody and replayedNonce are the descs of a replay, which say how
// to repeat on purpose in each kind of sign mode: with no nonce (md5,
// static), by changing the body; with one (hmac-sha256), by a new nonce.
const (
	replayedBody  = "重复的请求 RequestId：5分钟内已收到过同一请求；如需再次执行，请在请求体中加入新的 RequestId（平台不读取它）"
	replayedNonce = "重复的请求 nonce：5分钟内已收到过同一 nonce 的请求；如需再次执行，请用新的 nonce 签名"
)
