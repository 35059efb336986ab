package sqlite

import (
	"context"

	"parkd/internal/park"
	"parkd/internal/store/sqlite/db"
)

func (t *txn) SaveStoreRule(ctx context.Context, r *park.StoreRule) error {
	body, err := rentalBody(r)
	if err != nil {
		return err
	}
	if r.Version == 0 {
		if err := t.q.InsertStoreRule(stmtCtx, db.InsertStoreRuleParams{StoreCode: r.StoreCode, Body: body,
			UpdatedAt: us(r.UpdatedAt)}); err != nil {
			return wrap(err, "rule of store %q", r.StoreCode)
		}
		r.Version = 1
		return nil
	}
	n, err := t.q.UpdateStoreRule(stmtCtx, db.UpdateStoreRuleParams{Body: body, UpdatedAt: us(r.UpdatedAt), StoreCode: r.StoreCode,
		Version: r.Version})
	return versioned(n, err, &r.Version, func() error { _, err := t.q.GetStoreRule(stmtCtx, r.StoreCode); return err },
		"rule of store %q", r.StoreCode)
}

func (t *txn) GetStoreRule(ctx context.Context, store string) (*park.StoreRule, error) {
	row, err := t.q.GetStoreRule(stmtCtx, store)
	if err != nil {
		return nil, wrap(err, "rule of store %q", store)
	}
	r, err := fromBody[park.StoreRule](row.Body, row.Version, "rule of store "+row.StoreCode)
	if err == nil {
		r.Version = row.Version
	}
	return r, err
}
