package ebopark_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/dialect/ebopark"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

const (
	reportPartner = "crm"
	reportSecret  = "crm-secret-2026-reports"
	// success is the only answer that acknowledges a report (3.3.1).
	success = `{"code":0,"msg":"success","data":null}`
)

// gateReports are the report kinds the gate writes.
var gateReports = []string{park.ReportEntry, park.ReportExit, park.ReportOrder, park.ReportAbnormalLift,
	park.ReportDeviceStatus, park.ReportLotInfo}

// reportBundle is a core that formats reports for Ebopark partners, with
// one such partner, and its receiver answering success; deviceProtocols
// are the lane device protocols it serves, if any.
func reportBundle(t *testing.T, deviceProtocols ...string) (*systemtest.Bundle, *deliverytest.Receiver) {
	t.Helper()
	b := systemtest.NewWith(t, systemtest.Options{Dialects: []string{ebopark.Name}, DeviceProtocols: deviceProtocols,
		Formats: map[string]deliveries.Formatter{ebopark.Name: ebopark.Reports{}}})
	if _, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: reportPartner, Name: "CRM", Dialect: ebopark.Name,
		Type: park.PartnerNormal, Secret: reportSecret, Lots: []string{b.Lot}}); err != nil {
		t.Fatal(err)
	}
	rc := deliverytest.New(t)
	rc.Ack = func(status int, body string) bool { return status == 200 && body == success }
	rc.Script(func(deliverytest.Request) deliverytest.Answer { return deliverytest.Answer{Status: 200, Body: success} })
	return b, rc
}

// runWorker delivers until the test ends.
func runWorker(t *testing.T, b *systemtest.Bundle) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = b.Sys.Deliveries.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// eboReport is what a test reads of an Ebopark report, to name its file.
type eboReport struct {
	EventID      string `json:"eventId"`
	ReportType   string `json:"reportType"`
	OrderNo      string `json:"orderNo"`
	Command      string `json:"command"`
	DeviceStatus *int   `json:"deviceStatus"`
}

// storyReports subscribes the partner to every gate report (in its
// dialect's format, the default), plays deliverytest's story, and returns
// the requests by golden file name.
func storyReports(t *testing.T) (deliverytest.Story, map[string]deliverytest.Request) {
	t.Helper()
	b, rc := reportBundle(t)
	for _, k := range gateReports {
		sub, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, reportPartner, deliveries.SubscriptionInput{Report: k, URL: rc.URL + "/push"})
		if err != nil {
			t.Fatal(err)
		}
		if sub.Format != ebopark.Name || sub.Secret != "" {
			t.Fatalf("an Ebopark partner's subscription: format %q, own secret %v; want ebopark, signed with the partner's", sub.Format, sub.Secret != "")
		}
	}
	s := deliverytest.RunStory(t, b, reportPartner)
	runWorker(t, b)
	deliverytest.WaitFor(t, 30*time.Second, "the story's reports", func() bool { return len(rc.Acked()) == deliverytest.StoryReports })
	out := map[string]deliverytest.Request{}
	for _, r := range rc.Requests() {
		var e eboReport
		if err := json.Unmarshal(r.Body, &e); err != nil {
			t.Fatalf("%v: %s", err, r.Body)
		}
		name := e.ReportType
		switch {
		case (e.ReportType == "CarIn" || e.ReportType == "CarOut") && e.OrderNo != s.StayA:
			continue // B's are the same shape
		case e.ReportType == "ParkOrder" && e.OrderNo == s.StayB:
			name += ".unpaid"
		case e.ReportType == "AbnormalLift" && e.Command != "":
			name += "." + e.Command
		case e.ReportType == "AbnormalLift":
			name += ".held_lane"
		case e.ReportType == "DeviceStatus" && *e.DeviceStatus == 1:
			name += ".online"
		case e.ReportType == "DeviceStatus":
			name += ".offline"
		}
		if _, dup := out[name]; dup {
			t.Fatalf("two reports named %s", name)
		}
		out[name] = r
	}
	return s, out
}

