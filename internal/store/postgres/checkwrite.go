package postgres

import (
	"context"

	"parkd/internal/park"
)

// CheckWrite commits a read-write transaction that takes a transaction
// id: PostgreSQL refuses one on a standby and writes its commit record to
// the log, so a server that cannot write fails it, and no row changes.
func (s *Store) CheckWrite(ctx context.Context) error {
	return s.Update(ctx, func(tx park.Tx) error {
		var id int64
		return mapErr(tx.(*txn).g.QueryRow(ctx, "select txid_current()").Scan(&id))
	})
}
