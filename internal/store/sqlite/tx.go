package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/jsonrow"
	"parkd/internal/store/sqlite/db"
)

type txn struct {
	raw  *sql.Tx // the writer's, for CheckWrite; nil when reading
	q    *db.Queries
	memo *memo // the writer's, for one group commit (memo.go); nil when reading
	tk   *tickets
}

// stmtCtx is the context statements run with. The caller's context is not
// passed down: the driver watches a cancellable context with a goroutine
// per statement, which costs more than the statement itself, and a
// statement in a group commit must not be cut off by one caller's
// cancellation anyway. Statements are short; requests are bounded by the
// HTTP server's timeouts.
var stmtCtx = context.Background()

var _ park.Tx = (*txn)(nil)

// Serialize does nothing: one write transaction runs at a time.
func (t *txn) Serialize(context.Context, string) error { return nil }

// wrap maps a driver error, naming what was missing for ENotFound.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return park.Errorf(park.ENotFound, format+" not found", args...)
	}
	err = mapErr(err)
	if park.IsCode(err, park.EConflict) {
		return park.Errorf(park.EConflict, format+" already exists", args...)
	}
	return err
}

// versioned interprets an optimistic update: no row changed means the row
// is gone (ENotFound) or another writer changed it first (EConflict). On
// success it bumps the caller's version.
func versioned(n int64, err error, version *int64, exists func() error, format string, args ...any) error {
	if err != nil {
		return wrap(err, format, args...)
	}
	if n == 0 {
		if err := exists(); err != nil {
			return wrap(err, format, args...)
		}
		return park.StaleRow(format, args...)
	}
	*version++
	return nil
}

// affected turns "0 rows changed" into ENotFound.
func affected(n int64, err error, format string, args ...any) error {
	if err != nil {
		return wrap(err, format, args...)
	}
	if n == 0 {
		return park.Errorf(park.ENotFound, format+" not found", args...)
	}
	return nil
}

func (t *txn) CreateLot(ctx context.Context, l *park.Lot) error {
	t.memo.forget() // memo.go
	l.Version = 1
	return wrap(t.q.CreateLot(stmtCtx, db.CreateLotParams{
		Code: l.Code, Name: l.Name, Timezone: l.TimeZone, Currency: l.Currency, Capacity: int64(l.Capacity),
		ExitGraceMinutes: int64(l.ExitGraceMinutes), QuoteTtlSeconds: int64(l.QuoteTTLSeconds),
		Sandbox: b2i(l.Sandbox), MissedEntry: l.MissedEntry, Tariff: string(l.Tariff),
		TariffVersion: l.TariffVersion, CreatedAt: us(l.CreatedAt), UpdatedAt: us(l.UpdatedAt),
	}), "lot %q", l.Code)
}

func (t *txn) GetLot(ctx context.Context, code string) (*park.Lot, error) {
	r, err := t.q.GetLot(stmtCtx, code)
	if err != nil {
		return nil, wrap(err, "lot %q", code)
	}
	return lotFromRow(r.Lot, r.Occupied), nil
}

func (t *txn) GetLotSettings(ctx context.Context, code string) (*park.Lot, error) {
	if l, ok := t.memo.lot(code); ok {
		return l, nil
	}
	r, err := t.q.GetLotSettings(stmtCtx, code)
	if err != nil {
		return nil, wrap(err, "lot %q", code)
	}
	l := lotFromRow(r, 0)
	t.memo.keepLot(l)
	return l, nil
}

// LotAndPlate is the separate reads: a statement costs no round trip
// here, and in a write the lot is mostly the memo's, which one statement
// reading both would read again. The open stay is not read: a quote
// would not use it, and FindInside reads it when a step does.
func (t *txn) LotAndPlate(ctx context.Context, code, plateKey string) (*park.Lot, park.PlateRecords, *park.Stay, error) {
	l, err := t.GetLotSettings(ctx, code)
	if err != nil {
		return nil, park.PlateRecords{}, nil, err
	}
	r, err := t.PlateRecords(ctx, code, plateKey)
	if err != nil {
		return nil, park.PlateRecords{}, nil, err
	}
	return l, r, nil, nil
}