// TestGoldenReports: every report the gate writes, as Ebopark partners
// get it: testdata/reports/<reportType>[.<variant>].json. Their amounts
// and times are worked out in TestReportFigures.
func TestGoldenReports(t *testing.T) {
	_, reqs := storyReports(t)
	var names []string
	for name, r := range reqs {
		names = append(names, name)
		deliverytest.Golden(t, filepath.Join("testdata", "reports", name+".json"), r.Body, *update)
	}
	sort.Strings(names)
	want := "AbnormalLift.held_lane AbnormalLift.hold_open AbnormalLift.open CarIn CarOut DeviceStatus.offline DeviceStatus.online ParkInfo ParkOrder ParkOrder.unpaid"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("golden reports %s, want %s", got, want)
	}
}

// TestReportSigned: every report is a POST to the subscription's URL with
// ?partnerid=<partner>&sign=<md5 of the body and the partner's secret>,
// computed here with crypto/md5, not the dialect's Sign.
func TestReportSigned(t *testing.T) {
	_, reqs := storyReports(t)
	for name, r := range reqs {
		sum := md5.Sum(append(append([]byte(nil), r.Body...), reportSecret...))
		if got := r.Query.Get("sign"); got != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: sign %q, want md5(body + secret) %s", name, got, hex.EncodeToString(sum[:]))
		}
		if r.Query.Get("partnerid") != reportPartner || r.Path != "/push" || len(r.Query) != 2 {
			t.Errorf("%s: to %s?%s", name, r.Path, r.Query.Encode())
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("%s: content type %q", name, ct)
		}
	}
}

// TestReportsAcknowledgedOnlyBySuccess: a partner answering anything but
// a 2xx with {"code":0,"msg":"success","data":null} (whatever the key
// order and spacing) is asked again, each time with the same eventId and
// body; the exact answer ends it.
func TestReportsAcknowledgedOnlyBySuccess(t *testing.T) {
	b, rc := reportBundle(t)
	wrong := []deliverytest.Answer{
		{Status: 200, Body: `{"code":0,"msg":"ok","data":null}`},
		{Status: 200, Body: `{"code":"0","msg":"success","data":null}`},
		{Status: 200, Body: `{"code":0,"msg":"success"}`},
		{Status: 200, Body: `{"code":0,"msg":"success","data":{}}`},
		{Status: 200, Body: `{"code":0,"msg":"success","data":null,"extra":1}`},
		{Status: 200, Body: `success`},
		{Status: 200, Body: `{"state":0,"desc":"成功"}`},
		{Status: 204},
		{Status: 500, Body: success},
	}
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		if r.Try <= len(wrong) {
			return wrong[r.Try-1]
		}
		return deliverytest.Answer{Status: 200, Body: `{ "data" : null, "msg" : "success", "code" : 0 }`}
	})
	rc.Ack = func(status int, body string) bool { return status == 200 && strings.Contains(body, `"code" : 0`) }
	if _, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, reportPartner, deliveries.SubscriptionInput{Report: park.ReportEntry,
		URL: rc.URL, Schedule: make([]time.Duration, len(wrong)+1)}); err != nil {
		t.Fatal(err)
	}
	b.Event(t, park.EventEntry, "京A12345", b.Clock.Now().Add(-time.Minute))
	b.Event(t, park.EventEntry, "京B67890", b.Clock.Now().Add(-time.Minute))
	runWorker(t, b)
	deliverytest.WaitFor(t, 30*time.Second, "both reports acknowledged", func() bool { return len(rc.Acked()) == 2 })
	first := map[string]string{}
	for _, r := range rc.Requests() {
		if f, ok := first[r.EventID]; ok && f != string(r.Body) {
			t.Errorf("report %s: try %d's body differs from the first", r.EventID, r.Try)
		}
		first[r.EventID] = string(r.Body)
	}
	for id, n := range rc.Acked() {
		if n != 1 {
			t.Errorf("report %s acknowledged %d times", id, n)
		}
	}
	if n := rc.Len(); n != 2*(len(wrong)+1) {
		t.Errorf("%d requests, want %d for each report", n, len(wrong)+1)
	}
}

