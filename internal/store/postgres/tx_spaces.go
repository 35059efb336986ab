package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"parkd/internal/park"
	"parkd/internal/store/postgres/db"
)

func spaceFromRow(r db.Space) *park.Space {
	return &park.Space{
		LotCode: r.LotCode, Code: r.Code, Floor: r.Floor, Zone: r.Zone, Kind: r.Kind,
		Occupied: r.Occupied, Plate: r.Plate, PlateKey: r.PlateKey,
		Since: fromTSP(r.Since), ReportedAt: fromTSP(r.ReportedAt), Source: r.Source,
		PlateAt: fromTSP(r.PlateAt),
	}
}

func (t *txn) ReplaceSpaces(ctx context.Context, lot string, spaces []*park.Space) error {
	if _, err := t.GetLotSettings(ctx, lot); err != nil {
		return err
	}
	old, err := t.q.ListSpaceCodes(ctx, lot)
	if err != nil {
		return mapErr(err)
	}
	keep := make(map[string]bool, len(spaces))
	for _, sp := range spaces {
		keep[sp.Code] = true
	}
	for _, code := range old {
		if !keep[code] {
			if err := t.q.DeleteSpace(ctx, db.DeleteSpaceParams{LotCode: lot, Code: code}); err != nil {
				return mapErr(err)
			}
		}
	}
	for _, sp := range spaces {
		if err := t.q.UpsertSpace(ctx, db.UpsertSpaceParams{
			LotCode: lot, Code: sp.Code, Floor: sp.Floor, Zone: sp.Zone, Kind: sp.Kind,
		}); err != nil {
			return wrap(err, "space %q", sp.Code)
		}
	}
	return nil
}

func (t *txn) ListSpaces(ctx context.Context, f park.SpaceFilter) ([]*park.Space, error) {
	rows, err := t.q.ListSpaces(ctx, db.ListSpacesParams{
		LotCode: f.LotCode, AfterCode: f.AfterCode, Floor: f.Floor, Zone: f.Zone, Lim: limit32(f.Limit),
	})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Space, len(rows))
	for i, r := range rows {
		out[i] = spaceFromRow(r)
	}
	return out, nil
}

func (t *txn) GetSpace(ctx context.Context, lot, code string) (*park.Space, error) {
	r, err := t.q.GetSpace(ctx, db.GetSpaceParams{LotCode: lot, Code: code})
	if err != nil {
		return nil, wrap(err, "space %q", code)
	}
	return spaceFromRow(r), nil
}

func (t *txn) SetSpaceState(ctx context.Context, sp *park.Space) error {
	n, err := t.q.SetSpaceState(ctx, db.SetSpaceStateParams{
		Occupied: sp.Occupied, Plate: sp.Plate, PlateKey: sp.PlateKey, Since: tsp(sp.Since),
		ReportedAt: tsp(sp.ReportedAt), Source: sp.Source, PlateAt: tsp(sp.PlateAt), LotCode: sp.LotCode, Code: sp.Code,
	})
	return affected(n, err, "space %q", sp.Code)
}

func (t *txn) LocateCar(ctx context.Context, lot, plateKey string, since time.Time) (*park.Space, error) {
	r, err := t.q.LocateCar(ctx, db.LocateCarParams{LotCode: lot, PlateKey: plateKey, PlateAt: tsp(&since)})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return spaceFromRow(r), nil
}

func (t *txn) CountSpaces(ctx context.Context, lot string) ([]park.SpaceCount, error) {
	rows, err := t.q.CountSpaces(ctx, lot)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]park.SpaceCount, len(rows))
	for i, r := range rows {
		out[i] = park.SpaceCount{Floor: r.Floor, Zone: r.Zone, Total: int(r.Total), Occupied: int(r.Occupied)}
	}
	return out, nil
}
