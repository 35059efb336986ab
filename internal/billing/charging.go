package billing

import (
	"context"
	"time"

	"parkd/internal/park"
	"parkd/internal/tariff"
)

// chargingSessionsRead bounds the charging sessions of one plate read to
// price a stay: far more than one stay sees.
const chargingSessionsRead = 50

// chargingWindows applies the tariff's charging-while-parked rule: a car
// that charged in the lot during its stay parks free from the start of
// each charge to its end (now, while charging) plus after.
func chargingWindows(ctx context.Context, tx park.Tx, lot, plateKey string, entry, at time.Time, after time.Duration) ([]tariff.Window, error) {
	if plateKey == "" {
		return nil, nil
	}
	ss, err := tx.ChargeSessionsOfPlate(ctx, lot, plateKey, chargingSessionsRead)
	if err != nil {
		return nil, err
	}
	var ws []tariff.Window
	for _, s := range ss {
		if s.StartedAt == nil {
			continue // never charged
		}
		to := at
		if s.EndedAt != nil {
			to = *s.EndedAt
		}
		to = to.Add(after)
		if !to.After(entry) || !s.StartedAt.Before(at) {
			continue
		}
		ws = append(ws, tariff.Window{From: *s.StartedAt, To: to})
	}
	return ws, nil
}