func TestReportAcknowledged(t *testing.T) {
	for body, want := range map[string]bool{
		success:                                  true,
		`{"data":null,"code":0,"msg":"success"}`: true,
		" {\n \"code\": 0, \"msg\": \"success\", \"data\": null }\n": true,
		`{"code":0,"msg":"success","data":"null"}`:                   false,
		`{"code":0.0,"msg":"success","data":null}`:                   false,
		`{"code":1,"msg":"success","data":null}`:                     false,
		`{"code":0,"msg":"Success","data":null}`:                     false,
		`[{"code":0,"msg":"success","data":null}]`:                   false,
		// A key twice is not the success body, whichever of the two a
		// reader keeps: one that keeps the first reads a failure.
		`{"code":1,"code":0,"msg":"success","data":null}`:      false,
		`{"code":0,"msg":"error","msg":"success","data":null}`: false,
		`{"code":0,"msg":"success","data":null,"data":null}`:   false,
		`{"code":0,"msg":"success","data":null} {"code":1}`:    false,
		``: false,
		// A byte order mark first (.NET's UTF-8 writers put one) is read
		// past, as a request's is; only at the start, and only once.
		"\ufeff" + success:                   true,
		"\ufeff \n" + success:                true,
		"\ufeff\ufeff" + success:             false,
		success[:1] + "\ufeff" + success[1:]: false,
		"\ufeff":                             false,
	} {
		if got, _ := (ebopark.Reports{}).Judge(200, []byte(body)); got != want {
			t.Errorf("200 %q: acknowledged %v, want %v", body, got, want)
		}
	}
}

// TestReportJudgeStatus: any 2xx whose body is the success body
// acknowledges; a 204 has no body, so it cannot carry it, and the success
// body with an error status acknowledges nothing: both are refused
// saying so. An error status with its own body says why itself.
func TestReportJudgeStatus(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		ok     bool
		why    string
	}{
		{200, success, true, ""},
		{201, success, true, ""},
		{202, `{"data":null,"code":0,"msg":"success"}`, true, ""},
		{204, ``, false, `HTTP 204 has no body, so it cannot carry {"code":0,"msg":"success","data":null}`},
		{201, `{"code":0}`, false, `reply is not {"code":0,"msg":"success","data":null}`},
		{500, success, false, "the success reply acknowledges only with a 2xx status, not HTTP 500"},
		{302, success, false, "the success reply acknowledges only with a 2xx status, not HTTP 302"},
		{500, `{"code":500,"msg":"error"}`, false, ""},
		{503, ``, false, ""},
	} {
		ok, why := (ebopark.Reports{}).Judge(tc.status, []byte(tc.body))
		if ok != tc.ok || why != tc.why {
			t.Errorf("%d %q: %v %q, want %v %q", tc.status, tc.body, ok, why, tc.ok, tc.why)
		}
	}
}

