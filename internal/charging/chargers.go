package charging

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"regexp"
	"strconv"

	"parkd/internal/park"
)

// ChargerInput is what an operator says about a charger.
type ChargerInput struct {
	ID         string
	LotCode    string
	SpaceCode  string
	Family     int
	Type       string
	Connectors int
	StandardID int64
	// Password is the charger's OCPP Basic password: 16 to 40 printable
	// ASCII characters (OCPP security profile 1's AuthorizationKey).
	Password string
}

// A charge point id is the last segment of its OCPP URL: OCPP's
// CiString20 identity, kept to characters that need no escaping.
var chargerIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,20}$`)

var passwordPattern = regexp.MustCompile(`^[\x21-\x7e]{16,40}$`)

// ValidChargerID reports whether id may name a charge point.
func ValidChargerID(id string) bool { return chargerIDPattern.MatchString(id) }

// hashPassword keeps a charger's password as its SHA-256: the password is
// a long random key, not a person's password, so a slow hash would only
// make every reconnection of a few thousand chargers expensive.
func hashPassword(p string) string {
	sum := sha256.Sum256([]byte(p))
	return hex.EncodeToString(sum[:])
}

func (in *ChargerInput) check(tx park.Tx, ctx context.Context, withPassword bool) error {
	if !ValidChargerID(in.ID) {
		return park.Invalid("id", "must be 1 to 20 letters, digits, '.', '_' or '-', not %q", in.ID).Because(park.ReasonFormat)
	}
	if err := text("space_code", in.SpaceCode, false); err != nil {
		return err
	}
	if err := text("type", in.Type, false); err != nil {
		return err
	}
	if in.Family != park.FamilyTwoWheeler && in.Family != park.FamilyCar {
		return park.Invalid("family", "must be 0 (two-wheeler) or 1 (car), not %d", in.Family).Because(park.ReasonRange, "0", "1")
	}
	if in.Connectors < 1 || in.Connectors > MaxConnectors {
		return park.Invalid("connectors", "must be between 1 and %d, not %d", MaxConnectors, in.Connectors).Because(park.ReasonRange, "1", strconv.FormatInt(int64(MaxConnectors), 10))
	}
	if in.Family == park.FamilyCar && in.Connectors > 2 {
		return park.Invalid("connectors", "a car pile has one or two connectors, not %d", in.Connectors).Because(park.ReasonRange, "1", "2")
	}
	if withPassword && !passwordPattern.MatchString(in.Password) {
		return park.Invalid("password", "must be 16 to 40 printable ASCII characters without spaces").Because(park.ReasonFormat)
	}
	if _, err := tx.GetLotSettings(ctx, in.LotCode); err != nil {
		if park.IsCode(err, park.ENotFound) {
			return park.Invalid("lot_code", "lot %q does not exist", in.LotCode).Because(park.ReasonUnknown)
		}
		return err
	}
	if in.SpaceCode != "" {
		if _, err := tx.GetSpace(ctx, in.LotCode, in.SpaceCode); err != nil {
			if park.IsCode(err, park.ENotFound) {
				return park.Invalid("space_code", "lot %q has no space %q", in.LotCode, in.SpaceCode).Because(park.ReasonUnknown)
			}
			return err
		}
	}
	st, err := tx.GetPriceStandard(ctx, in.StandardID)
	if park.IsCode(err, park.ENotFound) {
		return park.Invalid("standard_id", "price standard %d does not exist", in.StandardID).Because(park.ReasonUnknown)
	}
	if err != nil {
		return err
	}
	if st.Family != in.Family {
		return park.Invalid("standard_id", "price standard %d is for family %d, the charger is family %d", st.ID, st.Family, in.Family).Because(park.ReasonNotApplicable)
	}
	return nil
}

// RegisterCharger registers a charger (EInvalid, EConflict when the id
// is taken).
func (s *Service) RegisterCharger(ctx context.Context, in ChargerInput) (*park.Charger, error) {
	now := s.base.Clock()
	c := &park.Charger{ID: in.ID, LotCode: in.LotCode, SpaceCode: in.SpaceCode, Family: in.Family, Type: in.Type,
		Connectors: in.Connectors, StandardID: in.StandardID, Availability: park.ChargerOperative,
		PasswordHash: hashPassword(in.Password), CreatedAt: now, UpdatedAt: now}
	err := s.base.Write(ctx, func(tx park.Tx) error {
		if err := in.check(tx, ctx, true); err != nil {
			return err
		}
		return park.Taken(tx.CreateCharger(ctx, c), "id")
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Charger returns a charger (ENotFound).
func (s *Service) Charger(ctx context.Context, id string) (*park.Charger, error) {
	var c *park.Charger
	err := s.base.View(ctx, func(tx park.Tx) (err error) { c, err = tx.GetCharger(ctx, id); return })
	if err == nil {
		s.overlay(c)
	}
	return c, err
}

// Chargers lists a lot's chargers ("" for all), retired ones included.
func (s *Service) Chargers(ctx context.Context, lot string) ([]*park.Charger, error) {
	var cs []*park.Charger
	err := s.base.View(ctx, func(tx park.Tx) (err error) { cs, err = tx.ListChargers(ctx, lot); return })
	for _, c := range cs {
		s.overlay(c)
	}
	return cs, err
}

// ChargerPatch changes a charger; nil fields stay.
type ChargerPatch struct {
	SpaceCode    *string
	Type         *string
	Connectors   *int
	StandardID   *int64
	Password     *string
	Availability *string
}

// UpdateCharger changes a charger (ENotFound, EInvalid). A retired
// charger cannot be changed.
func (s *Service) UpdateCharger(ctx context.Context, id string, p ChargerPatch) (*park.Charger, error) {
	var c *park.Charger
	err := s.base.Update(ctx, func(tx park.Tx) (err error) {
		if c, err = tx.GetCharger(ctx, id); err != nil {
			return err
		}
		if c.Retired != nil {
			return park.Errorf(park.EConflict, "charger %q is retired", id)
		}
		in := ChargerInput{ID: c.ID, LotCode: c.LotCode, SpaceCode: c.SpaceCode, Family: c.Family, Type: c.Type,
			Connectors: c.Connectors, StandardID: c.StandardID}
		set(&in.SpaceCode, p.SpaceCode)
		set(&in.Type, p.Type)
		set(&in.Connectors, p.Connectors)
		set(&in.StandardID, p.StandardID)
		set(&in.Password, p.Password)
		if err := in.check(tx, ctx, p.Password != nil); err != nil {
			return err
		}
		if p.Availability != nil && *p.Availability != park.ChargerOperative && *p.Availability != park.ChargerInoperative {
			return park.Invalid("availability", "must be operative or inoperative, not %q", *p.Availability).Because(park.ReasonUnknown)
		}
		c.SpaceCode, c.Type, c.Connectors, c.StandardID = in.SpaceCode, in.Type, in.Connectors, in.StandardID
		set(&c.Availability, p.Availability)
		if p.Password != nil {
			c.PasswordHash = hashPassword(*p.Password)
		}
		c.UpdatedAt = s.base.Clock()
		return tx.UpdateCharger(ctx, c)
	})
	return c, err
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// RetireCharger takes a charger out of service for good: it can no longer
// connect (ENotFound; EConflict while a session is open on it).
func (s *Service) RetireCharger(ctx context.Context, id string) (*park.Charger, error) {
	var c *park.Charger
	err := s.base.Update(ctx, func(tx park.Tx) (err error) {
		if c, err = tx.GetCharger(ctx, id); err != nil || c.Retired != nil {
			return err
		}
		for n := 1; n <= c.Connectors; n++ {
			if _, err := tx.OpenChargeSession(ctx, id, n); err == nil {
				return park.Errorf(park.EConflict, "charger %q has an open session on connector %d", id, n)
			} else if !park.IsCode(err, park.ENotFound) {
				return err
			}
		}
		now := s.base.Clock()
		c.Retired, c.UpdatedAt, c.Online = &now, now, false
		return tx.UpdateCharger(ctx, c)
	})
	return c, err
}

// CheckPassword returns the charger when id names a charger in service and
// password is its password; otherwise EUnauthorized, the same for every
// reason so that a caller learns nothing about which ids exist.
func (s *Service) CheckPassword(ctx context.Context, id, password string) (*park.Charger, error) {
	c, err := s.Charger(ctx, id)
	if err != nil && !park.IsCode(err, park.ENotFound) {
		return nil, err
	}
	want := hashPassword("\x00 no charger \x00")
	if c != nil {
		want = c.PasswordHash
	}
	ok := subtle.ConstantTimeCompare([]byte(hashPassword(password)), []byte(want)) == 1
	if c == nil || !ok || c.Retired != nil {
		return nil, park.Errorf(park.EUnauthorized, "unknown charge point or wrong password")
	}
	return c, nil
}

// Port states (PortState.State): what a connector can do now.
const (
	PortFree    = "free"
	PortBusy    = "busy"    // a session is open on it, or the charger reports it in use
	PortFault   = "fault"   // the charger reports it Faulted or Unavailable
	PortOffline = "offline" // the charger is offline
)

// PortState is one connector's state and the session open on it ("" for
// none).
type PortState struct {
	Connector int
	State     string
	Session   string
}

// PortStates returns the state of each of a charger's connectors, 1 to
// Connectors. The one rule for every view: a connector with an open
// session (pending or charging) is busy, as StartSession finds it,
// whatever the charger reported or whether it is online (a charger may
// send no StatusNotification); otherwise it is offline with its charger,
// else as the charger last reported it.
func (s *Service) PortStates(ctx context.Context, c *park.Charger) ([]PortState, error) {
	open := map[int]string{}
	err := s.base.View(ctx, func(tx park.Tx) error {
		for _, status := range []string{park.SessionPending, park.SessionCharging} {
			page, err := tx.ListChargeSessions(ctx, park.ChargeSessionFilter{ChargerID: c.ID, Status: status, Limit: MaxListLimit})
			if err != nil {
				return err
			}
			for _, sess := range page {
				open[sess.Connector] = sess.ID
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	reported := map[int]string{}
	for _, p := range c.Ports {
		reported[p.Connector] = p.Status
	}
	out := make([]PortState, c.Connectors)
	for n := 1; n <= c.Connectors; n++ {
		st := PortState{Connector: n, State: PortFree, Session: open[n]}
		switch {
		case st.Session != "":
			st.State = PortBusy
		case !c.Online:
			st.State = PortOffline
		default:
			switch reported[n] {
			case "Charging", "SuspendedEV", "SuspendedEVSE", "Preparing", "Finishing":
				st.State = PortBusy
			case "Faulted", "Unavailable":
				st.State = PortFault
			}
		}
		out[n-1] = st
	}
	return out, nil
}
