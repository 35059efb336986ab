package park

import (
	"context"
	"time"
)

// Space sources: who reported a space's state.
const (
	SourceSensor = "sensor" // a bay sensor (ultrasonic, geomagnetic): occupied or not, no plate
	SourceCamera = "camera" // a guidance camera over the bay: may read the plate
)

// Space is one numbered parking space of a lot and its last reported
// state. A lot without spaces is counted only by its gate flow.
type Space struct {
	LotCode string `json:"-"`
	Code    string `json:"code"` // unique per lot, e.g. "B1-A-017"
	Floor   string `json:"floor"`
	Zone    string `json:"zone"`
	Kind    string `json:"kind,omitempty"` // "", "ev", "disabled", ...

	// State: nil ReportedAt means never reported (counted as free).
	Occupied   bool       `json:"occupied"`
	Plate      string     `json:"plate,omitempty"` // the plate seen in the space, display form
	PlateKey   string     `json:"-"`
	Since      *time.Time `json:"since,omitempty"`       // when Occupied or Plate last changed
	ReportedAt *time.Time `json:"reported_at,omitempty"` // the newest applied report's time
	// PlateAt is when a camera last reported Plate here (nil without a
	// plate): a sensor's report keeps the plate but does not see it.
	PlateAt *time.Time `json:"plate_at,omitempty"`
	Source  string     `json:"source,omitempty"` // SourceSensor or SourceCamera
}

// SpaceFilter selects a lot's spaces; empty fields select all.
type SpaceFilter struct {
	LotCode   string
	Floor     string
	Zone      string
	AfterCode string // keyset pagination: spaces with a greater code
	Limit     int    // < 0: no limit
}

// SpaceCount is the number of spaces of one floor and zone and how many of
// them are occupied.
type SpaceCount struct {
	Floor    string
	Zone     string
	Total    int
	Occupied int
}

// SpaceTx is the part of Tx for spaces.
type SpaceTx interface {
	// ReplaceSpaces makes the lot's spaces exactly spaces (by code): new
	// codes are added free, missing ones deleted, and a code that stays
	// keeps its state while its floor, zone and kind are replaced. It
	// returns ENotFound when the lot does not exist.
	ReplaceSpaces(ctx context.Context, lot string, spaces []*Space) error
	// ListSpaces lists spaces in code order.
	ListSpaces(ctx context.Context, f SpaceFilter) ([]*Space, error)
	// GetSpace returns one space (ENotFound).
	GetSpace(ctx context.Context, lot, code string) (*Space, error)
	// SetSpaceState stores the state fields of sp (Occupied, Plate,
	// PlateKey, Since, ReportedAt, PlateAt, Source); ENotFound when it is
	// missing.
	SetSpaceState(ctx context.Context, sp *Space) error
	// LocateCar returns the space whose plate plateKey was most recently
	// reported (by PlateAt), at or after since, or nil when there is none.
	LocateCar(ctx context.Context, lot, plateKey string, since time.Time) (*Space, error)
	// CountSpaces counts the lot's spaces per floor and zone, ordered by
	// floor then zone; a lot without spaces gives none.
	CountSpaces(ctx context.Context, lot string) ([]SpaceCount, error)
}
