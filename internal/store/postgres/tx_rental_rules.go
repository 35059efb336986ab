package postgres

import (
	"context"

	"parkd/internal/park"
	"parkd/internal/store/postgres/db"
)

func (t *txn) SaveStoreRule(ctx context.Context, r *park.StoreRule) error {
	body, err := rentalBody(r)
	if err != nil {
		return err
	}
	if r.Version == 0 {
		if err := t.q.InsertStoreRule(ctx, db.InsertStoreRuleParams{StoreCode: r.StoreCode, Body: body,
			UpdatedAt: ts(r.UpdatedAt)}); err != nil {
			return wrap(err, "rule of store %q", r.StoreCode)
		}
		r.Version = 1
		return nil
	}
	n, err := t.q.UpdateStoreRule(ctx, db.UpdateStoreRuleParams{Body: body, UpdatedAt: ts(r.UpdatedAt), StoreCode: r.StoreCode,
		Version: r.Version})
	return versioned(n, err, &r.Version, func() error { _, err := t.q.GetStoreRule(ctx, r.StoreCode); return err },
		"rule of store %q", r.StoreCode)
}

func (t *txn) GetStoreRule(ctx context.Context, store string) (*park.StoreRule, error) {
	row, err := t.q.GetStoreRule(ctx, store)
	if err != nil {
		return nil, wrap(err, "rule of store %q", store)
	}
	r, err := fromBody[park.StoreRule](row.Body, row.Version, "rule of store "+row.StoreCode)
	if err == nil {
		r.Version = row.Version
	}
	return r, err
}
