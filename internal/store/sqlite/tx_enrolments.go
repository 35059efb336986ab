package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"parkd/internal/park"
	"parkd/internal/store/sqlite/db"
)

func (t *txn) PutEnrolment(ctx context.Context, e *park.Enrolment) error {
	n, err := t.q.PutEnrolment(stmtCtx, db.PutEnrolmentParams{PartnerID: e.PartnerID, PlateKey: e.PlateKey, Plate: e.Plate,
		CreatedAt: us(e.CreatedAt)})
	if err = mapErr(err); park.IsCode(err, park.ENotFound) {
		return park.Errorf(park.ENotFound, "partner %q not found", e.PartnerID)
	}
	if err != nil || n == 1 {
		return err
	}
	r, err := t.q.GetEnrolment(stmtCtx, db.GetEnrolmentParams{PartnerID: e.PartnerID, PlateKey: e.PlateKey})
	if err != nil {
		return mapErr(err)
	}
	e.Plate, e.CreatedAt = r.Plate, fromUS(r.CreatedAt)
	return nil
}

func (t *txn) DeleteEnrolment(ctx context.Context, partnerID, plateKey string) error {
	n, err := t.q.DeleteEnrolment(stmtCtx, db.DeleteEnrolmentParams{PartnerID: partnerID, PlateKey: plateKey})
	return affected(n, err, "enrolment of plate %q", plateKey)
}

func (t *txn) ListEnrolments(ctx context.Context, partnerID string) ([]*park.Enrolment, error) {
	rs, err := t.q.ListEnrolments(stmtCtx, partnerID)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Enrolment, len(rs))
	for i, r := range rs {
		out[i] = &park.Enrolment{PartnerID: r.PartnerID, Plate: r.Plate, PlateKey: r.PlateKey, CreatedAt: fromUS(r.CreatedAt)}
	}
	return out, nil
}

func (t *txn) FindEnrolment(ctx context.Context, lot, plateKey string) (*park.Enrolment, error) {
	r, err := t.q.FindEnrolment(stmtCtx, db.FindEnrolmentParams{LotCode: lot, PlateKey: plateKey})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return &park.Enrolment{PartnerID: r.PartnerID, Plate: r.Plate, PlateKey: r.PlateKey, CreatedAt: fromUS(r.CreatedAt),
		SubscriptionID: r.SubscriptionID}, nil
}
