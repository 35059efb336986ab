package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"parkd/internal/park"
	"parkd/internal/store/jsonrow"
	"parkd/internal/store/postgres/db"
	"parkd/internal/ticket"
)

type txn struct {
	q *db.Queries
	g *guard
}

// later runs write, whose statement then waits to go to the server with
// the transaction's next statement or its commit, saving a round trip.
// Only a write whose caller needs no answer from it (not even the count
// of rows) may wait: its failure fails the transaction when it is sent.
// name maps the write's failure, now or then.
func (t *txn) later(write func() error, name func(error) error) error {
	t.g.naming = name
	defer func() { t.g.naming = nil }()
	return name(write())
}

var _ park.Tx = (*txn)(nil)

// Serialize takes an advisory lock until commit. What the memo holds was
// read before it, so it is dropped: the next count reads what the last
// holder committed.
func (t *txn) Serialize(ctx context.Context, key string) error {
	if err := t.q.Serialize(ctx, key); err != nil {
		return mapErr(err)
	}
	clear(t.g.memo.lots)
	return nil
}

// wrap maps a driver error, naming what was missing for ENotFound.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
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
	l.Version = 1
	return wrap(t.q.CreateLot(ctx, db.CreateLotParams{
		Code: l.Code, Name: l.Name, Timezone: l.TimeZone, Currency: l.Currency, Capacity: int64(l.Capacity),
		ExitGraceMinutes: int64(l.ExitGraceMinutes), QuoteTtlSeconds: int64(l.QuoteTTLSeconds),
		Sandbox: l.Sandbox, MissedEntry: l.MissedEntry, Tariff: string(l.Tariff),
		TariffVersion: l.TariffVersion, CreatedAt: ts(l.CreatedAt), UpdatedAt: ts(l.UpdatedAt),
	}), "lot %q", l.Code)
}

func (t *txn) GetLot(ctx context.Context, code string) (*park.Lot, error) {
	r, err := t.q.GetLot(ctx, code)
	if err != nil {
		return nil, wrap(err, "lot %q", code)
	}
	return lotFromRow(r.Lot, r.Occupied), nil
}

func (t *txn) GetLotSettings(ctx context.Context, code string) (*park.Lot, error) {
	r, err := t.q.GetLotSettings(ctx, code)
	if err != nil {
		return nil, wrap(err, "lot %q", code)
	}
	t.g.memo.keep(code, r.Occupied, r.Subscribed)
	return lotFromRow(r.Lot, 0), nil
}

// LotAndPlate is one statement: GetLotSettings' round trip carries the
// plate's probes and its open stay's row too.
func (t *txn) LotAndPlate(ctx context.Context, code, plateKey string) (*park.Lot, park.PlateRecords, *park.Stay, error) {
	r, err := t.q.LotAndPlate(ctx, db.LotAndPlateParams{Code: code, PlateKey: plateKey})
	if err != nil {
		return nil, park.PlateRecords{}, nil, wrap(err, "lot %q", code)
	}
	t.g.memo.keep(code, r.Occupied, r.Subscribed)
	var st *park.Stay
	if r.StayID != nil {
		if st, err = t.readStay(joinedStay(r)); err != nil {
			return nil, park.PlateRecords{}, nil, err
		}
	}
	return lotFromRow(r.Lot, 0), park.PlateRecords{Listed: r.Listed, Pass: r.Pass, Reserved: r.Reserved,
		Locked: r.Locked, Coupons: r.Coupons, Inside: st != nil, Rented: r.Rented}, st, nil
}

