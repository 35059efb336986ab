package sqlite

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/sqlite/db"
)

func (t *txn) CreateSubscription(ctx context.Context, s *park.Subscription) error {
	t.memo.forget() // memo.go
	s.Version = 1
	if ok, err := t.q.PartnerExists(stmtCtx, s.PartnerID); err != nil {
		return mapErr(err)
	} else if !ok {
		return park.Errorf(park.ENotFound, "partner %q not found", s.PartnerID)
	}
	err := mapErr(t.q.CreateSubscription(stmtCtx, db.CreateSubscriptionParams{
		ID: s.ID, PartnerID: s.PartnerID, Report: s.Report, Url: s.URL, Format: s.Format, Enabled: b2i(s.Enabled),
		Secret: s.Secret, Previous: s.Previous, RateLimit: int64(s.RateLimit), Concurrency: int64(s.Concurrency),
		TimeoutMs: s.Timeout.Milliseconds(), ScheduleMs: formatSchedule(s.Schedule), DisabledBy: s.DisabledBy,
		CreatedAt: us(s.CreatedAt), UpdatedAt: us(s.UpdatedAt),
	}))
	switch {
	case park.IsCode(err, park.ENotFound):
		return park.Errorf(park.ENotFound, "partner %q not found", s.PartnerID)
	case park.IsCode(err, park.EConflict):
		return park.Errorf(park.EConflict, "subscription %q already exists", s.ID)
	}
	return err
}

func (t *txn) GetSubscription(ctx context.Context, id string) (*park.Subscription, error) {
	r, err := t.q.GetSubscription(stmtCtx, id)
	if err != nil {
		return nil, wrap(err, "subscription %q", id)
	}
	return subscriptionFromRow(r)
}

func (t *txn) ListSubscriptions(ctx context.Context, partnerID string) ([]*park.Subscription, error) {
	var rows []db.Subscription
	var err error
	if partnerID == "" {
		rows, err = t.q.ListSubscriptions(stmtCtx)
	} else {
		rows, err = t.q.ListPartnerSubscriptions(stmtCtx, partnerID)
	}
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Subscription, len(rows))
	for i, r := range rows {
		if out[i], err = subscriptionFromRow(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *txn) UpdateSubscription(ctx context.Context, s *park.Subscription) error {
	t.memo.forget() // memo.go
	n, err := t.q.UpdateSubscription(stmtCtx, db.UpdateSubscriptionParams{
		Report: s.Report, Url: s.URL, Format: s.Format, Enabled: b2i(s.Enabled), Secret: s.Secret, Previous: s.Previous,
		RateLimit: int64(s.RateLimit), Concurrency: int64(s.Concurrency), TimeoutMs: s.Timeout.Milliseconds(),
		ScheduleMs: formatSchedule(s.Schedule), DisabledBy: s.DisabledBy, UpdatedAt: us(s.UpdatedAt),
		ID: s.ID, Version: s.Version,
	})
	return versioned(n, err, &s.Version, func() error { _, err := t.q.GetSubscription(stmtCtx, s.ID); return err },
		"subscription %q", s.ID)
}

func (t *txn) DeleteSubscription(ctx context.Context, id string) error {
	t.memo.forget() // memo.go
	n, err := t.q.DeleteSubscription(stmtCtx, id)
	return affected(n, err, "subscription %q", id)
}

func (t *txn) PauseSubscription(ctx context.Context, id, url string, until time.Time) error {
	return mapErr(t.q.PauseSubscription(stmtCtx, db.PauseSubscriptionParams{Until: nullUS(&until), ID: id, Url: url}))
}

func (t *txn) LiftPause(ctx context.Context, id string) error {
	t.memo.forget() // memo.go
	return mapErr(t.q.LiftPause(stmtCtx, id))
}

func (t *txn) Subscribed(ctx context.Context, lot, kind string) (bool, error) {
	if ok, known := t.memo.isSubscribed(lot, kind); known {
		return ok, nil
	}
	ok, err := t.q.Subscribed(stmtCtx, db.SubscribedParams{LotCode: lot, Kind: kind})
	if err != nil {
		return false, mapErr(err)
	}
	t.memo.keepSubscribed(lot, kind, ok)
	return ok, nil
}

func (t *txn) Enqueue(ctx context.Context, r *park.Report) (int, error) {
	seq, err := t.q.InsertReport(stmtCtx, db.InsertReportParams{
		ID: r.ID, Kind: r.Kind, LotCode: r.LotCode, Key: r.Key, At: us(r.At), Data: string(r.Data),
	})
	if err != nil {
		return 0, wrap(err, "report %q", r.ID)
	}
	n, err := t.q.EnqueueDeliveries(stmtCtx, db.EnqueueDeliveriesParams{
		ReportID: r.ID, Key: r.Key, At: us(r.Due()), LotCode: r.LotCode, Kind: r.Kind,
	})
	if err != nil {
		return 0, mapErr(err)
	}
	r.Seq = seq
	return int(n), nil
}

func (t *txn) GetReport(ctx context.Context, id string) (*park.Report, error) {
	r, err := t.q.GetReport(stmtCtx, id)
	if err != nil {
		return nil, wrap(err, "report %q", id)
	}
	return reportFromRow(r), nil
}

func (t *txn) GetReports(ctx context.Context, ids []string) ([]*park.Report, error) {
	idsJSON, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := t.q.GetReports(stmtCtx, string(idsJSON))
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Report, len(rows))
	for i, r := range rows {
		out[i] = reportFromRow(r)
	}
	return out, nil
}

