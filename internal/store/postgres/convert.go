package postgres

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/jsonrow"
	"parkd/internal/store/postgres/db"
)

// ts is a time as stored: timestamptz keeps microseconds, and truncating
// here (PostgreSQL would round) keeps what is read back equal to what the
// SQLite store would give.
func ts(t time.Time) time.Time { return t.Truncate(park.Precision) }

// fromTS is a stored time as parkd uses it: in UTC (pgx gives local time).
func fromTS(t time.Time) time.Time { return t.UTC() }

func tsp(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := ts(*t)
	return &v
}

func fromTSP(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := fromTS(*t)
	return &v
}

// limit32 is a LIMIT argument; like SQLite, a negative limit means none.
func limit32(n int) int32 {
	if n < 0 || n > math.MaxInt32 {
		return math.MaxInt32
	}
	return int32(n)
}

func lotFromRow(r db.Lot, occupied int64) *park.Lot {
	l := &park.Lot{
		Code: r.Code, Name: r.Name, TimeZone: r.Timezone, Currency: r.Currency,
		Capacity: int(r.Capacity), ExitGraceMinutes: int(r.ExitGraceMinutes),
		QuoteTTLSeconds: int(r.QuoteTtlSeconds), Sandbox: r.Sandbox, MissedEntry: r.MissedEntry,
		TariffVersion: r.TariffVersion, Occupied: int(occupied),
		CreatedAt: fromTS(r.CreatedAt), UpdatedAt: fromTS(r.UpdatedAt), Version: r.Version,
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
		Locator: r.Locator, EntryAt: fromTS(r.EntryAt), EntryLane: r.EntryLane, ExitAt: fromTSP(r.ExitAt),
		ExitLane: r.ExitLane, State: r.State, PassID: r.PassID, Total: r.Total, Paid: r.Paid,
		Discount: r.Discount, PaidUntil: fromTSP(r.PaidUntil), Anomaly: r.Anomaly, Source: r.Source,
		UpdatedAt: fromTS(r.UpdatedAt), Version: r.Version, ReservationID: r.ReservationID, KeptFree: kept,
		PassFrom: fromTSP(r.PassFrom),
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
		ID: r.ID, LotCode: r.LotCode, Type: r.Type, Plate: r.Plate, Lane: r.Lane, At: fromTS(r.At),
		ImageURL: r.ImageUrl, PlateColor: r.PlateColor, VehicleClass: r.VehicleClass,
		ReceivedAt: fromTS(r.ReceivedAt),
	}
	return e, json.Unmarshal(r.Decision, &e.Decision)
}

func quoteFromRow(r db.Quote) (*park.Quote, error) {
	q := &park.Quote{
		ID: r.ID, StayID: r.StayID, LotCode: r.LotCode, AmountDue: r.AmountDue, Total: r.Total,
		Discount: r.Discount, PaidBefore: r.PaidBefore, Currency: r.Currency,
		ComputedAt: fromTS(r.ComputedAt), ExpiresAt: fromTS(r.ExpiresAt), Source: r.Source,
	}
	if err := json.Unmarshal(r.Lines, &q.Lines); err != nil {
		return nil, err
	}
	for i := range q.Lines { // JSON keeps the offset it was written with
		q.Lines[i].From, q.Lines[i].To = q.Lines[i].From.UTC(), q.Lines[i].To.UTC()
	}
	return q, nil
}

func paymentFromRow(r db.Payment) *park.Payment {
	return &park.Payment{
		ID: r.ID, QuoteID: r.QuoteID, StayID: r.StayID, LotCode: r.LotCode, Amount: r.Amount,
		Currency: r.Currency, Method: r.Method, Payer: r.Payer, Reference: r.Reference,
		IdempotencyKey: r.IdemKey, PaidAt: fromTS(r.PaidAt), PaidUntil: fromTS(r.PaidUntil),
	}
}

func passFromRow(r db.Pass, plates []db.PassPlate) *park.Pass {
	p := &park.Pass{
		ID: r.ID, LotCode: r.LotCode, HolderName: r.HolderName, Mobile: r.Mobile, UserCode: r.UserCode,
		Spaces: int(r.Spaces), ValidFrom: fromTS(r.ValidFrom), ValidTo: fromTS(r.ValidTo), Plan: r.Plan,
		CreatedAt: fromTS(r.CreatedAt), UpdatedAt: fromTS(r.UpdatedAt), Version: r.Version,
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
		ValidFrom: fromTS(r.ValidFrom), ValidTo: fromTS(r.ValidTo), Reason: r.Reason,
		CreatedAt: fromTS(r.CreatedAt), UpdatedAt: fromTS(r.UpdatedAt), Version: r.Version,
	}
}
