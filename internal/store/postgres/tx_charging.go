package postgres

import (
	"context"
	"fmt"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/jsonrow"
	"parkd/internal/store/postgres/db"
)

func (t *txn) CreateCharger(ctx context.Context, c *park.Charger) error {
	c.Version = 1
	data, err := jsonrow.Charger(c)
	if err != nil {
		return err
	}
	err = mapErr(t.q.InsertCharger(ctx, db.InsertChargerParams{ID: c.ID, LotCode: c.LotCode, PasswordHash: c.PasswordHash, Data: data,
		SeenOnline: tsp(jsonrow.SeenOnline(c))}))
	switch {
	case park.IsCode(err, park.ENotFound):
		return park.Errorf(park.ENotFound, "lot %q not found", c.LotCode)
	case park.IsCode(err, park.EConflict):
		return park.Errorf(park.EConflict, "charger %q already exists", c.ID)
	}
	return err
}

func (t *txn) GetCharger(ctx context.Context, id string) (*park.Charger, error) {
	r, err := t.q.GetCharger(ctx, id)
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
	n, err := t.q.UpdateCharger(ctx, db.UpdateChargerParams{LotCode: c.LotCode, PasswordHash: c.PasswordHash, Data: data,
		SeenOnline: tsp(jsonrow.SeenOnline(c)), ID: c.ID, Version: c.Version})
	return versioned(n, err, &c.Version, func() error { _, err := t.q.GetCharger(ctx, c.ID); return err }, "charger %q", c.ID)
}

func (t *txn) ListChargers(ctx context.Context, lot string) ([]*park.Charger, error) {
	rows, err := t.q.ListChargers(ctx, lot)
	return chargersFromRows(rows, err)
}

func (t *txn) ListSilentChargers(ctx context.Context, before time.Time, afterID string, limit int) ([]*park.Charger, error) {
	rows, err := t.q.ListSilentChargers(ctx, db.ListSilentChargersParams{Before: tsp(&before), AfterID: afterID, Lim: limit32(limit)})
	return chargersFromRows(rows, err)
}

