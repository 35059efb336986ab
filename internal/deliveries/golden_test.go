package deliveries_test

import (
	"encoding/json"
	"flag"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"parkd/internal/deliveries/deliverytest"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// gateReports are the report kinds the gate writes.
var gateReports = []string{park.ReportEntry, park.ReportExit, park.ReportOrder, park.ReportAbnormalLift,
	park.ReportDeviceStatus, park.ReportLotInfo}

// nativeReport is a native body as the golden tests read it (to name
// each report's file).
type nativeReport struct {
	Type      string          `json:"type"`
	Timestamp time.Time       `json:"timestamp"`
	Data      park.ReportData `json:"data"`
}

// storyReports subscribes partner "app" to every gate report at rc, plays
// deliverytest's story, delivers, and returns the native bodies by golden
// file name.
func storyReports(t *testing.T) (deliverytest.Story, map[string]nativeReport, map[string][]byte) {
	b := systemtest.New(t)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	for _, k := range gateReports {
		subscribe(t, b, "app", k, rc.URL+"/"+k)
	}
	s := deliverytest.RunStory(t, b, "app")
	run(t, b)
	waitFor(t, "the story's reports", func() bool { return len(rc.Acked()) == deliverytest.StoryReports })
	reports, bodies := map[string]nativeReport{}, map[string][]byte{}
	for _, r := range rc.Requests() {
		var n nativeReport
		if err := json.Unmarshal(r.Body, &n); err != nil {
			t.Fatalf("%v: %s", err, r.Body)
		}
		name := n.Type
		switch d := n.Data; {
		case n.Type == park.ReportEntry || n.Type == park.ReportExit:
			if d.Stay.ID != s.StayA {
				continue // B's are the same shape
			}
		case n.Type == park.ReportOrder && d.Stay.ID == s.StayB:
			name += ".unpaid"
		case n.Type == park.ReportAbnormalLift && d.Command != nil:
			name += "." + d.Command.Command
		case n.Type == park.ReportAbnormalLift:
			name += ".held_lane"
		case n.Type == park.ReportDeviceStatus && d.Device.Online:
			name += ".online"
		case n.Type == park.ReportDeviceStatus:
			name += ".offline"
		}
		if _, dup := reports[name]; dup {
			t.Fatalf("two reports named %s", name)
		}
		reports[name], bodies[name] = n, r.Body
	}
	return s, reports, bodies
}

// TestGoldenReports: the native body of every report the gate writes, as
// testdata/<report>[.<variant>].json. The amounts and times they show are
// checked in TestReportFigures.
func TestGoldenReports(t *testing.T) {
	_, _, bodies := storyReports(t)
	var names []string
	for name, body := range bodies {
		names = append(names, name)
		deliverytest.Golden(t, filepath.Join("testdata", name+".json"), body, *update)
	}
	sort.Strings(names)
	want := "abnormal_lift.held_lane abnormal_lift.hold_open abnormal_lift.open device_status.offline device_status.online entry exit lot_info order order.unpaid"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("golden reports %s, want %s", got, want)
	}
}

// nativeFigure: the keys of native bodies that hold an amount or a time.
func nativeFigure(k string) bool {
	switch k {
	case "timestamp", "at", "since", "paid_until", "valid_from", "valid_to", "value", "unpaid", "capacity", "occupied", "free":
		return true
	}
	return strings.HasSuffix(k, "_at") || strings.HasPrefix(k, "amount")
}

