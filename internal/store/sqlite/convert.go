package sqlite

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/jsonrow"
	"parkd/internal/store/sqlite/db"
)

func us(t time.Time) int64 { return t.UnixMicro() }

func fromUS(v int64) time.Time { return time.UnixMicro(v).UTC() }

func nullUS(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: true}
}

func fromNullUS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromUS(v.Int64)
	return &t
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func lotFromRow(r db.Lot, occupied int64) *park.Lot {
	l := &park.Lot{
		Code: r.Code, Name: r.Name, TimeZone: r.Timezone, Currency: r.Currency,
		Capacity: int(r.Capacity), ExitGraceMinutes: int(r.ExitGraceMinutes),
		QuoteTTLSeconds: int(r.QuoteTtlSeconds), Sandbox: r.Sandbox != 0, MissedEntry: r.MissedEntry,
		TariffVersion: r.TariffVersion, Occupied: int(occupied),
		CreatedAt: fromUS(r.CreatedAt), UpdatedAt: fromUS(r.UpdatedAt), Version: r.Version,
	}
	if r.Tariff != "" {
		l.Tariff = json.RawMessage(r.Tariff)
	}
	return l
}

func stayFromRow(r db.Stay) (*park.Stay, error) {
	kept, err := jsonrow.ParsePeriods(r.KeptFree)
	if err != nil {
		return nil, fmt.Errorf("stay %s: %w", r.ID, err)
	}
	return &park.Stay{
		ID: r.ID, LotCode: r.LotCode, Plate: r.Plate, PlateKey: r.PlateKey, VehicleClass: r.VehicleClass,
		Locator: r.Locator, EntryAt: fromUS(r.EntryAt), EntryLane: r.EntryLane, ExitAt: fromNullUS(r.ExitAt),
		ExitLane: r.ExitLane, State: r.State, PassID: r.PassID, Total: r.Total, Paid: r.Paid,
		Discount: r.Discount, PaidUntil: fromNullUS(r.PaidUntil), Anomaly: r.Anomaly, Source: r.Source,
		UpdatedAt: fromUS(r.UpdatedAt), Version: r.Version, ReservationID: r.ReservationID, KeptFree: kept,
		PassFrom: fromNullUS(r.PassFrom),
	}, nil
}

func staysFromRows(rows []db.Stay) ([]*park.Stay, error) {
	out := make([]*park.Stay, len(rows))
	for i, r := range rows {
		var err error
		if out[i], err = stayFromRow(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func eventFromRow(r db.Event) (*park.Event, error) {
	e := &park.Event{
		ID: r.ID, LotCode: r.LotCode, Type: r.Type, Plate: r.Plate, Lane: r.Lane, At: fromUS(r.At),
		ImageURL: r.ImageUrl, PlateColor: r.PlateColor, VehicleClass: r.VehicleClass,
		ReceivedAt: fromUS(r.ReceivedAt),
	}
	return e, json.Unmarshal([]byte(r.Decision), &e.Decision)
}

func quoteFromRow(r db.Quote) (*park.Quote, error) {
	q := &park.Quote{
		ID: r.ID, StayID: r.StayID, LotCode: r.LotCode, AmountDue: r.AmountDue, Total: r.Total,
		Discount: r.Discount, PaidBefore: r.PaidBefore, Currency: r.Currency,
		ComputedAt: fromUS(r.ComputedAt), ExpiresAt: fromUS(r.ExpiresAt), Source: r.Source,
	}
	return q, json.Unmarshal([]byte(r.Lines), &q.Lines)
}

func paymentFromRow(r db.Payment) *park.Payment {
	return &park.Payment{
		ID: r.ID, QuoteID: r.QuoteID, StayID: r.StayID, LotCode: r.LotCode, Amount: r.Amount,
		Currency: r.Currency, Method: r.Method, Payer: r.Payer, Reference: r.Reference,
		IdempotencyKey: r.IdemKey, PaidAt: fromUS(r.PaidAt), PaidUntil: fromUS(r.PaidUntil),
	}
}

func passFromRow(r db.Pass, plates []db.PassPlate) *park.Pass {
	p := &park.Pass{
		ID: r.ID, LotCode: r.LotCode, HolderName: r.HolderName, Mobile: r.Mobile, UserCode: r.UserCode,
		Spaces: int(r.Spaces), ValidFrom: fromUS(r.ValidFrom), ValidTo: fromUS(r.ValidTo), Plan: r.Plan,
		CreatedAt: fromUS(r.CreatedAt), UpdatedAt: fromUS(r.UpdatedAt), Version: r.Version,
		Plates: make([]string, len(plates)), PlateKeys: make([]string, len(plates)), Slots: slotsFromDB(r.Slots),
		CreatedAs: r.CreatedAs, CreatedKey: r.CreatedKey,
	}
	for i, pp := range plates {
		p.Plates[i], p.PlateKeys[i] = pp.Plate, pp.PlateKey
	}
	return p
}

func whitelistFromRow(r db.Whitelist) *park.WhitelistEntry {
	return &park.WhitelistEntry{
		ID: r.ID, LotCode: r.LotCode, Plate: r.Plate, PlateKey: r.PlateKey, Kind: r.Kind, Category: r.Category,
		ValidFrom: fromUS(r.ValidFrom), ValidTo: fromUS(r.ValidTo), Reason: r.Reason,
		CreatedAt: fromUS(r.CreatedAt), UpdatedAt: fromUS(r.UpdatedAt), Version: r.Version,
	}
}
