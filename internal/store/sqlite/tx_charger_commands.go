package sqlite

import (
	"context"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/sqlite/db"
)

func commandFromRow(r db.ChargerCommand) *park.ChargerCommand {
	return &park.ChargerCommand{ID: r.ID, ChargerID: r.ChargerID, Action: r.Action, Payload: []byte(r.Payload), Status: r.Status,
		Result: r.Result, CreatedAt: fromUS(r.CreatedAt), UpdatedAt: fromUS(r.UpdatedAt)}
}

func (t *txn) InsertChargerCommand(ctx context.Context, c *park.ChargerCommand) error {
	return wrap(t.q.InsertChargerCommand(stmtCtx, db.InsertChargerCommandParams{ID: c.ID, ChargerID: c.ChargerID, Action: c.Action,
		Payload: string(c.Payload), Status: c.Status, Result: c.Result, CreatedAt: us(c.CreatedAt), UpdatedAt: us(c.UpdatedAt)}),
		"charger command %q", c.ID)
}

func (t *txn) GetChargerCommand(ctx context.Context, id string) (*park.ChargerCommand, error) {
	r, err := t.q.GetChargerCommand(stmtCtx, id)
	if err != nil {
		return nil, wrap(err, "charger command %q", id)
	}
	return commandFromRow(r), nil
}

func (t *txn) QueuedChargerCommands(ctx context.Context, limit int) ([]*park.ChargerCommand, error) {
	rs, err := t.q.QueuedChargerCommands(stmtCtx, int64(limit))
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.ChargerCommand, len(rs))
	for i, r := range rs {
		out[i] = commandFromRow(r)
	}
	return out, nil
}

func (t *txn) SetChargerCommand(ctx context.Context, id, from, to, result string, at time.Time) (bool, error) {
	n, err := t.q.SetChargerCommand(stmtCtx, db.SetChargerCommandParams{ToStatus: to, Result: result, UpdatedAt: us(at), ID: id,
		FromStatus: from})
	return n == 1, mapErr(err)
}

func (t *txn) DeleteChargerCommands(ctx context.Context, before time.Time) (int, error) {
	n, err := t.q.DeleteChargerCommands(stmtCtx, us(before))
	return int(n), mapErr(err)
}
