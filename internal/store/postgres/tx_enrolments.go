package postgres

import (
	"context"
	"errors"
	"github.com/jackc/pgx/v5"

	"parkd/internal/park"
	"parkd/internal/store/postgres/db"
)

func (t *txn) PutEnrolment(ctx context.Context, e *park.Enrolment) error {
	n, err := t.q.PutEnrolment(ctx, db.PutEnrolmentParams{PartnerID: e.PartnerID, PlateKey: e.PlateKey, Plate: e.Plate,
		CreatedAt: ts(e.CreatedAt)})
	if err = mapErr(err); park.IsCode(err, park.ENotFound) {
		return park.Errorf(park.ENotFound, "partner %q not found", e.PartnerID)
	}
	if err != nil || n == 1 {
		return err
	}
	r, err := t.q.GetEnrolment(ctx, db.GetEnrolmentParams{PartnerID: e.PartnerID, PlateKey: e.PlateKey})
	if err != nil {
		return mapErr(err)
	}
	e.Plate, e.CreatedAt = r.Plate, fromTS(r.CreatedAt)
	return nil
}

func (t *txn) DeleteEnrolment(ctx context.Context, partnerID, plateKey string) error {
	n, err := t.q.DeleteEnrolment(ctx, db.DeleteEnrolmentParams{PartnerID: partnerID, PlateKey: plateKey})
	return affected(n, err, "enrolment of plate %q", plateKey)
}

func (t *txn) ListEnrolments(ctx context.Context, partnerID string) ([]*park.Enrolment, error) {
	rs, err := t.q.ListEnrolments(ctx, partnerID)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Enrolment, len(rs))
	for i, r := range rs {
		out[i] = &park.Enrolment{PartnerID: r.PartnerID, Plate: r.Plate, PlateKey: r.PlateKey, CreatedAt: r.CreatedAt.UTC()}
	}
	return out, nil
}

func (t *txn) FindEnrolment(ctx context.Context, lot, plateKey string) (*park.Enrolment, error) {
	r, err := t.q.FindEnrolment(ctx, db.FindEnrolmentParams{LotCode: lot, PlateKey: plateKey})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return &park.Enrolment{PartnerID: r.PartnerID, Plate: r.Plate, PlateKey: r.PlateKey, CreatedAt: r.CreatedAt.UTC(),
		SubscriptionID: r.SubscriptionID}, nil
}