func reportFromRow(r db.Report) *park.Report {
	rep := &park.Report{ID: r.ID, Seq: r.Seq, Kind: r.Kind, LotCode: r.LotCode, Key: r.Key, At: fromUS(r.At)}
	if r.Data != "" {
		rep.Data = json.RawMessage(r.Data)
	}
	return rep
}

func (t *txn) DueDeliveries(ctx context.Context, now time.Time, limit int, skip []string) ([]int64, error) {
	subs, err := t.q.EnabledSubscriptions(stmtCtx, us(now))
	if err != nil {
		return nil, mapErr(err)
	}
	var seqs []int64
	for _, sub := range subs {
		if slices.Contains(skip, sub) {
			continue
		}
		due, err := t.q.DueOfSubscription(stmtCtx, db.DueOfSubscriptionParams{SubscriptionID: sub, Now: us(now), Lim: int64(limit)})
		if err != nil {
			return nil, mapErr(err)
		}
		seqs = append(seqs, due...)
	}
	slices.Sort(seqs)
	return seqs[:min(len(seqs), limit)], nil
}

func (t *txn) ClaimDueDeliveries(ctx context.Context, seqs []int64, now, lease time.Time) ([]*park.Delivery, error) {
	if len(seqs) == 0 {
		return nil, nil
	}
	seqsJSON, err := json.Marshal(seqs)
	if err != nil {
		return nil, err
	}
	rows, err := t.q.ClaimDueDeliveries(stmtCtx, db.ClaimDueDeliveriesParams{Lease: nullUS(&lease), Seqs: string(seqsJSON), Now: us(now)})
	if err != nil {
		return nil, mapErr(err)
	}
	out := deliveriesFromRows(rows)
	slices.SortFunc(out, func(a, b *park.Delivery) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

// FinishDeliveries runs one statement per delivery: on SQLite a
// statement is no round trip, and one each keeps the rows' columns typed.
func (t *txn) FinishDeliveries(ctx context.Context, ds []*park.Delivery) (int, error) {
	stored := 0
	for _, d := range ds {
		n, err := t.q.FinishDelivery(stmtCtx, db.FinishDeliveryParams{
			State: d.State, Attempts: int64(d.Attempts), NextAt: us(d.NextAt), LastAttemptAt: nullUS(d.LastAttemptAt),
			LastStatus: int64(d.LastStatus), LastReply: d.LastReply, DeliveredAt: nullUS(d.DeliveredAt), ID: d.ID,
			Lease: nullUS(d.LeaseUntil),
		})
		if err != nil {
			return stored, mapErr(err)
		}
		d.LeaseUntil = nil
		stored += int(n)
	}
	return stored, nil
}

func (t *txn) GetDelivery(ctx context.Context, id string) (*park.Delivery, error) {
	r, err := t.q.GetDelivery(stmtCtx, id)
	if err != nil {
		return nil, wrap(err, "delivery %q", id)
	}
	return deliveryFromRow(r), nil
}

func (t *txn) ListDeliveries(ctx context.Context, f park.DeliveryFilter) ([]*park.Delivery, error) {
	lim, before, since := int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MinInt64)
	if f.Limit > 0 {
		lim = int64(f.Limit)
	}
	if f.BeforeSeq > 0 {
		before = f.BeforeSeq
	}
	if !f.Since.IsZero() {
		since = us(f.Since)
	}
	var rows []db.Delivery
	var err error
	switch {
	case f.SubscriptionID != "":
		rows, err = t.q.ListDeliveriesBySubscription(stmtCtx, db.ListDeliveriesBySubscriptionParams{
			SubscriptionID: f.SubscriptionID, PartnerID: f.PartnerID, Report: f.Report, State: f.State,
			Since: since, BeforeSeq: before, Lim: lim,
		})
	case f.PartnerID != "":
		rows, err = t.q.ListDeliveriesByPartner(stmtCtx, db.ListDeliveriesByPartnerParams{
			PartnerID: f.PartnerID, Report: f.Report, State: f.State, Since: since, BeforeSeq: before, Lim: lim,
		})
	case f.State != "":
		rows, err = t.q.ListDeliveriesByState(stmtCtx, db.ListDeliveriesByStateParams{
			State: f.State, Report: f.Report, Since: since, BeforeSeq: before, Lim: lim,
		})
	default:
		rows, err = t.q.ListDeliveries(stmtCtx, db.ListDeliveriesParams{
			Report: f.Report, State: f.State, Since: since, BeforeSeq: before, Lim: lim,
		})
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return deliveriesFromRows(rows), nil
}

func (t *txn) RedeliverSince(ctx context.Context, subscriptionID string, since, now time.Time) (int, error) {
	n, err := t.q.RedeliverSince(stmtCtx, db.RedeliverSinceParams{Now: us(now), SubscriptionID: subscriptionID, Since: us(since)})
	return int(n), mapErr(err)
}

func (t *txn) ResumeDeliveries(ctx context.Context, subscriptionID string, heldUntil, now time.Time) (int, error) {
	n, err := t.q.ResumeDeliveries(stmtCtx, db.ResumeDeliveriesParams{Now: us(now), SubscriptionID: subscriptionID, HeldUntil: us(heldUntil)})
	return int(n), mapErr(err)
}

func (t *txn) RetryDeliveriesNow(ctx context.Context, subscriptionID string, now time.Time) (int, error) {
	n, err := t.q.RetryDeliveriesNow(stmtCtx, db.RetryDeliveriesNowParams{Now: us(now), SubscriptionID: subscriptionID})
	return int(n), mapErr(err)
}

func (t *txn) RedeliverReport(ctx context.Context, reportID, subscriptionID string, now time.Time) (int, error) {
	n, err := t.q.RedeliverReport(stmtCtx, db.RedeliverReportParams{Now: us(now), ReportID: reportID, SubscriptionID: subscriptionID})
	return int(n), mapErr(err)
}

func (t *txn) CountDeliveries(ctx context.Context) ([]park.DeliveryCount, error) {
	rows, err := t.q.CountDeliveries(stmtCtx)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]park.DeliveryCount, len(rows))
	for i, r := range rows {
		out[i] = park.DeliveryCount{State: r.State, Count: int(r.N), Oldest: fromUS(r.Oldest)}
	}
	return out, nil
}

