package park

import (
	"context"
	"strconv"
	"time"
)

// StoreRule is a store's rental rules: where its cars may be driven,
// whether it issues invoices, how long and how early a rental is booked,
// and until when one is cancelled free. A store has at most one; the
// channels that sell the store are told of every change. parkd's own
// order check honours the booking rules (MinDays, MaxDays,
// AdvanceHours); the rest is for the renter to read.
type StoreRule struct {
	StoreCode string `json:"store_code"`
	// CrossCity: the cars may be driven out of the store's city, except
	// to BannedCities (city codes).
	CrossCity    bool     `json:"cross_city"`
	BannedCities []string `json:"banned_cities"`
	Invoice      bool     `json:"invoice"`  // the store issues invoices
	MinDays      int      `json:"min_days"` // the shortest rental, in charged days
	MaxDays      int      `json:"max_days"` // the longest (0: MaxLease)
	// AdvanceHours: an order is made at least this long before its pick-up.
	AdvanceHours int `json:"advance_hours"`
	// FreeCancelHours: an order is cancelled free until this long before
	// its pick-up.
	FreeCancelHours int       `json:"free_cancel_hours"`
	Deleted         bool      `json:"deleted"`
	UpdatedAt       time.Time `json:"updated_at"`
	Version         int64     `json:"-"`
}

// Bounds of a store rule.
const (
	MaxRuleDays     = 90  // the longest lease parkd takes
	MaxRuleHours    = 720 // 30 days
	MaxBannedCities = 100
)

// Validate checks a store rule's fields.
func (r *StoreRule) Validate() error {
	switch {
	case !rentalCodeRE.MatchString(r.StoreCode):
		return Invalid("store_code", "must be 1-64 letters, digits, '_', '.' or '-'").Because(ReasonFormat)
	case !r.CrossCity && len(r.BannedCities) > 0:
		return Invalid("banned_cities", "lists cities a car may not be driven to, which needs cross_city true (without it no other city is allowed)").Because(ReasonNeeds, "cross_city")
	case len(r.BannedCities) > MaxBannedCities:
		return Invalid("banned_cities", "must list at most %d cities", MaxBannedCities).Because(ReasonRange, "0", strconv.Itoa(MaxBannedCities))
	case r.MinDays < 1 || r.MinDays > MaxRuleDays:
		return Invalid("min_days", "must be between 1 and %d days", MaxRuleDays).Because(ReasonRange, "1", strconv.Itoa(MaxRuleDays))
	case r.MaxDays != 0 && (r.MaxDays < r.MinDays || r.MaxDays > MaxRuleDays):
		return Invalid("max_days", "must be 0 (no limit of the store's own) or between min_days (%d) and %d days", r.MinDays, MaxRuleDays).Because(ReasonRange, strconv.Itoa(r.MinDays), strconv.Itoa(MaxRuleDays))
	case r.AdvanceHours < 0 || r.AdvanceHours > MaxRuleHours:
		return Invalid("advance_hours", "must be between 0 and %d hours", MaxRuleHours).Because(ReasonRange, "0", strconv.Itoa(MaxRuleHours))
	case r.FreeCancelHours < 0 || r.FreeCancelHours > MaxRuleHours:
		return Invalid("free_cancel_hours", "must be between 0 and %d hours", MaxRuleHours).Because(ReasonRange, "0", strconv.Itoa(MaxRuleHours))
	}
	seen := map[string]bool{}
	for _, c := range r.BannedCities {
		if !rentalCodeRE.MatchString(c) || len(c) > 32 {
			return Invalid("banned_cities", "%q is not a city code (1-32 letters, digits, '_', '.' or '-')", c).Because(ReasonFormat)
		}
		if seen[c] {
			return Invalid("banned_cities", "%q is listed twice", c).Because(ReasonDuplicate)
		}
		seen[c] = true
	}
	return nil
}

// RentalCurrency is the currency of every lot a rental store sits in:
// the sales channels parkd serves sell rentals in yuan, and a store's
// amounts are its lot's minor units, sent as they are.
const RentalCurrency = "CNY"

// StoreRuleTx is the part of Tx for store rules.
type StoreRuleTx interface {
	// SaveStoreRule inserts a rule whose Version is 0 (EConflict: the
	// store has one; ENotFound: no such store) or updates it at Version
	// (ENotFound; EConflict, stale), bumping Version.
	SaveStoreRule(ctx context.Context, r *StoreRule) error
	// GetStoreRule returns a store's rule (ENotFound).
	GetStoreRule(ctx context.Context, store string) (*StoreRule, error)
}

// Admits checks an order of days charged days picked up at pickup, made
// at now, against the rule's booking terms: EInvalid naming return_at
// (too short, too long) or pickup_at (too soon).
func (r *StoreRule) Admits(now, pickup time.Time, days int) error {
	if r.Deleted {
		return nil
	}
	switch {
	case days < r.MinDays:
		return Invalid("return_at", "store %s rents for at least %d days; this rental is %d", r.StoreCode, r.MinDays, days).Because(ReasonRange)
	case r.MaxDays > 0 && days > r.MaxDays:
		return Invalid("return_at", "store %s rents for at most %d days; this rental is %d", r.StoreCode, r.MaxDays, days).Because(ReasonRange)
	case r.AdvanceHours > 0 && pickup.Before(now.Add(time.Duration(r.AdvanceHours)*time.Hour)):
		return Invalid("pickup_at", "store %s takes orders at least %d hours before the pick-up", r.StoreCode, r.AdvanceHours).Because(ReasonRange)
	}
	return nil
}
