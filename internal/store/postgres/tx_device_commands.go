package postgres

import (
	"context"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/postgres/db"
)

func deviceCommandFromRow(r db.DeviceCommand) *park.DeviceCommand {
	return &park.DeviceCommand{ID: r.ID, Serial: r.Serial, Command: r.Command, Payload: []byte(r.Payload), Status: r.Status,
		ExpiresAt: fromTS(r.ExpiresAt), CreatedAt: fromTS(r.CreatedAt), UpdatedAt: fromTS(r.UpdatedAt)}
}

func (t *txn) InsertDeviceCommand(ctx context.Context, c *park.DeviceCommand) error {
	return wrap(t.q.InsertDeviceCommand(ctx, db.InsertDeviceCommandParams{ID: c.ID, Serial: c.Serial, Command: c.Command,
		Payload: string(c.Payload), Status: c.Status, ExpiresAt: ts(c.ExpiresAt), CreatedAt: ts(c.CreatedAt), UpdatedAt: ts(c.UpdatedAt)}),
		"device command %q", c.ID)
}

func (t *txn) GetDeviceCommand(ctx context.Context, id string) (*park.DeviceCommand, error) {
	r, err := t.q.GetDeviceCommand(ctx, id)
	if err != nil {
		return nil, wrap(err, "device command %q", id)
	}
	return deviceCommandFromRow(r), nil
}

func (t *txn) PendingDeviceCommands(ctx context.Context, serial string, now time.Time, limit int) ([]*park.DeviceCommand, error) {
	rs, err := t.q.PendingDeviceCommands(ctx, db.PendingDeviceCommandsParams{Serial: serial, Now: ts(now), MaxRows: int32(limit)})
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
	n, err := t.q.TakeDeviceCommand(ctx, db.TakeDeviceCommandParams{Now: ts(now), ID: id})
	return n == 1, mapErr(err)
}

func (t *txn) WithdrawDeviceCommand(ctx context.Context, id string, now time.Time) (bool, error) {
	n, err := t.q.WithdrawDeviceCommand(ctx, db.WithdrawDeviceCommandParams{Now: ts(now), ID: id})
	return n == 1, mapErr(err)
}

func (t *txn) DeleteDeviceCommands(ctx context.Context, before time.Time) (int, error) {
	n, err := t.q.DeleteDeviceCommands(ctx, ts(before))
	return int(n), mapErr(err)
}
