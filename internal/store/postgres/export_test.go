package postgres

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

// OpenWith is Open with the pool's configuration amended by amend before
// the pool is made: the census test adds a tracer and a hook that loads
// auto_explain, neither of which the store itself needs.
func OpenWith(ctx context.Context, url string, opt Options, amend func(*pgxpool.Config)) (*Store, error) {
	cfg, err := config(url, opt.Schema)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = opt.MaxConns
	migrated, err := migrate(ctx, cfg.ConnConfig, opt.Schema)
	if err != nil {
		return nil, err
	}
	amend(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &Store{pool: pool, maxConns: opt.MaxConns, schema: opt.Schema, migrated: migrated}, nil
}
