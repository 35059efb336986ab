package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"parkd/internal/park"
	"parkd/internal/store/sqlite/db"
)

func (t *txn) Lock(ctx context.Context, l *park.Lock) error {
	err := mapErr(t.q.InsertLock(stmtCtx, db.InsertLockParams{
		LotCode: l.LotCode, PlateKey: l.PlateKey, LockedAt: us(l.LockedAt), By: l.By,
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
	n, err := t.q.DeleteLock(stmtCtx, db.DeleteLockParams{LotCode: lot, PlateKey: plateKey})
	return affected(n, err, "lock of plate %q", plateKey)
}

func (t *txn) IsLocked(ctx context.Context, lot, plateKey string) (*park.Lock, error) {
	r, err := t.q.GetLock(stmtCtx, db.GetLockParams{LotCode: lot, PlateKey: plateKey})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return &park.Lock{LotCode: r.LotCode, PlateKey: r.PlateKey, LockedAt: fromUS(r.LockedAt), By: r.By}, nil
}
