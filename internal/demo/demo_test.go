package demo_test

import (
	"context"
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/demo"
	"parkd/internal/device"
	"parkd/internal/dialect/ebopark"
	"parkd/internal/dialect/linkc"
	"parkd/internal/dialect/lvcchong"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
)

// TestLoadIsIdempotent: `parkd serve --demo` on every start leaves one set
// of demo data, whatever the clock says the second time.
func TestLoadIsIdempotent(t *testing.T) {
	ctx := context.Background()
	svc := system.New(system.Config{Dialects: []string{linkc.Name, ebopark.Name, lvcchong.Name}, Barriers: device.NewMemory(), Store: teststore.Open(t)})
	now := time.Now()
	count := func() (lots, passes, whitelist, inside int) {
		ls, err := svc.Gate.ListLots(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ps, _ := svc.Access.ListPasses(ctx, "", demo.LotCode)
		ws, _ := svc.Access.ListWhitelist(ctx, demo.LotCode)
		o, _ := svc.Gate.Occupancy(ctx, demo.LotCode)
		return len(ls), len(ps), len(ws), o.Occupied
	}
	if err := demo.Load(ctx, svc, now); err != nil {
		t.Fatal(err)
	}
	l1, p1, w1, in1 := count()
	if l1 < 2 || p1 != 1 || w1 != 1 || in1 != 3 {
		t.Fatalf("first load: %d lots, %d passes, %d whitelist entries, %d cars inside", l1, p1, w1, in1)
	}
	if err := demo.Load(ctx, svc, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if l2, p2, w2, in2 := count(); l2 != l1 || p2 != p1 || w2 != w1 || in2 != in1 {
		t.Fatalf("second load changed the data: %d/%d/%d/%d, was %d/%d/%d/%d", l2, p2, w2, in2, l1, p1, w1, in1)
	}
	if cs, n, err := svc.Billing.ListCoupons(ctx, billing.CouponQuery{LotCode: demo.LotCode, Limit: 10}); err != nil || n != 1 ||
		cs[0].ID != demo.DemoCoupon || cs[0].Plate != "苏E6X789" {
		t.Fatalf("demo coupons %v (%d), %v", cs, n, err)
	}
	l, err := svc.Gate.GetLot(ctx, demo.LotCode)
	if err != nil || l.TimeZone != "Asia/Shanghai" || l.Currency != "CNY" || len(l.Tariff) == 0 {
		t.Fatalf("demo lot %+v (%v)", l, err)
	}
	br, err := svc.Gate.GetLot(ctx, demo.BRLotCode)
	if err != nil || !br.Sandbox || br.TimeZone != "America/Sao_Paulo" || br.Currency != "BRL" {
		t.Fatalf("demo sandbox garage %+v (%v)", br, err)
	}
}

// TestDemoCharging: the demo holds the charging app, the seed's standard
// and the two simulated chargers the docs' curl examples use.
func TestDemoCharging(t *testing.T) {
	ctx := context.Background()
	svc := system.New(system.Config{Dialects: []string{linkc.Name, ebopark.Name, lvcchong.Name}, Barriers: device.NewMemory(), Store: teststore.Open(t)})
	if err := demo.Load(ctx, svc, time.Now()); err != nil {
		t.Fatal(err)
	}
	st, err := svc.Charging.StandardByID(ctx, 19464)
	if err != nil || st.Name != "固定金额-1元240分钟" || st.Rules.MaxMinutes != 960 || st.Rules.Segments[0].BlockMinutes != 240 {
		t.Fatalf("seed standard %+v %v", st, err)
	}
	cab, err := svc.Charging.Charger(ctx, demo.Cabinet)
	if err != nil || cab.Connectors != 10 || cab.StandardID != 19464 {
		t.Fatalf("cabinet %+v %v", cab, err)
	}
	if _, err := svc.Charging.CheckPassword(ctx, demo.CarPile, demo.ChargerPassword); err != nil {
		t.Fatalf("car pile password: %v", err)
	}
	if p, err := svc.Partners.GetPartner(ctx, demo.ChargeApp); err != nil || p.Secret != demo.ChargeAppSecret || p.Dialect != lvcchong.Name {
		t.Fatalf("app %+v %v", p, err)
	}
}
