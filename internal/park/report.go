package park

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Report kinds: what parkd tells partners that subscribed to them.
const (
	ReportEntry          = "entry"           // a car entered
	ReportExit           = "exit"            // a car left (or was removed from the cars inside)
	ReportOrder          = "order"           // a stay was settled: its amounts, coupons and payments
	ReportSensorlessExit = "sensorless_exit" // a car left paid by its enrolled partner, without stopping
	ReportLotInfo        = "lot_info"        // a lot's settings and spaces (on change, and daily)
	ReportAbnormalLift   = "abnormal_lift"   // a barrier was lifted by hand, or a car passed a lane held open
	ReportDeviceStatus   = "device_status"   // a lane device did not acknowledge, or came back
	ReportChargeEnd      = "charge_end"      // a charging session ended: its bill and end reason
	ReportRental         = "rental"          // the rental catalogue changed (pushed to sales channels)
)

// ReportKinds lists the report kinds in a stable order.
func ReportKinds() []string {
	return []string{ReportEntry, ReportExit, ReportOrder, ReportSensorlessExit, ReportLotInfo, ReportAbnormalLift, ReportDeviceStatus, ReportChargeEnd, ReportRental}
}

// ValidReport reports whether k is a report kind.
func ValidReport(k string) bool {
	for _, r := range ReportKinds() {
		if r == k {
			return true
		}
	}
	return false
}

// Report is something that happened that partners may be told. The core
// writes it in the same transaction as the change that caused it, so
// nothing is reported that did not happen, and nothing that happened goes
// unreported; each subscription then gets a Delivery of it.
type Report struct {
	ID      string `json:"id"` // the stable event id every attempt carries
	Seq     int64  `json:"-"`  // store order
	Kind    string `json:"kind"`
	LotCode string `json:"lot_code"`
	Key     string `json:"-"` // delivery order: reports of one key reach a partner in Seq order
	// After is a second ordering key ("": none): the report also reaches
	// a partner only after its earlier reports of this key. Set to Key
	// itself, the report also waits for the earlier reports whose After
	// is that key (what hangs on it, whatever their own key). Only
	// EnqueueTo keeps it.
	After string    `json:"-"`
	At    time.Time `json:"at"` // when what it tells of happened
	// Data is the report's ReportData as JSON: what happened, as parkd
	// knew it then (later changes do not alter a report).
	Data json.RawMessage `json:"data"`
	// Queued is when the report was written; its deliveries are created
	// and due then (not at At, which a camera's offline replay or clock
	// puts hours back or minutes ahead). Not kept with the report.
	Queued time.Time `json:"-"`
}

// Due is when r's deliveries are created and due: Queued, or At for a
// report written without it.
func (r *Report) Due() time.Time {
	if r.Queued.IsZero() {
		return r.At
	}
	return r.Queued
}

// StayKey and LotKey are a report's ordering keys: a stay's reports are
// delivered in order (its exit never before its entry), a lot's too.
func StayKey(stayID string) string { return "stay:" + stayID }

// LotKey is the ordering key of a lot-level report.
func LotKey(lot string) string { return "lot:" + lot }

// ChargeKey is the ordering key of a charging session's reports.
func ChargeKey(sessionID string) string { return "charge:" + sessionID }

// ReportData is the vendor-neutral content of a report; each kind fills
// what it is about, and each dialect shapes it for its partners.
type ReportData struct {
	Lot       *Lot           `json:"lot,omitempty"`
	Occupancy *Occupancy     `json:"occupancy,omitempty"` // after the change
	Stay      *Stay          `json:"stay,omitempty"`
	Event     *Event         `json:"event,omitempty"` // the camera event (lane, time, image), with its decision
	Payments  []*Payment     `json:"payments,omitempty"`
	Coupons   []*Coupon      `json:"coupons,omitempty"`
	Command   *GateCommand   `json:"command,omitempty"` // a barrier command (abnormal lift, device status)
	Lines     []Line         `json:"lines,omitempty"`   // the settled price breakdown
	Quote     *Quote         `json:"quote,omitempty"`   // what a sensorless exit asks the partner to pay
	Device    *DeviceStatus  `json:"device,omitempty"`
	Charge    *ChargeSession `json:"charge,omitempty"` // an ended charging session (charge_end)
	// Category is how the car was let in: the entry decision's reason
	// (visitor, pass, whitelist, reservation, held_open, ...), and
	// "plateless" for a car with a temporary identity.
	Category string `json:"category,omitempty"`
	// Unpaid is what a car that passed without paying left due, in the
	// reports that say it (order, abnormal_lift of a held lane,
	// sensorless_exit) even when it is 0; nil in the others.
	Unpaid *int64 `json:"unpaid,omitempty"`
	Reason string `json:"reason,omitempty"` // why (an operator's reason, an anomaly)
	By     string `json:"by,omitempty"`     // who (an operator, a partner)
	// Rental is what changed in the rental catalogue (ReportRental).
	Rental *RentalChange `json:"rental,omitempty"`
}