// TestReportStatusSaysWhy: a partner answering HTTP 201 with the success
// body has taken the report; one answering 204, or 500 with the success
// body, has not, and the deliveries list says why before the reply.
func TestReportStatusSaysWhy(t *testing.T) {
	b, rc := reportBundle(t)
	answers := map[string]deliverytest.Answer{
		"京A12345": {Status: 201, Body: success},
		"京B67890": {Status: 204},
		"京C13579": {Status: 500, Body: success},
	}
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		for plate, a := range answers {
			if strings.Contains(string(r.Body), plate) {
				return a
			}
		}
		return deliverytest.Answer{Status: 599}
	})
	// The second attempt is an hour on: the clock stands still, so a
	// refused one stays failed, waiting for its retry.
	if _, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, reportPartner, deliveries.SubscriptionInput{Report: park.ReportEntry,
		URL: rc.URL, Schedule: []time.Duration{0, time.Hour}}); err != nil {
		t.Fatal(err)
	}
	for plate := range answers {
		b.Event(t, park.EventEntry, plate, b.Clock.Now().Add(-time.Minute))
	}
	runWorker(t, b)
	want := map[string]struct {
		state  string
		status int
		reply  string
	}{
		"京A12345": {park.DeliveryDelivered, 201, success},
		"京B67890": {park.DeliveryFailed, 204, `HTTP 204 has no body, so it cannot carry {"code":0,"msg":"success","data":null}`},
		"京C13579": {park.DeliveryFailed, 500, "the success reply acknowledges only with a 2xx status, not HTTP 500: " + success},
	}
	plates := map[string]string{} // report id → plate
	var got []*park.Delivery
	deliverytest.WaitFor(t, 30*time.Second, "each report tried once", func() bool {
		for _, r := range rc.Requests() {
			for plate := range answers {
				if strings.Contains(string(r.Body), plate) {
					plates[r.EventID] = plate
				}
			}
		}
		page, _, err := b.Sys.Deliveries.DeliveryPage(b.Ctx, deliveries.DeliveryQuery{PartnerID: reportPartner})
		if err != nil {
			t.Fatal(err)
		}
		got = page
		done := 0
		for _, d := range page {
			if d.Attempts == 1 && (d.State == park.DeliveryDelivered || d.State == park.DeliveryFailed) {
				done++
			}
		}
		return done == len(answers) && len(plates) == len(answers)
	})
	for _, d := range got {
		w := want[plates[d.ReportID]]
		if d.State != w.state || d.LastStatus != w.status || d.LastReply != w.reply {
			t.Errorf("%s: %s, %d %q; want %s, %d %q", plates[d.ReportID], d.State, d.LastStatus, d.LastReply, w.state, w.status, w.reply)
		}
	}
}

// TestReportSubscriptionFormat: an Ebopark partner's subscriptions are in
// its dialect unless native is asked; without a secret to sign with, its
// dialect's format is refused.
func TestReportSubscriptionFormat(t *testing.T) {
	b, rc := reportBundle(t)
	sub, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, reportPartner, deliveries.SubscriptionInput{Report: park.ReportExit,
		URL: rc.URL, Format: park.FormatNative})
	if err != nil || sub.Format != park.FormatNative || !strings.HasPrefix(sub.Secret, deliveries.SecretPrefix) {
		t.Fatalf("native subscription of an Ebopark partner: %+v, %v", sub, err)
	}
	if _, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: "nosecret", Name: "x", Dialect: ebopark.Name,
		Type: park.PartnerNormal, Lots: []string{b.Lot}}); err != nil {
		t.Fatal(err)
	}
	_, err = b.Sys.Deliveries.CreateSubscription(b.Ctx, "nosecret", deliveries.SubscriptionInput{Report: park.ReportExit, URL: rc.URL})
	systemtest.WantCode(t, err, park.EInvalid)
}

// eboFigure: the keys of Ebopark reports that hold an amount (fen), a
// count or a time.
func eboFigure(k string) bool {
	switch k {
	case "parkMins", "deduValue", "totalSpaces", "freeSpaces":
		return true
	}
	return strings.HasSuffix(k, "Time") || strings.HasSuffix(k, "Fee") || strings.HasSuffix(k, "Amount")
}