// joinedStay is LotAndPlate's open stay (StayID set) as FindInside's row.
// The query lists the stay's columns by hand; TestLotAndPlateStayColumns
// fails when a column of stays is missing from it or from this mapping.
func joinedStay(r db.LotAndPlateRow) db.Stay {
	return db.Stay{ID: *r.StayID, LotCode: r.StayLotCode, Plate: r.StayPlate,
		PlateKey: r.StayPlateKey, VehicleClass: r.StayVehicleClass, Locator: r.StayLocator,
		EntryAt: *r.StayEntryAt, EntryLane: r.StayEntryLane, ExitAt: r.StayExitAt, ExitLane: r.StayExitLane,
		State: r.StayState, PassID: r.StayPassID, Total: r.StayTotal, Paid: r.StayPaid,
		Discount: r.StayDiscount, PaidUntil: r.StayPaidUntil, Anomaly: r.StayAnomaly, Source: r.StaySource,
		UpdatedAt: *r.StayUpdatedAt, Version: r.StayVersion, ReservationID: r.StayReservationID,
		KeptFree: r.StayKeptFree, PassFrom: r.StayPassFrom, Ticket: r.StayTicket}
}

func (t *txn) CountInside(ctx context.Context, code string) (int, error) {
	if n, ok := t.g.memo.count(code); ok {
		return int(n), nil
	}
	n, err := t.q.CountInside(ctx, code)
	return int(n), mapErr(err)
}

func (t *txn) ListLots(ctx context.Context) ([]*park.Lot, error) {
	rows, err := t.q.ListLots(ctx)
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
	n, err := t.q.UpdateLot(ctx, db.UpdateLotParams{
		Name: l.Name, Timezone: l.TimeZone, Currency: l.Currency, Capacity: int64(l.Capacity),
		ExitGraceMinutes: int64(l.ExitGraceMinutes), QuoteTtlSeconds: int64(l.QuoteTTLSeconds),
		Sandbox: l.Sandbox, MissedEntry: l.MissedEntry, Tariff: string(l.Tariff),
		TariffVersion: l.TariffVersion, UpdatedAt: ts(l.UpdatedAt), Code: l.Code, Version: l.Version,
	})
	return versioned(n, err, &l.Version, func() error { _, err := t.q.GetLot(ctx, l.Code); return err }, "lot %q", l.Code)
}

// countShards spreads a lot's count of cars inside over at most this many
// rows, so concurrent gate events rarely wait for each other's row lock,
// which each holds until its commit.
const countShards = 32

// AddOccupied adds to a count shard of the lot that no other transaction
// holds; when every one is held (or the lot has none yet), to a random
// shard, created if needed, waiting for it. A random shard alone made two
// of 32 lanes wait for each other's commit most of the time (2.2 ms per
// event waiting here, measured with statement logging). One statement does
// both, so it can wait to go with the commit.
func (t *txn) AddOccupied(ctx context.Context, code string, delta int) error {
	shard := strconv.Itoa(rand.IntN(countShards))
	return t.later(func() error {
		return t.q.AddOccupied(ctx, db.AddOccupiedParams{Code: code, Shard: shard, Delta: int64(delta)})
	}, func(err error) error { return wrap(err, "lot %q", code) })
}

func (t *txn) GetLane(ctx context.Context, lot, id string) (*park.Lane, error) {
	r, err := t.q.GetLane(ctx, db.GetLaneParams{LotCode: lot, ID: id})
	if err != nil {
		return nil, wrap(err, "lane %q", id)
	}
	return &park.Lane{LotCode: r.LotCode, ID: r.ID, Direction: r.Direction, CreatedAt: fromTS(r.CreatedAt)}, nil
}

func (t *txn) CreateLane(ctx context.Context, l *park.Lane) error {
	return wrap(t.q.CreateLane(ctx, db.CreateLaneParams{
		LotCode: l.LotCode, ID: l.ID, Direction: l.Direction, CreatedAt: ts(l.CreatedAt),
	}), "lane %q", l.ID)
}

func (t *txn) GetEvent(ctx context.Context, lot, id string) (*park.Event, error) {
	r, err := t.q.GetEvent(ctx, db.GetEventParams{LotCode: lot, ID: id})
	if err != nil {
		return nil, wrap(err, "event %q", id)
	}
	return eventFromRow(r)
}