func (t *txn) CountInside(ctx context.Context, code string) (int, error) {
	if n, ok := t.memo.count(code); ok {
		return int(n), nil
	}
	n, err := t.q.CountInside(stmtCtx, code)
	if err != nil {
		return 0, mapErr(err)
	}
	t.memo.keepCount(code, n)
	return int(n), nil
}

func (t *txn) ListLots(ctx context.Context) ([]*park.Lot, error) {
	rows, err := t.q.ListLots(stmtCtx)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Lot, len(rows))
	for i, r := range rows {
		out[i] = lotFromRow(r.Lot, r.Occupied)
	}
	return out, nil
}

func (t *txn) UpdateLot(ctx context.Context, l *park.Lot) error {
	t.memo.forget() // memo.go
	n, err := t.q.UpdateLot(stmtCtx, db.UpdateLotParams{
		Name: l.Name, Timezone: l.TimeZone, Currency: l.Currency, Capacity: int64(l.Capacity),
		ExitGraceMinutes: int64(l.ExitGraceMinutes), QuoteTtlSeconds: int64(l.QuoteTTLSeconds),
		Sandbox: b2i(l.Sandbox), MissedEntry: l.MissedEntry, Tariff: string(l.Tariff),
		TariffVersion: l.TariffVersion, UpdatedAt: us(l.UpdatedAt), Code: l.Code, Version: l.Version,
	})
	return versioned(n, err, &l.Version, func() error { _, err := t.q.GetLot(stmtCtx, l.Code); return err }, "lot %q", l.Code)
}

// AddOccupied adds to the lot's single count shard: SQLite has one writer,
// so there is no contention to spread.
func (t *txn) AddOccupied(ctx context.Context, code string, delta int) error {
	if err := t.q.AddOccupied(stmtCtx, db.AddOccupiedParams{LotCode: code, Shard: "0", Occupied: int64(delta)}); err != nil {
		t.memo.forget() // memo.go
		return wrap(err, "lot %q", code)
	}
	t.memo.added(code, int64(delta))
	return nil
}

func (t *txn) GetLane(ctx context.Context, lot, id string) (*park.Lane, error) {
	r, err := t.q.GetLane(stmtCtx, db.GetLaneParams{LotCode: lot, ID: id})
	if err != nil {
		return nil, wrap(err, "lane %q", id)
	}
	return &park.Lane{LotCode: r.LotCode, ID: r.ID, Direction: r.Direction, CreatedAt: fromUS(r.CreatedAt)}, nil
}

func (t *txn) CreateLane(ctx context.Context, l *park.Lane) error {
	return wrap(t.q.CreateLane(stmtCtx, db.CreateLaneParams{
		LotCode: l.LotCode, ID: l.ID, Direction: l.Direction, CreatedAt: us(l.CreatedAt),
	}), "lane %q", l.ID)
}

func (t *txn) GetEvent(ctx context.Context, lot, id string) (*park.Event, error) {
	r, err := t.q.GetEvent(stmtCtx, db.GetEventParams{LotCode: lot, ID: id})
	if err != nil {
		return nil, wrap(err, "event %q", id)
	}
	return eventFromRow(r)
}

func (t *txn) LatestLaneEvent(ctx context.Context, lot, lane string, since time.Time) (*park.Event, error) {
	r, err := t.q.LatestLaneEvent(stmtCtx, db.LatestLaneEventParams{LotCode: lot, Lane: lane, Since: us(since)})
	if err != nil {
		return nil, wrap(err, "event of lane %q", lane)
	}
	return eventFromRow(r)
}

func (t *txn) InsertEvent(ctx context.Context, e *park.Event) error {
	dec, err := json.Marshal(e.Decision)
	if err != nil {
		return fmt.Errorf("sqlite: encode decision: %w", err)
	}
	return wrap(t.q.InsertEvent(stmtCtx, db.InsertEventParams{
		LotCode: e.LotCode, ID: e.ID, Type: e.Type, Plate: e.Plate, Lane: e.Lane, At: us(e.At),
		ImageUrl: e.ImageURL, PlateColor: e.PlateColor, VehicleClass: e.VehicleClass,
		Decision: string(dec), ReceivedAt: us(e.ReceivedAt),
	}), "event %q", e.ID)
}

