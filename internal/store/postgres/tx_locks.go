package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"parkd/internal/park"
	"parkd/internal/store/postgres/db"
)

func (t *txn) Lock(ctx context.Context, l *park.Lock) error {
	err := mapErr(t.q.InsertLock(ctx, db.InsertLockParams{
		LotCode: l.LotCode, PlateKey: l.PlateKey, LockedAt: ts(l.LockedAt), By: l.By,
	}))
	switch {
	case park.IsCode(err, park.ENotFound):
		return park.Errorf(park.ENotFound, "lot %q not found", l.LotCode)
	case park.IsCode(err, park.EConflict):
		return park.Errorf(park.EConflict, "plate %q is already locked", l.PlateKey)
	}
	return err
}

func (t *txn) Unlock(ctx context.Context, lot, plateKey string) error {
	n, err := t.q.DeleteLock(ctx, db.DeleteLockParams{LotCode: lot, PlateKey: plateKey})
	return affected(n, err, "lock of plate %q", plateKey)
}

func (t *txn) IsLocked(ctx context.Context, lot, plateKey string) (*park.Lock, error) {
	r, err := t.q.GetLock(ctx, db.GetLockParams{LotCode: lot, PlateKey: plateKey})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return &park.Lock{LotCode: r.LotCode, PlateKey: r.PlateKey, LockedAt: r.LockedAt.UTC(), By: r.By}, nil
}