func (t *txn) PruneDeletedSubscriptions(ctx context.Context, limit int) (int, error) {
	n, err := t.q.PruneDeletedSubscriptionDeliveries(stmtCtx, int64(limit))
	if err != nil {
		return 0, mapErr(err)
	}
	if n < int64(limit) {
		t.memo.forget() // memo.go
		if _, err := t.q.DeleteEmptyDeletedSubscriptions(stmtCtx); err != nil {
			return 0, mapErr(err)
		}
	}
	return int(n), nil
}

func (t *txn) PruneDeliveries(ctx context.Context, before time.Time, limit int) (int, int, error) {
	reportIDs, err := t.q.PruneFinishedDeliveries(stmtCtx, db.PruneFinishedDeliveriesParams{Before: nullUS(&before), Lim: int64(limit)})
	if err != nil || len(reportIDs) == 0 {
		return 0, 0, mapErr(err)
	}
	nd := len(reportIDs)
	slices.Sort(reportIDs)
	idsJSON, err := json.Marshal(slices.Compact(reportIDs))
	if err != nil {
		return 0, 0, err
	}
	n, err := t.q.PruneReportsByID(stmtCtx, db.PruneReportsByIDParams{Ids: string(idsJSON), Before: us(before)})
	if err != nil {
		return 0, 0, mapErr(err)
	}
	return nd, int(n), nil
}

func (t *txn) PruneReports(ctx context.Context, before time.Time, after park.ReportCursor, limit int) (int, park.ReportCursor, error) {
	// The zero cursor is year 1, before any report.
	rows, err := t.q.WalkOldReports(stmtCtx, db.WalkOldReportsParams{Before: us(before), AfterAt: us(after.At), AfterSeq: after.Seq, Lim: int64(limit)})
	if err != nil {
		return 0, park.ReportCursor{}, mapErr(err)
	}
	var unneeded []int64
	for _, r := range rows {
		if !r.Needed {
			unneeded = append(unneeded, r.Seq)
		}
	}
	var n int64
	if len(unneeded) > 0 {
		seqsJSON, err := json.Marshal(unneeded)
		if err != nil {
			return 0, park.ReportCursor{}, err
		}
		if n, err = t.q.DeleteUnneededReports(stmtCtx, string(seqsJSON)); err != nil {
			return 0, park.ReportCursor{}, mapErr(err)
		}
	}
	if len(rows) < limit {
		return int(n), park.ReportCursor{}, nil
	}
	last := rows[len(rows)-1]
	return int(n), park.ReportCursor{At: fromUS(last.At), Seq: last.Seq}, nil
}

