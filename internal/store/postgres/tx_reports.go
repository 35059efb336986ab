package postgres

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
	"parkd/internal/store/postgres/db"
)

func (t *txn) CreateSubscription(ctx context.Context, s *park.Subscription) error {
	s.Version = 1
	if _, err := t.q.LockPartnerKey(ctx, s.PartnerID); err != nil {
		return wrap(err, "partner %q", s.PartnerID)
	}
	err := mapErr(t.q.CreateSubscription(ctx, db.CreateSubscriptionParams{
		ID: s.ID, PartnerID: s.PartnerID, Report: s.Report, Url: s.URL, Format: s.Format, Enabled: s.Enabled,
		Secret: s.Secret, Previous: s.Previous, RateLimit: int64(s.RateLimit), Concurrency: int64(s.Concurrency),
		TimeoutMs: s.Timeout.Milliseconds(), ScheduleMs: formatSchedule(s.Schedule), DisabledBy: s.DisabledBy,
		CreatedAt: ts(s.CreatedAt), UpdatedAt: ts(s.UpdatedAt),
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
	r, err := t.q.GetSubscription(ctx, id)
	if err != nil {
		return nil, wrap(err, "subscription %q", id)
	}
	return subscriptionFromRow(r)
}

func (t *txn) ListSubscriptions(ctx context.Context, partnerID string) ([]*park.Subscription, error) {
	var rows []db.Subscription
	var err error
	if partnerID == "" {
		rows, err = t.q.ListSubscriptions(ctx)
	} else {
		rows, err = t.q.ListPartnerSubscriptions(ctx, partnerID)
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
	n, err := t.q.UpdateSubscription(ctx, db.UpdateSubscriptionParams{
		Report: s.Report, Url: s.URL, Format: s.Format, Enabled: s.Enabled, Secret: s.Secret, Previous: s.Previous,
		RateLimit: int64(s.RateLimit), Concurrency: int64(s.Concurrency), TimeoutMs: s.Timeout.Milliseconds(),
		ScheduleMs: formatSchedule(s.Schedule), DisabledBy: s.DisabledBy, UpdatedAt: ts(s.UpdatedAt),
		ID: s.ID, Version: s.Version,
	})
	return versioned(n, err, &s.Version, func() error { _, err := t.q.GetSubscription(ctx, s.ID); return err },
		"subscription %q", s.ID)
}

func (t *txn) DeleteSubscription(ctx context.Context, id string) error {
	n, err := t.q.DeleteSubscription(ctx, id)
	return affected(n, err, "subscription %q", id)
}

func (t *txn) PauseSubscription(ctx context.Context, id, url string, until time.Time) error {
	return mapErr(t.q.PauseSubscription(ctx, db.PauseSubscriptionParams{Until: tsp(&until), ID: id, Url: url}))
}

func (t *txn) LiftPause(ctx context.Context, id string) error {
	return mapErr(t.q.LiftPause(ctx, id))
}

// Subscribed answers from the kinds read with the lot's settings, reading
// them first if this transaction has not: who hears of a lot is decided in
// that one statement. A lot that does not exist has no subscribers.
func (t *txn) Subscribed(ctx context.Context, lot, kind string) (bool, error) {
	if ok, known := t.g.memo.isSubscribed(lot, kind); known {
		return ok, nil
	}
	if _, err := t.GetLotSettings(ctx, lot); err != nil {
		if park.IsCode(err, park.ENotFound) {
			return false, nil
		}
		return false, err
	}
	ok, _ := t.g.memo.isSubscribed(lot, kind)
	return ok, nil
}

func (t *txn) Enqueue(ctx context.Context, r *park.Report) (int, error) {
	row, err := t.q.EnqueueReport(ctx, db.EnqueueReportParams{
		ReportID: r.ID, Kind: r.Kind, LotCode: r.LotCode, Key: r.Key, At: ts(r.At), Due: ts(r.Due()), Data: string(r.Data),
	})
	if err != nil {
		return 0, wrap(err, "report %q", r.ID)
	}
	r.Seq = row.Seq
	return int(row.Deliveries), nil
}

func (t *txn) GetReport(ctx context.Context, id string) (*park.Report, error) {
	r, err := t.q.GetReport(ctx, id)
	if err != nil {
		return nil, wrap(err, "report %q", id)
	}
	return reportFromRow(r), nil
}

func (t *txn) GetReports(ctx context.Context, ids []string) ([]*park.Report, error) {
	rows, err := t.q.GetReports(ctx, ids)
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
	rep := &park.Report{ID: r.ID, Seq: r.Seq, Kind: r.Kind, LotCode: r.LotCode, Key: r.Key, At: fromTS(r.At)}
	if r.Data != "" {
		rep.Data = json.RawMessage(r.Data)
	}
	return rep
}

func (t *txn) DueDeliveries(ctx context.Context, now time.Time, limit int, skip []string) ([]int64, error) {
	if skip == nil {
		skip = []string{} // an empty array; nil would be NULL, which skips every row
	}
	seqs, err := t.q.DueDeliveries(ctx, db.DueDeliveriesParams{Now: ts(now), Skip: skip, Lim: limit32(limit)})
	return seqs, mapErr(err)
}

func (t *txn) ClaimDueDeliveries(ctx context.Context, seqs []int64, now, lease time.Time) ([]*park.Delivery, error) {
	if len(seqs) == 0 {
		return nil, nil
	}
	rows, err := t.q.ClaimDueDeliveries(ctx, db.ClaimDueDeliveriesParams{Lease: tsp(&lease), Seqs: seqs, Now: ts(now)})
	if err != nil {
		return nil, mapErr(err)
	}
	out := deliveriesFromRows(rows)
	slices.SortFunc(out, func(a, b *park.Delivery) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

func (t *txn) FinishDeliveries(ctx context.Context, ds []*park.Delivery) (int, error) {
	var p db.FinishDeliveriesParams
	for _, d := range ds {
		attempt, delivered := time.Time{}, time.Time{}
		if d.LastAttemptAt != nil {
			attempt = ts(*d.LastAttemptAt)
		}
		if d.DeliveredAt != nil {
			delivered = ts(*d.DeliveredAt)
		}
		p.Ids, p.States, p.Attempts, p.NextAt = append(p.Ids, d.ID), append(p.States, d.State), append(p.Attempts, int64(d.Attempts)), append(p.NextAt, ts(d.NextAt))
		p.HasAttempt, p.LastAttemptAt = append(p.HasAttempt, d.LastAttemptAt != nil), append(p.LastAttemptAt, attempt)
		p.LastStatus, p.LastReply = append(p.LastStatus, int64(d.LastStatus)), append(p.LastReply, d.LastReply)
		p.HasDelivered, p.DeliveredAt = append(p.HasDelivered, d.DeliveredAt != nil), append(p.DeliveredAt, delivered)
		lease := time.Time{} // matches no row: a delivery not claimed is not finished
		if d.LeaseUntil != nil {
			lease = ts(*d.LeaseUntil)
		}
		p.Lease = append(p.Lease, lease)
	}
	n, err := t.q.FinishDeliveries(ctx, p)
	if err != nil {
		return 0, mapErr(err)
	}
	for _, d := range ds {
		d.LeaseUntil = nil
	}
	return int(n), nil
}

func (t *txn) GetDelivery(ctx context.Context, id string) (*park.Delivery, error) {
	r, err := t.q.GetDelivery(ctx, id)
	if err != nil {
		return nil, wrap(err, "delivery %q", id)
	}
	return deliveryFromRow(r), nil
}

func (t *txn) ListDeliveries(ctx context.Context, f park.DeliveryFilter) ([]*park.Delivery, error) {
	lim, before, since := int32(math.MaxInt32), int64(math.MaxInt64), tsOrNil(f.Since)
	if f.Limit > 0 {
		lim = limit32(f.Limit)
	}
	if f.BeforeSeq > 0 {
		before = f.BeforeSeq
	}
	var rows []db.Delivery
	var err error
	switch {
	case f.SubscriptionID != "":
		rows, err = t.q.ListDeliveriesBySubscription(ctx, db.ListDeliveriesBySubscriptionParams{
			SubscriptionID: f.SubscriptionID, PartnerID: f.PartnerID, Report: f.Report, State: f.State,
			Since: since, BeforeSeq: before, Lim: lim,
		})
	case f.PartnerID != "":
		rows, err = t.q.ListDeliveriesByPartner(ctx, db.ListDeliveriesByPartnerParams{
			PartnerID: f.PartnerID, Report: f.Report, State: f.State, Since: since, BeforeSeq: before, Lim: lim,
		})
	case f.State != "":
		rows, err = t.q.ListDeliveriesByState(ctx, db.ListDeliveriesByStateParams{
			State: f.State, Report: f.Report, Since: since, BeforeSeq: before, Lim: lim,
		})
	default:
		rows, err = t.q.ListDeliveries(ctx, db.ListDeliveriesParams{
			Report: f.Report, State: f.State, Since: since, BeforeSeq: before, Lim: lim,
		})
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return deliveriesFromRows(rows), nil
}

func (t *txn) RedeliverSince(ctx context.Context, subscriptionID string, since, now time.Time) (int, error) {
	n, err := t.q.RedeliverSince(ctx, db.RedeliverSinceParams{Now: ts(now), SubscriptionID: subscriptionID, Since: ts(since)})
	return int(n), mapErr(err)
}

func (t *txn) ResumeDeliveries(ctx context.Context, subscriptionID string, heldUntil, now time.Time) (int, error) {
	n, err := t.q.ResumeDeliveries(ctx, db.ResumeDeliveriesParams{Now: ts(now), SubscriptionID: subscriptionID, HeldUntil: ts(heldUntil)})
	return int(n), mapErr(err)
}

func (t *txn) RetryDeliveriesNow(ctx context.Context, subscriptionID string, now time.Time) (int, error) {
	n, err := t.q.RetryDeliveriesNow(ctx, db.RetryDeliveriesNowParams{Now: ts(now), SubscriptionID: subscriptionID})
	return int(n), mapErr(err)
}

func (t *txn) RedeliverReport(ctx context.Context, reportID, subscriptionID string, now time.Time) (int, error) {
	n, err := t.q.RedeliverReport(ctx, db.RedeliverReportParams{Now: ts(now), ReportID: reportID, SubscriptionID: subscriptionID})
	return int(n), mapErr(err)
}

func (t *txn) CountDeliveries(ctx context.Context) ([]park.DeliveryCount, error) {
	rows, err := t.q.CountDeliveries(ctx)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]park.DeliveryCount, len(rows))
	for i, r := range rows {
		out[i] = park.DeliveryCount{State: r.State, Count: int(r.N), Oldest: fromTS(r.Oldest)}
	}
	return out, nil
}

func (t *txn) PruneDeletedSubscriptions(ctx context.Context, limit int) (int, error) {
	n, err := t.q.PruneDeletedSubscriptionDeliveries(ctx, int32(limit))
	if err != nil {
		return 0, mapErr(err)
	}
	if n < int64(limit) {
		if _, err := t.q.DeleteEmptyDeletedSubscriptions(ctx); err != nil {
			return 0, mapErr(err)
		}
	}
	return int(n), nil
}

func (t *txn) PruneDeliveries(ctx context.Context, before time.Time, limit int) (int, int, error) {
	reportIDs, err := t.q.PruneFinishedDeliveries(ctx, db.PruneFinishedDeliveriesParams{Before: ts(before), Lim: limit32(limit)})
	if err != nil || len(reportIDs) == 0 {
		return 0, 0, mapErr(err)
	}
	nd := len(reportIDs)
	slices.Sort(reportIDs)
	n, err := t.q.PruneReportsByID(ctx, db.PruneReportsByIDParams{Ids: slices.Compact(reportIDs), Before: ts(before)})
	if err != nil {
		return 0, 0, mapErr(err)
	}
	return nd, int(n), nil
}

func (t *txn) PruneReports(ctx context.Context, before time.Time, after park.ReportCursor, limit int) (int, park.ReportCursor, error) {
	// The zero cursor is year 1, before any report.
	rows, err := t.q.WalkOldReports(ctx, db.WalkOldReportsParams{Before: ts(before), AfterAt: ts(after.At), AfterSeq: after.Seq, Lim: limit32(limit)})
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
		if n, err = t.q.DeleteUnneededReports(ctx, unneeded); err != nil {
			return 0, park.ReportCursor{}, mapErr(err)
		}
	}
	if len(rows) < limit {
		return int(n), park.ReportCursor{}, nil
	}
	last := rows[len(rows)-1]
	return int(n), park.ReportCursor{At: fromTS(last.At), Seq: last.Seq}, nil
}

func subscriptionFromRow(r db.Subscription) (*park.Subscription, error) {
	sched, err := parseSchedule(r.ScheduleMs)
	if err != nil {
		return nil, fmt.Errorf("postgres: subscription %q: %w", r.ID, err)
	}
	s := &park.Subscription{
		ID: r.ID, PartnerID: r.PartnerID, Report: r.Report, URL: r.Url, Format: r.Format, Enabled: r.Enabled,
		Secret: r.Secret, Previous: r.Previous, RateLimit: int(r.RateLimit), Concurrency: int(r.Concurrency),
		Timeout: time.Duration(r.TimeoutMs) * time.Millisecond, Schedule: sched, DisabledBy: r.DisabledBy,
		CreatedAt: fromTS(r.CreatedAt), UpdatedAt: fromTS(r.UpdatedAt), Version: r.Version,
	}
	if t := fromTSP(r.PausedUntil); t != nil {
		s.PausedUntil = *t
	}
	return s, nil
}

func deliveryFromRow(r db.Delivery) *park.Delivery {
	return &park.Delivery{
		ID: r.ID, Seq: r.Seq, SubscriptionID: r.SubscriptionID, PartnerID: r.PartnerID, ReportID: r.ReportID,
		Report: r.Report, LotCode: r.LotCode, Key: r.Key, State: r.State, Attempts: int(r.Attempts),
		NextAt: fromTS(r.NextAt), LeaseUntil: fromTSP(r.LeaseUntil), LastAttemptAt: fromTSP(r.LastAttemptAt),
		LastStatus: int(r.LastStatus), LastReply: r.LastReply, DeliveredAt: fromTSP(r.DeliveredAt),
		CreatedAt: fromTS(r.CreatedAt),
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
	rows, err := t.q.ClaimLoads(ctx, db.ClaimLoadsParams{Now: tsp(&now), Seqs: seqs})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]park.SubscriptionLoad, len(rows))
	for i, r := range rows {
		out[i] = park.SubscriptionLoad{SubscriptionID: r.ID, RateLimit: int(r.RateLimit), Concurrency: int(r.Concurrency),
			InFlight: int(r.InFlight), Seqs: r.Seqs}
		if u := fromTSP(r.SlotsUntil); u != nil {
			out[i].SlotsUntil = *u
		}
	}
	return out, nil
}

// UseSlots waits to go with the claim's commit: nothing is read from it.
func (t *txn) UseSlots(ctx context.Context, id string, until time.Time) error {
	return t.later(func() error {
		return t.q.UseSlots(ctx, db.UseSlotsParams{Until: tsp(&until), ID: id})
	}, func(err error) error { return wrap(err, "subscription %q", id) })
}

// ReturnSlots waits to go with the commit, as UseSlots does.
func (t *txn) ReturnSlots(ctx context.Context, id string, d time.Duration) error {
	return t.later(func() error {
		return t.q.ReturnSlots(ctx, db.ReturnSlotsParams{Us: d.Microseconds(), ID: id})
	}, func(err error) error { return wrap(err, "subscription %q", id) })
}
