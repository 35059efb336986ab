package postgres

import (
	"context"
	"encoding/base64"

	"parkd/internal/park"
	"parkd/internal/store/postgres/db"
)

func (t *txn) PutImage(ctx context.Context, im *park.Image) error {
	return wrap(t.q.PutImage(ctx, db.PutImageParams{ID: im.ID, LotCode: im.LotCode, EventID: im.EventID, ContentType: im.ContentType,
		Data: base64.StdEncoding.EncodeToString(im.Data), CreatedAt: ts(im.CreatedAt)}), "image %q", im.ID)
}

func (t *txn) GetImage(ctx context.Context, id string) (*park.Image, error) {
	r, err := t.q.GetImage(ctx, id)
	if err != nil {
		return nil, wrap(err, "image %q", id)
	}
	data, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		return nil, park.Errorf(park.EInternal, "image %q: stored data is not base64: %v", id, err)
	}
	return &park.Image{ID: r.ID, LotCode: r.LotCode, EventID: r.EventID, ContentType: r.ContentType, Data: data,
		CreatedAt: fromTS(r.CreatedAt)}, nil
}
