package postgres

import (
	"context"

	"parkd/internal/park"
)

// CheckWrite commits a read-write transaction that takes a transaction
// id: PostgreSQL refuses one on a standby and writes its commit record to
// the log, so a server that cannot write fails it, and no row changes. A
// database or role set read-only (default_transaction_read_only) hands
// out an id all the same, but refuses a write to a table, even of no row:
// the update of none of the migrations' rows finds it out.
func (s *Store) CheckWrite(ctx context.Context) error {
	return s.Update(ctx, func(tx park.Tx) error {
		g := tx.(*txn).g
		if _, err := g.Exec(ctx, "update goose_db_version set is_applied = is_applied where false"); err != nil {
			return mapErr(err)
		}
		var id int64
		return mapErr(g.QueryRow(ctx, "select txid_current()").Scan(&id))
	})
}
