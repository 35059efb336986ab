package ebopark_test

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"parkd/internal/dialect/ebopark"
	"parkd/internal/park"
)

// TestLotTimeSkippedByTheClocks: a lot-local time that a clock change
// skips is read as the lot's wall clock reads it, just after the jump.
// In Santiago 2026-09-06 00:00 (-04) became 01:00 (-03), so a pass whose
// EndTime is "2026-09-06 00:00:00" ends at 04:00 UTC that day (not at
// 23:00 on Sep 5), and is shown ending at "2026-09-06 01:00:00".
func TestLotTimeSkippedByTheClocks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, err := e.svc.Gate.CreateLot(e.ctx, &park.Lot{Code: "scl", Name: "Santiago", TimeZone: "America/Santiago",
		Currency: "CLP", Capacity: 10, ExitGraceMinutes: 15, MissedEntry: park.MissedEntryHold}); err != nil {
		t.Fatal(err)
	}
	const secret = "scl-secret-0123456789"
	if _, err := e.svc.Partners.CreatePartner(e.ctx, &park.Partner{ID: "scl-app", Name: "scl", Dialect: ebopark.Name,
		Type: park.PartnerNormal, Secret: secret, SignMode: "md5", Lots: []string{"scl"}}); err != nil {
		t.Fatal(err)
	}
	call := func(op, body string) envelope {
		sum := md5.Sum([]byte(body + secret))
		return wantState(t, e.post("/partnerService/"+op+"?partnerid=scl-app&sign="+hex.EncodeToString(sum[:]), body), 0, "成功")
	}
	r := call("AddMonthCar", `{"ParkCode":"scl","CarNo":"京A99999","UserName":"x","UserCode":"S1",`+
		`"BeginTime":"2026-02-01 00:00:00","EndTime":"2026-09-06 00:00:00"}`)
	var added struct {
		MonthID string `json:"monthId"`
	}
	if err := json.Unmarshal(r.Result, &added); err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.Access.GetPass(e.ctx, "scl", added.MonthID)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 9, 6, 4, 0, 0, 0, time.UTC); !p.ValidTo.Equal(want) {
		t.Fatalf("pass ends %s, want %s", p.ValidTo.UTC(), want)
	}
	q := call("QueryAllMonthCar", `{"ParkCode":"scl"}`)
	var all struct {
		Records []struct {
			LotInfo []struct {
				EndTime string `json:"endTime"`
			} `json:"lotInfo"`
		} `json:"records"`
	}
	if err := json.Unmarshal(q.Result, &all); err != nil || len(all.Records) != 1 || len(all.Records[0].LotInfo) != 1 {
		t.Fatalf("%s (%v)", q.Result, err)
	}
	if got := all.Records[0].LotInfo[0].EndTime; got != "2026-09-06 01:00:00" {
		t.Fatalf("endTime %q, want 2026-09-06 01:00:00", got)
	}
}