func (t *txn) InsertAnomaly(ctx context.Context, a *park.Anomaly) error {
	return wrap(t.q.InsertAnomaly(stmtCtx, db.InsertAnomalyParams{
		ID: a.ID, LotCode: a.LotCode, Kind: a.Kind, Plate: a.Plate, StayID: a.StayID, EventID: a.EventID,
		At: us(a.At), Detail: a.Detail, ImageUrl: a.ImageURL,
	}), "anomaly %q", a.ID)
}

func (t *txn) GetAnomaly(ctx context.Context, lot, id string) (*park.Anomaly, error) {
	r, err := t.q.GetAnomaly(stmtCtx, db.GetAnomalyParams{ID: id, LotCode: lot})
	if err != nil {
		return nil, wrap(err, "anomaly %q", id)
	}
	as, _ := anomaliesFromRows([]db.Anomaly{r}, nil)
	return as[0], nil
}

func (t *txn) ListAnomalies(ctx context.Context, f park.AnomalyFilter) ([]*park.Anomaly, error) {
	if f.BeforeID == "" {
		rows, err := t.q.ListAnomalies(stmtCtx, db.ListAnomaliesParams{LotCode: f.LotCode, Lim: int64(f.Limit)})
		return anomaliesFromRows(rows, err)
	}
	rows, err := t.q.ListAnomaliesBefore(stmtCtx, db.ListAnomaliesBeforeParams{LotCode: f.LotCode, BeforeAt: us(f.BeforeAt),
		BeforeID: f.BeforeID, Lim: int64(f.Limit)})
	return anomaliesFromRows(rows, err)
}

func (t *txn) ListStayAnomalies(ctx context.Context, lot, stay string, from, to time.Time, limit int) ([]*park.Anomaly, error) {
	rows, err := t.q.ListStayAnomalies(stmtCtx, db.ListStayAnomaliesParams{LotCode: lot, StayID: stay, FromAt: us(from),
		ToAt: us(to), Lim: int64(limit)})
	return anomaliesFromRows(rows, err)
}

func (t *txn) ListPlateAnomalies(ctx context.Context, f park.PlateAnomalyFilter) ([]*park.Anomaly, error) {
	rows, err := t.q.ListPlateAnomalies(stmtCtx, db.ListPlateAnomaliesParams{LotCode: f.LotCode, Plate: f.Plate, Kind: f.Kind,
		AfterAt: us(f.After), Lim: int64(f.Limit)})
	return anomaliesFromRows(rows, err)
}

func anomaliesFromRows(rows []db.Anomaly, err error) ([]*park.Anomaly, error) {
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Anomaly, len(rows))
	for i, r := range rows {
		out[i] = &park.Anomaly{ID: r.ID, LotCode: r.LotCode, Kind: r.Kind, Plate: r.Plate, StayID: r.StayID,
			EventID: r.EventID, At: fromUS(r.At), Detail: r.Detail, ImageURL: r.ImageUrl}
	}
	return out, nil
}

// keysOf is what stayKeys holds of s.
func keysOf(s *park.Stay) stayKeys {
	return stayKeys{plateKey: s.PlateKey, state: s.State, passID: s.PassID, exitAt: nullUS(s.ExitAt)}
}

// readStay converts a stay read in this transaction, remembering its
// indexed columns for UpdateStay.
func (t *txn) readStay(r db.Stay) (*park.Stay, error) {
	s, err := stayFromRow(r)
	if err == nil {
		t.memo.keepStay(r)
	}
	return s, err
}

func (t *txn) GetStay(ctx context.Context, id string) (*park.Stay, error) {
	if r, ok := t.memo.stay(id); ok {
		return stayFromRow(r)
	}
	r, err := t.q.GetStay(stmtCtx, id)
	if err != nil {
		return nil, wrap(err, "stay %q", id)
	}
	return t.readStay(r)
}

