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

func (t *txn) CreateCharger(ctx context.Context, c *park.Charger) error {
	c.Version = 1
	data, err := jsonrow.Charger(c)
	if err != nil {
		return err
	}
	err = mapErr(t.q.InsertCharger(stmtCtx, db.InsertChargerParams{ID: c.ID, LotCode: c.LotCode, PasswordHash: c.PasswordHash, Data: data,
		SeenOnline: nullUS(jsonrow.SeenOnline(c))}))
	switch {
	case park.IsCode(err, park.ENotFound):
		return park.Errorf(park.ENotFound, "lot %q not found", c.LotCode)
	case park.IsCode(err, park.EConflict):
		return park.Errorf(park.EConflict, "charger %q already exists", c.ID)
	}
	return err
}

func (t *txn) GetCharger(ctx context.Context, id string) (*park.Charger, error) {
	r, err := t.q.GetCharger(stmtCtx, id)
	if err != nil {
		return nil, wrap(err, "charger %q", id)
	}
	return jsonrow.ReadCharger(r.Data, r.PasswordHash, r.Version)
}

func (t *txn) UpdateCharger(ctx context.Context, c *park.Charger) error {
	data, err := jsonrow.Charger(c)
	if err != nil {
		return err
	}
	n, err := t.q.UpdateCharger(stmtCtx, db.UpdateChargerParams{LotCode: c.LotCode, PasswordHash: c.PasswordHash, Data: data,
		SeenOnline: nullUS(jsonrow.SeenOnline(c)), ID: c.ID, Version: c.Version})
	return versioned(n, err, &c.Version, func() error { _, err := t.q.GetCharger(stmtCtx, c.ID); return err }, "charger %q", c.ID)
}

func (t *txn) ListChargers(ctx context.Context, lot string) ([]*park.Charger, error) {
	rows, err := t.q.ListChargers(stmtCtx, lot)
	return chargersFromRows(rows, err)
}

func (t *txn) ListSilentChargers(ctx context.Context, before time.Time, afterID string, limit int) ([]*park.Charger, error) {
	rows, err := t.q.ListSilentChargers(stmtCtx, db.ListSilentChargersParams{Before: sql.NullInt64{Int64: us(before), Valid: true}, AfterID: afterID, Lim: int64(limit)})
	return chargersFromRows(rows, err)
}

func (t *txn) CreatePriceStandard(ctx context.Context, p *park.PriceStandard) error {
	if p.ID == 0 {
		id, err := t.q.NextPriceStandardID(stmtCtx)
		if err != nil {
			return mapErr(err)
		}
		p.ID = id
	}
	p.Version = 1
	data, err := jsonrow.Standard(p)
	if err != nil {
		return err
	}
	return wrap(t.q.InsertPriceStandard(stmtCtx, db.InsertPriceStandardParams{ID: p.ID, Name: p.Name, Family: int64(p.Family), Data: data}),
		"price standard %d", p.ID)
}

func (t *txn) GetPriceStandard(ctx context.Context, id int64) (*park.PriceStandard, error) {
	r, err := t.q.GetPriceStandard(stmtCtx, id)
	if err != nil {
		return nil, wrap(err, "price standard %d", id)
	}
	return jsonrow.ReadStandard(r.Data, r.ID, r.Version)
}

func (t *txn) GetPriceStandardVersion(ctx context.Context, id, version int64) (*park.PriceStandard, error) {
	data, err := t.q.GetPriceStandardVersion(stmtCtx, db.GetPriceStandardVersionParams{ID: id, Version: version})
	if err != nil {
		return nil, wrap(err, "price standard %d version %d", id, version)
	}
	return jsonrow.ReadStandard(data, id, version)
}

func (t *txn) UpdatePriceStandard(ctx context.Context, p *park.PriceStandard) error {
	data, err := jsonrow.Standard(p)
	if err != nil {
		return err
	}
	if err := t.q.KeepPriceStandardVersion(stmtCtx, p.ID); err != nil {
		return mapErr(err)
	}
	n, err := t.q.UpdatePriceStandard(stmtCtx, db.UpdatePriceStandardParams{Name: p.Name, Family: int64(p.Family), Data: data,
		ID: p.ID, Version: p.Version})
	return versioned(n, err, &p.Version, func() error { _, err := t.q.GetPriceStandard(stmtCtx, p.ID); return err },
		"price standard %d", p.ID)
}

func (t *txn) DeletePriceStandard(ctx context.Context, id int64) error {
	if err := t.q.DeletePriceStandardVersions(stmtCtx, id); err != nil {
		return mapErr(err)
	}
	n, err := t.q.DeletePriceStandard(stmtCtx, id)
	return affected(n, err, "price standard %d", id)
}

