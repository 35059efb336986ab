package park

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Pass is a monthly pass (月租): while valid, up to Spaces of its plates may
// be inside at once for free; an extra car pays as a visitor.
type Pass struct {
	ID         string    `json:"id"`
	LotCode    string    `json:"lot_code"`
	HolderName string    `json:"holder_name"`
	Mobile     string    `json:"mobile,omitempty"`
	UserCode   string    `json:"user_code,omitempty"`
	Plates     []string  `json:"plates"`
	PlateKeys  []string  `json:"-"`
	Spaces     int       `json:"spaces"`
	ValidFrom  time.Time `json:"valid_from"`
	ValidTo    time.Time `json:"valid_to"`
	Plan       string    `json:"plan,omitempty"`
	Slots      []Slot    `json:"slots,omitempty"` // daily free windows; empty: the whole day
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Version    int64     `json:"-"`
	// CreatedAs is what the create that made the pass asked for, in the
	// form access writes it ("" for a pass made otherwise, or before it
	// was kept): a store writes it with the pass and never changes it.
	CreatedAs string `json:"-"`
	// CreatedKey is the key a resend of that create finds the pass by,
	// whatever its plates became (access derives it from CreatedAs; ""
	// as CreatedAs): written with the pass and never changed.
	CreatedKey string `json:"-"`
}

var mobileRE = regexp.MustCompile(`^\+?[0-9]{5,20}$`)

// MaxPassPlates bounds the plates of one pass.
const MaxPassPlates = 20

// SpacesRange refuses a pass's spaces outside 1 to its number of plates.
func SpacesRange(plates int) *Error {
	return Invalid("spaces", "must be between 1 and the number of plates (%d); leave it out for one per plate", plates).
		Because(ReasonRange, "1", strconv.Itoa(plates))
}

// Validate checks a pass; plates must already be normalised.
func (p *Pass) Validate() error {
	switch {
	// A name of blanks names no one, like an empty one.
	case strings.TrimSpace(p.HolderName) == "":
		return Invalid("holder_name", "is required (at most 200 bytes)").Because(ReasonRequired)
	case len(p.HolderName) > 200:
		return Invalid("holder_name", "must be at most 200 bytes, not %d", len(p.HolderName)).Because(ReasonLength, "1", "200")
	case p.Mobile != "" && !mobileRE.MatchString(p.Mobile):
		return Invalid("mobile", "must be 5-20 digits, optionally starting with +").Because(ReasonFormat)
	case len(p.UserCode) > 64:
		return Invalid("user_code", "must be at most 64 characters, not only blanks").Because(ReasonLength, "0", "64")
	case p.UserCode != "" && strings.TrimSpace(p.UserCode) == "":
		// A code of blanks would key a pass no partner system can name.
		return Invalid("user_code", "must be at most 64 characters, not only blanks").Because(ReasonFormat)
	case len(p.Plates) == 0:
		return Invalid("plates", "at least one plate is required").Because(ReasonRequired)
	case len(p.Plates) > MaxPassPlates:
		return Invalid("plates", "at most %d plates", MaxPassPlates).Because(ReasonRange, "1", strconv.Itoa(MaxPassPlates))
	case p.Spaces < 1 || p.Spaces > len(p.Plates):
		return SpacesRange(len(p.Plates))
	case p.ValidFrom.IsZero():
		return Invalid("valid_from", "is required").Because(ReasonRequired)
	case p.ValidTo.IsZero():
		return Invalid("valid_to", "is required: the pass's end, after valid_from").Because(ReasonRequired)
	case !p.ValidTo.After(p.ValidFrom):
		return Invalid("valid_to", "must be after valid_from").Because(ReasonOrder)
	case len(p.Plan) > 64:
		return Invalid("plan", "must be at most 64 characters").Because(ReasonLength, "0", "64")
	}
	if err := CheckTexts("holder_name", p.HolderName, "user_code", p.UserCode, "plan", p.Plan); err != nil {
		return err
	}
	if err := ValidateSlots("slots", p.Slots); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, k := range p.PlateKeys {
		if seen[k] {
			return Invalid("plates", "plate listed twice").Because(ReasonDuplicate)
		}
		seen[k] = true
	}
	return nil
}