func (t *txn) LatestLaneEvent(ctx context.Context, lot, lane string, since time.Time) (*park.Event, error) {
	r, err := t.q.LatestLaneEvent(ctx, db.LatestLaneEventParams{LotCode: lot, Lane: lane, Since: ts(since)})
	if err != nil {
		return nil, wrap(err, "event of lane %q", lane)
	}
	return eventFromRow(r)
}

func (t *txn) InsertEvent(ctx context.Context, e *park.Event) error {
	dec, err := json.Marshal(e.Decision)
	if err != nil {
		return fmt.Errorf("postgres: encode decision: %w", err)
	}
	return t.later(func() error {
		return t.q.InsertEvent(ctx, db.InsertEventParams{
			LotCode: e.LotCode, ID: e.ID, Type: e.Type, Plate: e.Plate, Lane: e.Lane, At: ts(e.At),
			ImageUrl: e.ImageURL, PlateColor: e.PlateColor, VehicleClass: e.VehicleClass,
			Decision: dec, ReceivedAt: ts(e.ReceivedAt),
		})
	}, func(err error) error { return wrap(err, "event %q", e.ID) })
}

func (t *txn) InsertAnomaly(ctx context.Context, a *park.Anomaly) error {
	return t.later(func() error {
		return t.q.InsertAnomaly(ctx, db.InsertAnomalyParams{
			ID: a.ID, LotCode: a.LotCode, Kind: a.Kind, Plate: a.Plate, StayID: a.StayID, EventID: a.EventID,
			At: ts(a.At), Detail: a.Detail, ImageUrl: a.ImageURL,
		})
	}, func(err error) error { return wrap(err, "anomaly %q", a.ID) })
}

func (t *txn) GetAnomaly(ctx context.Context, lot, id string) (*park.Anomaly, error) {
	r, err := t.q.GetAnomaly(ctx, db.GetAnomalyParams{ID: id, LotCode: lot})
	if err != nil {
		return nil, wrap(err, "anomaly %q", id)
	}
	as, _ := anomaliesFromRows([]db.Anomaly{r}, nil)
	return as[0], nil
}

func (t *txn) ListAnomalies(ctx context.Context, f park.AnomalyFilter) ([]*park.Anomaly, error) {
	if f.BeforeID == "" {
		rows, err := t.q.ListAnomalies(ctx, db.ListAnomaliesParams{LotCode: f.LotCode, Lim: limit32(f.Limit)})
		return anomaliesFromRows(rows, err)
	}
	rows, err := t.q.ListAnomaliesBefore(ctx, db.ListAnomaliesBeforeParams{LotCode: f.LotCode, BeforeAt: ts(f.BeforeAt),
		BeforeID: f.BeforeID, Lim: limit32(f.Limit)})
	return anomaliesFromRows(rows, err)
}

func (t *txn) ListStayAnomalies(ctx context.Context, lot, stay string, from, to time.Time, limit int) ([]*park.Anomaly, error) {
	rows, err := t.q.ListStayAnomalies(ctx, db.ListStayAnomaliesParams{LotCode: lot, StayID: stay, FromAt: ts(from),
		ToAt: ts(to), Lim: limit32(limit)})
	return anomaliesFromRows(rows, err)
}

func (t *txn) ListPlateAnomalies(ctx context.Context, f park.PlateAnomalyFilter) ([]*park.Anomaly, error) {
	rows, err := t.q.ListPlateAnomalies(ctx, db.ListPlateAnomaliesParams{LotCode: f.LotCode, Plate: f.Plate, Kind: f.Kind,
		AfterAt: ts(f.After), Lim: limit32(f.Limit)})
	return anomaliesFromRows(rows, err)
}

func anomaliesFromRows(rows []db.Anomaly, err error) ([]*park.Anomaly, error) {
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Anomaly, len(rows))
	for i, r := range rows {
		out[i] = &park.Anomaly{ID: r.ID, LotCode: r.LotCode, Kind: r.Kind, Plate: r.Plate, StayID: r.StayID,
			EventID: r.EventID, At: fromTS(r.At), Detail: r.Detail, ImageURL: r.ImageUrl}
	}
	return out, nil
}

