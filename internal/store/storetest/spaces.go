package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"parkd/internal/park"
)

func testSpaces(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	list := func(f park.SpaceFilter) []*park.Space {
		t.Helper()
		var out []*park.Space
		must(t, s.View(ctx, func(tx park.Tx) (err error) { out, err = tx.ListSpaces(ctx, f); return }))
		return out
	}
	codes := func(sps []*park.Space) string {
		var out []string
		for _, sp := range sps {
			out = append(out, sp.Code)
		}
		return fmt.Sprint(out)
	}
	layout := []*park.Space{
		{Code: "B1-002", Floor: "B1", Zone: "A"},
		{Code: "B1-001", Floor: "B1", Zone: "A", Kind: "ev"},
		{Code: "B1-010", Floor: "B1", Zone: "B"},
		{Code: "F1-001", Floor: "F1", Zone: "A", Kind: "disabled"},
	}
	must(t, update(t, s, func(tx park.Tx) error { return tx.ReplaceSpaces(ctx, "L1", layout) }))
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.ReplaceSpaces(ctx, "nope", layout) }), park.ENotFound)

	all := list(park.SpaceFilter{LotCode: "L1", Limit: -1})
	if got := codes(all); got != "[B1-001 B1-002 B1-010 F1-001]" {
		t.Fatalf("spaces %s, want code order", got)
	}
	if sp := all[0]; sp.LotCode != "L1" || sp.Floor != "B1" || sp.Zone != "A" || sp.Kind != "ev" || sp.Occupied ||
		sp.ReportedAt != nil || sp.Since != nil || sp.Plate != "" {
		t.Fatalf("new space %+v, want free and never reported", sp)
	}
	if got := codes(list(park.SpaceFilter{LotCode: "L2", Limit: -1})); got != "[]" {
		t.Fatalf("L2 spaces %s", got)
	}
	if got := codes(list(park.SpaceFilter{LotCode: "L1", Floor: "B1", Zone: "A", Limit: -1})); got != "[B1-001 B1-002]" {
		t.Fatalf("B1/A %s", got)
	}
	if got := codes(list(park.SpaceFilter{LotCode: "L1", Zone: "A", AfterCode: "B1-001", Limit: 2})); got != "[B1-002 F1-001]" {
		t.Fatalf("page %s", got)
	}

	// State: set, read back at store precision, located by plate.
	at := base.Add(123456789 * time.Nanosecond)
	since := at.Add(-time.Minute)
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.SetSpaceState(ctx, &park.Space{LotCode: "L1", Code: "B1-002", Occupied: true, Plate: "粤B12345",
			PlateKey: "粤B12345", Since: &since, ReportedAt: &at, PlateAt: &at, Source: park.SourceCamera})
	}))
	var got *park.Space
	must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetSpace(ctx, "L1", "B1-002"); return }))
	if !got.Occupied || got.Plate != "粤B12345" || got.Source != park.SourceCamera || got.ReportedAt == nil ||
		!got.ReportedAt.Equal(at.Truncate(park.Precision)) || got.ReportedAt.Location() != time.UTC ||
		!got.Since.Equal(since.Truncate(park.Precision)) || got.Floor != "B1" ||
		got.PlateAt == nil || !got.PlateAt.Equal(at.Truncate(park.Precision)) || got.PlateAt.Location() != time.UTC {
		t.Fatalf("state %+v", got)
	}
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetSpace(ctx, "L2", "B1-002"); return err }), park.ENotFound)
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.SetSpaceState(ctx, &park.Space{LotCode: "L1", Code: "nope", ReportedAt: &at})
	}), park.ENotFound)

	locate := func(lot, key string, since time.Time) *park.Space {
		t.Helper()
		var sp *park.Space
		must(t, s.View(ctx, func(tx park.Tx) (err error) { sp, err = tx.LocateCar(ctx, lot, key, since); return }))
		return sp
	}
	if sp := locate("L1", "粤B12345", at.Add(-time.Hour)); sp == nil || sp.Code != "B1-002" {
		t.Fatalf("locate %+v", sp)
	}
	if sp := locate("L1", "粤B12345", at.Add(time.Second)); sp != nil {
		t.Fatalf("located by a report before since: %+v", sp)
	}
	if sp := locate("L2", "粤B12345", at.Add(-time.Hour)); sp != nil {
		t.Fatalf("located in another lot: %+v", sp)
	}
	if sp := locate("L1", "", at.Add(-time.Hour)); sp != nil {
		t.Fatalf("located an empty plate: %+v", sp)
	}
	// Seen later in another space: the newest report wins.
	later := at.Add(time.Minute)
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.SetSpaceState(ctx, &park.Space{LotCode: "L1", Code: "F1-001", Occupied: true, Plate: "粤B12345",
			PlateKey: "粤B12345", Since: &later, ReportedAt: &later, PlateAt: &later, Source: park.SourceCamera})
	}))
	if sp := locate("L1", "粤B12345", at.Add(-time.Hour)); sp == nil || sp.Code != "F1-001" {
		t.Fatalf("locate after a move %+v", sp)
	}
	// A newer report of B1-002 that did not read the plate (it keeps it,
	// seen at at) does not make B1-002 the newest place: PlateAt orders.
	sensor := at.Add(2 * time.Minute)
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.SetSpaceState(ctx, &park.Space{LotCode: "L1", Code: "B1-002", Occupied: true, Plate: "粤B12345",
			PlateKey: "粤B12345", Since: &since, ReportedAt: &sensor, PlateAt: &at, Source: park.SourceSensor})
	}))
	if sp := locate("L1", "粤B12345", at.Add(-time.Hour)); sp == nil || sp.Code != "F1-001" {
		t.Fatalf("locate after a sensor report of the old space %+v", sp)
	}
	if sp := locate("L1", "粤B12345", later.Add(time.Second)); sp != nil {
		t.Fatalf("located by a sensor report after since: %+v", sp)
	}

	var counts []park.SpaceCount
	must(t, s.View(ctx, func(tx park.Tx) (err error) { counts, err = tx.CountSpaces(ctx, "L1"); return }))
	// B1/A: 2 spaces, B1-002 occupied; B1/B: 1, free; F1/A: 1, occupied.
	if got := fmt.Sprint(counts); got != "[{B1 A 2 1} {B1 B 1 0} {F1 A 1 1}]" {
		t.Fatalf("counts %s", got)
	}
	must(t, s.View(ctx, func(tx park.Tx) (err error) { counts, err = tx.CountSpaces(ctx, "L2"); return }))
	if len(counts) != 0 {
		t.Fatalf("L2 counts %v", counts)
	}

	// Replacing the layout keeps the state of the codes that stay and
	// drops the others.
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.ReplaceSpaces(ctx, "L1", []*park.Space{
			{Code: "B1-002", Floor: "B2", Zone: "C"},
			{Code: "B2-001", Floor: "B2", Zone: "C"},
		})
	}))
	all = list(park.SpaceFilter{LotCode: "L1", Limit: -1})
	if got := codes(all); got != "[B1-002 B2-001]" {
		t.Fatalf("after replace %s", got)
	}
	if sp := all[0]; sp.Floor != "B2" || sp.Zone != "C" || sp.Kind != "" || !sp.Occupied || sp.Plate != "粤B12345" {
		t.Fatalf("kept space %+v", sp)
	}
	// A rolled-back replace leaves the layout.
	_ = update(t, s, func(tx park.Tx) error {
		must(t, tx.ReplaceSpaces(ctx, "L1", nil))
		return park.Errorf(park.EInvalid, "roll back")
	})
	if got := codes(list(park.SpaceFilter{LotCode: "L1", Limit: -1})); got != "[B1-002 B2-001]" {
		t.Fatalf("after rollback %s", got)
	}
	must(t, update(t, s, func(tx park.Tx) error { return tx.ReplaceSpaces(ctx, "L1", nil) }))
	if got := codes(list(park.SpaceFilter{LotCode: "L1", Limit: -1})); got != "[]" {
		t.Fatalf("after clearing %s", got)
	}
}