func (t *txn) ListPriceStandards(ctx context.Context, f park.PriceStandardFilter) ([]*park.PriceStandard, error) {
	rows, err := t.q.ListPriceStandards(stmtCtx, db.ListPriceStandardsParams{AfterID: f.AfterID, Name: f.Name,
		Family: int64(f.Family), Lim: int64(f.Limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.PriceStandard, len(rows))
	for i, r := range rows {
		if out[i], err = jsonrow.ReadStandard(r.Data, r.ID, r.Version); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *txn) CountPriceStandards(ctx context.Context, f park.PriceStandardFilter) (int, error) {
	n, err := t.q.CountPriceStandards(stmtCtx, db.CountPriceStandardsParams{Name: f.Name, Family: int64(f.Family)})
	return int(n), mapErr(err)
}

func (t *txn) InsertChargeSession(ctx context.Context, s *park.ChargeSession) error {
	s.Version = 1
	data, err := jsonrow.Session(s)
	if err != nil {
		return err
	}
	err = mapErr(t.q.InsertChargeSession(stmtCtx, db.InsertChargeSessionParams{ID: s.ID, ChargerID: s.ChargerID,
		Connector: int64(s.Connector), TransactionID: s.TransactionID, Status: s.Status, PartnerID: s.PartnerID,
		UpdatedAt: us(s.UpdatedAt), Data: data, LotCode: s.LotCode, PlateKey: s.PlateKey, Outcome: s.Outcome()}))
	switch {
	case park.IsCode(err, park.ENotFound):
		return park.Errorf(park.ENotFound, "charger %q not found", s.ChargerID)
	case park.IsCode(err, park.EConflict):
		return park.Errorf(park.EConflict, "charge session %q, or an open session of connector %d, already exists", s.ID, s.Connector)
	case err != nil:
		return err
	}
	return t.AddChargeReadings(ctx, s.ID, s.Readings)
}

// AddChargeReadings adds readings to the session's last chunk of them,
// or starts a new chunk when they would make it hold more than
// jsonrow.ReadingsChunk.
func (t *txn) AddChargeReadings(ctx context.Context, sessionID string, rs []park.MeterReading) error {
	if len(rs) == 0 {
		return nil
	}
	text, n := jsonrow.Readings(rs), int64(len(rs))
	var chunk int64
	last, err := t.q.LastReadingsChunk(stmtCtx, sessionID)
	switch {
	case err == nil && last.N+n <= jsonrow.ReadingsChunk:
		return mapErr(t.q.AppendReadings(stmtCtx, db.AppendReadingsParams{N: n, Readings: text, SessionID: sessionID, Chunk: last.Chunk}))
	case err == nil:
		chunk = last.Chunk + 1
	case !errors.Is(err, sql.ErrNoRows):
		return mapErr(err)
	}
	err = mapErr(t.q.InsertReadingsChunk(stmtCtx, db.InsertReadingsChunkParams{SessionID: sessionID, Chunk: chunk, N: n, Readings: text}))
	if park.IsCode(err, park.ENotFound) {
		return park.Errorf(park.ENotFound, "charge session %q not found", sessionID)
	}
	return err
}

// session decodes a session's row and reads its readings.
func (t *txn) session(r db.ChargeSession, err error) (*park.ChargeSession, error) {
	if err != nil {
		return nil, err
	}
	chunks, err := t.q.ChargeReadings(stmtCtx, r.ID)
	if err != nil {
		return nil, mapErr(err)
	}
	return t.sessionWith(r, chunks)
}

// sessions decodes sessions' rows and reads their readings in one
// statement for them all, not one a session.
func (t *txn) sessions(rows []db.ChargeSession) ([]*park.ChargeSession, error) {
	out := make([]*park.ChargeSession, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	idsJSON, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rs, err := t.q.ChargeReadingsOfSessions(stmtCtx, string(idsJSON))
	if err != nil {
		return nil, mapErr(err)
	}
	chunks := make(map[string][]string, len(rows))
	for _, x := range rs {
		chunks[x.SessionID] = append(chunks[x.SessionID], x.Readings)
	}
	for i, r := range rows {
		if out[i], err = t.sessionWith(r, chunks[r.ID]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// sessionWith decodes a session's row with its readings' chunks.
func (t *txn) sessionWith(r db.ChargeSession, chunks []string) (*park.ChargeSession, error) {
	s, err := jsonrow.ReadSession(r.Data, r.Version)
	if err != nil {
		return nil, err
	}
	t.memo.sessionRows().keep(r.ID, r.Version, sessionKeys{transactionID: r.TransactionID, status: r.Status})
	if s.Readings, err = jsonrow.ReadReadings(chunks); err != nil {
		return nil, fmt.Errorf("charge session %q: %w", r.ID, err)
	}
	return s, nil
}

func (t *txn) GetChargeSession(ctx context.Context, id string) (*park.ChargeSession, error) {
	r, err := t.q.GetChargeSession(stmtCtx, id)
	return t.session(r, wrap(err, "charge session %q", id))
}

func (t *txn) GetChargeSessionByTransaction(ctx context.Context, chargerID string, txID int64) (*park.ChargeSession, error) {
	r, err := t.q.GetChargeSessionByTransaction(stmtCtx, db.GetChargeSessionByTransactionParams{ChargerID: chargerID, TransactionID: txID})
	return t.session(r, wrap(err, "transaction %d of charger %q", txID, chargerID))
}

func (t *txn) OpenChargeSession(ctx context.Context, chargerID string, connector int) (*park.ChargeSession, error) {
	r, err := t.q.OpenChargeSession(stmtCtx, db.OpenChargeSessionParams{ChargerID: chargerID, Connector: int64(connector)})
	return t.session(r, wrap(err, "open session on connector %d of charger %q", connector, chargerID))
}

func (t *txn) UpdateChargeSession(ctx context.Context, s *park.ChargeSession) error {
	data, err := jsonrow.Session(s)
	if err != nil {
		return err
	}
	now := sessionKeys{transactionID: s.TransactionID, status: s.Status}
	var n int64
	if was, ok := t.memo.sessionRows().at(s.ID, s.Version); ok && was == now {
		n, err = t.q.UpdateChargeSessionValues(stmtCtx, db.UpdateChargeSessionValuesParams{UpdatedAt: us(s.UpdatedAt), Data: data,
			Outcome: s.Outcome(), ID: s.ID, Version: s.Version})
	} else {
		n, err = t.q.UpdateChargeSession(stmtCtx, db.UpdateChargeSessionParams{TransactionID: s.TransactionID, Status: s.Status,
			UpdatedAt: us(s.UpdatedAt), Data: data, Outcome: s.Outcome(), ID: s.ID, Version: s.Version})
	}
	err = versioned(n, err, &s.Version, func() error { _, err := t.q.GetChargeSession(stmtCtx, s.ID); return err },
		"charge session %q", s.ID)
	if err == nil {
		t.memo.sessionRows().keep(s.ID, s.Version, now)
	}
	return err
}

func (t *txn) ListChargeSessions(ctx context.Context, f park.ChargeSessionFilter) ([]*park.ChargeSession, error) {
	from, to, after := jsonrow.Window(f)
	rows, err := t.q.ListChargeSessions(stmtCtx, db.ListChargeSessionsParams{ChargerID: f.ChargerID, PartnerID: f.PartnerID,
		Status: f.Status, Outcome: f.Outcome, UpdatedFrom: us(from), UpdatedTo: us(to), AfterUpdated: us(after), AfterID: f.AfterID, Lim: int64(f.Limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return t.sessions(rows)
}

func (t *txn) CountChargeSessions(ctx context.Context, f park.ChargeSessionFilter) (int, error) {
	from, to, _ := jsonrow.Window(f)
	n, err := t.q.CountChargeSessions(stmtCtx, db.CountChargeSessionsParams{ChargerID: f.ChargerID, PartnerID: f.PartnerID,
		Status: f.Status, Outcome: f.Outcome, UpdatedFrom: us(from), UpdatedTo: us(to)})
	return int(n), mapErr(err)
}

func (t *txn) LatestChargeSessions(ctx context.Context, chargerID string, limit int) ([]*park.ChargeSession, error) {
	rows, err := t.q.LatestChargeSessions(stmtCtx, db.LatestChargeSessionsParams{ChargerID: chargerID, Limit: int64(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return t.sessions(rows)
}

func (t *txn) LatestChargeSessionsOfLot(ctx context.Context, lot string, limit int) ([]*park.ChargeSession, error) {
	rows, err := t.q.LatestChargeSessionsOfLot(stmtCtx, db.LatestChargeSessionsOfLotParams{LotCode: lot, Lim: int64(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return t.sessions(rows)
}

func (t *txn) ChargeSessionsOfPlate(ctx context.Context, lot, plateKey string, limit int) ([]*park.ChargeSession, error) {
	rows, err := t.q.ChargeSessionsOfPlate(stmtCtx, db.ChargeSessionsOfPlateParams{LotCode: lot, PlateKey: plateKey, Limit: int64(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return t.sessions(rows)
}

func chargersFromRows(rows []db.Charger, err error) ([]*park.Charger, error) {
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Charger, len(rows))
	for i, r := range rows {
		if out[i], err = jsonrow.ReadCharger(r.Data, r.PasswordHash, r.Version); err != nil {
			return nil, err
		}
	}
	return out, nil
}