// InsertStay draws a stay without a ticket one at random: this store
// indexes the tickets themselves (its migration 00104 says why). Two
// stays of a lot drawing the same one (odds about one in 10^5 with
// 100,000 stays) make the insert fail with EConflict, and the gate's retry
// draws again.
func (t *txn) InsertStay(ctx context.Context, s *park.Stay) error {
	s.Version = 1
	if s.Locator == "" {
		s.Locator = ticket.Random()
	}
	// The row as stored: the columns InsertStay leaves out take their
	// defaults (version 1, no kept free time, no later pass start, no
	// ticket number).
	r := db.Stay{
		ID: s.ID, LotCode: s.LotCode, Plate: s.Plate, PlateKey: s.PlateKey, VehicleClass: s.VehicleClass,
		Locator: s.Locator, EntryAt: ts(s.EntryAt), EntryLane: s.EntryLane, ExitAt: tsp(s.ExitAt),
		ExitLane: s.ExitLane, State: s.State, PassID: s.PassID, Total: s.Total, Paid: s.Paid,
		Discount: s.Discount, PaidUntil: tsp(s.PaidUntil), Anomaly: s.Anomaly, Source: s.Source,
		UpdatedAt: ts(s.UpdatedAt), Version: 1, ReservationID: s.ReservationID,
	}
	err := t.later(func() error {
		return t.q.InsertStay(ctx, db.InsertStayParams{
			ID: r.ID, LotCode: r.LotCode, Plate: r.Plate, PlateKey: r.PlateKey, VehicleClass: r.VehicleClass,
			Locator: r.Locator, EntryAt: r.EntryAt, EntryLane: r.EntryLane, ExitAt: r.ExitAt,
			ExitLane: r.ExitLane, State: r.State, PassID: r.PassID, Total: r.Total, Paid: r.Paid,
			Discount: r.Discount, PaidUntil: r.PaidUntil, Anomaly: r.Anomaly, Source: r.Source,
			UpdatedAt: r.UpdatedAt, ReservationID: r.ReservationID,
		})
	}, func(err error) error { return wrap(err, "stay") })
	if err == nil {
		// A queued insert that fails fails the transaction: nothing read
		// from this row is committed.
		t.g.memo.wroteStay(r)
	}
	return err
}

func (t *txn) GetStay(ctx context.Context, id string) (*park.Stay, error) {
	if r, ok := t.g.memo.writtenStay(id); ok {
		return stayFromRow(r)
	}
	r, err := t.q.GetStay(ctx, id)
	if err != nil {
		return nil, wrap(err, "stay %q", id)
	}
	return t.readStay(r)
}

// readStay converts a stay read in this transaction, remembering its row
// for UpdateStay.
func (t *txn) readStay(r db.Stay) (*park.Stay, error) {
	s, err := stayFromRow(r)
	if err == nil {
		t.g.memo.readStay(r)
	}
	return s, err
}

func (t *txn) GetStayByLocator(ctx context.Context, lot, locator string) (*park.Stay, error) {
	r, err := t.q.GetStayByLocator(ctx, db.GetStayByLocatorParams{LotCode: lot, Locator: locator})
	if err != nil {
		return nil, wrap(err, "stay with locator %q", locator)
	}
	return stayFromRow(r)
}

func (t *txn) FindInside(ctx context.Context, lot, plateKey string) (*park.Stay, error) {
	r, err := t.q.FindInside(ctx, db.FindInsideParams{LotCode: lot, PlateKey: plateKey})
	if err != nil {
		return nil, wrap(err, "car inside")
	}
	return t.readStay(r)
}

func (t *txn) ListPartnerInside(ctx context.Context, partner, plateKey string) ([]*park.Stay, error) {
	rows, err := t.q.ListPartnerInside(ctx, db.ListPartnerInsideParams{PartnerID: partner, PlateKey: plateKey})
	if err != nil {
		return nil, mapErr(err)
	}
	return staysFromRows(rows)
}