// TestReportFigures: every amount and time of the Ebopark golden reports,
// worked out from deliverytest's story: times in the lot's zone,
// Asia/Shanghai (UTC+8, so 07:00Z is 15:00), as "yyyy-MM-dd HH:mm:ss";
// amounts in fen. The tariff: 15 free minutes, then 200 per started 30
// minutes from entry; 10 spaces.
func TestReportFigures(t *testing.T) {
	story, reqs := storyReports(t)
	// A: 15:00 to 17:12, 132 minutes: 5 started half hours, 5 x 200 =
	// 1000 before deductions; the 300 coupon; 700 paid at 17:10.
	a := func(m map[string]any) map[string]any {
		m["entryTime"], m["exitTime"], m["parkMins"] = "2026-11-23 15:00:00", "2026-11-23 17:12:00", 132
		m["totalFee"], m["deductionFee"], m["paidFee"] = 1000, 300, 700
		m["reportTime"] = "2026-11-23 17:12:00"
		return m
	}
	// B: 15:30 to 17:40 through the lane held open, 130 minutes: 5 started
	// half hours, 1000, nothing deducted nor paid: 1000 unpaid.
	b := func(m map[string]any) map[string]any {
		m["entryTime"], m["exitTime"], m["parkMins"] = "2026-11-23 15:30:00", "2026-11-23 17:40:00", 130
		m["totalFee"], m["deductionFee"], m["paidFee"], m["unpaidFee"] = 1000, 0, 0, 1000
		m["reportTime"] = "2026-11-23 17:40:00"
		return m
	}
	want := map[string]map[string]any{
		// A is the first car in: 9 of 10 spaces free; 0 minutes parked.
		"CarIn": {"reportTime": "2026-11-23 15:00:00", "entryTime": "2026-11-23 15:00:00", "parkMins": 0,
			"totalSpaces": 10, "freeSpaces": 9},
		// B is still inside when A leaves.
		"CarOut": a(map[string]any{"totalSpaces": 10, "freeSpaces": 9}),
		"ParkOrder": a(map[string]any{"unpaidFee": 0, "payList.0.payFee": 700, "payList.0.payTime": "2026-11-23 17:10:00",
			"deduList.0.deduValue": 300}),
		// chargeAmount is before deductions (totalFee), deductAmount and
		// couponAmount what was taken off (none), incomeAmount what was paid.
		"ParkOrder.unpaid":       b(map[string]any{}),
		"AbnormalLift.held_lane": b(map[string]any{"chargeAmount": 1000, "deductAmount": 0, "couponAmount": 0, "incomeAmount": 0}),
		"AbnormalLift.open":      {"reportTime": "2026-11-23 17:20:00"},
		"AbnormalLift.hold_open": {"reportTime": "2026-11-23 17:30:00"},
		"DeviceStatus.offline":   {"reportTime": "2026-11-23 17:25:00"},
		"DeviceStatus.online":    {"reportTime": "2026-11-23 17:26:00"},
		// Renamed at 17:50, both cars gone: 10 of 10 free.
		"ParkInfo": {"reportTime": "2026-11-23 17:50:00", "totalSpaces": 10, "freeSpaces": 10},
	}
	for name, r := range reqs {
		if want[name] == nil {
			t.Errorf("no figures worked out for %s", name)
			continue
		}
		deliverytest.Figures(t, name, r.Body, eboFigure, want[name])
	}
	// A's payment names the fee query's orderNo it settled.
	var order struct {
		PayList []struct {
			OrderNo string `json:"orderNo"`
		} `json:"payList"`
	}
	if err := json.Unmarshal(reqs["ParkOrder"].Body, &order); err != nil || len(order.PayList) != 1 || order.PayList[0].OrderNo != story.QuoteA {
		t.Errorf("ParkOrder's payList %+v (%v), want one payment of orderNo %s", order.PayList, err, story.QuoteA)
	}
}

