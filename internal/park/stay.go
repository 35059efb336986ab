package park

import "time"

// Vehicle classes; tariffs may price each differently.
const (
	ClassSmall      = "small"
	ClassLarge      = "large"
	ClassNewEnergy  = "new_energy"
	ClassMotorcycle = "motorcycle"
)

// ValidClass reports whether c is a known vehicle class.
func ValidClass(c string) bool {
	switch c {
	case ClassSmall, ClassLarge, ClassNewEnergy, ClassMotorcycle:
		return true
	}
	return false
}

// Stay states.
const (
	StayIn  = "in"  // the car is inside
	StayOut = "out" // the car has left (or the stay was closed by an anomaly)
)

// Stay is one car's visit to a lot, from entry to exit.
type Stay struct {
	ID           string     `json:"id"`
	LotCode      string     `json:"lot_code"`
	Plate        string     `json:"plate"`
	PlateKey     string     `json:"-"` // matching form of Plate (see internal/plate)
	VehicleClass string     `json:"vehicle_class"`
	Locator      string     `json:"locator"`
	EntryAt      time.Time  `json:"entry_at"`
	EntryLane    string     `json:"entry_lane"`
	ExitAt       *time.Time `json:"exit_at,omitempty"`
	ExitLane     string     `json:"exit_lane,omitempty"`
	State        string     `json:"state"`
	PassID       string     `json:"pass_id,omitempty"` // the pass whose space this car holds
	Total        int64      `json:"amount_total"`
	Paid         int64      `json:"amount_paid"`
	Discount     int64      `json:"amount_discount"`
	PaidUntil    *time.Time `json:"paid_until,omitempty"`
	Anomaly      string     `json:"anomaly,omitempty"`
	Source       string     `json:"source,omitempty"` // who registered the entry (a partner id), "" for lanes
	// ReservationID is the first reservation the stay took (the one the car
	// entered on, or the earliest whose window it was inside during, taken
	// as it left), "" for none: the stay's others are looked up only when set.
	ReservationID string `json:"reservation_id,omitempty"`
	// KeptFree is the free time of access withdrawn while the car was
	// inside (a pass or an allow entry deleted): the stay keeps it.
	KeptFree []Period `json:"-"`
	// PassFrom is when the car took its pass's space, when that was after
	// its entry (the pass was bought, renewed or given its plate while the
	// car was inside): the pass frees the stay from then on. nil: at entry.
	PassFrom  *time.Time `json:"-"`
	UpdatedAt time.Time  `json:"updated_at"`
	Version   int64      `json:"-"`
}

// Gross is what the stay costs so far before deductions (Total is after).
func (s *Stay) Gross() int64 { return s.Total + s.Discount }

// StayFilter selects stays of a lot for listing.
type StayFilter struct {
	LotCode  string
	State    string // "", StayIn or StayOut
	PlateKey string
	Limit    int
	AfterID  string // keyset pagination: stays with ID greater than this
}
