package park

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// PlanTx is the part of Tx for pass plans and pass renewals.
type PlanTx interface {
	// CreatePlan stores a plan: EConflict when the lot already has a plan
	// with its code, ENotFound when the lot does not exist.
	CreatePlan(ctx context.Context, p *Plan) error
	// GetPlan returns a lot's plan by code (ENotFound).
	GetPlan(ctx context.Context, lot, code string) (*Plan, error)
	// ListPlans returns a lot's plans ordered by code.
	ListPlans(ctx context.Context, lot string) ([]*Plan, error)
	// UpdatePlan replaces a plan's name, price, class and slots (ENotFound;
	// EConflict when its version changed).
	UpdatePlan(ctx context.Context, p *Plan) error
	// DeletePlan removes a plan (ENotFound). Passes naming it keep their
	// plan code and slots.
	DeletePlan(ctx context.Context, lot, code string) error

	// InsertRenewal stores a renewal order (EConflict when the id exists).
	InsertRenewal(ctx context.Context, r *Renewal) error
	// GetRenewal returns a renewal order by id (ENotFound).
	GetRenewal(ctx context.Context, id string) (*Renewal, error)
	// GetRenewalByReference returns the renewal a payer paid with a
	// reference (ENotFound).
	GetRenewalByReference(ctx context.Context, payer, reference string) (*Renewal, error)
	// UpdateRenewal records a renewal's payment (ENotFound; EConflict when
	// its version changed or the payer's reference is already used).
	UpdateRenewal(ctx context.Context, r *Renewal) error
	// PassLapses returns the times a pass was not valid between two of its
	// validity periods: for each paid renewal that started after the
	// pass's end, [that end, the renewal's start), oldest first.
	PassLapses(ctx context.Context, passID string) ([]Period, error)
	// InsertPassTerm records the plan a pass was on before a renewal on
	// another plan starts (a second term with the same Until is ignored).
	InsertPassTerm(ctx context.Context, passID string, t PassTerm) error
	// PassTerms returns the terms recorded for a pass, by Until.
	PassTerms(ctx context.Context, passID string) ([]PassTerm, error)
}

// PassTerm is the plan a pass was paid on before Until: a renewal on
// another plan, paid while the pass ran, switches the pass's plan at
// once and leaves the time already paid on the old one (to Until, the
// renewal's start) on the old plan and slots.
type PassTerm struct {
	Until time.Time
	Plan  string
	Slots []Slot
}

// Period is a half-open interval of time [From, To).
type Period struct{ From, To time.Time }

// Plan is one of a lot's monthly rates (月租套餐): a price per month and,
// for a time-slot plan (时段月租), the daily slots in which its passes
// park free.
type Plan struct {
	LotCode      string    `json:"lot_code"`
	Code         string    `json:"code"`
	Name         string    `json:"name"`
	Price        int64     `json:"price"`                   // per month, minor units
	VehicleClass string    `json:"vehicle_class,omitempty"` // informative: whom the plan is sold to
	Slots        []Slot    `json:"slots,omitempty"`         // empty: the whole day
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	Version      int64     `json:"-"`
}

var planCodeRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Validate checks a plan.
func (p *Plan) Validate() error {
	switch {
	case p.Code == "":
		return Invalid("code", "must be 1-64 letters, digits, '.', '_' or '-'").Because(ReasonRequired)
	case !planCodeRE.MatchString(p.Code):
		return Invalid("code", "must be 1-64 letters, digits, '.', '_' or '-'").Because(ReasonFormat)
	case strings.TrimSpace(p.Name) == "":
		return Invalid("name", "is required (at most 200 bytes)").Because(ReasonRequired)
	case len(p.Name) > 200:
		return Invalid("name", "is required (at most 200 bytes)").Because(ReasonLength, "1", "200")
	case p.Price < 0 || p.Price > MaxAmount:
		return Invalid("price", "must be between 0 and %d", MaxAmount).Because(ReasonRange, "0", strconv.FormatInt(MaxAmount, 10))
	case p.VehicleClass != "" && !ValidClass(p.VehicleClass):
		return Invalid("vehicle_class", "must be one of small, large, new_energy, motorcycle").Because(ReasonUnknown)
	case !ValidText(p.Name):
		return CheckText("name", p.Name)
	}
	return ValidateSlots("slots", p.Slots)
}