// TestReportOfARemovedCar: a car a partner removes from the cars inside
// (DeleteInParkCar) is reported out with no exit lane nor picture, and a
// reason in the vendor's language with the partner's own words.
func TestReportOfARemovedCar(t *testing.T) {
	b, rc := reportBundle(t)
	if _, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, reportPartner, deliveries.SubscriptionInput{Report: park.ReportExit, URL: rc.URL}); err != nil {
		t.Fatal(err)
	}
	b.Event(t, park.EventEntry, "京T00001", b.Clock.Now().Add(-time.Hour))
	if err := b.Sys.Gate.RemoveInside(b.Ctx, reportPartner, b.Lot, "京T00001", reportPartner, "车辆已拖走"); err != nil {
		t.Fatal(err)
	}
	runWorker(t, b)
	deliverytest.WaitFor(t, 30*time.Second, "the exit report", func() bool { return len(rc.Acked()) == 1 })
	// Removed at the clock's time, 07:00Z: 15:00 in Asia/Shanghai.
	var got map[string]any
	if err := json.Unmarshal(rc.Requests()[0].Body, &got); err != nil {
		t.Fatal(err)
	}
	if got["reportType"] != "CarOut" || got["reason"] != "人工删除在场车：车辆已拖走" || got["operatorName"] != reportPartner || got["exitChannelId"] != nil || got["imageUrl"] != nil ||
		got["exitTime"] != "2026-11-23 15:00:00" {
		t.Errorf("the report of a removed car: %s", rc.Requests()[0].Body)
	}
}

// TestReportOfAReentry: a car read entering while inside missed its exit;
// its old stay is reported out at that entry's time (14:00Z read, 22:00
// in Asia/Shanghai), with no exit lane nor picture, and a reason in the
// vendor's language.
func TestReportOfAReentry(t *testing.T) {
	b, rc := reportBundle(t)
	if _, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, reportPartner, deliveries.SubscriptionInput{Report: park.ReportExit, URL: rc.URL}); err != nil {
		t.Fatal(err)
	}
	now := b.Clock.Now()
	b.Event(t, park.EventEntry, "京T00002", now.Add(-2*time.Hour))
	b.Event(t, park.EventEntry, "京T00002", now.Add(-time.Hour))
	runWorker(t, b)
	deliverytest.WaitFor(t, 30*time.Second, "the exit report", func() bool { return len(rc.Acked()) == 1 })
	var got map[string]any
	if err := json.Unmarshal(rc.Requests()[0].Body, &got); err != nil {
		t.Fatal(err)
	}
	want := now.Add(-time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04:05")
	if got["reportType"] != "CarOut" || got["reason"] != "再次入场，出场未识别，原在场记录已关闭" || got["exitChannelId"] != nil ||
		got["imageUrl"] != nil || got["exitTime"] != want || got["freeSpaces"] != float64(10) {
		t.Errorf("the report of a re-entry (exit at %s, 10 free): %s", want, rc.Requests()[0].Body)
	}
}

// TestReportFieldsDocumented: every field of every golden report is
// named in docs/ebopark.md's Reports section.
func TestReportFieldsDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "ebopark.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "## Reports (3.3.1)")
	if !ok {
		t.Fatal("docs/ebopark.md has no Reports (3.3.1) section")
	}
	named := map[string]bool{}
	for _, m := range regexp.MustCompile("`([A-Za-z]+)`").FindAllStringSubmatch(section, -1) {
		named[m[1]] = true
	}
	files, err := filepath.Glob(filepath.Join("testdata", "reports", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden reports: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var keys func(v any)
		keys = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				for k, y := range x {
					if !named[k] {
						t.Errorf("%s: field %s is not in docs/ebopark.md's Reports section", f, k)
					}
					keys(y)
				}
			case []any:
				for _, y := range x {
					keys(y)
				}
			}
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		keys(v)
	}
}