// ValidAt reports whether the pass covers instant t.
func (p *Pass) ValidAt(t time.Time) bool {
	return !t.Before(p.ValidFrom) && t.Before(p.ValidTo)
}

// Access list kinds: a whitelisted car enters and leaves free while its
// entry is valid; a refused car is kept out.
const (
	AccessAllow = "allow"
	AccessDeny  = "deny"
)

// List categories: which list an entry belongs to. The gate treats them
// alike (Kind decides); they tell apart the lists partners keep.
const (
	ListWhite   = ""        // the operator's whitelist or deny list
	ListSpecial = "special" // special vehicles (police, ambulance, fire, blacklist); Reason is the type
	ListHotel   = "hotel"   // a hotel guest's car, free while the guest stays; Reason is the room
)

// MaxRoomLen bounds a hotel car's room (its Reason), in characters.
const MaxRoomLen = 32

// WhitelistEntry lets one plate in and out of a lot free (or keeps it out,
// with Kind deny) during a validity window.
type WhitelistEntry struct {
	ID        string    `json:"id"`
	LotCode   string    `json:"lot_code"`
	Plate     string    `json:"plate"`
	PlateKey  string    `json:"-"`
	Kind      string    `json:"kind"`
	Category  string    `json:"category"`
	ValidFrom time.Time `json:"valid_from"`
	ValidTo   time.Time `json:"valid_to"`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"-"`
}

// Validate checks an entry; the plate must already be normalised.
func (w *WhitelistEntry) Validate() error {
	switch {
	case w.Kind != AccessAllow && w.Kind != AccessDeny:
		return Invalid("kind", "must be %q or %q", AccessAllow, AccessDeny).Because(ReasonUnknown)
	case w.Category != ListWhite && w.Category != ListSpecial && w.Category != ListHotel:
		return Invalid("category", "must be empty, %q or %q", ListSpecial, ListHotel).Because(ReasonUnknown)
	case w.ValidFrom.IsZero():
		return Invalid("valid_from", "is required").Because(ReasonRequired)
	case w.ValidTo.IsZero() || !w.ValidTo.After(w.ValidFrom):
		return Invalid("valid_to", "must be after valid_from").Because(ReasonOrder)
	case len(w.Reason) > 200:
		return Invalid("reason", "must be at most 200 bytes").Because(ReasonLength, "0", "200")
	}
	return CheckText("reason", w.Reason)
}

// ValidAt reports whether the entry applies at instant t.
func (w *WhitelistEntry) ValidAt(t time.Time) bool {
	return !t.Before(w.ValidFrom) && t.Before(w.ValidTo)
}

// AllowsAt reports whether the entry lets its car in at instant t.
func (w *WhitelistEntry) AllowsAt(t time.Time) bool { return w.Kind == AccessAllow && w.ValidAt(t) }

// DeniesAt reports whether the entry keeps its car out at instant t,
// whatever else the car holds (a pass).
func (w *WhitelistEntry) DeniesAt(t time.Time) bool { return w.Kind == AccessDeny && w.ValidAt(t) }

// PageFilter selects one page of a lot's passes or whitelist entries, in
// id order (keyset pagination: ids are time-ordered, so one added while a
// client pages comes after every page already read).
type PageFilter struct {
	LotCode string
	AfterID string // those with an id greater than this; "" from the start
	Limit   int
}

// EntryFilter selects one page of one list of a lot, in plate key order.
type EntryFilter struct {
	LotCode       string
	Category      string // ListWhite, ListSpecial or ListHotel
	Kind          string // "" any kind, else AccessAllow or AccessDeny
	AfterPlateKey string // those whose plate key sorts after this; "" from the start
	Limit         int
}