// Slot is a daily window in the lot's local time, "HH:MM" to "HH:MM"
// (To may be "24:00"); a To not after From crosses midnight (19:00-08:00).
type Slot struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// MaxSlots bounds the slots of a plan or pass.
const MaxSlots = 8

// Minutes returns the slot's bounds in minutes after local midnight (To of
// "24:00" is 1440). The slot must be valid.
func (s Slot) Minutes() (from, to int) {
	from, _ = ParseClock(s.From, false)
	to, _ = ParseClock(s.To, true)
	return from, to
}

// ValidateSlots checks daily slots; field names the list in errors.
func ValidateSlots(field string, slots []Slot) error {
	if len(slots) > MaxSlots {
		return Invalid(field, "at most %d slots", MaxSlots).Because(ReasonRange, "0", strconv.Itoa(MaxSlots))
	}
	for i, s := range slots {
		f, ok1 := ParseClock(s.From, false)
		t, ok2 := ParseClock(s.To, true)
		switch {
		case !ok1:
			return Invalid(field, "slot %d: from must be HH:MM (00:00-23:59)", i+1).Because(ReasonFormat)
		case !ok2:
			return Invalid(field, "slot %d: to must be HH:MM (00:00-24:00)", i+1).Because(ReasonFormat)
		case f == t:
			return Invalid(field, "slot %d: from and to must differ", i+1).Because(ReasonEmpty)
		}
	}
	return nil
}

// ParseClock reads "HH:MM" as minutes after local midnight; "24:00" only
// when allow24 (the end of a slot or band). It is the one reading of a
// time of day: pass slots here, tariff bands in the pricing engine.
func ParseClock(s string, allow24 bool) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range [...]int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if m > 59 || h > 24 || (h == 24 && (!allow24 || m != 0)) {
		return 0, false
	}
	return h*60 + m, true
}

// FormatSlots is the stores' text form of slots: "19:00-08:00,12:00-14:00"
// ("" for none).
func FormatSlots(slots []Slot) string {
	parts := make([]string, len(slots))
	for i, s := range slots {
		parts[i] = s.From + "-" + s.To
	}
	return strings.Join(parts, ",")
}

// ParseSlots reads FormatSlots' form (nil for "").
func ParseSlots(s string) ([]Slot, error) {
	if s == "" {
		return nil, nil
	}
	var out []Slot
	for _, part := range strings.Split(s, ",") {
		from, to, ok := strings.Cut(part, "-")
		if !ok {
			return nil, Invalid("slots", "want HH:MM-HH:MM").Because(ReasonFormat)
		}
		out = append(out, Slot{From: from, To: to})
	}
	return out, ValidateSlots("slots", out)
}

// Renewal is a pass renewal order (月租续费): Months months of Plan for
// Amount, offered until ExpiresAt, then paid at most once.
type Renewal struct {
	ID          string     `json:"id"`
	LotCode     string     `json:"lot_code"`
	PassID      string     `json:"pass_id"`
	PlanCode    string     `json:"plan_code"`
	Months      int        `json:"months"`
	Amount      int64      `json:"amount"`
	PassValidTo time.Time  `json:"pass_valid_to"` // the pass's end when quoted (when paid: before the renewal)
	StartsAt    time.Time  `json:"starts_at"`     // the renewed months start: max(PassValidTo, time of quote or payment)
	ValidTo     time.Time  `json:"valid_to"`      // the pass's end after the renewal
	CreatedAt   time.Time  `json:"created_at"`
	ExpiresAt   time.Time  `json:"expires_at"`
	PaidAt      *time.Time `json:"paid_at,omitempty"`
	Payer       string     `json:"payer,omitempty"`
	Reference   string     `json:"reference,omitempty"`
	Method      string     `json:"method,omitempty"`
	Source      string     `json:"source,omitempty"` // the partner that asked for it; only it may report it paid ("" for any)
	Version     int64      `json:"-"`
}

// Renewal bounds: 1 to 36 months at once.
const (
	MinRenewalMonths = 1
	MaxRenewalMonths = 36
)
