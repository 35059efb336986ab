package sqlite

import (
	"cmp"
	"context"
	"slices"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/sqlite/db"
)

func (t *txn) CreateDevice(ctx context.Context, d *park.Device) error {
	err := mapErr(t.q.CreateDevice(stmtCtx, db.CreateDeviceParams{Serial: d.Serial, LotCode: d.LotCode, Lane: d.Lane, Kind: d.Kind,
		Protocol: d.Protocol, Direction: d.Direction, Addr: d.Addr, Username: d.Username, Password: d.Password, Online: b2i(d.Online),
		SeenAt: nullUS(d.SeenAt), Since: us(d.Since), CreatedAt: us(d.CreatedAt)}))
	if park.IsCode(err, park.ENotFound) {
		return park.Errorf(park.ENotFound, "lot %q not found", d.LotCode)
	}
	return err
}

func deviceFromRow(r db.Device) *park.Device {
	return &park.Device{Serial: r.Serial, LotCode: r.LotCode, Lane: r.Lane, Kind: r.Kind, Protocol: r.Protocol, Direction: r.Direction,
		Addr: r.Addr, Username: r.Username, Password: r.Password, Online: r.Online != 0, SeenAt: fromNullUS(r.SeenAt),
		Since: fromUS(r.Since), CreatedAt: fromUS(r.CreatedAt), Unanswered: fromNullUS(r.UnansweredSince)}
}

func (t *txn) GetDevice(ctx context.Context, serial string) (*park.Device, error) {
	r, err := t.q.GetDevice(stmtCtx, serial)
	if err != nil {
		return nil, wrap(err, "device %q", serial)
	}
	return deviceFromRow(r), nil
}

func (t *txn) ListDevices(ctx context.Context, lot string) ([]*park.Device, error) {
	var rs []db.Device
	var err error
	if lot == "" {
		rs, err = t.q.ListDevices(stmtCtx)
	} else {
		rs, err = t.q.ListLotDevices(stmtCtx, lot)
	}
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Device, len(rs))
	for i, r := range rs {
		out[i] = deviceFromRow(r)
	}
	return out, nil
}

func (t *txn) DeleteDevice(ctx context.Context, serial string) error {
	n, err := t.q.DeleteDevice(stmtCtx, serial)
	return affected(n, err, "device %q", serial)
}

func (t *txn) MarkDeviceSeen(ctx context.Context, serial string, at time.Time) error {
	n, err := t.q.MarkDeviceSeen(stmtCtx, db.MarkDeviceSeenParams{Serial: serial, SeenAt: nullUS(&at)})
	if err != nil || n > 0 {
		return mapErr(err)
	}
	_, err = t.GetDevice(ctx, serial) // seen later already, or not registered
	return err
}

func (t *txn) SetDeviceOnline(ctx context.Context, serial string, online bool, since time.Time) (bool, error) {
	n, err := t.q.SetDeviceOnline(stmtCtx, db.SetDeviceOnlineParams{Serial: serial, Online: b2i(online), Since: us(since),
		Was: b2i(!online)})
	if err != nil {
		return false, mapErr(err)
	}
	if n > 0 {
		return true, nil
	}
	_, err = t.GetDevice(ctx, serial)
	return false, err
}

func (t *txn) NoteLaneListChange(ctx context.Context, lot string, plates []string, at time.Time) error {
	for _, p := range plates {
		if err := t.q.NoteLaneListChange(stmtCtx, db.NoteLaneListChangeParams{LotCode: lot, Plate: p, CreatedAt: us(at)}); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

func (t *txn) ListLaneListChanges(ctx context.Context, limit int) ([]park.LaneListChange, error) {
	lots, err := t.q.LaneListLots(stmtCtx)
	if err != nil {
		return nil, mapErr(err)
	}
	var out []park.LaneListChange
	for _, lot := range lots {
		rs, err := t.q.ListLaneListChanges(stmtCtx, db.ListLaneListChangesParams{LotCode: lot, Limit: int64(limit)})
		if err != nil {
			return nil, mapErr(err)
		}
		for _, r := range rs {
			out = append(out, park.LaneListChange{Seq: r.Seq, LotCode: r.LotCode, Plate: r.Plate, At: fromUS(r.CreatedAt)})
		}
	}
	slices.SortFunc(out, func(a, b park.LaneListChange) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

func (t *txn) DeleteLaneListChanges(ctx context.Context, lot string, upTo int64) error {
	_, err := t.q.DeleteLaneListChanges(stmtCtx, db.DeleteLaneListChangesParams{LotCode: lot, UpTo: upTo})
	return mapErr(err)
}

func (t *txn) SetDeviceUnanswered(ctx context.Context, serial string, at *time.Time) (bool, error) {
	var n int64
	var err error
	if at != nil {
		n, err = t.q.RaiseDeviceUnanswered(stmtCtx, db.RaiseDeviceUnansweredParams{Serial: serial, At: nullUS(at)})
	} else {
		n, err = t.q.ClearDeviceUnanswered(stmtCtx, serial)
	}
	if err != nil {
		return false, mapErr(err)
	}
	if n > 0 {
		return true, nil
	}
	_, err = t.GetDevice(ctx, serial)
	return false, err
}
