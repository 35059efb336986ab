package spaces

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/plate"
)

// Bounds of the spaces API.
const (
	MaxSpaces       = 10_000 // spaces of one lot
	MaxSpaceReports = 1_000  // reports in one batch
)

// SpaceKinds are the kinds a space may have besides none.
var SpaceKinds = []string{"ev", "disabled", "large", "motorcycle", "family"}

var spaceCodeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// validLabel checks a floor or zone name: printable UTF-8, at most 32 bytes.
func validLabel(s string) bool {
	if len(s) > 32 || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

func validSpace(i int, sp *park.Space) error {
	field := func(name string) string { return fmt.Sprintf("spaces[%d].%s", i, name) }
	switch {
	case !spaceCodeRE.MatchString(sp.Code):
		return park.Invalid(field("code"), "must be 1-32 letters, digits, '_' or '-'").Because(park.ReasonFormat)
	case sp.Floor == "":
		return park.Invalid(field("floor"), "is required: 1-32 bytes of printable text").Because(park.ReasonRequired)
	case len(sp.Floor) > 32:
		return park.Invalid(field("floor"), "is required: 1-32 bytes of printable text").Because(park.ReasonLength, "1", "32")
	case !validLabel(sp.Floor):
		return park.Invalid(field("floor"), "is required: 1-32 bytes of printable text").Because(park.ReasonFormat)
	case len(sp.Zone) > 32:
		return park.Invalid(field("zone"), "must be at most 32 bytes of printable text").Because(park.ReasonLength, "0", "32")
	case !validLabel(sp.Zone):
		return park.Invalid(field("zone"), "must be at most 32 bytes of printable text").Because(park.ReasonFormat)
	case sp.Kind != "" && !slices.Contains(SpaceKinds, sp.Kind):
		return park.Invalid(field("kind"), "must be empty or one of %v", SpaceKinds).Because(park.ReasonUnknown)
	}
	return nil
}

// ReplaceSpaces makes a lot's spaces exactly these, all or nothing: every
// space is checked (code unique per lot, floor required, zone and kind
// optional) before anything is written. A code that stays keeps its
// state; the others start free. Errors: EInvalid naming spaces[i].field,
// ENotFound (lot).
func (s *Service) ReplaceSpaces(ctx context.Context, lot string, spaces []*park.Space) ([]*park.Space, error) {
	if len(spaces) > MaxSpaces {
		return nil, park.Invalid("spaces", "at most %d spaces per lot", MaxSpaces).Because(park.ReasonRange, "0", strconv.Itoa(MaxSpaces))
	}
	seen := make(map[string]int, len(spaces))
	for i, sp := range spaces {
		if sp == nil {
			return nil, park.Invalid(fmt.Sprintf("spaces[%d]", i), "must be an object").Because(park.ReasonType)
		}
		if err := validSpace(i, sp); err != nil {
			return nil, err
		}
		if j, dup := seen[sp.Code]; dup {
			return nil, park.Invalid(fmt.Sprintf("spaces[%d].code", i), "%q is also spaces[%d]: codes are unique per lot", sp.Code, j).Because(park.ReasonDuplicate)
		}
		seen[sp.Code] = i
		sp.LotCode = lot
	}
	err := s.base.Update(ctx, func(tx park.Tx) error { return tx.ReplaceSpaces(ctx, lot, spaces) })
	if err != nil {
		return nil, err
	}
	return s.ListSpaces(ctx, SpaceQuery{LotCode: lot, Limit: -1})
}

// SpaceQuery selects a lot's spaces: by floor and zone when set, one page
// of Limit (1-park.MaxListLimit, 0: core.DefaultPage; -1: all, for
// ListSpaces' internal callers) after the code AfterCode.
type SpaceQuery struct {
	LotCode, Floor, Zone, AfterCode string
	Limit                           int
}

// ListSpaces lists a lot's spaces with their state, in code order: all
// of them with Limit -1, else one page as SpacePage reads it, without
// saying whether more follow: a reply that gives a next page uses
// SpacePage.
// Errors: EInvalid (limit), ENotFound (lot).
func (s *Service) ListSpaces(ctx context.Context, q SpaceQuery) ([]*park.Space, error) {
	if q.Limit == -1 {
		return s.readSpaces(ctx, q)
	}
	out, _, err := s.SpacePage(ctx, q)
	return out, err
}

// SpacePage returns one page of a lot's spaces in code order, those
// whose code sorts after q.AfterCode ("" from the start), at most q.Limit
// (0: core.DefaultPage), and whether more follow, as the other native
// lists page. AfterCode must be a space code; the space need not exist:
// a deleted space leaves nothing to tell it from one never given, and
// the page after its place is the right one.
// Errors: EInvalid (limit, after), ENotFound (lot).
func (s *Service) SpacePage(ctx context.Context, q SpaceQuery) ([]*park.Space, bool, error) {
	limit, err := core.PageLimit(q.Limit)
	if err != nil {
		return nil, false, err
	}
	if q.AfterCode != "" && !spaceCodeRE.MatchString(q.AfterCode) {
		return nil, false, park.Invalid("after", "%q is not a space code: pass the next of the previous page", q.AfterCode).Because(park.ReasonFormat)
	}
	q.Limit = limit + 1
	out, err := s.readSpaces(ctx, q)
	if err != nil {
		return nil, false, err
	}
	out, more := core.Page(out, limit)
	return out, more, nil
}

// readSpaces reads the spaces q selects, q.Limit of them (-1: all).
func (s *Service) readSpaces(ctx context.Context, q SpaceQuery) ([]*park.Space, error) {
	var out []*park.Space
	err := s.base.View(ctx, func(tx park.Tx) error {
		if _, err := tx.GetLotSettings(ctx, q.LotCode); err != nil {
			return err
		}
		var err error
		out, err = tx.ListSpaces(ctx, park.SpaceFilter{LotCode: q.LotCode, Floor: q.Floor, Zone: q.Zone,
			AfterCode: q.AfterCode, Limit: q.Limit})
		return err
	})
	return out, err
}

// SpaceReport is what a bay sensor or guidance camera says about a space.
type SpaceReport struct {
	Space    string    `json:"space"`
	Occupied bool      `json:"occupied"`
	Plate    string    `json:"plate,omitempty"` // read by a camera; only with occupied
	At       time.Time `json:"at"`
	Source   string    `json:"source,omitempty"` // sensor or camera (default: camera with a plate, else sensor)
}

// ReportResult says whether a report changed the space: a report older
// than (or as old as) the state already stored is not applied.
type ReportResult struct {
	Space   string `json:"space"`
	Applied bool   `json:"applied"`
}

// ReportSpaces applies a batch of space reports in order, all or nothing.
// Reports are last-writer-wins by At: one not newer than the space's last
// applied report changes nothing, so a late or replayed report never
// overwrites a newer state and a retried batch is harmless. A report
// without a plate keeps the plate already seen in a space that stays
// occupied (bay sensors cannot read plates); a free report clears it. A
// report with a plate records where that car is parked. Errors: EInvalid
// naming reports[i].field, ENotFound (lot, or reports[i].space).
func (s *Service) ReportSpaces(ctx context.Context, lot string, reports []SpaceReport) ([]ReportResult, error) {
	now := s.base.Clock()
	if len(reports) == 0 || len(reports) > MaxSpaceReports {
		return nil, park.Invalid("reports", "give 1 to %d reports", MaxSpaceReports).Because(park.ReasonRange, "1", strconv.Itoa(MaxSpaceReports))
	}
	keys := make([]plate.Plate, len(reports))
	for i := range reports {
		r := &reports[i]
		field := func(name string) string { return fmt.Sprintf("reports[%d].%s", i, name) }
		if r.Source == "" {
			r.Source = park.SourceSensor
			if r.Plate != "" {
				r.Source = park.SourceCamera
			}
		}
		switch {
		case r.Space == "":
			return nil, park.Invalid(field("space"), "is required").Because(park.ReasonRequired)
		case park.CheckReportTime(field("at"), r.At, now) != nil:
			return nil, park.CheckReportTime(field("at"), r.At, now)
		case r.Source != park.SourceSensor && r.Source != park.SourceCamera:
			return nil, park.Invalid(field("source"), "must be %q or %q", park.SourceSensor, park.SourceCamera).Because(park.ReasonUnknown)
		case r.Plate != "" && !r.Occupied:
			return nil, park.Invalid(field("plate"), "a free space holds no plate").Because(park.ReasonExcludes, "occupied")
		}
		r.At = r.At.UTC().Truncate(park.Precision)
		if r.Plate != "" {
			p, err := plate.Normalize(r.Plate)
			if err != nil {
				return nil, core.PlateInvalid(field("plate"), err)
			}
			keys[i] = p
		}
	}
	var out []ReportResult
	err := s.base.Update(ctx, func(tx park.Tx) error {
		out = make([]ReportResult, len(reports))
		if _, err := tx.GetLotSettings(ctx, lot); err != nil {
			return err
		}
		for i, r := range reports {
			sp, err := tx.GetSpace(ctx, lot, r.Space)
			if park.IsCode(err, park.ENotFound) {
				return &park.Error{Code: park.ENotFound, Field: fmt.Sprintf("reports[%d].space", i),
					Message: fmt.Sprintf("space %q is not a space of lot %s", r.Space, lot)}
			}
			if err != nil {
				return err
			}
			out[i].Space = r.Space
			if !applyReport(sp, r, keys[i]) {
				continue
			}
			out[i].Applied = true
			if err := tx.SetSpaceState(ctx, sp); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// applyReport is the last-writer-wins rule: it updates sp from r and
// reports whether r was newer than sp's state.
func applyReport(sp *park.Space, r SpaceReport, p plate.Plate) bool {
	if sp.ReportedAt != nil && !r.At.After(*sp.ReportedAt) {
		return false
	}
	text, key, seen := sp.Plate, sp.PlateKey, sp.PlateAt
	switch {
	case !r.Occupied:
		text, key, seen = "", "", nil
	case p.Key != "":
		at := r.At
		text, key, seen = p.Text, p.Key, &at
	case !sp.Occupied:
		text, key, seen = "", "", nil // newly occupied by a car nobody read
	}
	if sp.Since == nil || sp.Occupied != r.Occupied || sp.PlateKey != key {
		at := r.At
		sp.Since = &at
	}
	at := r.At
	sp.Occupied, sp.Plate, sp.PlateKey, sp.ReportedAt, sp.PlateAt, sp.Source = r.Occupied, text, key, &at, seen, r.Source
	return true
}

// Remaining is a count of spaces: all, occupied and free.
type Remaining struct {
	Total    int `json:"total"`
	Occupied int `json:"occupied"`
	Free     int `json:"free"`
}

// AreaRemaining is the count of one zone of a floor.
type AreaRemaining struct {
	Zone string `json:"zone"`
	Remaining
}

// FloorRemaining is the count of one floor and of each of its zones.
type FloorRemaining struct {
	Floor string `json:"floor"`
	Remaining
	Zones []AreaRemaining `json:"zones"`
}

// GarageRemaining is a lot's free spaces in total and per floor and zone.
// BySpace tells whether it comes from space states; a lot without spaces
// reports its gate count against its capacity, as Occupancy does, and
// no floors.
type GarageRemaining struct {
	BySpace bool `json:"by_space"`
	Remaining
	Floors []FloorRemaining `json:"floors"`
}

// GarageRemaining counts a lot's free spaces (ENotFound). A space never
// reported counts as free.
func (s *Service) GarageRemaining(ctx context.Context, lot string) (*GarageRemaining, error) {
	var (
		counts []park.SpaceCount
		l      *park.Lot
	)
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		if l, err = tx.GetLot(ctx, lot); err != nil {
			return err
		}
		counts, err = tx.CountSpaces(ctx, lot)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &GarageRemaining{Floors: []FloorRemaining{}}
	if len(counts) == 0 {
		occ := park.NewOccupancy(l.Capacity, l.Occupied)
		out.Remaining = Remaining{Total: occ.Capacity, Occupied: occ.Occupied, Free: occ.Free}
		return out, nil
	}
	out.BySpace = true
	for _, c := range counts { // ordered by floor, then zone
		r := Remaining{Total: c.Total, Occupied: c.Occupied, Free: c.Total - c.Occupied}
		if n := len(out.Floors); n == 0 || out.Floors[n-1].Floor != c.Floor {
			out.Floors = append(out.Floors, FloorRemaining{Floor: c.Floor, Zones: []AreaRemaining{}})
		}
		f := &out.Floors[len(out.Floors)-1]
		f.Zones = append(f.Zones, AreaRemaining{Zone: c.Zone, Remaining: r})
		f.add(r)
		out.add(r)
	}
	return out, nil
}

func (a *Remaining) add(b Remaining) {
	a.Total += b.Total
	a.Occupied += b.Occupied
	a.Free += b.Free
}

// CarLocation is where a car inside a lot is parked; Space is nil while
// no space has reported its plate since it entered.
type CarLocation struct {
	Stay  *park.Stay
	Space *park.Space
}

// LocateCar finds where a car is parked: the space last reported with
// its plate since the car's entry, while its stay is open. A report from
// before the entry is ignored, so a car that left and came back is not
// sent to its old space. Errors: EInvalid (plate), ENotFound (lot, or the
// car is not inside).
func (s *Service) LocateCar(ctx context.Context, lot, plateText string) (*CarLocation, error) {
	p, err := plate.Normalize(plateText)
	if err != nil {
		return nil, core.PlateInvalid("plate", err)
	}
	var out *CarLocation
	err = s.base.View(ctx, func(tx park.Tx) error {
		if _, err := tx.GetLotSettings(ctx, lot); err != nil {
			return err
		}
		st, err := tx.FindInside(ctx, lot, p.Key)
		if park.IsCode(err, park.ENotFound) {
			return park.Errorf(park.ENotFound, "plate %s is not in the lot", p.Text)
		}
		if err != nil {
			return err
		}
		out, err = locate(ctx, tx, st)
		return err
	})
	return out, err
}

// locate finds the space of a car inside.
func locate(ctx context.Context, tx park.Tx, st *park.Stay) (*CarLocation, error) {
	sp, err := tx.LocateCar(ctx, st.LotCode, st.PlateKey, st.EntryAt)
	if err != nil {
		return nil, err
	}
	return &CarLocation{Stay: st, Space: sp}, nil
}
