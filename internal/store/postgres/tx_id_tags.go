package postgres

import (
	"context"

	"parkd/internal/park"
	"parkd/internal/store/postgres/db"
)

func idTagFromRow(r db.IDTag) *park.IDTag {
	return &park.IDTag{LotCode: r.LotCode, Tag: r.Tag, Plate: r.Plate, PlateKey: r.PlateKey, Note: r.Note, Blocked: r.Blocked,
		ExpiresAt: fromTSP(r.ExpiresAt), CreatedAt: fromTS(r.CreatedAt), UpdatedAt: fromTS(r.UpdatedAt), Version: r.Version}
}

func (t *txn) CreateIDTag(ctx context.Context, x *park.IDTag) error {
	x.Version = 1
	err := mapErr(t.q.CreateIDTag(ctx, db.CreateIDTagParams{LotCode: x.LotCode, Tag: x.Tag, Plate: x.Plate, PlateKey: x.PlateKey,
		Note: x.Note, Blocked: x.Blocked, ExpiresAt: tsp(x.ExpiresAt), CreatedAt: ts(x.CreatedAt), UpdatedAt: ts(x.UpdatedAt)}))
	switch {
	case park.IsCode(err, park.ENotFound):
		return park.Errorf(park.ENotFound, "lot %q not found", x.LotCode)
	case park.IsCode(err, park.EConflict):
		return park.Errorf(park.EConflict, "lot %q already has id tag %q", x.LotCode, x.Tag)
	}
	return err
}

func (t *txn) GetIDTag(ctx context.Context, lot, tag string) (*park.IDTag, error) {
	r, err := t.q.GetIDTag(ctx, db.GetIDTagParams{LotCode: lot, Tag: tag})
	if err != nil {
		return nil, wrap(err, "id tag %q of lot %q", tag, lot)
	}
	return idTagFromRow(r), nil
}

func (t *txn) UpdateIDTag(ctx context.Context, x *park.IDTag) error {
	n, err := t.q.UpdateIDTag(ctx, db.UpdateIDTagParams{Plate: x.Plate, PlateKey: x.PlateKey, Note: x.Note, Blocked: x.Blocked,
		ExpiresAt: tsp(x.ExpiresAt), UpdatedAt: ts(x.UpdatedAt), LotCode: x.LotCode, Tag: x.Tag, Version: x.Version})
	return versioned(n, err, &x.Version, func() error {
		_, err := t.q.GetIDTag(ctx, db.GetIDTagParams{LotCode: x.LotCode, Tag: x.Tag})
		return err
	}, "id tag %q of lot %q", x.Tag, x.LotCode)
}

func (t *txn) DeleteIDTag(ctx context.Context, lot, tag string) error {
	n, err := t.q.DeleteIDTag(ctx, db.DeleteIDTagParams{LotCode: lot, Tag: tag})
	return affected(n, err, "id tag %q of lot %q", tag, lot)
}

func (t *txn) ListIDTags(ctx context.Context, f park.IDTagFilter) ([]*park.IDTag, error) {
	rs, err := t.q.ListIDTags(ctx, db.ListIDTagsParams{LotCode: f.LotCode, Tag: f.AfterTag, Limit: int32(f.Limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.IDTag, len(rs))
	for i, r := range rs {
		out[i] = idTagFromRow(r)
	}
	return out, nil
}
