package demo_test

import (
	"context"
	"testing"
	"time"

	"parkd/internal/demo"
	"parkd/internal/device"
	"parkd/internal/dialect/ebopark"
	"parkd/internal/dialect/linkc"
	"parkd/internal/dialect/lvcchong"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
)

// TestDemoPlans: the demo lot sells a standard plan, which its pass is on,
// and a night plan 19:00-08:00; loading twice keeps two plans.
func TestDemoPlans(t *testing.T) {
	ctx := context.Background()
	svc := system.New(system.Config{Dialects: []string{linkc.Name, ebopark.Name, lvcchong.Name}, Barriers: device.NewMemory(), Store: teststore.Open(t)})
	for range 2 {
		if err := demo.Load(ctx, svc, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	plans, err := svc.Access.ListPlans(ctx, "", demo.LotCode)
	if err != nil || len(plans) != 2 || plans[0].Code != "monthly-standard" || len(plans[0].Slots) != 0 ||
		plans[1].Code != "night" || len(plans[1].Slots) != 1 || plans[1].Slots[0].From != "19:00" || plans[1].Slots[0].To != "08:00" {
		t.Fatalf("plans %+v, %v", plans, err)
	}
	ps, err := svc.Access.PassByPlate(ctx, demo.LotCode, "京A12345")
	if err != nil || ps.Plan != "monthly-standard" || len(ps.Slots) != 0 {
		t.Fatalf("demo pass %+v, %v", ps, err)
	}
}
