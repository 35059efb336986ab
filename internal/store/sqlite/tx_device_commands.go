package sqlite

import (
	"context"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/sqlite/db"
)

func deviceCommandFromRow(r db.DeviceCommand) *park.DeviceCommand {
	return &park.DeviceCommand{ID: r.ID, Serial: r.Serial, Command: r.Command, Payload: []byte(r.Payload), Status: r.Status,
		ExpiresAt: fromUS(r.ExpiresAt), CreatedAt: fromUS(r.CreatedAt), UpdatedAt: fromUS(r.UpdatedAt)}
}

func (t *txn) InsertDeviceCommand(ctx context.Context, c *park.DeviceCommand) error {
	return wrap(t.q.InsertDeviceCommand(stmtCtx, db.InsertDeviceCommandParams{ID: c.ID, Serial: c.Serial, Command: c.Command,
		Payload: string(c.Payload), Status: c.Status, ExpiresAt: us(c.ExpiresAt), CreatedAt: us(c.CreatedAt), UpdatedAt: us(c.UpdatedAt)}),
		"device command %q", c.ID)
}

func (t *txn) GetDeviceCommand(ctx context.Context, id string) (*park.DeviceCommand, error) {
	r, err := t.q.GetDeviceCommand(stmtCtx, id)
	if err != nil {
		return nil, wrap(err, "device command %q", id)
	}
	return deviceCommandFromRow(r), nil
}

func (t *txn) PendingDeviceCommands(ctx context.Context, serial string, now time.Time, limit int) ([]*park.DeviceCommand, error) {
	rs, err := t.q.PendingDeviceCommands(stmtCtx, db.PendingDeviceCommandsParams{Serial: serial, Now: us(now), MaxRows: int64(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.DeviceCommand, len(rs))
	for i, r := range rs {
		out[i] = deviceCommandFromRow(r)
	}
	return out, nil
}

func (t *txn) TakeDeviceCommand(ctx context.Context, id string, now time.Time) (bool, error) {
	n, err := t.q.TakeDeviceCommand(stmtCtx, db.TakeDeviceCommandParams{Now: us(now), ID: id})
	return n == 1, mapErr(err)
}

func (t *txn) WithdrawDeviceCommand(ctx context.Context, id string, now time.Time) (bool, error) {
	n, err := t.q.WithdrawDeviceCommand(stmtCtx, db.WithdrawDeviceCommandParams{Now: us(now), ID: id})
	return n == 1, mapErr(err)
}

func (t *txn) DeleteDeviceCommands(ctx context.Context, before time.Time) (int, error) {
	n, err := t.q.DeleteDeviceCommands(stmtCtx, us(before))
	return int(n), mapErr(err)
}