func (t *txn) CreatePriceStandard(ctx context.Context, p *park.PriceStandard) error {
	if p.ID == 0 {
		id, err := t.q.NextPriceStandardID(ctx)
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
	return wrap(t.q.InsertPriceStandard(ctx, db.InsertPriceStandardParams{ID: p.ID, Name: p.Name, Family: int32(p.Family), Data: data}),
		"price standard %d", p.ID)
}

func (t *txn) GetPriceStandard(ctx context.Context, id int64) (*park.PriceStandard, error) {
	r, err := t.q.GetPriceStandard(ctx, id)
	if err != nil {
		return nil, wrap(err, "price standard %d", id)
	}
	return jsonrow.ReadStandard(r.Data, r.ID, r.Version)
}

func (t *txn) GetPriceStandardVersion(ctx context.Context, id, version int64) (*park.PriceStandard, error) {
	data, err := t.q.GetPriceStandardVersion(ctx, db.GetPriceStandardVersionParams{ID: id, Version: version})
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
	if err := t.q.KeepPriceStandardVersion(ctx, p.ID); err != nil {
		return mapErr(err)
	}
	n, err := t.q.UpdatePriceStandard(ctx, db.UpdatePriceStandardParams{Name: p.Name, Family: int32(p.Family), Data: data,
		ID: p.ID, Version: p.Version})
	return versioned(n, err, &p.Version, func() error { _, err := t.q.GetPriceStandard(ctx, p.ID); return err },
		"price standard %d", p.ID)
}

func (t *txn) DeletePriceStandard(ctx context.Context, id int64) error {
	if err := t.q.DeletePriceStandardVersions(ctx, id); err != nil {
		return mapErr(err)
	}
	n, err := t.q.DeletePriceStandard(ctx, id)
	return affected(n, err, "price standard %d", id)
}

func (t *txn) ListPriceStandards(ctx context.Context, f park.PriceStandardFilter) ([]*park.PriceStandard, error) {
	rows, err := t.q.ListPriceStandards(ctx, db.ListPriceStandardsParams{AfterID: f.AfterID, Name: f.Name,
		Family: int32(f.Family), Lim: limit32(f.Limit)})
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
	n, err := t.q.CountPriceStandards(ctx, db.CountPriceStandardsParams{Name: f.Name, Family: int32(f.Family)})
	return int(n), mapErr(err)
}

func (t *txn) InsertChargeSession(ctx context.Context, s *park.ChargeSession) error {
	s.Version = 1
	data, err := jsonrow.Session(s)
	if err != nil {
		return err
	}
	err = mapErr(t.q.InsertChargeSession(ctx, db.InsertChargeSessionParams{ID: s.ID, ChargerID: s.ChargerID,
		Connector: int32(s.Connector), TransactionID: s.TransactionID, Status: s.Status, PartnerID: s.PartnerID,
		UpdatedAt: ts(s.UpdatedAt), Data: data, LotCode: s.LotCode, PlateKey: s.PlateKey, Outcome: s.Outcome()}))
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
// jsonrow.ReadingsChunk, in one statement that goes with the
// transaction's next one or its commit.
func (t *txn) AddChargeReadings(ctx context.Context, sessionID string, rs []park.MeterReading) error {
	if len(rs) == 0 {
		return nil
	}
	p := db.AddChargeReadingsParams{SessionID: sessionID, N: int64(len(rs)), Readings: jsonrow.Readings(rs), ChunkSize: jsonrow.ReadingsChunk}
	return t.later(func() error { return t.q.AddChargeReadings(ctx, p) }, func(err error) error {
		if err = mapErr(err); park.IsCode(err, park.ENotFound) {
			return park.Errorf(park.ENotFound, "charge session %q not found", sessionID)
		}
		return err
	})
}

// sessions decodes sessions' rows and reads their readings, in one
// statement for them all.
func (t *txn) sessions(ctx context.Context, rows []db.ChargeSession) ([]*park.ChargeSession, error) {
	out := make([]*park.ChargeSession, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	rs, err := t.q.ChargeReadings(ctx, ids)
	if err != nil {
		return nil, mapErr(err)
	}
	chunks := make(map[string][]string, len(rs))
	for _, x := range rs {
		chunks[x.SessionID] = append(chunks[x.SessionID], x.Readings)
	}
	for i, r := range rows {
		if out[i], err = session(r, chunks[r.ID], nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// session decodes a session's row with its readings' chunks.
func session(r db.ChargeSession, chunks []string, err error) (*park.ChargeSession, error) {
	if err != nil {
		return nil, err
	}
	s, err := jsonrow.ReadSession(r.Data, r.Version)
	if err != nil {
		return nil, err
	}
	if s.Readings, err = jsonrow.ReadReadings(chunks); err != nil {
		return nil, fmt.Errorf("charge session %q: %w", r.ID, err)
	}
	return s, nil
}

func (t *txn) GetChargeSession(ctx context.Context, id string) (*park.ChargeSession, error) {
	r, err := t.q.GetChargeSession(ctx, id)
	return session(r.ChargeSession, r.Readings, wrap(err, "charge session %q", id))
}

func (t *txn) GetChargeSessionByTransaction(ctx context.Context, chargerID string, txID int64) (*park.ChargeSession, error) {
	r, err := t.q.GetChargeSessionByTransaction(ctx, db.GetChargeSessionByTransactionParams{ChargerID: chargerID, TransactionID: txID})
	return session(r.ChargeSession, r.Readings, wrap(err, "transaction %d of charger %q", txID, chargerID))
}

func (t *txn) OpenChargeSession(ctx context.Context, chargerID string, connector int) (*park.ChargeSession, error) {
	r, err := t.q.OpenChargeSession(ctx, db.OpenChargeSessionParams{ChargerID: chargerID, Connector: int32(connector)})
	return session(r.ChargeSession, r.Readings, wrap(err, "open session on connector %d of charger %q", connector, chargerID))
}

func (t *txn) UpdateChargeSession(ctx context.Context, s *park.ChargeSession) error {
	data, err := jsonrow.Session(s)
	if err != nil {
		return err
	}
	n, err := t.q.UpdateChargeSession(ctx, db.UpdateChargeSessionParams{TransactionID: s.TransactionID, Status: s.Status,
		UpdatedAt: ts(s.UpdatedAt), Data: data, Outcome: s.Outcome(), ID: s.ID, Version: s.Version})
	return versioned(n, err, &s.Version, func() error { _, err := t.q.GetChargeSession(ctx, s.ID); return err },
		"charge session %q", s.ID)
}

func (t *txn) ListChargeSessions(ctx context.Context, f park.ChargeSessionFilter) ([]*park.ChargeSession, error) {
	from, to, after := jsonrow.Window(f)
	rows, err := t.q.ListChargeSessions(ctx, db.ListChargeSessionsParams{ChargerID: f.ChargerID, PartnerID: f.PartnerID,
		Status: f.Status, Outcome: f.Outcome, UpdatedFrom: ts(from), UpdatedTo: ts(to), AfterUpdated: ts(after), AfterID: f.AfterID, Lim: limit32(f.Limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return t.sessions(ctx, rows)
}

func (t *txn) CountChargeSessions(ctx context.Context, f park.ChargeSessionFilter) (int, error) {
	from, to, _ := jsonrow.Window(f)
	n, err := t.q.CountChargeSessions(ctx, db.CountChargeSessionsParams{ChargerID: f.ChargerID, PartnerID: f.PartnerID,
		Status: f.Status, Outcome: f.Outcome, UpdatedFrom: ts(from), UpdatedTo: ts(to)})
	return int(n), mapErr(err)
}

func (t *txn) LatestChargeSessions(ctx context.Context, chargerID string, limit int) ([]*park.ChargeSession, error) {
	rows, err := t.q.LatestChargeSessions(ctx, db.LatestChargeSessionsParams{ChargerID: chargerID, Limit: limit32(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return t.sessions(ctx, rows)
}

func (t *txn) LatestChargeSessionsOfLot(ctx context.Context, lot string, limit int) ([]*park.ChargeSession, error) {
	rows, err := t.q.LatestChargeSessionsOfLot(ctx, db.LatestChargeSessionsOfLotParams{LotCode: lot, Lim: limit32(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return t.sessions(ctx, rows)
}

func (t *txn) ChargeSessionsOfPlate(ctx context.Context, lot, plateKey string, limit int) ([]*park.ChargeSession, error) {
	rows, err := t.q.ChargeSessionsOfPlate(ctx, db.ChargeSessionsOfPlateParams{LotCode: lot, PlateKey: plateKey, Limit: limit32(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return t.sessions(ctx, rows)
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