// TestSensorlessReport: an enrolled car held at an exit for an amount due
// has its Ebopark partner asked to pay, with what it is to pay: the stay
// priced now (2 hours, 13:00 to 15:00 Shanghai: 4 started half hours
// after the free 15 minutes, 4 x 200 = 800 fen before deductions, none
// deducted nor paid) and payFee 800, as the fee query names what is to
// be paid. The success answer pays that, and the barrier opens.
func TestSensorlessReport(t *testing.T) {
	b, rc := reportBundle(t)
	if _, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, reportPartner, deliveries.SubscriptionInput{Report: park.ReportSensorlessExit,
		URL: rc.URL + "/pay"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Partners.Enrol(b.Ctx, reportPartner, "京S12345"); err != nil {
		t.Fatal(err)
	}
	in := b.Event(t, park.EventEntry, "京S12345", b.Clock.Now().Add(-2*time.Hour))
	d := b.Event(t, park.EventExit, "京S12345", b.Clock.Now())
	systemtest.WantDecision(t, d, park.DecisionOpen, park.ReasonPaid, 0)
	reqs := rc.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want the one ask", len(reqs))
	}
	var head struct {
		ReportType, OrderNo string
	}
	if err := json.Unmarshal(reqs[0].Body, &head); err != nil || head.ReportType != "SensorlessOut" || head.OrderNo != in.StayID {
		t.Fatalf("asked %s (%v)", reqs[0].Body, err)
	}
	deliverytest.Figures(t, "SensorlessOut", reqs[0].Body, eboFigure, map[string]any{
		"reportTime": "2026-11-23 15:00:00", "entryTime": "2026-11-23 13:00:00", "parkMins": 120,
		"totalFee": 800, "deductionFee": 0, "paidFee": 0, "payFee": 800,
	})
	if st := b.Stay(t, in.StayID); st.Paid != 800 {
		t.Fatalf("stay paid %d, want the 800 asked", st.Paid)
	}
}

// TestReportRefusedSaysWhy: a partner answering HTTP 200 {"code":0} has
// not acknowledged (the only success body is the whole
// {"code":0,"msg":"success","data":null}); the delivery is failed, and
// the deliveries list says so beside the partner's reply, for the
// operator to tell the partner what to answer. The exact body, for the
// other car, is delivered, and its reply is the body alone.
func TestReportRefusedSaysWhy(t *testing.T) {
	b, rc := reportBundle(t)
	rc.Script(func(r deliverytest.Request) deliverytest.Answer {
		if strings.Contains(string(r.Body), "京A12345") {
			return deliverytest.Answer{Status: 200, Body: `{"code":0}`}
		}
		return deliverytest.Answer{Status: 200, Body: success}
	})
	// Two attempts, the second an hour on: the clock stands still, so the
	// refused one stays failed, waiting for its retry.
	if _, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, reportPartner, deliveries.SubscriptionInput{Report: park.ReportEntry,
		URL: rc.URL, Schedule: []time.Duration{0, time.Hour}}); err != nil {
		t.Fatal(err)
	}
	b.Event(t, park.EventEntry, "京A12345", b.Clock.Now().Add(-time.Minute))
	b.Event(t, park.EventEntry, "京B67890", b.Clock.Now().Add(-time.Minute))
	runWorker(t, b)
	states := func() map[string]*park.Delivery {
		page, _, err := b.Sys.Deliveries.DeliveryPage(b.Ctx, deliveries.DeliveryQuery{PartnerID: reportPartner})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*park.Delivery{}
		for _, d := range page {
			out[d.ReportID] = d
		}
		return out
	}
	var got map[string]*park.Delivery
	deliverytest.WaitFor(t, 30*time.Second, "one delivered, one failed", func() bool {
		got = states()
		n := map[string]int{}
		for _, d := range got {
			n[d.State]++
		}
		return n[park.DeliveryDelivered] == 1 && n[park.DeliveryFailed] == 1
	})
	for _, r := range rc.Requests() {
		d := got[r.EventID]
		if d == nil {
			t.Fatalf("no delivery of report %s", r.EventID)
		}
		if strings.Contains(string(r.Body), "京A12345") {
			// The reason, naming the body expected, then the reply as it came.
			want := `reply is not {"code":0,"msg":"success","data":null}: {"code":0}`
			if d.State != park.DeliveryFailed || d.LastStatus != 200 || d.LastReply != want {
				t.Errorf("{\"code\":0} answered: %s, %d %q; want failed, 200 %q", d.State, d.LastStatus, d.LastReply, want)
			}
		} else if d.State != park.DeliveryDelivered || d.LastReply != success {
			t.Errorf("success answered: %s, %q; want delivered, %q", d.State, d.LastReply, success)
		}
	}
}