func (t *txn) ListPartnerStaysByLocator(ctx context.Context, partner, locator string) ([]*park.Stay, error) {
	rows, err := t.q.ListPartnerStaysByLocator(ctx, db.ListPartnerStaysByLocatorParams{PartnerID: partner, Locator: locator})
	if err != nil {
		return nil, mapErr(err)
	}
	return staysFromRows(rows)
}

// UpdateStay writes s at its version. A stay this transaction read at
// that version exists, so its update needs no answer: it waits for the
// next round trip (an exit's goes with the commit) and fails the
// transaction as stale when it finds no row (stale_row). Another is
// counted now, to tell a missing stay from a stale one.
func (t *txn) UpdateStay(ctx context.Context, s *park.Stay) error {
	was := s.Version
	p := db.UpdateStayParams{
		Plate: s.Plate, PlateKey: s.PlateKey, VehicleClass: s.VehicleClass, ExitAt: tsp(s.ExitAt),
		ExitLane: s.ExitLane, State: s.State, PassID: s.PassID, Total: s.Total, Paid: s.Paid,
		Discount: s.Discount, PaidUntil: tsp(s.PaidUntil), Anomaly: s.Anomaly, UpdatedAt: ts(s.UpdatedAt),
		KeptFree: jsonrow.Periods(s.KeptFree), PassFrom: tsp(s.PassFrom), ReservationID: s.ReservationID, ID: s.ID, Version: was,
	}
	if t.g.memo.knowsStay(s.ID, was) {
		err := t.later(func() error {
			// The queued statement takes the same values: its SET list is UpdateStay's.
			return t.q.UpdateStayQueued(ctx, db.UpdateStayQueuedParams(p))
		}, func(err error) error {
			if staleRow(err) {
				return park.StaleRow("stay %q", s.ID)
			}
			return wrap(err, "stay %q", s.ID)
		})
		if err == nil {
			s.Version++
			t.g.memo.updatedStay(s, was)
		}
		return err
	}
	n, err := t.q.UpdateStay(ctx, p)
	err = versioned(n, err, &s.Version, func() error { _, err := t.q.GetStay(ctx, s.ID); return err }, "stay %q", s.ID)
	if err == nil {
		t.g.memo.updatedStay(s, was)
	}
	return err
}

