package demo

import (
	"context"
	"fmt"
	"time"

	"parkd/internal/park"
	"parkd/internal/spaces"
	"parkd/internal/system"
)

// loadSpaces gives the demo lot a guided garage: floors B1 (zones A and B)
// and F1 (zone A), 20 numbered spaces, two demo cars placed by guidance
// cameras and two bays occupied per their sensors. 苏E6X789 is inside but
// unplaced, to show QueryCarLocation's "not located". It runs only while
// the lot has no spaces, so a restart never overwrites real reports.
func loadSpaces(ctx context.Context, svc *system.System, now time.Time) error {
	have, err := svc.Spaces.ListSpaces(ctx, spaces.SpaceQuery{LotCode: LotCode, Limit: 1})
	if err != nil || len(have) > 0 {
		return err
	}
	var sps []*park.Space
	add := func(floor, zone string, n int, kinds map[int]string) {
		for i := 1; i <= n; i++ {
			sps = append(sps, &park.Space{Code: fmt.Sprintf("%s-%s-%03d", floor, zone, i), Floor: floor, Zone: zone, Kind: kinds[i]})
		}
	}
	add("B1", "A", 8, map[int]string{1: "ev", 2: "ev"})
	add("B1", "B", 6, map[int]string{1: "disabled"})
	add("F1", "A", 6, nil)
	if _, err := svc.Spaces.ReplaceSpaces(ctx, LotCode, sps); err != nil {
		return fmt.Errorf("spaces: %w", err)
	}
	if _, err := svc.Spaces.ReportSpaces(ctx, LotCode, []spaces.SpaceReport{
		{Space: "B1-A-003", Occupied: true, Plate: "粤B12345", At: now.Add(-170 * time.Minute)},
		{Space: "F1-A-002", Occupied: true, Plate: "京A12345", At: now.Add(-115 * time.Minute)},
		{Space: "B1-B-004", Occupied: true, At: now.Add(-30 * time.Minute)},
		{Space: "F1-A-005", Occupied: true, At: now.Add(-10 * time.Minute)},
	}); err != nil {
		return fmt.Errorf("space reports: %w", err)
	}
	return nil
}
