package sqlite

import (
	"context"

	"parkd/internal/park"
	"parkd/internal/store/sqlite/db"
)

// slotsFromDB reads a stored slot list; it was validated on the way in.
func slotsFromDB(s string) []park.Slot {
	out, _ := park.ParseSlots(s)
	return out
}

func (t *txn) CreatePlan(ctx context.Context, p *park.Plan) error {
	p.Version = 1
	err := mapErr(t.q.InsertPlan(stmtCtx, db.InsertPlanParams{
		LotCode: p.LotCode, Code: p.Code, Name: p.Name, Price: p.Price, VehicleClass: p.VehicleClass,
		Slots: park.FormatSlots(p.Slots), CreatedAt: us(p.CreatedAt), UpdatedAt: us(p.UpdatedAt),
	}))
	switch {
	case park.IsCode(err, park.ENotFound):
		return park.Errorf(park.ENotFound, "lot %q not found", p.LotCode)
	case park.IsCode(err, park.EConflict):
		return park.Errorf(park.EConflict, "plan %q already exists", p.Code)
	}
	return err
}

func planFromRow(r db.Plan) *park.Plan {
	return &park.Plan{
		LotCode: r.LotCode, Code: r.Code, Name: r.Name, Price: r.Price, VehicleClass: r.VehicleClass,
		Slots: slotsFromDB(r.Slots), CreatedAt: fromUS(r.CreatedAt), UpdatedAt: fromUS(r.UpdatedAt), Version: r.Version,
	}
}

func (t *txn) GetPlan(ctx context.Context, lot, code string) (*park.Plan, error) {
	r, err := t.q.GetPlan(stmtCtx, db.GetPlanParams{LotCode: lot, Code: code})
	if err != nil {
		return nil, wrap(err, "plan %q", code)
	}
	return planFromRow(r), nil
}

func (t *txn) ListPlans(ctx context.Context, lot string) ([]*park.Plan, error) {
	rows, err := t.q.ListPlans(stmtCtx, lot)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Plan, len(rows))
	for i, r := range rows {
		out[i] = planFromRow(r)
	}
	return out, nil
}

func (t *txn) UpdatePlan(ctx context.Context, p *park.Plan) error {
	n, err := t.q.UpdatePlan(stmtCtx, db.UpdatePlanParams{
		Name: p.Name, Price: p.Price, VehicleClass: p.VehicleClass, Slots: park.FormatSlots(p.Slots),
		UpdatedAt: us(p.UpdatedAt), LotCode: p.LotCode, Code: p.Code, Version: p.Version,
	})
	return versioned(n, err, &p.Version, func() error {
		_, err := t.q.GetPlan(stmtCtx, db.GetPlanParams{LotCode: p.LotCode, Code: p.Code})
		return err
	}, "plan %q", p.Code)
}

func (t *txn) DeletePlan(ctx context.Context, lot, code string) error {
	n, err := t.q.DeletePlan(stmtCtx, db.DeletePlanParams{LotCode: lot, Code: code})
	return affected(n, err, "plan %q", code)
}

func (t *txn) InsertRenewal(ctx context.Context, r *park.Renewal) error {
	r.Version = 1
	return wrap(t.q.InsertRenewal(stmtCtx, db.InsertRenewalParams{
		ID: r.ID, LotCode: r.LotCode, PassID: r.PassID, PlanCode: r.PlanCode, Months: int64(r.Months),
		Amount: r.Amount, PassValidTo: us(r.PassValidTo), StartsAt: us(r.StartsAt), ValidTo: us(r.ValidTo), CreatedAt: us(r.CreatedAt),
		ExpiresAt: us(r.ExpiresAt), PaidAt: nullUS(r.PaidAt), Payer: r.Payer, Reference: r.Reference, Method: r.Method,
		Source: r.Source,
	}), "renewal %q", r.ID)
}

func renewalFromRow(r db.Renewal) *park.Renewal {
	return &park.Renewal{
		ID: r.ID, LotCode: r.LotCode, PassID: r.PassID, PlanCode: r.PlanCode, Months: int(r.Months),
		Amount: r.Amount, PassValidTo: fromUS(r.PassValidTo), StartsAt: fromUS(r.StartsAt), ValidTo: fromUS(r.ValidTo),
		CreatedAt: fromUS(r.CreatedAt), ExpiresAt: fromUS(r.ExpiresAt), PaidAt: fromNullUS(r.PaidAt),
		Payer: r.Payer, Reference: r.Reference, Method: r.Method, Source: r.Source, Version: r.Version,
	}
}

func (t *txn) GetRenewal(ctx context.Context, id string) (*park.Renewal, error) {
	r, err := t.q.GetRenewal(stmtCtx, id)
	if err != nil {
		return nil, wrap(err, "renewal %q", id)
	}
	return renewalFromRow(r), nil
}

func (t *txn) GetRenewalByReference(ctx context.Context, payer, reference string) (*park.Renewal, error) {
	r, err := t.q.GetRenewalByReference(stmtCtx, db.GetRenewalByReferenceParams{Payer: payer, Reference: reference})
	if err != nil {
		return nil, wrap(err, "renewal with reference %q", reference)
	}
	return renewalFromRow(r), nil
}

func (t *txn) UpdateRenewal(ctx context.Context, r *park.Renewal) error {
	n, err := t.q.UpdateRenewal(stmtCtx, db.UpdateRenewalParams{
		PassValidTo: us(r.PassValidTo), StartsAt: us(r.StartsAt), ValidTo: us(r.ValidTo), PaidAt: nullUS(r.PaidAt), Payer: r.Payer,
		Reference: r.Reference, Method: r.Method, ID: r.ID, Version: r.Version,
	})
	return versioned(n, err, &r.Version, func() error { _, err := t.q.GetRenewal(stmtCtx, r.ID); return err },
		"renewal %q", r.ID)
}

func (t *txn) PassLapses(ctx context.Context, passID string) ([]park.Period, error) {
	rows, err := t.q.PassLapses(stmtCtx, passID)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]park.Period, len(rows))
	for i, r := range rows {
		out[i] = park.Period{From: fromUS(r.PassValidTo), To: fromUS(r.StartsAt)}
	}
	return out, nil
}

func (t *txn) InsertPassTerm(ctx context.Context, passID string, pt park.PassTerm) error {
	return mapErr(t.q.InsertPassTerm(stmtCtx, db.InsertPassTermParams{PassID: passID, Until: us(pt.Until), Plan: pt.Plan,
		Slots: park.FormatSlots(pt.Slots)}))
}

func (t *txn) PassTerms(ctx context.Context, passID string) ([]park.PassTerm, error) {
	rows, err := t.q.PassTerms(stmtCtx, passID)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]park.PassTerm, len(rows))
	for i, r := range rows {
		out[i] = park.PassTerm{Until: fromUS(r.Until), Plan: r.Plan, Slots: slotsFromDB(r.Slots)}
	}
	return out, nil
}
