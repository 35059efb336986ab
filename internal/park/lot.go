package park

import (
	"encoding/json"
	"regexp"
	"strconv"
	"time"
)

// Missed-entry policies: what an exit does when no stay is inside for its plate.
const (
	MissedEntryOpen = "open" // let the car out free; the anomaly is recorded
	MissedEntryHold = "hold" // keep the barrier closed for an operator
)

// Lane directions.
const (
	DirectionIn  = "in"
	DirectionOut = "out"
)

// Lot is one car park. Money is in minor units of Currency; rules that depend
// on wall-clock time use TimeZone.
type Lot struct {
	Code             string          `json:"code"`
	Name             string          `json:"name"`
	TimeZone         string          `json:"timezone"`
	Currency         string          `json:"currency"`
	Capacity         int             `json:"capacity"`
	ExitGraceMinutes int             `json:"exit_grace_minutes"`
	QuoteTTLSeconds  int             `json:"quote_ttl_seconds"`
	Sandbox          bool            `json:"sandbox"`
	MissedEntry      string          `json:"missed_entry"`
	Tariff           json.RawMessage `json:"tariff,omitempty"`
	TariffVersion    int64           `json:"tariff_version"`
	Occupied         int             `json:"-"` // cars inside, maintained by the gate flow
	CreatedAt        time.Time       `json:"created_at"`
	UpdatedAt        time.Time       `json:"updated_at"`
	Version          int64           `json:"-"` // optimistic concurrency: bumped by every UpdateLot
}

// Lot defaults, applied when a field is left zero at creation.
const (
	DefaultExitGraceMinutes = 15
	DefaultQuoteTTLSeconds  = 300
)

var lotCodeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// Location returns the lot's time zone. Validate guarantees it loads.
func (l *Lot) Location() *time.Location {
	loc, err := LoadLocation(l.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// ApplyDefaults fills the fields a new lot may leave out. Exit grace is not
// among them: zero is a valid grace, so callers start from
// DefaultExitGraceMinutes.
func (l *Lot) ApplyDefaults() {
	if l.QuoteTTLSeconds == 0 {
		l.QuoteTTLSeconds = DefaultQuoteTTLSeconds
	}
	if l.MissedEntry == "" {
		l.MissedEntry = MissedEntryHold
	}
}

// Validate checks every field and names the first that is wrong, in the
// order the native API's document lists them.
func (l *Lot) Validate() error {
	if err := l.ValidateNames(); err != nil {
		return err
	}
	switch {
	case l.Capacity < 0 || l.Capacity > MaxCapacity:
		return Invalid("capacity", "must be between 0 and %d", MaxCapacity).Because(ReasonRange, "0", strconv.Itoa(MaxCapacity))
	case l.ExitGraceMinutes < 0 || l.ExitGraceMinutes > MaxExitGraceMinutes:
		return Invalid("exit_grace_minutes", "must be between 0 and %d", MaxExitGraceMinutes).
			Because(ReasonRange, "0", strconv.Itoa(MaxExitGraceMinutes))
	case l.QuoteTTLSeconds < MinQuoteTTLSeconds || l.QuoteTTLSeconds > MaxQuoteTTLSeconds:
		return QuoteTTLRange()
	case l.MissedEntry != MissedEntryOpen && l.MissedEntry != MissedEntryHold:
		return Invalid("missed_entry", "must be %q or %q", MissedEntryOpen, MissedEntryHold).Because(ReasonUnknown)
	}
	return nil
}

// ValidateNames checks the fields that name a lot and its units (code,
// name, time zone, currency), which a new lot's other fields come after.
func (l *Lot) ValidateNames() error {
	switch {
	case l.Code == "":
		return Invalid("code", "is required: 1-32 letters, digits, '_' or '-'").Because(ReasonRequired)
	case !lotCodeRE.MatchString(l.Code):
		return Invalid("code", "must be 1-32 letters, digits, '_' or '-'").Because(ReasonFormat)
	case l.Name == "":
		return Invalid("name", "is required (1-200 bytes)").Because(ReasonRequired)
	case len(l.Name) > 200:
		return Invalid("name", "must be 1-200 bytes, not %d", len(l.Name)).Because(ReasonLength, "1", "200")
	}
	if err := CheckText("name", l.Name); err != nil {
		return err
	}
	if _, err := LoadLocation(l.TimeZone); err != nil {
		return err
	}
	switch {
	case l.Currency == "":
		return Invalid("currency", "is required: an ISO 4217 code, e.g. CNY").Because(ReasonRequired)
	case !ValidCurrency(l.Currency):
		return Invalid("currency", "unknown ISO 4217 currency %q", l.Currency).Because(ReasonUnknown)
	}
	return nil
}

// Bounds of a lot's numbers (LotInput in the native API's document).
const (
	MaxCapacity         = 1_000_000
	MaxExitGraceMinutes = 24 * 60
	MinQuoteTTLSeconds  = 10
	MaxQuoteTTLSeconds  = 86400
)

// QuoteTTLRange is the refusal of a quote lifetime out of its bounds.
func QuoteTTLRange() *Error {
	return Invalid("quote_ttl_seconds", "must be between %d and %d", MinQuoteTTLSeconds, MaxQuoteTTLSeconds).
		Because(ReasonRange, strconv.Itoa(MinQuoteTTLSeconds), strconv.Itoa(MaxQuoteTTLSeconds))
}

// Lane is an entry or exit lane of a lot, named by the camera that reads it.
type Lane struct {
	LotCode   string    `json:"lot_code"`
	ID        string    `json:"id"`
	Direction string    `json:"direction"`
	CreatedAt time.Time `json:"created_at"`
}

// MaxListLimit bounds one page of a listing.
const MaxListLimit = 1000

// Occupancy is what a lot reports: never below zero nor above capacity.
type Occupancy struct {
	Capacity int `json:"capacity"`
	Occupied int `json:"occupied"`
	Free     int `json:"free"`
}

// NewOccupancy clamps a raw count of cars inside into a reportable figure.
// The raw count can exceed capacity (pass holders enter a full lot).
func NewOccupancy(capacity, inside int) Occupancy {
	occ := min(max(inside, 0), capacity)
	return Occupancy{Capacity: capacity, Occupied: occ, Free: capacity - occ}
}
