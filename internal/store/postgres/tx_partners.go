package postgres

import (
	"context"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/postgres/db"
)

func (t *txn) CreatePartner(ctx context.Context, p *park.Partner) error {
	p.Version = 1
	if err := wrap(t.q.CreatePartner(ctx, db.CreatePartnerParams{
		ID: p.ID, Name: p.Name, Dialect: p.Dialect, Type: p.Type, Secret: p.Secret, SignMode: p.SignMode,
		CreatedAt: ts(p.CreatedAt), UpdatedAt: ts(p.UpdatedAt),
	}), "partner %q", p.ID); err != nil {
		return err
	}
	for _, l := range p.Lots {
		if err := mapErr(t.q.InsertPartnerLot(ctx, db.InsertPartnerLotParams{PartnerID: p.ID, LotCode: l})); err != nil {
			if park.IsCode(err, park.ENotFound) {
				return park.Errorf(park.ENotFound, "lot %q not found", l)
			}
			return err
		}
	}
	return nil
}

func (t *txn) GetPartner(ctx context.Context, id string) (*park.Partner, error) {
	r, err := t.q.GetPartner(ctx, id)
	if err != nil {
		return nil, wrap(err, "partner %q", id)
	}
	lots, err := t.q.ListPartnerLots(ctx, id)
	if err != nil {
		return nil, mapErr(err)
	}
	return partnerFromRow(r, lots), nil
}

func (t *txn) PartnerUsesLot(ctx context.Context, id, lot string) (bool, error) {
	ok, err := t.q.PartnerUsesLot(ctx, db.PartnerUsesLotParams{PartnerID: id, LotCode: lot})
	return ok, mapErr(err)
}

func (t *txn) ListPartners(ctx context.Context) ([]*park.Partner, error) {
	rows, err := t.q.ListPartners(ctx)
	if err != nil {
		return nil, mapErr(err)
	}
	pl, err := t.q.ListAllPartnerLots(ctx)
	if err != nil {
		return nil, mapErr(err)
	}
	lots := map[string][]string{}
	for _, r := range pl {
		lots[r.PartnerID] = append(lots[r.PartnerID], r.LotCode)
	}
	out := make([]*park.Partner, len(rows))
	for i, r := range rows {
		out[i] = partnerFromRow(r, lots[r.ID])
	}
	return out, nil
}

func (t *txn) DeletePartner(ctx context.Context, id string) error {
	n, err := t.q.DeletePartner(ctx, id)
	if err := affected(n, err, "partner %q", id); err != nil {
		return err
	}
	_, err = t.q.DeletePartnerSubscriptions(ctx, id)
	return mapErr(err)
}

func (t *txn) CreateIntegrator(ctx context.Context, u *park.Integrator) error {
	u.Version = 1
	if err := wrap(t.q.CreateIntegrator(ctx, db.CreateIntegratorParams{
		Username: u.Username, PasswordHash: u.PasswordHash, DefaultPartner: u.DefaultPartner,
		CreatedAt: ts(u.CreatedAt), UpdatedAt: ts(u.UpdatedAt),
	}), "integrator %q", u.Username); err != nil {
		return err
	}
	for i, p := range u.Partners {
		err := mapErr(t.q.InsertIntegratorPartner(ctx, db.InsertIntegratorPartnerParams{
			Username: u.Username, PartnerID: p, Position: int64(i),
		}))
		if park.IsCode(err, park.ENotFound) {
			return park.Errorf(park.ENotFound, "partner %q not found", p)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (t *txn) GetIntegrator(ctx context.Context, username string) (*park.Integrator, error) {
	r, err := t.q.GetIntegrator(ctx, username)
	if err != nil {
		return nil, wrap(err, "integrator %q", username)
	}
	ps, err := t.q.ListIntegratorPartners(ctx, username)
	if err != nil {
		return nil, mapErr(err)
	}
	return &park.Integrator{
		Username: r.Username, PasswordHash: r.PasswordHash, Partners: ps, DefaultPartner: r.DefaultPartner,
		CreatedAt: fromTS(r.CreatedAt), UpdatedAt: fromTS(r.UpdatedAt), Version: r.Version,
	}, nil
}

func (t *txn) InsertToken(ctx context.Context, tok *park.APIToken) error {
	return wrap(t.q.InsertToken(ctx, db.InsertTokenParams{
		Hash: tok.Hash, Username: tok.Username, CreatedAt: ts(tok.CreatedAt), ExpiresAt: ts(tok.ExpiresAt),
		RevokedAt: tsp(tok.RevokedAt),
	}), "token")
}

func (t *txn) GetToken(ctx context.Context, hash string) (*park.APIToken, error) {
	r, err := t.q.GetToken(ctx, hash)
	if err != nil {
		return nil, wrap(err, "token")
	}
	return &park.APIToken{Hash: r.Hash, Username: r.Username, CreatedAt: fromTS(r.CreatedAt),
		ExpiresAt: fromTS(r.ExpiresAt), RevokedAt: fromTSP(r.RevokedAt)}, nil
}

func (t *txn) RevokeTokens(ctx context.Context, username string, at time.Time) (int, error) {
	n, err := t.q.RevokeTokens(ctx, db.RevokeTokensParams{RevokedAt: tsp(&at), Username: username})
	return int(n), mapErr(err)
}

func partnerFromRow(r db.Partner, lots []string) *park.Partner {
	if lots == nil {
		lots = []string{}
	}
	return &park.Partner{
		ID: r.ID, Name: r.Name, Dialect: r.Dialect, Type: r.Type, Secret: r.Secret, SignMode: r.SignMode,
		Lots: lots, CreatedAt: fromTS(r.CreatedAt), UpdatedAt: fromTS(r.UpdatedAt), Version: r.Version,
	}
}
