package ebopark_test

import (
	"encoding/json"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/gate"
	"parkd/internal/park"
)

// TestReportOfAnOfflineLanePass: a car that left owing through a lane that
// was offline (its camera replays the passage later) is an abnormal lift,
// told as what happened: the lane was offline, nobody held it open, so the
// reason says so in the vendor's language and no operator is named. By
// hand (systemtest's tariff: 15 free minutes, then 200 per started 30
// minutes): in at 14:00, out at 15:00 (Asia/Shanghai), 60 minutes, two
// half hours, 400 fen, none paid.
func TestReportOfAnOfflineLanePass(t *testing.T) {
	b, rc := reportBundle(t)
	if _, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, reportPartner, deliveries.SubscriptionInput{Report: park.ReportAbnormalLift, URL: rc.URL}); err != nil {
		t.Fatal(err)
	}
	out := b.Clock.Now()
	b.Event(t, park.EventEntry, "京T00002", out.Add(-time.Hour))
	b.Clock.Set(out)
	d, err := b.Sys.Gate.HandleEvent(b.Ctx, gate.EventInput{LotCode: b.Lot, ID: "offline-out", Type: park.EventExit, Plate: "京T00002",
		Lane: "out-1", At: out, Passed: true})
	if err != nil || d.Reason != park.ReasonOffline {
		t.Fatalf("offline exit: %+v %v", d, err)
	}
	runWorker(t, b)
	deliverytest.WaitFor(t, 30*time.Second, "the abnormal lift report", func() bool { return len(rc.Acked()) == 1 })
	var got map[string]any
	if err := json.Unmarshal(rc.Requests()[0].Body, &got); err != nil {
		t.Fatal(err)
	}
	if got["reportType"] != "AbnormalLift" || got["reason"] != "车道离线时放行，按规则本应拦截" {
		t.Errorf("reportType %v, reason %q; want AbnormalLift, 车道离线时放行，按规则本应拦截", got["reportType"], got["reason"])
	}
	if _, ok := got["operatorName"]; ok {
		t.Errorf("operatorName %v: nobody held the offline lane open", got["operatorName"])
	}
	if got["chargeAmount"] != 400.0 || got["unpaidFee"] != 400.0 || got["parkMins"] != 60.0 || got["exitTime"] != "2026-11-23 15:00:00" {
		t.Errorf("figures %v %v %v %v; want 400 charged, 400 unpaid, 60 minutes, out 15:00", got["chargeAmount"], got["unpaidFee"], got["parkMins"], got["exitTime"])
	}
}
