package deliveries

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// SubscriptionInput is a new subscription. ID is generated when empty;
// Format is the partner's dialect when it formats reports of this kind,
// else native;
// a nil Enabled is true.
type SubscriptionInput struct {
	ID          string
	Report      string
	URL         string
	Format      string
	Enabled     *bool
	RateLimit   int
	Concurrency int
	Timeout     time.Duration
	Schedule    []time.Duration
}

// CreateSubscription subscribes a partner to one kind of report of its
// lots. A native subscription gets a signing secret, returned here once.
// Errors: EInvalid (report, url, format, rate_limit, concurrency,
// timeout_seconds, schedule), ENotFound (the partner), EConflict (the id).
func (s *Service) CreateSubscription(ctx context.Context, partnerID string, in SubscriptionInput) (*park.Subscription, error) {
	now := s.base.Clock()
	sub := &park.Subscription{ID: in.ID, PartnerID: partnerID, Report: in.Report, URL: in.URL, Format: in.Format,
		Enabled: in.Enabled == nil || *in.Enabled, RateLimit: in.RateLimit, Concurrency: in.Concurrency,
		Timeout: in.Timeout, Schedule: in.Schedule, CreatedAt: now, UpdatedAt: now}
	if sub.ID == "" {
		sub.ID = core.NewID()
	}
	// Looked up before the transaction, never in it (checkURL).
	if err := checkURL(ctx, sub.URL, s.opts.AllowPrivate, s.opts.Lookup); err != nil {
		return nil, err
	}
	create := func(tx park.Tx) error {
		p, err := tx.GetPartner(ctx, partnerID)
		if err != nil {
			return err
		}
		if sub.Format == "" {
			sub.Format = park.FormatNative
			if f, ok := s.formats[p.Dialect]; ok && carries(f, sub.Report) {
				sub.Format = p.Dialect
			}
		}
		if err := s.checkFields(sub, p); err != nil {
			return err
		}
		if f := s.formats[sub.Format]; !carries(f, sub.Report) {
			// Every delivery would fail until it died.
			return park.Invalid("format", "%s reports do not carry %s; use %q", sub.Format, sub.Report, park.FormatNative).
				Because(park.ReasonNotApplicable)
		}
		if sub.Format == park.FormatNative {
			sub.Secret = NewSecret()
		}
		return tx.CreateSubscription(ctx, sub)
	}
	err := s.base.Write(ctx, create)
	if park.IsCode(err, park.EConflict) && in.ID != "" {
		// A subscription deleted under this id keeps it until its
		// deliveries are pruned: clear them now, in short writes, and
		// try once more.
		if _, err = s.pruneDeleted(ctx); err == nil {
			err = s.base.Write(ctx, create)
		}
	}
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// checkFields validates a subscription for its partner: its fields and a
// format this node can send that suits the partner (native, or the
// partner's own dialect). The address is checked apart (checkURL), before
// the transaction, and only when a URL is given: a partner's host that
// stopped resolving (or now resolves to a private address, which no
// attempt connects to anyway) must not keep the operator from disabling
// its subscription or changing its limits.
func (s *Service) checkFields(sub *park.Subscription, p *park.Partner) error {
	if err := sub.Validate(); err != nil {
		return err
	}
	if sub.Report == park.ReportRental && sub.ID != park.RentalSubscription(sub.PartnerID) {
		// Rental changes go to each sales channel's own subscription only.
		// Not a report a partner's subscription takes (the native API's
		// document lists none such).
		return park.Invalid("report", "rental changes go to sales channels: create one with PUT /v1/rental/channels/{app_key}").
			Because(park.ReasonUnknown)
	}
	if _, ok := s.formats[sub.Format]; !ok || (sub.Format != park.FormatNative && sub.Format != p.Dialect) {
		return park.Invalid("format", "must be %q or the partner's dialect %q when it pushes reports", park.FormatNative, p.Dialect).
			Because(park.ReasonUnknown)
	}
	if sub.Format != park.FormatNative && p.Secret == "" {
		return park.Invalid("format", "the partner has no secret to sign %s reports with", sub.Format).Because(park.ReasonNeeds, "secret")
	}
	return nil
}

// subscriptionOf returns a partner's subscription (ENotFound for another
// partner's).
func subscriptionOf(ctx context.Context, tx park.Tx, partnerID, id string) (*park.Subscription, error) {
	sub, err := tx.GetSubscription(ctx, id)
	if err == nil && sub.PartnerID != partnerID {
		err = park.Errorf(park.ENotFound, "not this partner's")
	}
	if park.IsCode(err, park.ENotFound) {
		return nil, &park.Error{Code: park.ENotFound, Field: "subscription", Message: "partner " + partnerID + " has no subscription " + id}
	}
	return sub, err
}

// GetSubscription returns a partner's subscription (ENotFound).
func (s *Service) GetSubscription(ctx context.Context, partnerID, id string) (*park.Subscription, error) {
	var out *park.Subscription
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		out, err = subscriptionOf(ctx, tx, partnerID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.showPause(out), nil
}

// showPause leaves the subscription's PausedUntil, for an operator to
// see, only while the pause lasts: zero when it is not after now.
func (s *Service) showPause(sub *park.Subscription) *park.Subscription {
	if !sub.PausedUntil.After(s.base.Clock()) {
		sub.PausedUntil = time.Time{}
	}
	return sub
}

// ListSubscriptions returns a partner's subscriptions (ENotFound: no such
// partner).
func (s *Service) ListSubscriptions(ctx context.Context, partnerID string) ([]*park.Subscription, error) {
	var out []*park.Subscription
	err := s.base.View(ctx, func(tx park.Tx) error {
		if _, err := tx.GetPartner(ctx, partnerID); err != nil {
			return err
		}
		var err error
		out, err = tx.ListSubscriptions(ctx, partnerID)
		return err
	})
	for _, sub := range out {
		s.showPause(sub)
	}
	return out, err
}

// SubscriptionPatch changes a subscription; nil fields stay.
type SubscriptionPatch struct {
	URL          *string
	Enabled      *bool
	RateLimit    *int
	Concurrency  *int
	Timeout      *time.Duration
	Schedule     []time.Duration // nil: unchanged
	RotateSecret bool            // a new secret; the old one signs too until DropPrevious
	DropPrevious bool
}

func (p *SubscriptionPatch) empty() bool {
	return p.URL == nil && p.Enabled == nil && p.RateLimit == nil && p.Concurrency == nil && p.Timeout == nil &&
		p.Schedule == nil && !p.RotateSecret && !p.DropPrevious
}

// UpdateSubscription applies a patch. Enabling a subscription that parkd
// disabled (its partner answered 410) clears why; its deliveries kept
// meanwhile are then sent. A rotated secret is returned here once.
// Errors: those of CreateSubscription, ENotFound, and EInvalid for a patch
// that changes nothing.
func (s *Service) UpdateSubscription(ctx context.Context, partnerID, id string, p SubscriptionPatch) (*park.Subscription, error) {
	if p.empty() { // a mistaken body (null, {}) would otherwise answer as if it had changed something
		return nil, park.Invalid("", "the patch names nothing to change: give one or more of url, enabled, rate_limit, concurrency, "+
			"timeout_seconds, schedule_seconds, rotate_secret, drop_previous_secret").Because(park.ReasonRequired)
	}
	if p.URL != nil { // looked up before the transaction, never in it (checkURL)
		if err := checkURL(ctx, *p.URL, s.opts.AllowPrivate, s.opts.Lookup); err != nil {
			return nil, err
		}
	}
	var out *park.Subscription
	err := s.base.Update(ctx, func(tx park.Tx) error {
		sub, err := subscriptionOf(ctx, tx, partnerID, id)
		if err != nil {
			return err
		}
		partner, err := tx.GetPartner(ctx, partnerID)
		if err != nil {
			return err
		}
		was := *sub
		moved := p.URL != nil && *p.URL != sub.URL
		if p.URL != nil {
			sub.URL = *p.URL
		}
		if p.Enabled != nil {
			sub.Enabled = *p.Enabled
			if sub.Enabled {
				sub.DisabledBy = ""
			}
		}
		if p.RateLimit != nil {
			sub.RateLimit = *p.RateLimit
		}
		if p.Concurrency != nil {
			sub.Concurrency = *p.Concurrency
		}
		if p.Timeout != nil {
			sub.Timeout = *p.Timeout
		}
		if p.Schedule != nil {
			sub.Schedule = p.Schedule
		}
		if p.RotateSecret || p.DropPrevious {
			if sub.Format != park.FormatNative {
				field := "rotate_secret"
				if !p.RotateSecret {
					field = "drop_previous_secret"
				}
				return park.Invalid(field, "only native subscriptions have their own secret; %s reports are signed with the partner's", sub.Format).
					Because(park.ReasonNotApplicable)
			}
			if p.RotateSecret {
				sub.Previous, sub.Secret = sub.Secret, NewSecret()
			}
			if p.DropPrevious {
				sub.Previous = ""
			}
		}
		if err := s.checkFields(sub, partner); err != nil {
			return err
		}
		sub.UpdatedAt = s.base.Clock()
		out = sub
		if moved {
			// The operator moved the partner: what waits for a retry at the
			// old address is tried at the new one at once, attempts kept
			// (order per stay holds: DueDeliveries).
			if _, err := tx.RetryDeliveriesNow(ctx, sub.ID, sub.UpdatedAt); err != nil {
				return err
			}
		}
		// A new address, or enabled changed, lifts the partner's pause on
		// every node (pauseState.resume), which sends what it held back,
		// and in the store (PauseSubscription); any other PATCH keeps
		// both (liftsPause).
		if liftsPause(&was, sub) {
			if err := tx.LiftPause(ctx, sub.ID); err != nil {
				return err
			}
			sub.PausedUntil = time.Time{}
		}
		return tx.UpdateSubscription(ctx, sub)
	})
	if err != nil {
		return nil, err
	}
	s.poke()
	// The lane is kept: every claim reads the subscription afresh
	// (laneFor), and a partner's Retry-After it holds outlasts a change
	// of its limits, timeout, schedule or secret.
	return s.showPause(out), nil
}

// DeleteSubscription removes a subscription and its deliveries, sent or
// not (ENotFound): at once from every read and from sending; Prune
// deletes the rows, in batches that never hold the writer long.
func (s *Service) DeleteSubscription(ctx context.Context, partnerID, id string) error {
	err := s.base.Write(ctx, func(tx park.Tx) error {
		if _, err := subscriptionOf(ctx, tx, partnerID, id); err != nil {
			return err
		}
		return tx.DeleteSubscription(ctx, id)
	})
	if err == nil {
		s.forget(id)
	}
	return err
}

// DeliveryQuery selects deliveries for an operator.
type DeliveryQuery struct {
	PartnerID, SubscriptionID, Report, State string
	Since                                    time.Time
	BeforeSeq                                int64
	Limit                                    int // 0: core.DefaultPage
}

// Delivery states as a filter: the stored states, and "failed" for those
// waiting for a retry.
var deliveryStates = map[string]bool{park.DeliveryPending: true, park.DeliverySending: true, park.DeliveryFailed: true,
	park.DeliveryDelivered: true, park.DeliveryDead: true}

// DeliveryPage returns one page of deliveries, newest first, those older
// than q.BeforeSeq (0: from the newest), at most q.Limit (0:
// core.DefaultPage), and whether older ones follow, as the other native
// lists page. Errors: EInvalid (report, state, limit); ENotFound (the
// partner or subscription filtered on, or a subscription not the
// partner's): a mistyped id is not an empty history.
func (s *Service) DeliveryPage(ctx context.Context, q DeliveryQuery) ([]*park.Delivery, bool, error) {
	switch {
	case q.Report != "" && !park.ValidReport(q.Report):
		return nil, false, park.Invalid("report", "must be one of %s", strings.Join(park.ReportKinds(), ", ")).Because(park.ReasonUnknown)
	case q.State != "" && !deliveryStates[q.State]:
		return nil, false, park.Invalid("state", "must be pending, sending, failed, delivered or dead").Because(park.ReasonUnknown)
	}
	limit, err := core.PageLimit(q.Limit)
	if err != nil {
		return nil, false, err
	}
	var out []*park.Delivery
	err = s.base.View(ctx, func(tx park.Tx) (err error) {
		if q.PartnerID != "" {
			if _, err := tx.GetPartner(ctx, q.PartnerID); park.IsCode(err, park.ENotFound) {
				return &park.Error{Code: park.ENotFound, Field: "partner", Message: "no partner " + q.PartnerID}
			} else if err != nil {
				return err
			}
		}
		if q.SubscriptionID != "" {
			sub, err := tx.GetSubscription(ctx, q.SubscriptionID)
			if err == nil && q.PartnerID != "" && sub.PartnerID != q.PartnerID {
				return &park.Error{Code: park.ENotFound, Field: "subscription", Message: "partner " + q.PartnerID + " has no subscription " + q.SubscriptionID}
			}
			if park.IsCode(err, park.ENotFound) {
				return &park.Error{Code: park.ENotFound, Field: "subscription", Message: "no subscription " + q.SubscriptionID}
			} else if err != nil {
				return err
			}
		}
		out, err = tx.ListDeliveries(ctx, park.DeliveryFilter{PartnerID: q.PartnerID, SubscriptionID: q.SubscriptionID,
			Report: q.Report, State: q.State, Since: q.Since, BeforeSeq: q.BeforeSeq, Limit: limit + 1})
		return err
	})
	if err != nil {
		return nil, false, err
	}
	out, more := core.Page(out, limit)
	return out, more, nil
}

// Redeliver sends a subscription's deliveries again: those of one report
// (reportID), or every one created since a time. They are due at once,
// in their order; a partner de-duplicates on the event id. It returns how
// many; an operator's replay is audited with it. A delivery the retention
// deleted (PrunedBefore) is not there to be sent again. Errors: EInvalid
// (nothing named, or both), ENotFound (subscription; a report the
// subscription has no delivery of).
func (s *Service) Redeliver(ctx context.Context, partnerID, subscriptionID, reportID string, since time.Time) (Replay, error) {
	switch {
	case reportID == "" && since.IsZero():
		return Replay{}, park.Invalid("since", "name a report or a time to redeliver from").Because(park.ReasonRequired)
	case reportID != "" && !since.IsZero():
		return Replay{}, park.Invalid("since", "name a report or a time to redeliver from, not both").Because(park.ReasonExcludes, "report_id")
	}
	var n int
	var held string
	err := s.base.Update(ctx, func(tx park.Tx) error {
		sub, err := subscriptionOf(ctx, tx, partnerID, subscriptionID)
		if err != nil {
			return err
		}
		held = ""
		if !sub.Enabled {
			held = HeldDisabled
		}
		if reportID != "" {
			if err := notSuperseded(ctx, tx, reportID, subscriptionID); err != nil {
				return err
			}
			n, err = tx.RedeliverReport(ctx, reportID, subscriptionID, s.base.Clock())
			if err == nil && n == 0 {
				// A mistyped id, another subscription's report, or one
				// finished longer ago than deliveries are kept: saying
				// "0 redelivered" would read as done.
				msg := fmt.Sprintf("subscription %s has no delivery of report %s", subscriptionID, reportID)
				if s.opts.Retention > 0 {
					msg += fmt.Sprintf(" (finished deliveries are kept %s after their last attempt)", keptFor(s.opts.Retention))
				}
				return &park.Error{Code: park.ENotFound, Field: "report_id", Message: msg}
			}
		} else {
			n, err = tx.RedeliverSince(ctx, subscriptionID, since.UTC(), s.base.Clock())
		}
		if err != nil {
			return err
		}
		// An operator's replay lifts the partner's pause: written to the
		// subscription's row (its version moves, updated_at stays), it
		// reaches every node (pauseState.resume), which sends what the
		// pause held back, and in the store (PauseSubscription). The
		// subscription's other retries keep their times: a partner
		// answering 500s is not sent them all at once.
		if err := tx.LiftPause(ctx, sub.ID); err != nil {
			return err
		}
		if err := tx.UpdateSubscription(ctx, sub); err != nil {
			return err
		}
		what := map[string]any{"partner": partnerID, "subscription": subscriptionID, "deliveries": n}
		target := subscriptionID + "/" + reportID
		if reportID != "" {
			what["report"] = reportID
		} else {
			what["since"], target = since.UTC(), subscriptionID
		}
		return s.base.Audit(ctx, tx, &park.AuditEntry{Action: "delivery.replay", Target: target, After: core.Snapshot(what)})
	})
	if err != nil {
		return Replay{}, err
	}
	s.poke()
	return Replay{Redelivered: n, Held: held}, nil
}

// poke wakes this node's idle worker to claim at once: an operator made
// deliveries due, or an attempt ended and its lane has room again.
func (s *Service) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Replay is what a replay did: how many deliveries it made due, and,
// when none of them can be sent yet, why (Held).
type Replay struct {
	Redelivered int
	Held        string // "" (sent at once), or HeldDisabled
}

// HeldDisabled says a replay's deliveries wait: the subscription is
// disabled, and they are sent once it is enabled again.
const HeldDisabled = "disabled"

// notSuperseded refuses to send again a report that is an item's whole
// state (a rental change) once a newer state of the same item (not
// merely of its key, the store) was delivered to the subscription: sent after it, the older would
// undo it at the partner. EConflict naming report_id. Other reports are
// events, sent again as they were. It reads the subscription's
// deliveries of the kind delivered since the report's: an operator's
// replay, not a hot path.
func notSuperseded(ctx context.Context, tx park.Tx, reportID, subscriptionID string) error {
	d, err := tx.GetDelivery(ctx, reportID+":"+subscriptionID)
	if park.IsCode(err, park.ENotFound) || err == nil && d.Report != park.ReportRental {
		return nil // nothing to redeliver (answered by the caller), or an event
	} else if err != nil {
		return err
	}
	subject, err := rentalSubject(ctx, tx, reportID)
	if err != nil || subject == "" {
		return err
	}
	f := park.DeliveryFilter{SubscriptionID: subscriptionID, Report: d.Report, State: park.DeliveryDelivered, Since: d.CreatedAt,
		Limit: 500}
	for {
		page, err := tx.ListDeliveries(ctx, f)
		if err != nil {
			return err
		}
		for _, e := range page {
			if e.Key != d.Key || e.Seq <= d.Seq {
				continue
			}
			// The key is the store's: the newer may be another of its items.
			if other, err := rentalSubject(ctx, tx, e.ReportID); err != nil {
				return err
			} else if other == subject {
				return &park.Error{Code: park.EConflict, Field: "report_id", Message: fmt.Sprintf(
					"report %s is an older state of %s, which report %s, delivered since, changed again: sent now it would undo that change at the partner; put the item again, or redeliver %s",
					reportID, subject, e.ReportID, e.ReportID)}
			}
		}
		if len(page) < f.Limit {
			return nil
		}
		f.BeforeSeq = page[len(page)-1].Seq
	}
}

// rentalSubject names the item a rental report is about ("": none).
func rentalSubject(ctx context.Context, tx park.Tx, reportID string) (string, error) {
	r, err := tx.GetReport(ctx, reportID)
	if park.IsCode(err, park.ENotFound) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	var data park.ReportData
	if err := json.Unmarshal(r.Data, &data); err != nil || data.Rental == nil {
		return "", nil // not a change parkd can read: sent again as asked
	}
	return data.Rental.Subject(), nil
}

// keptFor words a retention for an operator: in days when it is whole
// days.
func keptFor(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		if d == 24*time.Hour {
			return "1 day"
		}
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}