func (t *txn) ListStays(ctx context.Context, f park.StayFilter) ([]*park.Stay, error) {
	var rows []db.Stay
	var err error
	lim := limit32(f.Limit)
	switch {
	case f.PlateKey != "":
		rows, err = t.q.ListStaysByPlate(ctx, db.ListStaysByPlateParams{LotCode: f.LotCode, PlateKey: f.PlateKey, ID: f.AfterID, Limit: lim})
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
		rows, err = t.q.ListStaysByState(ctx, db.ListStaysByStateParams{LotCode: f.LotCode, State: f.State, ID: f.AfterID, Limit: lim})
	default:
		rows, err = t.q.ListStays(ctx, db.ListStaysParams{LotCode: f.LotCode, ID: f.AfterID, Limit: lim})
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return staysFromRows(rows)
}

func (t *txn) CountInsideForPass(ctx context.Context, passID string) (int, error) {
	n, err := t.q.CountInsideForPass(ctx, passID)
	return int(n), mapErr(err)
}

func (t *txn) InsertQuote(ctx context.Context, q *park.Quote) error {
	lines, err := json.Marshal(q.Lines)
	if err != nil {
		return fmt.Errorf("postgres: encode lines: %w", err)
	}
	return t.later(func() error {
		return t.q.InsertQuote(ctx, db.InsertQuoteParams{
			ID: q.ID, StayID: q.StayID, LotCode: q.LotCode, AmountDue: q.AmountDue, Total: q.Total,
			Discount: q.Discount, PaidBefore: q.PaidBefore, Currency: q.Currency, ComputedAt: ts(q.ComputedAt),
			ExpiresAt: ts(q.ExpiresAt), Lines: lines, Source: q.Source,
		})
	}, func(err error) error { return wrap(err, "quote %q", q.ID) })
}

func (t *txn) GetQuote(ctx context.Context, id string) (*park.Quote, error) {
	r, err := t.q.GetQuote(ctx, id)
	if err != nil {
		return nil, wrap(err, "quote %q", id)
	}
	return quoteFromRow(r)
}

func (t *txn) ListStayQuotes(ctx context.Context, stayID string, limit int) ([]*park.Quote, error) {
	rs, err := t.q.ListStayQuotes(ctx, db.ListStayQuotesParams{StayID: stayID, Limit: int32(limit)})
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
	n, err := t.q.DeleteExpiredQuotes(ctx, db.DeleteExpiredQuotesParams{Before: ts(before), MaxRows: limit32(limit)})
	return int(n), mapErr(err)
}

func (t *txn) InsertPayment(ctx context.Context, p *park.Payment) error {
	return t.later(func() error {
		return t.q.InsertPayment(ctx, db.InsertPaymentParams{
			ID: p.ID, QuoteID: p.QuoteID, StayID: p.StayID, LotCode: p.LotCode, Amount: p.Amount,
			Currency: p.Currency, Method: p.Method, Payer: p.Payer, Reference: p.Reference,
			IdemKey: p.IdempotencyKey, PaidAt: ts(p.PaidAt), PaidUntil: ts(p.PaidUntil),
		})
	}, func(err error) error { return wrap(err, "payment for quote %q", p.QuoteID) })
}

func (t *txn) GetPayment(ctx context.Context, id string) (*park.Payment, error) {
	r, err := t.q.GetPayment(ctx, id)
	if err != nil {
		return nil, wrap(err, "payment %q", id)
	}
	return paymentFromRow(r), nil
}

func (t *txn) GetPaymentByQuote(ctx context.Context, quoteID string) (*park.Payment, error) {
	r, err := t.q.GetPaymentByQuote(ctx, quoteID)
	if err != nil {
		return nil, wrap(err, "payment for quote %q", quoteID)
	}
	return paymentFromRow(r), nil
}

func (t *txn) ListStayPayments(ctx context.Context, stayID string) ([]*park.Payment, error) {
	rs, err := t.q.ListStayPayments(ctx, stayID)
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
	r, err := t.q.GetPaymentByKey(ctx, key)
	if err != nil {
		return nil, wrap(err, "payment with this idempotency key")
	}
	return paymentFromRow(r), nil
}

func (t *txn) GetPaymentByReference(ctx context.Context, payer, reference string) (*park.Payment, error) {
	r, err := t.q.GetPaymentByReference(ctx, db.GetPaymentByReferenceParams{Payer: payer, Reference: reference})
	if err != nil {
		return nil, wrap(err, "payment with reference %q", reference)
	}
	return paymentFromRow(r), nil
}

// GetPaymentsByKeyOrReference is one statement, both probes in one round
// trip; a row may answer both.
func (t *txn) GetPaymentsByKeyOrReference(ctx context.Context, key, payer, reference string) (byKey, byReference *park.Payment, err error) {
	rs, err := t.q.GetPaymentsByKeyOrReference(ctx, db.GetPaymentsByKeyOrReferenceParams{IdemKey: key, Payer: payer, Reference: reference})
	if err != nil {
		return nil, nil, mapErr(err)
	}
	for _, r := range rs {
		if key != "" && r.IdemKey == key {
			byKey = paymentFromRow(r)
		}
		if reference != "" && r.Payer == payer && r.Reference == reference {
			byReference = paymentFromRow(r)
		}
	}
	return byKey, byReference, nil
}

func (t *txn) CreatePass(ctx context.Context, p *park.Pass) error {
	p.Version = 1
	if err := t.q.CreatePass(ctx, db.CreatePassParams{
		ID: p.ID, LotCode: p.LotCode, HolderName: p.HolderName, Mobile: p.Mobile, UserCode: p.UserCode,
		Spaces: int64(p.Spaces), ValidFrom: ts(p.ValidFrom), ValidTo: ts(p.ValidTo), Plan: p.Plan,
		CreatedAt: ts(p.CreatedAt), UpdatedAt: ts(p.UpdatedAt), Slots: park.FormatSlots(p.Slots), CreatedAs: p.CreatedAs,
		CreatedKey: p.CreatedKey,
	}); err != nil {
		return wrap(err, "pass %q", p.ID)
	}
	return t.insertPassPlates(ctx, p)
}

func (t *txn) insertPassPlates(ctx context.Context, p *park.Pass) error {
	for i := range p.Plates {
		if err := t.q.InsertPassPlate(ctx, db.InsertPassPlateParams{
			LotCode: p.LotCode, PlateKey: p.PlateKeys[i], PassID: p.ID, Plate: p.Plates[i], Position: int64(i),
		}); err != nil {
			return wrap(err, "a pass for plate %q", p.Plates[i])
		}
	}
	return nil
}

func (t *txn) GetPass(ctx context.Context, id string) (*park.Pass, error) {
	r, err := t.q.GetPass(ctx, id)
	if err != nil {
		return nil, wrap(err, "pass %q", id)
	}
	plates, err := t.q.ListPassPlates(ctx, id)
	if err != nil {
		return nil, mapErr(err)
	}
	return passFromRow(r, plates), nil
}

func (t *txn) UpdatePass(ctx context.Context, p *park.Pass) error {
	n, err := t.q.UpdatePass(ctx, db.UpdatePassParams{
		HolderName: p.HolderName, Mobile: p.Mobile, UserCode: p.UserCode, Spaces: int64(p.Spaces),
		ValidFrom: ts(p.ValidFrom), ValidTo: ts(p.ValidTo), Plan: p.Plan, UpdatedAt: ts(p.UpdatedAt), ID: p.ID,
		Slots:   park.FormatSlots(p.Slots),
		Version: p.Version,
	})
	if err := versioned(n, err, &p.Version, func() error { _, err := t.q.GetPass(ctx, p.ID); return err }, "pass %q", p.ID); err != nil {
		return err
	}
	if err := t.q.DeletePassPlates(ctx, p.ID); err != nil {
		return mapErr(err)
	}
	return t.insertPassPlates(ctx, p)
}

// DeletePass removes the pass and, in the same transaction, the terms
// its renewals recorded: they mean nothing without it.
func (t *txn) DeletePass(ctx context.Context, id string) error {
	n, err := t.q.DeletePass(ctx, id)
	if err := affected(n, err, "pass %q", id); err != nil {
		return err
	}
	return mapErr(t.q.DeletePassTerms(ctx, id))
}

func (t *txn) ListPasses(ctx context.Context, lot string) ([]*park.Pass, error) {
	rows, err := t.q.ListPasses(ctx, lot)
	if err != nil {
		return nil, mapErr(err)
	}
	plates, err := t.q.ListLotPassPlates(ctx, lot)
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
	rows, err := t.q.ListPassPage(ctx, db.ListPassPageParams{LotCode: f.LotCode, AfterID: f.AfterID, Lim: int32(f.Limit)})
	if err != nil || len(rows) == 0 {
		return nil, mapErr(err)
	}
	plates, err := t.q.ListPassPlatesBetween(ctx, db.ListPassPlatesBetweenParams{LotCode: f.LotCode,
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
	id, err := t.q.FindPassIDByPlate(ctx, db.FindPassIDByPlateParams{LotCode: lot, PlateKey: plateKey})
	if err != nil {
		return nil, wrap(err, "pass for this plate")
	}
	return t.GetPass(ctx, id)
}

func (t *txn) FindPassByCreatedKey(ctx context.Context, lot, key string) (*park.Pass, error) {
	id, err := t.q.FindPassIDByCreatedKey(ctx, db.FindPassIDByCreatedKeyParams{LotCode: lot, CreatedKey: key})
	if err != nil {
		return nil, wrap(err, "pass made by this create")
	}
	return t.GetPass(ctx, id)
}

func (t *txn) FindPassByUserCode(ctx context.Context, lot, userCode string) (*park.Pass, error) {
	id, err := t.q.FindPassIDByUserCode(ctx, db.FindPassIDByUserCodeParams{LotCode: lot, UserCode: userCode})
	if err != nil {
		return nil, wrap(err, "pass with user code %q", userCode)
	}
	return t.GetPass(ctx, id)
}

func (t *txn) CreateWhitelist(ctx context.Context, w *park.WhitelistEntry) error {
	w.Version = 1
	err := t.q.CreateWhitelist(ctx, db.CreateWhitelistParams{
		ID: w.ID, LotCode: w.LotCode, Plate: w.Plate, PlateKey: w.PlateKey, Kind: w.Kind,
		ValidFrom: ts(w.ValidFrom), ValidTo: ts(w.ValidTo), Reason: w.Reason,
		CreatedAt: ts(w.CreatedAt), UpdatedAt: ts(w.UpdatedAt), Category: w.Category,
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
	r, err := t.q.GetWhitelist(ctx, id)
	if err != nil {
		return nil, wrap(err, "whitelist entry %q", id)
	}
	return whitelistFromRow(r), nil
}

func (t *txn) UpdateWhitelist(ctx context.Context, w *park.WhitelistEntry) error {
	n, err := t.q.UpdateWhitelist(ctx, db.UpdateWhitelistParams{
		Plate: w.Plate, PlateKey: w.PlateKey, Kind: w.Kind, ValidFrom: ts(w.ValidFrom), ValidTo: ts(w.ValidTo),
		Reason: w.Reason, UpdatedAt: ts(w.UpdatedAt), Category: w.Category, ID: w.ID, Version: w.Version,
	})
	if err := plateTaken(err, w.Plate); err != nil {
		return err
	}
	return versioned(n, err, &w.Version, func() error { _, err := t.q.GetWhitelist(ctx, w.ID); return err }, "whitelist entry %q", w.ID)
}

func (t *txn) DeleteWhitelist(ctx context.Context, id string) error {
	n, err := t.q.DeleteWhitelist(ctx, id)
	return affected(n, err, "whitelist entry %q", id)
}

func (t *txn) ListWhitelist(ctx context.Context, lot string) ([]*park.WhitelistEntry, error) {
	rows, err := t.q.ListWhitelist(ctx, lot)
	if err != nil {
		return nil, mapErr(err)
	}
	return whitelistRows(rows), nil
}

func (t *txn) ListWhitelistPage(ctx context.Context, f park.PageFilter) ([]*park.WhitelistEntry, error) {
	rows, err := t.q.ListWhitelistPage(ctx, db.ListWhitelistPageParams{LotCode: f.LotCode, AfterID: f.AfterID, Lim: int32(f.Limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return whitelistRows(rows), nil
}

func (t *txn) ListEntryPage(ctx context.Context, f park.EntryFilter) ([]*park.WhitelistEntry, error) {
	rows, err := t.q.ListEntryPage(ctx, db.ListEntryPageParams{LotCode: f.LotCode, Category: f.Category, Kind: f.Kind,
		AfterPlateKey: f.AfterPlateKey, Lim: int32(f.Limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return whitelistRows(rows), nil
}

func (t *txn) PlateRecords(ctx context.Context, lot, plateKey string) (park.PlateRecords, error) {
	r, err := t.q.PlateRecords(ctx, db.PlateRecordsParams{LotCode: lot, PlateKey: plateKey})
	if err != nil {
		return park.PlateRecords{}, mapErr(err)
	}
	return park.PlateRecords(r), nil
}

func (t *txn) FindWhitelist(ctx context.Context, lot, plateKey string) (*park.WhitelistEntry, error) {
	r, err := t.q.FindWhitelist(ctx, db.FindWhitelistParams{LotCode: lot, PlateKey: plateKey})
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