func (t *txn) FindInside(ctx context.Context, lot, plateKey string) (*park.Stay, error) {
	r, err := t.q.FindInside(stmtCtx, db.FindInsideParams{LotCode: lot, PlateKey: plateKey})
	if err != nil {
		return nil, wrap(err, "car inside")
	}
	return t.readStay(r)
}

func (t *txn) ListPartnerInside(ctx context.Context, partner, plateKey string) ([]*park.Stay, error) {
	rows, err := t.q.ListPartnerInside(stmtCtx, db.ListPartnerInsideParams{PartnerID: partner, PlateKey: plateKey})
	if err != nil {
		return nil, mapErr(err)
	}
	return staysFromRows(rows)
}

// UpdateStay lists in its SET only the indexed columns that changed
// since the transaction read or wrote the stay at this version (see the
// queries' comment); a stay it does not know gets every column.
func (t *txn) UpdateStay(ctx context.Context, s *park.Stay) error {
	now, version := keysOf(s), s.Version
	was, known := t.memo.stayKeysAt(s.ID, s.Version)
	moved := now.state != was.state || now.passID != was.passID || now.exitAt != was.exitAt
	var n int64
	var err error
	switch {
	case !known || now.plateKey != was.plateKey:
		n, err = t.q.UpdateStay(stmtCtx, db.UpdateStayParams{
			Plate: s.Plate, PlateKey: s.PlateKey, VehicleClass: s.VehicleClass, ExitAt: nullUS(s.ExitAt),
			ExitLane: s.ExitLane, State: s.State, PassID: s.PassID, Total: s.Total, Paid: s.Paid,
			Discount: s.Discount, PaidUntil: nullUS(s.PaidUntil), Anomaly: s.Anomaly, UpdatedAt: us(s.UpdatedAt),
			KeptFree: jsonrow.Periods(s.KeptFree), PassFrom: nullUS(s.PassFrom), ReservationID: s.ReservationID, ID: s.ID, Version: s.Version,
		})
	case moved:
		n, err = t.q.UpdateStayKeepPlate(stmtCtx, db.UpdateStayKeepPlateParams{
			Plate: s.Plate, VehicleClass: s.VehicleClass, ExitAt: nullUS(s.ExitAt),
			ExitLane: s.ExitLane, State: s.State, PassID: s.PassID, Total: s.Total, Paid: s.Paid,
			Discount: s.Discount, PaidUntil: nullUS(s.PaidUntil), Anomaly: s.Anomaly, UpdatedAt: us(s.UpdatedAt),
			KeptFree: jsonrow.Periods(s.KeptFree), PassFrom: nullUS(s.PassFrom), ReservationID: s.ReservationID, ID: s.ID, Version: s.Version,
		})
	default:
		n, err = t.q.UpdateStayValues(stmtCtx, db.UpdateStayValuesParams{
			Plate: s.Plate, VehicleClass: s.VehicleClass, ExitLane: s.ExitLane, Total: s.Total, Paid: s.Paid,
			Discount: s.Discount, PaidUntil: nullUS(s.PaidUntil), Anomaly: s.Anomaly, UpdatedAt: us(s.UpdatedAt),
			KeptFree: jsonrow.Periods(s.KeptFree), PassFrom: nullUS(s.PassFrom), ReservationID: s.ReservationID, ID: s.ID, Version: s.Version,
		})
	}
	err = versioned(n, err, &s.Version, func() error { _, err := t.q.GetStay(stmtCtx, s.ID); return err }, "stay %q", s.ID)
	if err == nil {
		t.memo.updatedStay(s, version)
	}
	return err
}

