package gate_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"parkd/internal/deliveries"
	"parkd/internal/gate"
	"parkd/internal/park"
)

// viewHook is a store that calls hook once, after the first read-only
// transaction it runs (the lots the daily report lists).
type viewHook struct {
	park.Store
	once sync.Once
	hook func()
}

func (s *viewHook) View(ctx context.Context, fn func(park.Tx) error) error {
	err := s.Store.View(ctx, fn)
	s.once.Do(s.hook)
	return err
}

// TestDailyLotInfoAfterChange: the daily lot_info report runs on one
// node while an operator changes the lot on another, after the report
// listed the lots: the lot_info a partner hears last carries the lot as
// changed, not the settings the report listed before the change.
func TestDailyLotInfoAfterChange(t *testing.T) {
	b := setup(t)
	b.Subscribe(t, park.ReportLotInfo)
	store := &viewHook{Store: b.Store, hook: func() {
		if _, err := b.Sys.Gate.UpdateLot(b.Ctx, b.Lot, func(l *park.Lot) error { l.Capacity = 25; return nil }); err != nil {
			t.Error(err)
		}
	}}
	daily := gate.New(gate.Config{Store: store, Now: b.Clock.Now})
	if _, err := daily.ReportLots(b.Ctx); err != nil {
		t.Fatal(err)
	}
	ds, _, err := b.Sys.Deliveries.DeliveryPage(b.Ctx, deliveries.DeliveryQuery{Report: park.ReportLotInfo, Limit: park.MaxListLimit})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) == 0 {
		t.Fatal("no lot_info report")
	}
	var last park.ReportData // newest first
	err = b.Store.View(b.Ctx, func(tx park.Tx) error {
		r, err := tx.GetReport(b.Ctx, ds[0].ReportID)
		if err != nil {
			return err
		}
		return json.Unmarshal(r.Data, &last)
	})
	if err != nil {
		t.Fatal(err)
	}
	if last.Lot == nil || last.Lot.Capacity != 25 || last.Occupancy == nil || last.Occupancy.Capacity != 25 {
		t.Fatalf("the last lot_info a partner hears: %+v %+v; want the lot as changed, capacity 25", last.Lot, last.Occupancy)
	}
}