// DeviceStatus is a lane device's state as a report tells it.
type DeviceStatus struct {
	Lane   string    `json:"lane"`
	Device string    `json:"device"`           // "barrier", "camera", ...
	Serial string    `json:"serial,omitempty"` // a registered device's serial
	Online bool      `json:"online"`
	Since  time.Time `json:"since"`
	// Command is the barrier command the device did not acknowledge, or
	// acknowledged again, after a read; empty when the device was heard
	// from or went silent.
	Command string `json:"command,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

// Subscription is a partner's wish to be told one kind of report of the
// lots it may use, at URL, shaped by Format (a dialect that formats
// reports, or FormatNative).
type Subscription struct {
	ID        string `json:"id"`
	PartnerID string `json:"partner_id"`
	Report    string `json:"report"`
	URL       string `json:"url"`
	Format    string `json:"format"`
	Enabled   bool   `json:"enabled"`
	// Secret signs native deliveries (whsec_ + base64); Previous is the
	// one being rotated out, still signed with until it is cleared.
	Secret   string `json:"-"`
	Previous string `json:"-"`
	// RateLimit bounds deliveries per second to URL (0: DefaultRateLimit);
	// Concurrency bounds those in flight (0: DefaultConcurrency). Both
	// are for all nodes together (Tx.ClaimLoads).
	RateLimit   int             `json:"rate_limit"`
	Concurrency int             `json:"concurrency"`
	Timeout     time.Duration   `json:"-"`                     // one attempt (0: AttemptTimeout's default); stored to the ms
	Schedule    []time.Duration `json:"-"`                     // waits before each attempt (nil: DefaultSchedule); to the ms
	DisabledBy  string          `json:"disabled_by,omitempty"` // why it was disabled, when parkd did it (410)
	// PausedUntil is when the partner's stored pause ends (Tx
	// PauseSubscription; zero: none stored), as read: it may be past.
	PausedUntil time.Time `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int64     `json:"-"`
}

// AttemptTimeout is how long one attempt waits for the partner's answer:
// the subscription's Timeout, else DefaultSensorlessTimeout for a
// sensorless ask (the lane waits for it) and DefaultDeliveryTimeout for a
// queued report.
func (s *Subscription) AttemptTimeout() time.Duration {
	switch {
	case s.Timeout != 0:
		return s.Timeout
	case s.Report == ReportSensorlessExit:
		return DefaultSensorlessTimeout
	}
	return DefaultDeliveryTimeout
}

// FormatNative is parkd's own delivery format: Standard Webhooks.
const FormatNative = "native"

// Subscription defaults and bounds.
const (
	DefaultRateLimit       = 50
	MaxRateLimit           = 10_000
	DefaultConcurrency     = 4
	MaxConcurrency         = 64
	DefaultDeliveryTimeout = 15 * time.Second
	// DefaultSensorlessTimeout is how long a sensorless ask waits for its
	// partner's answer: a car is waiting at the barrier.
	DefaultSensorlessTimeout = 2 * time.Second
	MaxDeliveryTimeout       = 60 * time.Second
	MaxScheduleSteps         = 30
)

// DefaultSchedule is when a delivery is attempted, counted from the
// previous attempt: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h,
// 20 h and 24 h later; after the last, the delivery is dead.
var DefaultSchedule = []time.Duration{0, 5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour,
	5 * time.Hour, 10 * time.Hour, 14 * time.Hour, 20 * time.Hour, 24 * time.Hour}

var subIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// MaxScheduleStep is the longest wait of a subscription's schedule.
const MaxScheduleStep = 7 * 24 * time.Hour

// MaxURLLen bounds a subscription's URL, in bytes.
const MaxURLLen = 2048

// TimeoutRange refuses a subscription's timeout_seconds outside 0 (the
// default) to MaxDeliveryTimeout.
func TimeoutRange() *Error {
	most := int(MaxDeliveryTimeout / time.Second)
	return Invalid("timeout_seconds", "must be between 1 and %d", most).Because(ReasonRange, "0", strconv.Itoa(most))
}

// ScheduleStepRange refuses step (from 1) of a subscription's
// schedule_seconds outside 0 to MaxScheduleStep.
func ScheduleStepRange(step int) *Error {
	most := int(MaxScheduleStep / time.Second)
	return Invalid("schedule_seconds", "step %d must be between 0 and %d seconds (7 days)", step, most).
		Because(ReasonRange, "0", strconv.Itoa(most))
}

// Validate checks a subscription's own fields (whether Format suits the
// partner is the caller's to check). The bounds of a limit are those the
// native API's document gives, 0 (the default) included.
func (s *Subscription) Validate() error {
	u, err := url.Parse(s.URL)
	switch {
	case s.ID == "":
		return Invalid("id", "is required: 1-64 letters, digits, '_' or '-'").Because(ReasonRequired)
	case !subIDRE.MatchString(s.ID):
		return Invalid("id", "must be 1-64 letters, digits, '_' or '-'").Because(ReasonFormat)
	case s.Report == "":
		return Invalid("report", "is required: one of %s", strings.Join(ReportKinds(), ", ")).Because(ReasonRequired)
	case !ValidReport(s.Report):
		return Invalid("report", "must be one of %s", strings.Join(ReportKinds(), ", ")).Because(ReasonUnknown)
	case s.URL == "":
		return Invalid("url", "is required: an http or https URL of at most %d bytes", MaxURLLen).Because(ReasonRequired)
	case len(s.URL) > MaxURLLen:
		return Invalid("url", "must be an http or https URL of at most %d bytes, without credentials", MaxURLLen).
			Because(ReasonLength, "1", strconv.Itoa(MaxURLLen))
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil:
		return Invalid("url", "must be an http or https URL of at most %d bytes, without credentials", MaxURLLen).Because(ReasonFormat)
	case s.Format == "" || len(s.Format) > 32:
		return RequiredLen("format", s.Format, 32, "")
	case !ValidText(s.URL):
		return CheckText("url", s.URL)
	case !validPort(u.Port()):
		return Invalid("url", "port %s must be between 1 and 65535", u.Port()).Because(ReasonRange, "1", "65535")
	case s.RateLimit < 0 || s.RateLimit > MaxRateLimit:
		return Invalid("rate_limit", "must be between 1 and %d deliveries per second (0: %d)", MaxRateLimit, DefaultRateLimit).
			Because(ReasonRange, "0", strconv.Itoa(MaxRateLimit))
	case s.Concurrency < 0 || s.Concurrency > MaxConcurrency:
		return Invalid("concurrency", "must be between 1 and %d (0: %d)", MaxConcurrency, DefaultConcurrency).
			Because(ReasonRange, "0", strconv.Itoa(MaxConcurrency))
	case s.Timeout < 0 || s.Timeout > MaxDeliveryTimeout:
		return TimeoutRange()
	case len(s.Schedule) > MaxScheduleSteps:
		// None: the default schedule.
		return Invalid("schedule_seconds", "at most %d steps (attempts)", MaxScheduleSteps).
			Because(ReasonRange, "0", strconv.Itoa(MaxScheduleSteps))
	}
	for i, d := range s.Schedule {
		if d < 0 || d > MaxScheduleStep {
			return ScheduleStepRange(i + 1)
		}
	}
	return nil
}

// validPort reports whether a URL's port (empty: the scheme's) is one a
// connection can use; url.Parse takes any digits.
func validPort(p string) bool {
	if p == "" {
		return true
	}
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535
}

