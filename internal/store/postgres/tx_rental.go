package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"parkd/internal/park"
	"parkd/internal/store/postgres/db"
)

// The rental catalogue keeps each item's JSON in body, beside the
// columns it is looked up, joined and kept unique by.

func rentalBody(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", park.Errorf(park.EInternal, "rental row: %v", err)
	}
	return string(b), nil
}

func fromBody[T any](body string, version int64, what string) (*T, error) {
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	return &v, nil
}

func (t *txn) SaveRentalStore(ctx context.Context, s *park.RentalStore) error {
	body, err := rentalBody(s)
	if err != nil {
		return err
	}
	if s.Version == 0 {
		if err := t.q.InsertRentalStore(ctx, db.InsertRentalStoreParams{Code: s.Code, LotCode: s.LotCode, Body: body,
			UpdatedAt: ts(s.UpdatedAt)}); err != nil {
			return wrap(err, "store %q", s.Code)
		}
		s.Version = 1
		return nil
	}
	n, err := t.q.UpdateRentalStore(ctx, db.UpdateRentalStoreParams{LotCode: s.LotCode, Body: body, UpdatedAt: ts(s.UpdatedAt),
		Code: s.Code, Version: s.Version})
	return versioned(n, err, &s.Version, func() error { _, err := t.q.GetRentalStore(ctx, s.Code); return err }, "store %q", s.Code)
}

func rentalStoreFromRow(r db.RentalStore) (*park.RentalStore, error) {
	s, err := fromBody[park.RentalStore](r.Body, r.Version, "store "+r.Code)
	if err == nil {
		s.Version = r.Version
	}
	return s, err
}

func (t *txn) GetRentalStore(ctx context.Context, code string) (*park.RentalStore, error) {
	r, err := t.q.GetRentalStore(ctx, code)
	if err != nil {
		return nil, wrap(err, "store %q", code)
	}
	return rentalStoreFromRow(r)
}

