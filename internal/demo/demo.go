// Package demo loads a small, idempotent data set so a newcomer can try
// every call of the README at once: `parkd serve --demo`.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/system"
)

// LotCode is the demo mall lot (Asia/Shanghai, CNY).
const LotCode = "140123001"

// Tariff is a Chinese mall tariff: 15 free minutes (billed from entry once
// exceeded), 5 yuan the first hour, then day and night bands with caps and
// 30 yuan per rolling 24 hours.
const Tariff = `{
  "grace_minutes": 15,
  "grace_deducted": false,
  "first": {"minutes": 60, "price": 500},
  "every": {"minutes": 30, "price": 200},
  "bands": [
    {"name": "day",   "from": "08:00", "to": "20:00", "every": {"minutes": 30, "price": 200}, "cap": 2000},
    {"name": "night", "from": "20:00", "to": "08:00", "every": {"minutes": 60, "price": 100}, "cap": 500}
  ],
  "daily_cap": 3000,
  "daily_cap_window": "rolling",
  "stay_cap": 0,
  "classes": {"new_energy": {"grace_minutes": 120}, "large": {"every": {"minutes": 30, "price": 400}}}
}`

// Load creates what is missing of the demo set; running it again changes
// nothing (lots and list entries are looked up first, events carry fixed ids).
func Load(ctx context.Context, svc *system.System, now time.Time) error {
	if _, err := svc.Gate.GetLot(ctx, LotCode); park.IsCode(err, park.ENotFound) {
		if _, err := svc.Gate.CreateLot(ctx, &park.Lot{
			Code: LotCode, Name: "Demo Mall Car Park", TimeZone: "Asia/Shanghai", Currency: "CNY",
			Capacity: 500, ExitGraceMinutes: 15, QuoteTTLSeconds: 300, MissedEntry: park.MissedEntryHold,
			Tariff: json.RawMessage(Tariff),
		}); err != nil {
			return fmt.Errorf("lot: %w", err)
		}
	} else if err != nil {
		return err
	}

	if err := loadPlans(ctx, svc); err != nil { // plans.go; before the pass on one of them
		return err
	}
	passes, err := svc.Access.ListPasses(ctx, "", LotCode)
	if err != nil {
		return err
	}
	if len(passes) == 0 {
		if _, err := svc.Access.CreatePass(ctx, "", LotCode, &park.Pass{
			HolderName: "张伟", Mobile: "18679681247", UserCode: "U1001", Plates: []string{"京A12345", "京AD12345"},
			Spaces: 1, ValidFrom: now.AddDate(0, -1, 0), ValidTo: now.AddDate(0, 11, 0), Plan: "monthly-standard",
		}); err != nil {
			return fmt.Errorf("pass: %w", err)
		}
	}
	wl, err := svc.Access.ListWhitelist(ctx, LotCode)
	if err != nil {
		return err
	}
	if len(wl) == 0 {
		if _, err := svc.Access.CreateWhitelist(ctx, LotCode, &park.WhitelistEntry{
			Plate: "沪B88888", Kind: park.AccessAllow, ValidFrom: now.AddDate(-1, 0, 0), ValidTo: now.AddDate(1, 0, 0),
			Reason: "mall management car",
		}); err != nil {
			return fmt.Errorf("whitelist: %w", err)
		}
	}
	// A few cars inside, entered at fixed offsets before the first start.
	cars := []struct {
		id, plate string
		ago       time.Duration
	}{
		{"demo-entry-1", "粤B12345", 3 * time.Hour},
		{"demo-entry-2", "苏E6X789", 40 * time.Minute},
		{"demo-entry-3", "京A12345", 2 * time.Hour},
	}
	for _, c := range cars {
		if _, err := svc.Gate.HandleEvent(ctx, gate.EventInput{
			LotCode: LotCode, ID: c.id, Type: park.EventEntry, Plate: c.plate, Lane: "in-1", At: now.Add(-c.ago),
		}); err != nil {
			return fmt.Errorf("stay %s: %w", c.plate, err)
		}
	}
	if err := loadEbopark(ctx, svc); err != nil {
		return err
	}
	if err := loadCoupons(ctx, svc); err != nil {
		return err
	}
	if err := loadSpaces(ctx, svc, now); err != nil { // spaces.go
		return err
	}
	if err := loadReservations(ctx, svc, now); err != nil {
		return err
	}
	if err := loadCharging(ctx, svc); err != nil { // charging.go
		return err
	}
	return loadBrazil(ctx, svc)
}