func subscriptionFromRow(r db.Subscription) (*park.Subscription, error) {
	sched, err := parseSchedule(r.ScheduleMs)
	if err != nil {
		return nil, fmt.Errorf("sqlite: subscription %q: %w", r.ID, err)
	}
	s := &park.Subscription{
		ID: r.ID, PartnerID: r.PartnerID, Report: r.Report, URL: r.Url, Format: r.Format, Enabled: r.Enabled != 0,
		Secret: r.Secret, Previous: r.Previous, RateLimit: int(r.RateLimit), Concurrency: int(r.Concurrency),
		Timeout: time.Duration(r.TimeoutMs) * time.Millisecond, Schedule: sched, DisabledBy: r.DisabledBy,
		CreatedAt: fromUS(r.CreatedAt), UpdatedAt: fromUS(r.UpdatedAt), Version: r.Version,
	}
	if t := fromNullUS(r.PausedUntil); t != nil {
		s.PausedUntil = *t
	}
	return s, nil
}

func deliveryFromRow(r db.Delivery) *park.Delivery {
	return &park.Delivery{
		ID: r.ID, Seq: r.Seq, SubscriptionID: r.SubscriptionID, PartnerID: r.PartnerID, ReportID: r.ReportID,
		Report: r.Report, LotCode: r.LotCode, Key: r.Key, State: r.State, Attempts: int(r.Attempts),
		NextAt: fromUS(r.NextAt), LeaseUntil: fromNullUS(r.LeaseUntil), LastAttemptAt: fromNullUS(r.LastAttemptAt),
		LastStatus: int(r.LastStatus), LastReply: r.LastReply, DeliveredAt: fromNullUS(r.DeliveredAt),
		CreatedAt: fromUS(r.CreatedAt),
	}
}

func deliveriesFromRows(rows []db.Delivery) []*park.Delivery {
	out := make([]*park.Delivery, len(rows))
	for i, r := range rows {
		out[i] = deliveryFromRow(r)
	}
	return out
}

// formatSchedule stores a retry schedule as its waits in milliseconds,
// comma-separated; "" is nil, the default schedule.
func formatSchedule(s []time.Duration) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = strconv.FormatInt(d.Milliseconds(), 10)
	}
	return strings.Join(parts, ",")
}

func parseSchedule(s string) ([]time.Duration, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	out := make([]time.Duration, len(parts))
	for i, p := range parts {
		ms, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("schedule %q: %w", s, err)
		}
		out[i] = time.Duration(ms) * time.Millisecond
	}
	return out, nil
}

func (t *txn) ClaimLoads(ctx context.Context, seqs []int64, now time.Time) ([]park.SubscriptionLoad, error) {
	if len(seqs) == 0 {
		return nil, nil
	}
	seqsJSON, err := json.Marshal(seqs)
	if err != nil {
		return nil, err
	}
	rows, err := t.q.ClaimLoads(stmtCtx, db.ClaimLoadsParams{Now: nullUS(&now), Seqs: string(seqsJSON)})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]park.SubscriptionLoad, len(rows))
	for i, r := range rows {
		out[i] = park.SubscriptionLoad{SubscriptionID: r.ID, RateLimit: int(r.RateLimit), Concurrency: int(r.Concurrency),
			InFlight: int(r.InFlight)}
		if u := fromNullUS(r.SlotsUntil); u != nil {
			out[i].SlotsUntil = *u
		}
		for _, f := range strings.Split(r.Seqs, ",") {
			seq, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("sqlite: claim loads: seq %q: %w", f, err)
			}
			out[i].Seqs = append(out[i].Seqs, seq)
		}
		slices.Sort(out[i].Seqs) // group_concat keeps no order
	}
	return out, nil
}

func (t *txn) UseSlots(ctx context.Context, id string, until time.Time) error {
	return mapErr(t.q.UseSlots(stmtCtx, db.UseSlotsParams{Until: nullUS(&until), ID: id}))
}

func (t *txn) ReturnSlots(ctx context.Context, id string, d time.Duration) error {
	return mapErr(t.q.ReturnSlots(stmtCtx, db.ReturnSlotsParams{Us: d.Microseconds(), ID: id}))
}