func (t *txn) ListRentalStores(ctx context.Context) ([]*park.RentalStore, error) {
	rs, err := t.q.ListRentalStores(ctx)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.RentalStore, len(rs))
	for i, r := range rs {
		if out[i], err = rentalStoreFromRow(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *txn) SaveVehicleModel(ctx context.Context, m *park.VehicleModel) error {
	body, err := rentalBody(m)
	if err != nil {
		return err
	}
	if m.Version == 0 {
		if err := t.q.InsertRentalModel(ctx, db.InsertRentalModelParams{Code: m.Code, Body: body, UpdatedAt: ts(m.UpdatedAt)}); err != nil {
			return wrap(err, "vehicle model %q", m.Code)
		}
		m.Version = 1
		return nil
	}
	n, err := t.q.UpdateRentalModel(ctx, db.UpdateRentalModelParams{Body: body, UpdatedAt: ts(m.UpdatedAt), Code: m.Code,
		Version: m.Version})
	return versioned(n, err, &m.Version, func() error { _, err := t.q.GetRentalModel(ctx, m.Code); return err },
		"vehicle model %q", m.Code)
}

func vehicleModelFromRow(r db.RentalModel) (*park.VehicleModel, error) {
	m, err := fromBody[park.VehicleModel](r.Body, r.Version, "vehicle model "+r.Code)
	if err == nil {
		m.Version = r.Version
	}
	return m, err
}

func (t *txn) GetVehicleModel(ctx context.Context, code string) (*park.VehicleModel, error) {
	r, err := t.q.GetRentalModel(ctx, code)
	if err != nil {
		return nil, wrap(err, "vehicle model %q", code)
	}
	return vehicleModelFromRow(r)
}

func (t *txn) ListVehicleModels(ctx context.Context) ([]*park.VehicleModel, error) {
	rs, err := t.q.ListRentalModels(ctx)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.VehicleModel, len(rs))
	for i, r := range rs {
		if out[i], err = vehicleModelFromRow(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *txn) SaveStoreModel(ctx context.Context, m *park.StoreModel) error {
	body, err := rentalBody(m)
	if err != nil {
		return err
	}
	if m.Version == 0 {
		if err := t.q.InsertStoreModel(ctx, db.InsertStoreModelParams{StoreCode: m.StoreCode, ModelCode: m.ModelCode, Body: body,
			UpdatedAt: ts(m.UpdatedAt)}); err != nil {
			return wrap(err, "terms of store %q for model %q", m.StoreCode, m.ModelCode)
		}
		m.Version = 1
		return nil
	}
	n, err := t.q.UpdateStoreModel(ctx, db.UpdateStoreModelParams{Body: body, UpdatedAt: ts(m.UpdatedAt), StoreCode: m.StoreCode,
		ModelCode: m.ModelCode, Version: m.Version})
	return versioned(n, err, &m.Version, func() error {
		_, err := t.q.GetStoreModel(ctx, db.GetStoreModelParams{StoreCode: m.StoreCode, ModelCode: m.ModelCode})
		return err
	}, "terms of store %q for model %q", m.StoreCode, m.ModelCode)
}

func storeModelFromRow(r db.RentalStoreModel) (*park.StoreModel, error) {
	m, err := fromBody[park.StoreModel](r.Body, r.Version, "terms of store "+r.StoreCode)
	if err == nil {
		m.Version = r.Version
	}
	return m, err
}

func (t *txn) GetStoreModel(ctx context.Context, store, model string) (*park.StoreModel, error) {
	r, err := t.q.GetStoreModel(ctx, db.GetStoreModelParams{StoreCode: store, ModelCode: model})
	if err != nil {
		return nil, wrap(err, "terms of store %q for model %q", store, model)
	}
	return storeModelFromRow(r)
}

func (t *txn) ListStoreModels(ctx context.Context, store string) ([]*park.StoreModel, error) {
	rs, err := t.q.ListStoreModels(ctx, store)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.StoreModel, len(rs))
	for i, r := range rs {
		if out[i], err = storeModelFromRow(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *txn) SaveRentalVehicle(ctx context.Context, v *park.RentalVehicle) error {
	body, err := rentalBody(v)
	if err != nil {
		return err
	}
	if v.Version == 0 {
		if err := t.q.InsertRentalVehicle(ctx, db.InsertRentalVehicleParams{PlateKey: v.PlateKey, Vin: v.VIN, StoreCode: v.StoreCode,
			ModelCode: v.ModelCode, Body: body, UpdatedAt: ts(v.UpdatedAt)}); err != nil {
			return wrap(err, "vehicle %q", v.Plate)
		}
		v.Version = 1
		return nil
	}
	n, err := t.q.UpdateRentalVehicle(ctx, db.UpdateRentalVehicleParams{Vin: v.VIN, StoreCode: v.StoreCode, ModelCode: v.ModelCode,
		Body: body, UpdatedAt: ts(v.UpdatedAt), PlateKey: v.PlateKey, Version: v.Version})
	return versioned(n, err, &v.Version, func() error { _, err := t.q.GetRentalVehicle(ctx, v.PlateKey); return err },
		"vehicle %q", v.Plate)
}

func rentalVehicleFromRow(r db.RentalVehicle) (*park.RentalVehicle, error) {
	v, err := fromBody[park.RentalVehicle](r.Body, r.Version, "vehicle "+r.PlateKey)
	if err == nil {
		v.Version = r.Version
	}
	return v, err
}

func (t *txn) GetRentalVehicle(ctx context.Context, plateKey string) (*park.RentalVehicle, error) {
	r, err := t.q.GetRentalVehicle(ctx, plateKey)
	if err != nil {
		return nil, wrap(err, "vehicle %q", plateKey)
	}
	return rentalVehicleFromRow(r)
}

func (t *txn) ListRentalVehicles(ctx context.Context, store string) ([]*park.RentalVehicle, error) {
	rs, err := t.q.ListRentalVehicles(ctx, store)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.RentalVehicle, len(rs))
	for i, r := range rs {
		if out[i], err = rentalVehicleFromRow(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *txn) SaveRentalChannel(ctx context.Context, c *park.RentalChannel) error {
	body, err := rentalBody(c)
	if err != nil {
		return err
	}
	if c.Version == 0 {
		if err := t.q.InsertRentalChannel(ctx, db.InsertRentalChannelParams{ID: c.ID, Body: body, UpdatedAt: ts(c.UpdatedAt)}); err != nil {
			return wrap(err, "channel %q", c.ID)
		}
	} else {
		n, err := t.q.UpdateRentalChannel(ctx, db.UpdateRentalChannelParams{Body: body, UpdatedAt: ts(c.UpdatedAt), ID: c.ID,
			Version: c.Version})
		version := c.Version
		if err := versioned(n, err, &version, func() error { _, err := t.q.GetRentalChannel(ctx, c.ID); return err },
			"channel %q", c.ID); err != nil {
			return err
		}
		if err := t.q.ClearChannelStores(ctx, c.ID); err != nil {
			return mapErr(err)
		}
	}
	for _, s := range c.Stores {
		if err := t.q.AddChannelStore(ctx, db.AddChannelStoreParams{ChannelID: c.ID, StoreCode: s}); err != nil {
			return wrap(err, "store %q", s)
		}
	}
	c.Version++
	return nil
}

func rentalChannelFromRow(r db.RentalChannel) (*park.RentalChannel, error) {
	c, err := fromBody[park.RentalChannel](r.Body, r.Version, "channel "+r.ID)
	if err == nil {
		c.Version = r.Version
	}
	return c, err
}

func (t *txn) GetRentalChannel(ctx context.Context, id string) (*park.RentalChannel, error) {
	r, err := t.q.GetRentalChannel(ctx, id)
	if err != nil {
		return nil, wrap(err, "channel %q", id)
	}
	return rentalChannelFromRow(r)
}

func (t *txn) ListRentalChannels(ctx context.Context) ([]*park.RentalChannel, error) {
	rs, err := t.q.ListRentalChannels(ctx)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.RentalChannel, len(rs))
	for i, r := range rs {
		if out[i], err = rentalChannelFromRow(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *txn) SetChannelPartner(ctx context.Context, p *park.Partner) error {
	n, err := t.q.SetChannelPartner(ctx, db.SetChannelPartnerParams{Name: p.Name, Secret: p.Secret, SignMode: p.SignMode,
		UpdatedAt: ts(p.UpdatedAt), ID: p.ID})
	if err := affected(n, err, "partner %q", p.ID); err != nil {
		return err
	}
	if err := t.q.ClearPartnerLots(ctx, p.ID); err != nil {
		return mapErr(err)
	}
	for _, l := range p.Lots {
		if err := t.q.InsertPartnerLot(ctx, db.InsertPartnerLotParams{PartnerID: p.ID, LotCode: l}); err != nil {
			return wrap(err, "lot %q", l)
		}
	}
	return nil
}

func (t *txn) ChannelsSelling(ctx context.Context, store string) ([]string, error) {
	ids, err := t.q.ChannelsSelling(ctx, store)
	return ids, mapErr(err)
}

func (t *txn) EnqueueTo(ctx context.Context, r *park.Report, subscriptions []string) (int, error) {
	seq, err := t.q.InsertReport(ctx, db.InsertReportParams{
		ID: r.ID, Kind: r.Kind, LotCode: r.LotCode, Key: r.Key, At: ts(r.At), Data: string(r.Data),
	})
	if err != nil {
		return 0, wrap(err, "report %q", r.ID)
	}
	total := 0
	for _, sub := range subscriptions {
		n, err := t.q.EnqueueToSubscription(ctx, db.EnqueueToSubscriptionParams{ReportID: r.ID, LotCode: r.LotCode, Key: r.Key, AfterKey: r.After,
			At: ts(r.Due()), SubscriptionID: sub})
		if err != nil {
			return 0, mapErr(err)
		}
		total += int(n)
	}
	r.Seq = seq
	return total, nil
}