// Delivery states.
const (
	DeliveryPending   = "pending"   // waiting for its first attempt (or its turn)
	DeliverySending   = "sending"   // claimed by a worker until LeaseUntil
	DeliveryFailed    = "failed"    // an attempt failed; the next is at NextAt
	DeliveryDelivered = "delivered" // the partner acknowledged it
	DeliveryDead      = "dead"      // every attempt of the schedule failed
)

// Delivery is one report for one subscription, and how sending it went.
type Delivery struct {
	ID             string     `json:"id"`
	Seq            int64      `json:"-"`
	SubscriptionID string     `json:"subscription_id"`
	PartnerID      string     `json:"partner_id"`
	ReportID       string     `json:"report_id"` // the event id
	Report         string     `json:"report"`    // its kind
	LotCode        string     `json:"lot_code"`
	Key            string     `json:"-"`
	State          string     `json:"state"`
	Attempts       int        `json:"attempts"`
	NextAt         time.Time  `json:"next_at"`
	LeaseUntil     *time.Time `json:"-"`
	LastAttemptAt  *time.Time `json:"last_attempt_at,omitempty"`
	LastStatus     int        `json:"last_status,omitempty"` // the partner's HTTP status; 0 when none came
	LastReply      string     `json:"last_reply,omitempty"`  // the start of its reply, or why there was none
	DeliveredAt    *time.Time `json:"delivered_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
}

// DeliveryFilter selects deliveries for an operator; empty fields match
// everything. Newest first.
type DeliveryFilter struct {
	PartnerID      string
	SubscriptionID string
	Report         string
	State          string
	Since          time.Time // created at or after
	BeforeSeq      int64     // keyset pagination: older than this (0: from the newest)
	Limit          int
}

// DeliveryCount is how many deliveries are in one state and how old the
// oldest of them is.
type DeliveryCount struct {
	State  string
	Count  int
	Oldest time.Time
}

// ReportTx is the part of Tx for reports, subscriptions and deliveries.
type ReportTx interface {
	// CreateSubscription stores s at version 1 (EConflict: the id exists;
	// ENotFound: the partner does not).
	CreateSubscription(ctx context.Context, s *Subscription) error
	// GetSubscription returns ENotFound for an unknown id.
	GetSubscription(ctx context.Context, id string) (*Subscription, error)
	// ListSubscriptions returns a partner's subscriptions by id ("": all).
	ListSubscriptions(ctx context.Context, partnerID string) ([]*Subscription, error)
	// UpdateSubscription replaces every field but the ids and CreatedAt
	// (ENotFound; EConflict when its version changed).
	UpdateSubscription(ctx context.Context, s *Subscription) error
	// DeleteSubscription removes a subscription at once from every read
	// (ENotFound): it is disabled, and its deliveries are neither sent,
	// read, listed nor redelivered any more. They, then the subscription,
	// are deleted by PruneDeletedSubscriptions, in batches, as deleting
	// them all in one transaction would hold the writer that long.
	DeleteSubscription(ctx context.Context, id string) error
	// PauseSubscription records that the subscription's partner asked for
	// no request before until (a Retry-After on a 429 or 503), heard by an
	// attempt sent to url: DueDeliveries and ClaimDueDeliveries leave its
	// deliveries out until then, on every node and across a restart. A
	// later pause already stored is kept; a subscription whose url is no
	// longer url, disabled, or deleted is left as it is (the operator's
	// change lifted the pause, LiftPause). Any other change since the
	// attempt (its limits, timeout, schedule or secret) keeps it. Its
	// version does not move: a pause is no operator's change, and an
	// operator's PATCH never overwrites it.
	PauseSubscription(ctx context.Context, id, url string, until time.Time) error
	// LiftPause clears the subscription's pause (PauseSubscription): an
	// operator replayed its reports or changed its URL or enabled.
	LiftPause(ctx context.Context, id string) error
	// PruneDeletedSubscriptions deletes up to limit deliveries of deleted
	// subscriptions and, once fewer were left, the deleted subscriptions
	// with none; it returns how many deliveries it deleted.
	PruneDeletedSubscriptions(ctx context.Context, limit int) (int, error)

	// Subscribed reports whether any subscription (enabled or not) of a
	// partner that may use lot wants reports of kind, so the core builds
	// a report only when someone will be told.
	Subscribed(ctx context.Context, lot, kind string) (bool, error)
	// Enqueue stores r (Seq is set) and a pending delivery of it, due at
	// r.Due(), for every subscription to r.Kind of a partner that may use
	// r.LotCode, enabled or not; it returns how many deliveries it made
	// (EConflict: a report with r.ID exists).
	Enqueue(ctx context.Context, r *Report) (int, error)
	// GetReport returns ENotFound for an unknown id.
	GetReport(ctx context.Context, id string) (*Report, error)
	// GetReports returns the reports of ids that exist, in no order: one
	// round trip for a claim's worth.
	GetReports(ctx context.Context, ids []string) ([]*Report, error)

	// DueDeliveries returns the seqs of up to limit deliveries that are
	// due at now, in seq order, each subscription's due longest first,
	// without claiming them: pending or failed
	// with NextAt not after now, or sending with an expired lease; of an
	// enabled subscription not in skip (those the claiming node has no
	// room for now) nor paused after now (PauseSubscription); and with
	// no delivery of an earlier report of the same partner and key (or, for one with After, of that key too; for one
	// whose After is its Key, of any report whose After is that key) still
	// to be delivered (not delivered nor dead),
	// whether its subscription is enabled or not: a partner hears of a
	// stay in order even across its subscriptions, and even when one of
	// them was disabled for a while. A worker reads them in a read-only
	// transaction and claims them with ClaimDueDeliveries: the search
	// through all that waits (not due yet, of a disabled subscription,
	// held behind an earlier report) then never holds a write transaction.
	DueDeliveries(ctx context.Context, now time.Time, limit int, skip []string) ([]int64, error)
	// ClaimDueDeliveries marks sending, until lease, those of the
	// deliveries seqs names that are still due at now by DueDeliveries'
	// rules (skip aside), oldest first. On a shared database two nodes
	// never claim the same delivery.
	ClaimDueDeliveries(ctx context.Context, seqs []int64, now, lease time.Time) ([]*Delivery, error)
	// ClaimLoads returns what a subscription's limits need to know, at
	// now, of each subscription some of the deliveries seqs names are of,
	// by id: the limits as stored, how far claims have used its rate's
	// slots (UseSlots), and how many of its deliveries every node holds
	// in flight (sending, under a claim that ends after now). A claim that
	// must hold the limits for the whole cluster takes Serialize on
	// ClaimKey first, so that no other node claims between its reading
	// and its claiming.
	ClaimLoads(ctx context.Context, seqs []int64, now time.Time) ([]SubscriptionLoad, error)
	// UseSlots stores how far claims have used the subscription's rate's
	// slots (SubscriptionLoad.SlotsUntil). Its version does not move: no
	// operator changed it.
	UseSlots(ctx context.Context, id string, until time.Time) error
	// ReturnSlots gives back d of the slots claims used (SlotsUntil moves
	// back by d; none used stays none): a delivery claimed and handed
	// back untried sent the partner nothing. Its version does not move.
	ReturnSlots(ctx context.Context, id string, d time.Duration) error
	// FinishDeliveries stores attempts' outcomes: State, Attempts, NextAt,
	// LastAttemptAt, LastStatus, LastReply, DeliveredAt; their leases end.
	// It stores only a delivery still under the claim that took it (still
	// sending, with the LeaseUntil that claim returned): after the lease
	// ran out another node may have claimed it again, or an operator may
	// have asked for it again. One an operator redelivered while it was
	// sent (RedeliverSince) is stored pending, its schedule started over
	// (Attempts 0, no DeliveredAt), due when the replay asked for it (its
	// NextAt as stored), with this attempt's LastAttemptAt, LastStatus and
	// LastReply. It returns how
	// many it stored: a delivery no longer there (its subscription
	// deleted) is not.
	FinishDeliveries(ctx context.Context, ds []*Delivery) (int, error)
	// GetDelivery returns ENotFound for an unknown id.
	GetDelivery(ctx context.Context, id string) (*Delivery, error)
	// ListDeliveries returns the deliveries f selects, newest first.
	ListDeliveries(ctx context.Context, f DeliveryFilter) ([]*Delivery, error)
	// RedeliverSince makes every delivery of a subscription created at or
	// after since pending again, due at now, and returns how many. A
	// redelivered delivery starts its schedule over (Attempts 0, no
	// DeliveredAt, no lease), whatever its state was; but one sending
	// under a claim not over at now (an attempt may be under way) stays
	// sending under that claim, counted in flight (ClaimLoads), its
	// schedule started over, due at now too (it is listed so), and is
	// pending again once that attempt's outcome is stored
	// (FinishDeliveries) or the claim ends: a replay never opens more
	// requests than the subscription's concurrency.
	RedeliverSince(ctx context.Context, subscriptionID string, since, now time.Time) (int, error)
	// RedeliverReport makes the deliveries of one report pending again,
	// due at now (of one subscription, or of all when it is ""), as
	// RedeliverSince does, and returns how many.
	RedeliverReport(ctx context.Context, reportID, subscriptionID string, now time.Time) (int, error)
	// ResumeDeliveries makes a subscription's deliveries that wait
	// (pending or failed) until exactly heldUntil, a time after now, due
	// at now, attempts kept, and returns how many: an operator lifted the
	// partner's pause that ended then, and what it held back goes at once;
	// a retry waiting for a time of its own keeps it.
	ResumeDeliveries(ctx context.Context, subscriptionID string, heldUntil, now time.Time) (int, error)
	// RetryDeliveriesNow makes every delivery of a subscription that waits
	// (pending or failed) until after now due at now, attempts kept, and
	// returns how many: the subscription moved to a new address, where
	// what waited is tried at once. Order per key still holds
	// (DueDeliveries).
	RetryDeliveriesNow(ctx context.Context, subscriptionID string, now time.Time) (int, error)
	// CountDeliveries counts the deliveries not delivered, per state,
	// with the oldest of each; a deleted subscription's are not counted.
	CountDeliveries(ctx context.Context) ([]DeliveryCount, error)
	// PruneDeliveries deletes up to limit finished deliveries (delivered
	// or dead) last changed before before (DeliveredAt, else
	// LastAttemptAt, else CreatedAt), oldest first, then those of their
	// reports at before before that no delivery refers to any more. A
	// delivery still to be sent (pending, failed, sending) is never
	// deleted, nor any delivery of a disabled subscription. It returns
	// how many deliveries and reports it deleted; run again, it deletes
	// nothing twice (several nodes may run it at once).
	PruneDeliveries(ctx context.Context, before time.Time, limit int) (deliveries, reports int, _ error)
	// PruneReports walks up to limit reports at before before, in (At,
	// Seq) order from just after after, and deletes those no delivery
	// refers to (their subscription was deleted, or their deliveries
	// were pruned before the report's own time came). It returns how
	// many it deleted and where the walk stopped, to go on from (the
	// zero cursor: it walked none, the end).
	PruneReports(ctx context.Context, before time.Time, after ReportCursor, limit int) (int, ReportCursor, error)
}

// ClaimKey is what claims of deliveries serialize on (Tx.Serialize), so
// that a subscription's limits, counted in the store, hold across nodes.
const ClaimKey = "deliveries.claim"

// SubscriptionLoad is what a claim reads of one subscription to hold its
// limits on every node at once (Tx.ClaimLoads).
type SubscriptionLoad struct {
	SubscriptionID string
	// RateLimit and Concurrency are as stored (0: the defaults).
	RateLimit, Concurrency int
	// SlotsUntil is how far claims have used the rate's slots, one slot
	// (1/RateLimit s) a delivery claimed (zero: none yet).
	SlotsUntil time.Time
	// InFlight counts the deliveries sending under a claim not over yet,
	// on any node.
	InFlight int
	// Seqs are those of the seqs asked about that are its deliveries,
	// ascending.
	Seqs []int64
}

// ReportCursor is a place in the reports ordered by At, then Seq.
type ReportCursor struct {
	At  time.Time
	Seq int64
}

// UnpaidAmount is Unpaid, 0 in a report that does not say it.
func (d *ReportData) UnpaidAmount() int64 {
	if d.Unpaid == nil {
		return 0
	}
	return *d.Unpaid
}
