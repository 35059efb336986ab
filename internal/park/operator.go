package park

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Role is what an operator may do in the console.
type Role string

// Roles. An admin does everything; a lot operator reads and changes its
// own lots only; a read-only operator reads every lot and changes nothing.
const (
	RoleAdmin       Role = "admin"
	RoleLotOperator Role = "lot_operator"
	RoleReadOnly    Role = "read_only"
)

// Roles lists the roles in a stable order.
func Roles() []Role { return []Role{RoleAdmin, RoleLotOperator, RoleReadOnly} }

// Languages an operator's console speaks.
var Languages = []string{"en", "zh", "pt"}

// Operator is a person who signs in to the console.
type Operator struct {
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	Lots         []string  `json:"lots"` // a lot operator's lots; empty for the other roles
	Language     string    `json:"language"`
	PasswordHash string    `json:"-"`
	Disabled     bool      `json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	Version      int64     `json:"version"`
}

var operatorName = regexp.MustCompile(`^[a-z0-9][a-z0-9._@-]{0,63}$`)

// Validate checks an operator's settable fields.
func (o *Operator) Validate() error {
	if !operatorName.MatchString(o.Name) {
		return Invalid("name", "%q must be 1 to 64 lower-case letters, digits, '.', '_', '@' or '-', starting with a letter or digit", o.Name).Because(ReasonFormat)
	}
	if o.Role == "" {
		return Invalid("role", "is required: admin, lot_operator or read_only").Because(ReasonRequired)
	}
	if !slices.Contains(Roles(), o.Role) {
		return Invalid("role", "%q is not admin, lot_operator or read_only", o.Role).Because(ReasonUnknown)
	}
	if o.Role == RoleLotOperator && len(o.Lots) == 0 {
		return Invalid("lots", "a lot operator needs at least one lot").Because(ReasonRequired)
	}
	if o.Role != RoleLotOperator && len(o.Lots) > 0 {
		return Invalid("lots", "only a lot operator is given lots (the role %s sees every lot)", o.Role).Because(ReasonNotApplicable)
	}
	for _, l := range o.Lots {
		if err := CheckText("lots", l); err != nil || l == "" {
			return Invalid("lots", "%q is not a lot code", l).Because(ReasonFormat)
		}
	}
	if !slices.Contains(Languages, o.Language) {
		return Invalid("language", "%q is not en, zh or pt", o.Language).Because(ReasonUnknown)
	}
	return nil
}

// MaySee reports whether o may read lot's pages.
func (o *Operator) MaySee(lot string) bool {
	return o.Role != RoleLotOperator || slices.Contains(o.Lots, lot)
}

// MayChange reports whether o may change things in lot.
func (o *Operator) MayChange(lot string) bool {
	return o.Role == RoleAdmin || o.Role == RoleLotOperator && slices.Contains(o.Lots, lot)
}

// Session is a signed-in operator's browser. Only the hash of its token
// is stored.
type Session struct {
	Hash      string    `json:"-"`
	Operator  string    `json:"operator"`
	CSRF      string    `json:"-"` // the token every form of the session carries
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// Live reports whether s may be used at now.
func (s *Session) Live(now time.Time) bool { return s.RevokedAt.IsZero() && now.Before(s.ExpiresAt) }

// AuditEntry records one change an operator made: who, when, what, and
// the thing before and after (JSON; empty when it did not exist).
type AuditEntry struct {
	ID     string    `json:"id"`
	Seq    int64     `json:"-"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`  // an operator's name, "admin-token", or a failed sign-in's address
	Action string    `json:"action"` // e.g. "user.create", "tariff.update", "lane.open"
	Lot    string    `json:"lot,omitempty"`
	Target string    `json:"target"` // what changed: a user's name, a lane, a stay id
	Reason string    `json:"reason,omitempty"`
	Before string    `json:"before,omitempty"`
	After  string    `json:"after,omitempty"`
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	Lot string // "": every lot
	// Lots, when not nil, keeps the entries of these lots only (none when
	// empty, and none of Lot when it is not among them): a lot operator's
	// log in one query, whatever the number of its lots.
	Lots  []string
	Actor string // "": every actor
	Limit int
	// BeforeSeq pages: entries older than the one with this Seq (0: the newest).
	BeforeSeq int64
}

// LotsAsked is the lots the filter keeps the entries of (every lot, and
// the entries of no lot, when all).
func (f AuditFilter) LotsAsked() (lots []string, all bool) {
	switch {
	case f.Lot != "" && f.Lots != nil && !slices.Contains(f.Lots, f.Lot):
		return []string{}, false
	case f.Lot != "":
		return []string{f.Lot}, false
	case f.Lots != nil:
		return f.Lots, false
	}
	return nil, true
}

// PaymentSum is what a lot received in a period.
type PaymentSum struct {
	Amount int64 `json:"amount"` // minor units of the lot's currency
	Count  int   `json:"count"`
}

// DaySums is what the stays that left a lot in a period cost: their
// totals (tariff less discounts), discounts (coupons and benefits) and
// what was paid for them, and how many coupons those same stays used.
type DaySums struct {
	Left        int   `json:"left"`
	Total       int64 `json:"total"`
	Discount    int64 `json:"discount"`
	Paid        int64 `json:"paid"`
	CouponsUsed int   `json:"coupons_used"`
}

// HourCount is how many events of a type an hour had.
type HourCount struct {
	Hour  time.Time // the hour's start, UTC
	Type  string    // EventEntry or EventExit
	Count int
}

// MergeHourCounts orders counts by hour, then type, adding up those of
// the same hour and type.
func MergeHourCounts(cs []HourCount) []HourCount {
	slices.SortFunc(cs, func(a, b HourCount) int {
		if c := a.Hour.Compare(b.Hour); c != 0 {
			return c
		}
		return strings.Compare(a.Type, b.Type)
	})
	out := cs[:0]
	for _, c := range cs {
		if n := len(out); n > 0 && out[n-1].Hour.Equal(c.Hour) && out[n-1].Type == c.Type {
			out[n-1].Count += c.Count
			continue
		}
		out = append(out, c)
	}
	return out
}

// OperatorTx is the part of Tx for operators, their sessions and the
// audit log.
type OperatorTx interface {
	// CreateOperator returns EConflict when the name exists.
	CreateOperator(ctx context.Context, o *Operator) error
	// GetOperator returns ENotFound.
	GetOperator(ctx context.Context, name string) (*Operator, error)
	// ListOperators orders by name.
	ListOperators(ctx context.Context) ([]*Operator, error)
	// UpdateOperator replaces the settable fields (ENotFound; EConflict
	// when the version changed).
	UpdateOperator(ctx context.Context, o *Operator) error
	// InsertSession returns EConflict when the hash exists.
	InsertSession(ctx context.Context, s *Session) error
	// GetSession returns ENotFound; expired and revoked sessions are
	// returned as they are, for the caller to refuse.
	GetSession(ctx context.Context, hash string) (*Session, error)
	// RevokeSession revokes one session at at (ENotFound when there is
	// no unrevoked session with that hash).
	RevokeSession(ctx context.Context, hash string, at time.Time) error
	// RevokeOperatorSessions revokes every live session of an operator
	// (unrevoked, expiring after at) and returns how many.
	RevokeOperatorSessions(ctx context.Context, name string, at time.Time) (int, error)
	// DeleteSessionsBefore deletes up to limit sessions that expired
	// before the instant and returns how many.
	DeleteSessionsBefore(ctx context.Context, before time.Time, limit int) (int, error)
	// InsertAudit appends to the audit log (EConflict when the id exists).
	InsertAudit(ctx context.Context, a *AuditEntry) error
	// ListAudit returns entries newest first.
	ListAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
	// SumPayments sums each of the lots' payments paid in [from, to), by
	// lot; a lot without any is absent. One statement for all the lots:
	// the overview reads every lot of an operator at once.
	SumPayments(ctx context.Context, lots []string, from, to time.Time) (map[string]PaymentSum, error)
	// ListLanes returns the lot's lanes by id.
	ListLanes(ctx context.Context, lot string) ([]*Lane, error)
	// SumStaysLeft sums each of the lots' stays that left in [from, to),
	// and counts the coupons those stays used (whenever they were used),
	// by lot; a lot none left is absent.
	SumStaysLeft(ctx context.Context, lots []string, from, to time.Time) (map[string]DaySums, error)
	// CountPassagesByHour counts each of the lots' entries and exits whose
	// barrier opened, received since the instant, per UTC hour, by lot
	// (ordered by hour, then type); a lot without any is absent.
	CountPassagesByHour(ctx context.Context, lots []string, since time.Time) (map[string][]HourCount, error)
	// CountStayMovesByHour counts, per UTC hour since the instant, each of
	// the lots' stays that entered (Type EventEntry, by entry time) and
	// those that left (EventExit, by exit time, however they closed), by
	// lot, ordered by hour, then type; a lot without any is absent.
	CountStayMovesByHour(ctx context.Context, lots []string, since time.Time) (map[string][]HourCount, error)
	// ListRecentEvents returns up to limit of the lot's events received
	// after the instant, newest first.
	ListRecentEvents(ctx context.Context, lot string, after time.Time, limit int) ([]*Event, error)
	// ListStayPictureEvents returns up to limit of the lot's events
	// decided for the stay that name a picture (image_url), received
	// within [from1, to1] or [from2, to2], oldest first.
	ListStayPictureEvents(ctx context.Context, lot, stay string, from1, to1, from2, to2 time.Time, limit int) ([]*Event, error)
}

type actorKey struct{}

// WithActor marks ctx as carrying a change an operator asked for: a use
// case that changes something records it in the audit log, inside its own
// transaction, under this name (core.Base.Audit). A context without an
// actor (a camera, a partner, a job) makes no audit entry.
func WithActor(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, actorKey{}, name)
}

// ActorFrom returns the operator ctx carries, or "".
func ActorFrom(ctx context.Context) string {
	s, _ := ctx.Value(actorKey{}).(string)
	return s
}