// z is an instant as native bodies write it.
func z(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// TestReportFigures: every amount and time the golden reports show,
// worked out from the story (deliverytest.RunStory) and the lot: 10
// spaces; 15 free minutes, then 200 fen per started 30 minutes from
// entry; 15 minutes to leave after paying. The lot was created when the
// clock started, at A's entry (07:00Z).
func TestReportFigures(t *testing.T) {
	s, _, bodies := storyReports(t)
	if s.PaidA != 700 {
		t.Errorf("A paid %d, want 700 (below)", s.PaidA)
	}
	lot := func(m map[string]any) map[string]any {
		m["data.lot.capacity"] = 10
		m["data.lot.created_at"], m["data.lot.updated_at"] = z(deliverytest.AIn), z(deliverytest.AIn)
		return m
	}
	// A: in 07:00Z, pays at 09:10Z, out 09:12Z: 132 minutes, more than the
	// 15 free, so 5 started half hours, 5 x 200 = 1000 (at 09:10Z, 130
	// minutes, also 5), less the 300 coupon: 700 due, paid. Paid until
	// 09:10Z + 15 minutes = 09:25Z; the exit at 09:12Z is within it.
	stayA := func(m map[string]any, prefix string) map[string]any {
		m[prefix+"stay.entry_at"], m[prefix+"stay.exit_at"] = z(deliverytest.AIn), z(deliverytest.AOut)
		m[prefix+"stay.amount_total"], m[prefix+"stay.amount_discount"], m[prefix+"stay.amount_paid"] = 5*200-300, 300, 700
		m[prefix+"stay.paid_until"], m[prefix+"stay.updated_at"] = z(deliverytest.PayAt.Add(15*time.Minute)), z(deliverytest.AOut)
		m[prefix+"event.at"], m[prefix+"event.received_at"] = z(deliverytest.AOut), z(deliverytest.AOut)
		m[prefix+"event.decision.amount_due"] = 0
		return m
	}
	// B: in 07:30Z, out 09:40Z through the lane held open, unpaid: 130
	// minutes, 5 started half hours, 1000, all of it due.
	stayB := func(m map[string]any) map[string]any {
		m["data.stay.entry_at"], m["data.stay.exit_at"] = z(deliverytest.BIn), z(deliverytest.BOut)
		m["data.stay.amount_total"], m["data.stay.amount_discount"], m["data.stay.amount_paid"] = 5*200, 0, 0
		m["data.stay.updated_at"] = z(deliverytest.BOut)
		m["data.event.at"], m["data.event.received_at"] = z(deliverytest.BOut), z(deliverytest.BOut)
		m["data.event.decision.amount_due"], m["data.unpaid"] = 1000, 1000
		return m
	}
	command := func(m map[string]any, at time.Time) map[string]any {
		m["timestamp"], m["data.command.at"] = z(at), z(at)
		return lot(m)
	}
	want := map[string]map[string]any{
		// A is the first car inside: 1 of 10, 9 free; nothing priced yet.
		"entry": lot(map[string]any{"timestamp": z(deliverytest.AIn),
			"data.occupancy.capacity": 10, "data.occupancy.occupied": 1, "data.occupancy.free": 9,
			"data.stay.entry_at": z(deliverytest.AIn), "data.stay.updated_at": z(deliverytest.AIn),
			"data.stay.amount_total": 0, "data.stay.amount_discount": 0, "data.stay.amount_paid": 0,
			"data.event.at": z(deliverytest.AIn), "data.event.received_at": z(deliverytest.AIn), "data.event.decision.amount_due": 0}),
		// After A leaves, B is inside: 1 of 10.
		"exit": stayA(lot(map[string]any{"timestamp": z(deliverytest.AOut),
			"data.occupancy.capacity": 10, "data.occupancy.occupied": 1, "data.occupancy.free": 9}), "data."),
		// The payment of 700 at 09:10Z (paid until 09:25Z, as the stay),
		// and the 300 coupon it used, issued at 08:00Z for 15 hours (until
		// 23:00Z); 1000 - 300 - 700 = 0 left unpaid, written out.
		"order": stayA(lot(map[string]any{
			"timestamp":                  z(deliverytest.AOut),
			"data.unpaid":                5*200 - 300 - 700,
			"data.payments.0.amount":     700,
			"data.payments.0.paid_at":    z(deliverytest.PayAt),
			"data.payments.0.paid_until": z(deliverytest.PayAt.Add(15 * time.Minute)),
			"data.coupons.0.value":       300,
			"data.coupons.0.valid_from":  z(deliverytest.CouponAt),
			"data.coupons.0.valid_to":    z(deliverytest.CouponAt.Add(15 * time.Hour)),
			"data.coupons.0.created_at":  z(deliverytest.CouponAt),
			"data.coupons.0.used_at":     z(deliverytest.PayAt),
			"data.coupons.0.updated_at":  z(deliverytest.PayAt),
		}), "data."),
		"order.unpaid":            stayB(lot(map[string]any{"timestamp": z(deliverytest.BOut)})),
		"abnormal_lift.held_lane": stayB(lot(map[string]any{"timestamp": z(deliverytest.BOut)})),
		"abnormal_lift.open":      command(map[string]any{}, deliverytest.LiftAt),
		"abnormal_lift.hold_open": command(map[string]any{}, deliverytest.HoldAt),
		"device_status.offline":   command(map[string]any{"data.device.since": z(deliverytest.DownAt)}, deliverytest.DownAt),
		"device_status.online":    command(map[string]any{"data.device.since": z(deliverytest.BackAt)}, deliverytest.BackAt),
		// Renamed at 09:50Z (its updated_at), both cars gone: 0 of 10.
		"lot_info": {"timestamp": z(deliverytest.RenameAt), "data.lot.capacity": 10,
			"data.lot.created_at": z(deliverytest.AIn), "data.lot.updated_at": z(deliverytest.RenameAt),
			"data.occupancy.capacity": 10, "data.occupancy.occupied": 0, "data.occupancy.free": 10},
	}
	for name, body := range bodies {
		if want[name] == nil {
			t.Errorf("no figures worked out for %s", name)
			continue
		}
		deliverytest.Figures(t, name, body, nativeFigure, want[name])
	}
}

// TestRemovedCarReport: an operator removes a car from the cars inside;
// the exit report has no camera event, and its reason is the operator's
// own words, for each format to pass on.
func TestRemovedCarReport(t *testing.T) {
	b := systemtest.New(t)
	partner(t, b, "app")
	rc := deliverytest.New(t)
	subscribe(t, b, "app", park.ReportExit, rc.URL)
	d := b.Event(t, park.EventEntry, "京T00001", b.Clock.Now().Add(-time.Hour))
	if err := b.Sys.Gate.RemoveInside(b.Ctx, "", b.Lot, "京T00001", "guard-1", "towed away"); err != nil {
		t.Fatal(err)
	}
	run(t, b)
	waitFor(t, "the exit report", func() bool { return len(rc.Acked()) == 1 })
	var n nativeReport
	if err := json.Unmarshal(rc.Requests()[0].Body, &n); err != nil {
		t.Fatal(err)
	}
	if n.Type != park.ReportExit || n.Data.Event != nil || n.Data.Reason != "towed away" || n.Data.Stay.ID != d.StayID ||
		n.Data.Stay.Anomaly != "removed" || n.Data.Stay.State != park.StayOut {
		t.Errorf("the report of a removed car: %s", rc.Requests()[0].Body)
	}
}
