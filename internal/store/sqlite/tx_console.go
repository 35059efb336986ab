package sqlite

import (
	"context"
	"encoding/json"
	"math"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/sqlite/db"
)

func lotsJSON(lots []string) string {
	if lots == nil {
		lots = []string{}
	}
	b, _ := json.Marshal(lots)
	return string(b)
}

func (t *txn) CreateOperator(ctx context.Context, o *park.Operator) error {
	o.Version = 1
	return wrap(t.q.CreateOperator(stmtCtx, db.CreateOperatorParams{Name: o.Name, Role: string(o.Role), Lots: lotsJSON(o.Lots),
		Language: o.Language, PasswordHash: o.PasswordHash, Disabled: b2i(o.Disabled), CreatedAt: us(o.CreatedAt),
		UpdatedAt: us(o.UpdatedAt)}), "operator %q", o.Name)
}

func operatorFromRow(r db.Operator) (*park.Operator, error) {
	o := &park.Operator{Name: r.Name, Role: park.Role(r.Role), Language: r.Language, PasswordHash: r.PasswordHash,
		Disabled: r.Disabled != 0, CreatedAt: fromUS(r.CreatedAt), UpdatedAt: fromUS(r.UpdatedAt), Version: r.Version}
	if err := json.Unmarshal([]byte(r.Lots), &o.Lots); err != nil {
		return nil, park.Errorf(park.EInternal, "operator %q: lots: %v", r.Name, err)
	}
	if len(o.Lots) == 0 {
		o.Lots = nil
	}
	return o, nil
}

func (t *txn) GetOperator(ctx context.Context, name string) (*park.Operator, error) {
	r, err := t.q.GetOperator(stmtCtx, name)
	if err != nil {
		return nil, wrap(err, "operator %q", name)
	}
	return operatorFromRow(r)
}

func (t *txn) ListOperators(ctx context.Context) ([]*park.Operator, error) {
	rs, err := t.q.ListOperators(stmtCtx)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Operator, len(rs))
	for i, r := range rs {
		if out[i], err = operatorFromRow(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *txn) UpdateOperator(ctx context.Context, o *park.Operator) error {
	n, err := t.q.UpdateOperator(stmtCtx, db.UpdateOperatorParams{Role: string(o.Role), Lots: lotsJSON(o.Lots),
		Language: o.Language, PasswordHash: o.PasswordHash, Disabled: b2i(o.Disabled), UpdatedAt: us(o.UpdatedAt),
		Name: o.Name, Version: o.Version})
	return versioned(n, err, &o.Version, func() error { _, err := t.q.GetOperator(stmtCtx, o.Name); return err },
		"operator %q", o.Name)
}

func (t *txn) InsertSession(ctx context.Context, s *park.Session) error {
	return wrap(t.q.InsertSession(stmtCtx, db.InsertSessionParams{Hash: s.Hash, Operator: s.Operator, Csrf: s.CSRF,
		Source: s.Source, CreatedAt: us(s.CreatedAt), ExpiresAt: us(s.ExpiresAt)}), "session")
}

func (t *txn) GetSession(ctx context.Context, hash string) (*park.Session, error) {
	r, err := t.q.GetSession(stmtCtx, hash)
	if err != nil {
		return nil, wrap(err, "session")
	}
	s := &park.Session{Hash: r.Hash, Operator: r.Operator, CSRF: r.Csrf, Source: r.Source, CreatedAt: fromUS(r.CreatedAt),
		ExpiresAt: fromUS(r.ExpiresAt)}
	if r.RevokedAt.Valid {
		s.RevokedAt = fromUS(r.RevokedAt.Int64)
	}
	return s, nil
}

func (t *txn) RevokeSession(ctx context.Context, hash string, at time.Time) error {
	n, err := t.q.RevokeSession(stmtCtx, db.RevokeSessionParams{RevokedAt: nullUS(&at), Hash: hash})
	return affected(n, err, "session")
}

func (t *txn) RevokeOperatorSessions(ctx context.Context, name string, at time.Time) (int, error) {
	n, err := t.q.RevokeOperatorSessions(stmtCtx, db.RevokeOperatorSessionsParams{At: nullUS(&at), Operator: name, Now: us(at)})
	return int(n), mapErr(err)
}

func (t *txn) DeleteSessionsBefore(ctx context.Context, before time.Time, limit int) (int, error) {
	n, err := t.q.DeleteSessionsBefore(stmtCtx, db.DeleteSessionsBeforeParams{ExpiresAt: us(before), Limit: int64(limit)})
	return int(n), mapErr(err)
}

func (t *txn) InsertAudit(ctx context.Context, a *park.AuditEntry) error {
	return wrap(t.q.InsertAudit(stmtCtx, db.InsertAuditParams{ID: a.ID, At: us(a.At), Actor: a.Actor, Action: a.Action,
		Lot: a.Lot, Target: a.Target, Reason: a.Reason, Before: a.Before, After: a.After}), "audit entry %q", a.ID)
}

func (t *txn) ListAudit(ctx context.Context, f park.AuditFilter) ([]*park.AuditEntry, error) {
	var rs []db.AuditLog
	var err error
	if lots, all := f.LotsAsked(); all {
		rs, err = t.q.ListAudit(stmtCtx, db.ListAuditParams{Lot: f.Lot, Actor: f.Actor, Lim: int64(f.Limit), BeforeSeq: f.BeforeSeq})
	} else if len(lots) > 0 {
		codes, _ := json.Marshal(lots)
		rs, err = t.q.ListAuditOfLots(stmtCtx, db.ListAuditOfLotsParams{Lots: string(codes), Actor: f.Actor, Lim: int64(f.Limit),
			BeforeSeq: auditBefore(f.BeforeSeq)})
	}
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.AuditEntry, len(rs))
	for i, r := range rs {
		out[i] = &park.AuditEntry{ID: r.ID, Seq: r.Seq, At: fromUS(r.At), Actor: r.Actor, Action: r.Action, Lot: r.Lot,
			Target: r.Target, Reason: r.Reason, Before: r.Before, After: r.After}
	}
	return out, nil
}