func (t *txn) ListStays(ctx context.Context, f park.StayFilter) ([]*park.Stay, error) {
	var rows []db.Stay
	var err error
	lim := int64(f.Limit)
	switch {
	case f.PlateKey != "":
		rows, err = t.q.ListStaysByPlate(stmtCtx, db.ListStaysByPlateParams{LotCode: f.LotCode, PlateKey: f.PlateKey, ID: f.AfterID, Limit: lim})
		if f.State != "" {
			kept := rows[:0]
			for _, r := range rows {
				if r.State == f.State {
					kept = append(kept, r)
				}
			}
			rows = kept
		}
	case f.State != "":
		rows, err = t.q.ListStaysByState(stmtCtx, db.ListStaysByStateParams{LotCode: f.LotCode, State: f.State, ID: f.AfterID, Limit: lim})
	default:
		rows, err = t.q.ListStays(stmtCtx, db.ListStaysParams{LotCode: f.LotCode, ID: f.AfterID, Limit: lim})
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return staysFromRows(rows)
}

func (t *txn) CountInsideForPass(ctx context.Context, passID string) (int, error) {
	n, err := t.q.CountInsideForPass(stmtCtx, passID)
	return int(n), mapErr(err)
}

func (t *txn) InsertQuote(ctx context.Context, q *park.Quote) error {
	lines, err := json.Marshal(q.Lines)
	if err != nil {
		return fmt.Errorf("sqlite: encode lines: %w", err)
	}
	return wrap(t.q.InsertQuote(stmtCtx, db.InsertQuoteParams{
		ID: q.ID, StayID: q.StayID, LotCode: q.LotCode, AmountDue: q.AmountDue, Total: q.Total,
		Discount: q.Discount, PaidBefore: q.PaidBefore, Currency: q.Currency, ComputedAt: us(q.ComputedAt),
		ExpiresAt: us(q.ExpiresAt), Lines: string(lines), Source: q.Source,
	}), "quote %q", q.ID)
}

func (t *txn) GetQuote(ctx context.Context, id string) (*park.Quote, error) {
	r, err := t.q.GetQuote(stmtCtx, id)
	if err != nil {
		return nil, wrap(err, "quote %q", id)
	}
	return quoteFromRow(r)
}

func (t *txn) ListStayQuotes(ctx context.Context, stayID string, limit int) ([]*park.Quote, error) {
	rs, err := t.q.ListStayQuotes(stmtCtx, db.ListStayQuotesParams{StayID: stayID, Limit: int64(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Quote, len(rs))
	for i, r := range rs {
		if out[i], err = quoteFromRow(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *txn) DeleteExpiredQuotes(ctx context.Context, before time.Time, limit int) (int, error) {
	n, err := t.q.DeleteExpiredQuotes(stmtCtx, db.DeleteExpiredQuotesParams{ExpiresAt: us(before), Limit: int64(limit)})
	return int(n), mapErr(err)
}

func (t *txn) InsertPayment(ctx context.Context, p *park.Payment) error {
	return wrap(t.q.InsertPayment(stmtCtx, db.InsertPaymentParams{
		ID: p.ID, QuoteID: p.QuoteID, StayID: p.StayID, LotCode: p.LotCode, Amount: p.Amount,
		Currency: p.Currency, Method: p.Method, Payer: p.Payer, Reference: p.Reference,
		IdemKey: p.IdempotencyKey, PaidAt: us(p.PaidAt), PaidUntil: us(p.PaidUntil),
	}), "payment for quote %q", p.QuoteID)
}

func (t *txn) GetPayment(ctx context.Context, id string) (*park.Payment, error) {
	r, err := t.q.GetPayment(stmtCtx, id)
	if err != nil {
		return nil, wrap(err, "payment %q", id)
	}
	return paymentFromRow(r), nil
}

func (t *txn) GetPaymentByQuote(ctx context.Context, quoteID string) (*park.Payment, error) {
	r, err := t.q.GetPaymentByQuote(stmtCtx, quoteID)
	if err != nil {
		return nil, wrap(err, "payment for quote %q", quoteID)
	}
	return paymentFromRow(r), nil
}

func (t *txn) ListStayPayments(ctx context.Context, stayID string) ([]*park.Payment, error) {
	rs, err := t.q.ListStayPayments(stmtCtx, stayID)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Payment, len(rs))
	for i, r := range rs {
		out[i] = paymentFromRow(r)
	}
	return out, nil
}

func (t *txn) GetPaymentByKey(ctx context.Context, key string) (*park.Payment, error) {
	r, err := t.q.GetPaymentByKey(stmtCtx, key)
	if err != nil {
		return nil, wrap(err, "payment with this idempotency key")
	}
	return paymentFromRow(r), nil
}

func (t *txn) GetPaymentByReference(ctx context.Context, payer, reference string) (*park.Payment, error) {
	r, err := t.q.GetPaymentByReference(stmtCtx, db.GetPaymentByReferenceParams{Payer: payer, Reference: reference})
	if err != nil {
		return nil, wrap(err, "payment with reference %q", reference)
	}
	return paymentFromRow(r), nil
}

// GetPaymentsByKeyOrReference is the two look-ups: a statement here
// costs no round trip.
func (t *txn) GetPaymentsByKeyOrReference(ctx context.Context, key, payer, reference string) (byKey, byReference *park.Payment, err error) {
	if key != "" {
		if byKey, err = t.GetPaymentByKey(ctx, key); park.IsCode(err, park.ENotFound) {
			byKey, err = nil, nil
		}
	}
	if err == nil && reference != "" {
		if byReference, err = t.GetPaymentByReference(ctx, payer, reference); park.IsCode(err, park.ENotFound) {
			byReference, err = nil, nil
		}
	}
	if err != nil {
		return nil, nil, err
	}
	return byKey, byReference, nil
}

func (t *txn) CreatePass(ctx context.Context, p *park.Pass) error {
	p.Version = 1
	if err := t.q.CreatePass(stmtCtx, db.CreatePassParams{
		ID: p.ID, LotCode: p.LotCode, HolderName: p.HolderName, Mobile: p.Mobile, UserCode: p.UserCode,
		Spaces: int64(p.Spaces), ValidFrom: us(p.ValidFrom), ValidTo: us(p.ValidTo), Plan: p.Plan,
		CreatedAt: us(p.CreatedAt), UpdatedAt: us(p.UpdatedAt), Slots: park.FormatSlots(p.Slots), CreatedAs: p.CreatedAs,
		CreatedKey: p.CreatedKey,
	}); err != nil {
		return wrap(err, "pass %q", p.ID)
	}
	return t.insertPassPlates(ctx, p)
}

func (t *txn) insertPassPlates(ctx context.Context, p *park.Pass) error {
	for i := range p.Plates {
		if err := t.q.InsertPassPlate(stmtCtx, db.InsertPassPlateParams{
			LotCode: p.LotCode, PlateKey: p.PlateKeys[i], PassID: p.ID, Plate: p.Plates[i], Position: int64(i),
		}); err != nil {
			return wrap(err, "a pass for plate %q", p.Plates[i])
		}
	}
	return nil
}

func (t *txn) GetPass(ctx context.Context, id string) (*park.Pass, error) {
	r, err := t.q.GetPass(stmtCtx, id)
	if err != nil {
		return nil, wrap(err, "pass %q", id)
	}
	plates, err := t.q.ListPassPlates(stmtCtx, id)
	if err != nil {
		return nil, mapErr(err)
	}
	return passFromRow(r, plates), nil
}

func (t *txn) UpdatePass(ctx context.Context, p *park.Pass) error {
	n, err := t.q.UpdatePass(stmtCtx, db.UpdatePassParams{
		HolderName: p.HolderName, Mobile: p.Mobile, UserCode: p.UserCode, Spaces: int64(p.Spaces),
		ValidFrom: us(p.ValidFrom), ValidTo: us(p.ValidTo), Plan: p.Plan, UpdatedAt: us(p.UpdatedAt), ID: p.ID,
		Slots:   park.FormatSlots(p.Slots),
		Version: p.Version,
	})
	if err := versioned(n, err, &p.Version, func() error { _, err := t.q.GetPass(stmtCtx, p.ID); return err }, "pass %q", p.ID); err != nil {
		return err
	}
	if err := t.q.DeletePassPlates(stmtCtx, p.ID); err != nil {
		return mapErr(err)
	}
	return t.insertPassPlates(ctx, p)
}

// DeletePass removes the pass and, in the same transaction, the terms
// its renewals recorded: they mean nothing without it.
func (t *txn) DeletePass(ctx context.Context, id string) error {
	n, err := t.q.DeletePass(stmtCtx, id)
	if err := affected(n, err, "pass %q", id); err != nil {
		return err
	}
	return mapErr(t.q.DeletePassTerms(stmtCtx, id))
}

func (t *txn) ListPasses(ctx context.Context, lot string) ([]*park.Pass, error) {
	rows, err := t.q.ListPasses(stmtCtx, lot)
	if err != nil {
		return nil, mapErr(err)
	}
	plates, err := t.q.ListLotPassPlates(stmtCtx, lot)
	if err != nil {
		return nil, mapErr(err)
	}
	byPass := make(map[string][]db.PassPlate, len(rows))
	for _, pl := range plates {
		byPass[pl.PassID] = append(byPass[pl.PassID], pl)
	}
	out := make([]*park.Pass, len(rows))
	for i, r := range rows {
		out[i] = passFromRow(r, byPass[r.ID])
	}
	return out, nil
}

func (t *txn) ListPassPage(ctx context.Context, f park.PageFilter) ([]*park.Pass, error) {
	rows, err := t.q.ListPassPage(stmtCtx, db.ListPassPageParams{LotCode: f.LotCode, AfterID: f.AfterID, Lim: int64(f.Limit)})
	if err != nil || len(rows) == 0 {
		return nil, mapErr(err)
	}
	plates, err := t.q.ListPassPlatesBetween(stmtCtx, db.ListPassPlatesBetweenParams{LotCode: f.LotCode,
		FirstID: rows[0].ID, LastID: rows[len(rows)-1].ID})
	if err != nil {
		return nil, mapErr(err)
	}
	byPass := make(map[string][]db.PassPlate, len(rows))
	for _, pl := range plates {
		byPass[pl.PassID] = append(byPass[pl.PassID], pl)
	}
	out := make([]*park.Pass, len(rows))
	for i, r := range rows {
		out[i] = passFromRow(r, byPass[r.ID])
	}
	return out, nil
}

func (t *txn) FindPassByPlate(ctx context.Context, lot, plateKey string) (*park.Pass, error) {
	id, err := t.q.FindPassIDByPlate(stmtCtx, db.FindPassIDByPlateParams{LotCode: lot, PlateKey: plateKey})
	if err != nil {
		return nil, wrap(err, "pass for this plate")
	}
	return t.GetPass(ctx, id)
}

func (t *txn) FindPassByCreatedKey(ctx context.Context, lot, key string) (*park.Pass, error) {
	id, err := t.q.FindPassIDByCreatedKey(stmtCtx, db.FindPassIDByCreatedKeyParams{LotCode: lot, CreatedKey: key})
	if err != nil {
		return nil, wrap(err, "pass made by this create")
	}
	return t.GetPass(ctx, id)
}

func (t *txn) FindPassByUserCode(ctx context.Context, lot, userCode string) (*park.Pass, error) {
	id, err := t.q.FindPassIDByUserCode(stmtCtx, db.FindPassIDByUserCodeParams{LotCode: lot, UserCode: userCode})
	if err != nil {
		return nil, wrap(err, "pass with user code %q", userCode)
	}
	return t.GetPass(ctx, id)
}

func (t *txn) CreateWhitelist(ctx context.Context, w *park.WhitelistEntry) error {
	w.Version = 1
	err := t.q.CreateWhitelist(stmtCtx, db.CreateWhitelistParams{
		ID: w.ID, LotCode: w.LotCode, Plate: w.Plate, PlateKey: w.PlateKey, Kind: w.Kind,
		ValidFrom: us(w.ValidFrom), ValidTo: us(w.ValidTo), Reason: w.Reason,
		CreatedAt: us(w.CreatedAt), UpdatedAt: us(w.UpdatedAt), Category: w.Category,
	})
	if err := plateTaken(err, w.Plate); err != nil {
		return err
	}
	return wrap(err, "whitelist entry for plate %q", w.Plate)
}

// plateTaken is a whitelist write's uniqueness conflict, worded as both
// stores word it: the lot's plate index (ids are random) says the plate
// has an entry in the lot already, so it names field plate, for a
// transport to say which input clashed. nil for any other error.
func plateTaken(err error, plate string) error {
	if err == nil || !park.IsCode(mapErr(err), park.EConflict) {
		return nil
	}
	return &park.Error{Code: park.EConflict, Field: "plate", Message: fmt.Sprintf("whitelist entry for plate %q already exists", plate)}
}

func (t *txn) GetWhitelist(ctx context.Context, id string) (*park.WhitelistEntry, error) {
	r, err := t.q.GetWhitelist(stmtCtx, id)
	if err != nil {
		return nil, wrap(err, "whitelist entry %q", id)
	}
	return whitelistFromRow(r), nil
}

func (t *txn) UpdateWhitelist(ctx context.Context, w *park.WhitelistEntry) error {
	n, err := t.q.UpdateWhitelist(stmtCtx, db.UpdateWhitelistParams{
		Plate: w.Plate, PlateKey: w.PlateKey, Kind: w.Kind, ValidFrom: us(w.ValidFrom), ValidTo: us(w.ValidTo),
		Reason: w.Reason, UpdatedAt: us(w.UpdatedAt), Category: w.Category, ID: w.ID, Version: w.Version,
	})
	if err := plateTaken(err, w.Plate); err != nil {
		return err
	}
	return versioned(n, err, &w.Version, func() error { _, err := t.q.GetWhitelist(stmtCtx, w.ID); return err }, "whitelist entry %q", w.ID)
}

func (t *txn) DeleteWhitelist(ctx context.Context, id string) error {
	n, err := t.q.DeleteWhitelist(stmtCtx, id)
	return affected(n, err, "whitelist entry %q", id)
}

func (t *txn) ListWhitelist(ctx context.Context, lot string) ([]*park.WhitelistEntry, error) {
	rows, err := t.q.ListWhitelist(stmtCtx, lot)
	if err != nil {
		return nil, mapErr(err)
	}
	return whitelistRows(rows), nil
}

func (t *txn) ListWhitelistPage(ctx context.Context, f park.PageFilter) ([]*park.WhitelistEntry, error) {
	rows, err := t.q.ListWhitelistPage(stmtCtx, db.ListWhitelistPageParams{LotCode: f.LotCode, AfterID: f.AfterID, Lim: int64(f.Limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return whitelistRows(rows), nil
}

func (t *txn) ListEntryPage(ctx context.Context, f park.EntryFilter) ([]*park.WhitelistEntry, error) {
	rows, err := t.q.ListEntryPage(stmtCtx, db.ListEntryPageParams{LotCode: f.LotCode, Category: f.Category, Kind: f.Kind,
		AfterPlateKey: f.AfterPlateKey, Lim: int64(f.Limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return whitelistRows(rows), nil
}

func (t *txn) PlateRecords(ctx context.Context, lot, plateKey string) (park.PlateRecords, error) {
	r, err := t.q.PlateRecords(stmtCtx, db.PlateRecordsParams{LotCode: lot, PlateKey: plateKey})
	if err != nil {
		return park.PlateRecords{}, mapErr(err)
	}
	return park.PlateRecords(r), nil
}

func (t *txn) FindWhitelist(ctx context.Context, lot, plateKey string) (*park.WhitelistEntry, error) {
	r, err := t.q.FindWhitelist(stmtCtx, db.FindWhitelistParams{LotCode: lot, PlateKey: plateKey})
	if err != nil {
		return nil, wrap(err, "whitelist entry for this plate")
	}
	return whitelistFromRow(r), nil
}

// whitelistRows converts the rows of the whitelist's list queries.
func whitelistRows(rows []db.Whitelist) []*park.WhitelistEntry {
	out := make([]*park.WhitelistEntry, len(rows))
	for i, r := range rows {
		out[i] = whitelistFromRow(r)
	}
	return out
}
