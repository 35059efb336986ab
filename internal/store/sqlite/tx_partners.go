package sqlite

import (
	"context"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/sqlite/db"
)

func (t *txn) CreatePartner(ctx context.Context, p *park.Partner) error {
	t.memo.forget() // memo.go
	p.Version = 1
	if err := wrap(t.q.CreatePartner(stmtCtx, db.CreatePartnerParams{
		ID: p.ID, Name: p.Name, Dialect: p.Dialect, Type: p.Type, Secret: p.Secret, SignMode: p.SignMode,
		CreatedAt: us(p.CreatedAt), UpdatedAt: us(p.UpdatedAt),
	}), "partner %q", p.ID); err != nil {
		return err
	}
	for _, l := range p.Lots {
		if err := mapErr(t.q.InsertPartnerLot(stmtCtx, db.InsertPartnerLotParams{PartnerID: p.ID, LotCode: l})); err != nil {
			if park.IsCode(err, park.ENotFound) {
				return park.Errorf(park.ENotFound, "lot %q not found", l)
			}
			return err
		}
	}
	return nil
}

func (t *txn) GetPartner(ctx context.Context, id string) (*park.Partner, error) {
	r, err := t.q.GetPartner(stmtCtx, id)
	if err != nil {
		return nil, wrap(err, "partner %q", id)
	}
	lots, err := t.q.ListPartnerLots(stmtCtx, id)
	if err != nil {
		return nil, mapErr(err)
	}
	return partnerFromRow(r, lots), nil
}

func (t *txn) PartnerUsesLot(ctx context.Context, id, lot string) (bool, error) {
	if ok, known := t.memo.partnerUses(id, lot); known {
		return ok, nil
	}
	ok, err := t.q.PartnerUsesLot(stmtCtx, db.PartnerUsesLotParams{PartnerID: id, LotCode: lot})
	if err != nil {
		return false, mapErr(err)
	}
	t.memo.keepPartnerUses(id, lot, ok)
	return ok, nil
}

func (t *txn) ListPartners(ctx context.Context) ([]*park.Partner, error) {
	rows, err := t.q.ListPartners(stmtCtx)
	if err != nil {
		return nil, mapErr(err)
	}
	pl, err := t.q.ListAllPartnerLots(stmtCtx)
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
	t.memo.forget() // memo.go
	n, err := t.q.DeletePartner(stmtCtx, id)
	if err := affected(n, err, "partner %q", id); err != nil {
		return err
	}
	_, err = t.q.DeletePartnerSubscriptions(stmtCtx, id)
	return mapErr(err)
}

func (t *txn) CreateIntegrator(ctx context.Context, u *park.Integrator) error {
	u.Version = 1
	if err := wrap(t.q.CreateIntegrator(stmtCtx, db.CreateIntegratorParams{
		Username: u.Username, PasswordHash: u.PasswordHash, DefaultPartner: u.DefaultPartner,
		CreatedAt: us(u.CreatedAt), UpdatedAt: us(u.UpdatedAt),
	}), "integrator %q", u.Username); err != nil {
		return err
	}
	for i, p := range u.Partners {
		err := mapErr(t.q.InsertIntegratorPartner(stmtCtx, db.InsertIntegratorPartnerParams{
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
	r, err := t.q.GetIntegrator(stmtCtx, username)
	if err != nil {
		return nil, wrap(err, "integrator %q", username)
	}
	ps, err := t.q.ListIntegratorPartners(stmtCtx, username)
	if err != nil {
		return nil, mapErr(err)
	}
	return &park.Integrator{
		Username: r.Username, PasswordHash: r.PasswordHash, Partners: ps, DefaultPartner: r.DefaultPartner,
		CreatedAt: fromUS(r.CreatedAt), UpdatedAt: fromUS(r.UpdatedAt), Version: r.Version,
	}, nil
}

func (t *txn) InsertToken(ctx context.Context, tok *park.APIToken) error {
	return wrap(t.q.InsertToken(stmtCtx, db.InsertTokenParams{
		Hash: tok.Hash, Username: tok.Username, CreatedAt: us(tok.CreatedAt), ExpiresAt: us(tok.ExpiresAt),
		RevokedAt: nullUS(tok.RevokedAt),
	}), "token")
}

func (t *txn) GetToken(ctx context.Context, hash string) (*park.APIToken, error) {
	r, err := t.q.GetToken(stmtCtx, hash)
	if err != nil {
		return nil, wrap(err, "token")
	}
	return &park.APIToken{Hash: r.Hash, Username: r.Username, CreatedAt: fromUS(r.CreatedAt),
		ExpiresAt: fromUS(r.ExpiresAt), RevokedAt: fromNullUS(r.RevokedAt)}, nil
}

func (t *txn) RevokeTokens(ctx context.Context, username string, at time.Time) (int, error) {
	n, err := t.q.RevokeTokens(stmtCtx, db.RevokeTokensParams{RevokedAt: nullUS(&at), Username: username})
	return int(n), mapErr(err)
}

func partnerFromRow(r db.Partner, lots []string) *park.Partner {
	if lots == nil {
		lots = []string{}
	}
	return &park.Partner{
		ID: r.ID, Name: r.Name, Dialect: r.Dialect, Type: r.Type, Secret: r.Secret, SignMode: r.SignMode,
		Lots: lots, CreatedAt: fromUS(r.CreatedAt), UpdatedAt: fromUS(r.UpdatedAt), Version: r.Version,
	}
}