func (t *txn) SumPayments(ctx context.Context, lots []string, from, to time.Time) (map[string]park.PaymentSum, error) {
	rs, err := t.q.SumPayments(stmtCtx, db.SumPaymentsParams{Lots: lotsJSON(lots), FromAt: us(from), ToAt: us(to)})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make(map[string]park.PaymentSum, len(rs))
	for _, r := range rs {
		out[r.LotCode] = park.PaymentSum{Amount: r.Amount, Count: int(r.Count)}
	}
	return out, nil
}

func (t *txn) ListLanes(ctx context.Context, lot string) ([]*park.Lane, error) {
	rs, err := t.q.ListLanes(stmtCtx, lot)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Lane, len(rs))
	for i, r := range rs {
		out[i] = &park.Lane{LotCode: r.LotCode, ID: r.ID, Direction: r.Direction, CreatedAt: fromUS(r.CreatedAt)}
	}
	return out, nil
}

func (t *txn) ListRecentEvents(ctx context.Context, lot string, after time.Time, limit int) ([]*park.Event, error) {
	rs, err := t.q.ListRecentEvents(stmtCtx, db.ListRecentEventsParams{LotCode: lot, After: us(after), Lim: int64(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Event, len(rs))
	for i, r := range rs {
		if out[i], err = eventFromRow(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *txn) ListStayPictureEvents(ctx context.Context, lot, stay string, from1, to1, from2, to2 time.Time, limit int) ([]*park.Event, error) {
	rs, err := t.q.ListStayPictureEvents(stmtCtx, db.ListStayPictureEventsParams{LotCode: lot, StayID: stay, From1: us(from1), To1: us(to1),
		From2: us(from2), To2: us(to2), Lim: int64(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Event, len(rs))
	for i, r := range rs {
		if out[i], err = eventFromRow(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *txn) CountPassagesByHour(ctx context.Context, lots []string, since time.Time) (map[string][]park.HourCount, error) {
	rs, err := t.q.CountPassagesByHour(stmtCtx, db.CountPassagesByHourParams{Lots: lotsJSON(lots), Since: us(since)})
	if err != nil {
		return nil, mapErr(err)
	}
	out := map[string][]park.HourCount{}
	for _, r := range rs {
		out[r.LotCode] = append(out[r.LotCode], park.HourCount{Hour: time.Unix(r.Hour*3600, 0).UTC(), Type: r.Type, Count: int(r.N)})
	}
	return out, nil
}

func (t *txn) SumStaysLeft(ctx context.Context, lots []string, from, to time.Time) (map[string]park.DaySums, error) {
	rs, err := t.q.SumStaysLeft(stmtCtx, db.SumStaysLeftParams{Lots: lotsJSON(lots), FromAt: nullUS(&from), ToAt: nullUS(&to)})
	if err != nil {
		return nil, mapErr(err)
	}
	used, err := t.q.CountCouponsUsed(stmtCtx, db.CountCouponsUsedParams{Lots: lotsJSON(lots), FromAt: nullUS(&from), ToAt: nullUS(&to)})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make(map[string]park.DaySums, len(rs))
	for _, r := range rs {
		out[r.LotCode] = park.DaySums{Left: int(r.N), Total: r.Total, Discount: r.Discount, Paid: r.Paid}
	}
	for _, r := range used {
		d := out[r.LotCode]
		d.CouponsUsed = int(r.N)
		out[r.LotCode] = d
	}
	return out, nil
}

func (t *txn) CountStayMovesByHour(ctx context.Context, lots []string, since time.Time) (map[string][]park.HourCount, error) {
	ins, err := t.q.CountStayEntriesByHour(stmtCtx, db.CountStayEntriesByHourParams{Lots: lotsJSON(lots), Since: us(since)})
	if err != nil {
		return nil, mapErr(err)
	}
	gone, err := t.q.CountLeftStayEntriesByHour(stmtCtx, db.CountLeftStayEntriesByHourParams{Lots: lotsJSON(lots), Since: nullUS(&since)})
	if err != nil {
		return nil, mapErr(err)
	}
	outs, err := t.q.CountStayExitsByHour(stmtCtx, db.CountStayExitsByHourParams{Lots: lotsJSON(lots), Since: nullUS(&since)})
	if err != nil {
		return nil, mapErr(err)
	}
	out := map[string][]park.HourCount{}
	add := func(lot string, hour int64, typ string, n int64) {
		out[lot] = append(out[lot], park.HourCount{Hour: time.Unix(hour*3600, 0).UTC(), Type: typ, Count: int(n)})
	}
	for _, r := range ins {
		add(r.LotCode, r.Hour, park.EventEntry, r.N)
	}
	for _, r := range gone {
		add(r.LotCode, r.Hour, park.EventEntry, r.N)
	}
	for _, r := range outs {
		add(r.LotCode, r.Hour, park.EventExit, r.N)
	}
	for lot, cs := range out {
		out[lot] = park.MergeHourCounts(cs)
	}
	return out, nil
}

// auditBefore is the seq a page of the audit log ends before: a page's
// Seq, or past the newest entry for the first page.
func auditBefore(seq int64) int64 {
	if seq == 0 {
		return math.MaxInt64
	}
	return seq
}
