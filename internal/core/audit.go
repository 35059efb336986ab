package core

import (
	"context"
	"encoding/json"

	"parkd/internal/park"
)

// Audit is the one seam through which a change enters the audit log:
// called inside the transaction of the change it describes, so the entry
// commits or rolls back with it and a crash cannot keep one without the
// other. e.Actor names who asked; when it is empty the actor ctx carries
// (park.WithActor) is used, and without one there is nothing to audit (a
// camera, a partner or a job made the change). Audit fills in the id and,
// when zero, the time.
func (b *Base) Audit(ctx context.Context, tx park.Tx, e *park.AuditEntry) error {
	if e.Actor == "" {
		e.Actor = park.ActorFrom(ctx)
	}
	if e.Actor == "" {
		return nil
	}
	if e.ID == "" {
		e.ID = NewID()
	}
	if e.At.IsZero() {
		e.At = b.Clock()
	}
	e.At = e.At.UTC().Truncate(park.Precision)
	return tx.InsertAudit(ctx, e)
}

// Snapshot is v as the audit log keeps it (JSON; fields marked "-", such
// as password hashes, are left out).
func Snapshot(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
