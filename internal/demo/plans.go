package demo

import (
	"context"
	"fmt"

	"parkd/internal/park"
	"parkd/internal/system"
)

// Demo plans of LotCode: the standard monthly rate the demo pass is on,
// and a night rate (时段月租) whose passes park free 19:00-08:00.
var demoPlans = []park.Plan{
	{Code: "monthly-standard", Name: "标准月租", Price: 30000},
	{Code: "night", Name: "夜间月租 19:00-08:00", Price: 15000, Slots: []park.Slot{{From: "19:00", To: "08:00"}}},
}

// loadPlans creates the demo plans that are missing.
func loadPlans(ctx context.Context, svc *system.System) error {
	for _, p := range demoPlans {
		if _, err := svc.Access.GetPlan(ctx, LotCode, p.Code); !park.IsCode(err, park.ENotFound) {
			if err != nil {
				return err
			}
			continue
		}
		if _, err := svc.Access.CreatePlan(ctx, LotCode, &p); err != nil {
			return fmt.Errorf("plan %s: %w", p.Code, err)
		}
	}
	return nil
}
