package postgres

import (
	"cmp"
	"context"
	"slices"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/postgres/db"
)

func (t *txn) CreateDevice(ctx context.Context, d *park.Device) error {
	err := mapErr(t.q.CreateDevice(ctx, db.CreateDeviceParams{Serial: d.Serial, LotCode: d.LotCode, Lane: d.Lane, Kind: d.Kind,
		Protocol: d.Protocol, Direction: d.Direction, Addr: d.Addr, Username: d.Username, Password: d.Password, Online: d.Online,
		SeenAt: tsp(d.SeenAt), Since: ts(d.Since), CreatedAt: ts(d.CreatedAt)}))
	if park.IsCode(err, park.ENotFound) {
		return park.Errorf(park.ENotFound, "lot %q not found", d.LotCode)
	}
	return err
}

func deviceFromRow(r db.Device) *park.Device {
	return &park.Device{Serial: r.Serial, LotCode: r.LotCode, Lane: r.Lane, Kind: r.Kind, Protocol: r.Protocol, Direction: r.Direction,
		Addr: r.Addr, Username: r.Username, Password: r.Password, Online: r.Online, SeenAt: fromTSP(r.SeenAt),
		Since: fromTS(r.Since), CreatedAt: fromTS(r.CreatedAt), Unanswered: fromTSP(r.UnansweredSince)}
}

func (t *txn) GetDevice(ctx context.Context, serial string) (*park.Device, error) {
	r, err := t.q.GetDevice(ctx, serial)
	if err != nil {
		return nil, wrap(err, "device %q", serial)
	}
	return deviceFromRow(r), nil
}

func (t *txn) ListDevices(ctx context.Context, lot string) ([]*park.Device, error) {
	var rs []db.Device
	var err error
	if lot == "" {
		rs, err = t.q.ListDevices(ctx)
	} else {
		rs, err = t.q.ListLotDevices(ctx, lot)
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
	n, err := t.q.DeleteDevice(ctx, serial)
	return affected(n, err, "device %q", serial)
}

func (t *txn) MarkDeviceSeen(ctx context.Context, serial string, at time.Time) error {
	n, err := t.q.MarkDeviceSeen(ctx, db.MarkDeviceSeenParams{Serial: serial, SeenAt: tsp(&at)})
	if err != nil || n > 0 {
		return mapErr(err)
	}
	_, err = t.GetDevice(ctx, serial) // seen later already, or not registered
	return err
}

func (t *txn) SetDeviceOnline(ctx context.Context, serial string, online bool, since time.Time) (bool, error) {
	n, err := t.q.SetDeviceOnline(ctx, db.SetDeviceOnlineParams{Serial: serial, Online: online, Since: ts(since),
		Was: !online})
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
		if err := t.q.NoteLaneListChange(ctx, db.NoteLaneListChangeParams{LotCode: lot, Plate: p, CreatedAt: ts(at)}); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

func (t *txn) ListLaneListChanges(ctx context.Context, limit int) ([]park.LaneListChange, error) {
	lots, err := t.q.LaneListLots(ctx)
	if err != nil {
		return nil, mapErr(err)
	}
	var out []park.LaneListChange
	for _, lot := range lots {
		rs, err := t.q.ListLaneListChanges(ctx, db.ListLaneListChangesParams{LotCode: lot, Limit: int32(limit)})
		if err != nil {
			return nil, mapErr(err)
		}
		for _, r := range rs {
			out = append(out, park.LaneListChange{Seq: r.Seq, LotCode: r.LotCode, Plate: r.Plate, At: fromTS(r.CreatedAt)})
		}
	}
	slices.SortFunc(out, func(a, b park.LaneListChange) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

func (t *txn) DeleteLaneListChanges(ctx context.Context, lot string, upTo int64) error {
	_, err := t.q.DeleteLaneListChanges(ctx, db.DeleteLaneListChangesParams{LotCode: lot, UpTo: upTo})
	return mapErr(err)
}

func (t *txn) SetDeviceUnanswered(ctx context.Context, serial string, at *time.Time) (bool, error) {
	var n int64
	var err error
	if at != nil {
		n, err = t.q.RaiseDeviceUnanswered(ctx, db.RaiseDeviceUnansweredParams{Serial: serial, At: tsp(at)})
	} else {
		n, err = t.q.ClearDeviceUnanswered(ctx, serial)
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
