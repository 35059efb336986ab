package charging

import (
	"context"
	"strconv"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/tariff"
)

// StandardInput is a price standard as an operator writes it.
type StandardInput struct {
	ID      int64 // 0: the next free id (create only)
	Name    string
	Family  int
	Display string // "": from the rules' kind (energy shows energy, others time)
	Remark  string
	Rules   park.ChargeRules
	// Bookkeeping of a partner's system, kept as given (see
	// park.PriceStandard).
	Owner, CreatedBy int64
	DeviceTypes      string
}

// maxStandardID is 2^53-1, the largest integer every JSON client reads
// exactly (a JavaScript number); a larger id reads back as another.
const maxStandardID = 1<<53 - 1

func (in *StandardInput) check() error {
	if err := text("name", in.Name, true); err != nil {
		return err
	}
	if len(in.Remark) > 1000 {
		return park.Invalid("remark", "must be at most 1000 bytes, not %d", len(in.Remark)).Because(park.ReasonLength, "0", "1000")
	}
	if err := park.CheckText("remark", in.Remark); err != nil {
		return err
	}
	if err := text("device_types", in.DeviceTypes, false); err != nil {
		return err
	}
	if in.Family != park.FamilyTwoWheeler && in.Family != park.FamilyCar {
		return park.Invalid("family", "must be 0 (two-wheeler) or 1 (car), not %d", in.Family).Because(park.ReasonRange, "0", "1")
	}
	if in.ID < 0 || in.ID > maxStandardID {
		return park.Invalid("id", "must be between 1 and %d, not %d", int64(maxStandardID), in.ID).Because(park.ReasonRange, "1", strconv.FormatInt(int64(maxStandardID), 10))
	}
	if in.Display == "" {
		in.Display = "time"
		if in.Rules.Kind == "energy" {
			in.Display = "energy"
		}
	}
	if !displays[in.Display] {
		return park.Invalid("display", "must be time, money or energy, not %q", in.Display).Because(park.ReasonUnknown)
	}
	st, err := Standard(in.Rules)
	if err != nil {
		return err
	}
	// Store the rules as the model reads them, so what is read back is
	// what prices.
	in.Rules, err = Rules(st)
	return err
}

// CreateStandard stores a new price standard (EInvalid; EConflict when a
// given id is taken).
func (s *Service) CreateStandard(ctx context.Context, in StandardInput) (*park.PriceStandard, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	now := s.base.Clock()
	p := &park.PriceStandard{ID: in.ID, Name: in.Name, Family: in.Family, Display: in.Display, Remark: in.Remark,
		Rules: in.Rules, Owner: in.Owner, CreatedBy: in.CreatedBy, DeviceTypes: in.DeviceTypes, CreatedAt: now, UpdatedAt: now}
	err := s.base.Update(ctx, func(tx park.Tx) error {
		p.ID = in.ID
		if err := tx.CreatePriceStandard(ctx, p); err != nil {
			return park.Taken(err, "id")
		}
		// Standards span lots: the entry names none.
		return s.base.Audit(ctx, tx, &park.AuditEntry{At: now, Action: "price_standard.create",
			Target: strconv.FormatInt(p.ID, 10), After: core.Snapshot(p)})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// ReplaceStandard replaces a standard's name, family, display, remark and
// rules (ENotFound, EInvalid). Sessions already ended keep their bill;
// open ones go on being billed by the version they started on (kept by
// the store), and sessions started from now on by the new one.
func (s *Service) ReplaceStandard(ctx context.Context, id int64, in StandardInput) (*park.PriceStandard, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	var p *park.PriceStandard
	err := s.base.Update(ctx, func(tx park.Tx) (err error) {
		if p, err = tx.GetPriceStandard(ctx, id); err != nil {
			return err
		}
		if in.Family != p.Family {
			cs, err := tx.ListChargers(ctx, "")
			if err != nil {
				return err
			}
			for _, c := range cs {
				if c.StandardID == id && c.Retired == nil {
					return park.Invalid("family", "charger %q of family %d uses the standard", c.ID, c.Family).Because(park.ReasonNotApplicable)
				}
			}
		}
		before := core.Snapshot(p)
		p.Name, p.Family, p.Display, p.Remark, p.Rules, p.UpdatedAt = in.Name, in.Family, in.Display, in.Remark, in.Rules, s.base.Clock()
		if err := tx.UpdatePriceStandard(ctx, p); err != nil {
			return err
		}
		return s.base.Audit(ctx, tx, &park.AuditEntry{At: p.UpdatedAt, Action: "price_standard.update",
			Target: strconv.FormatInt(id, 10), Before: before, After: core.Snapshot(p)})
	})
	return p, err
}

// DeleteStandard deletes a standard no charger in service and no open
// session uses (ENotFound, EConflict).
func (s *Service) DeleteStandard(ctx context.Context, id int64) error {
	return s.base.Update(ctx, func(tx park.Tx) error {
		p, err := tx.GetPriceStandard(ctx, id)
		if err != nil {
			return err
		}
		cs, err := tx.ListChargers(ctx, "")
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.StandardID == id && c.Retired == nil {
				return park.Errorf(park.EConflict, "charger %q uses price standard %d", c.ID, id)
			}
		}
		// An open session is billed by the standard it started on, even
		// after its charger moved to another.
		for _, status := range []string{park.SessionPending, park.SessionCharging} {
			f := park.ChargeSessionFilter{Status: status, Limit: sweepPage}
			for {
				page, err := tx.ListChargeSessions(ctx, f)
				if err != nil {
					return err
				}
				for _, sess := range page {
					if sess.StandardID == id {
						return park.Errorf(park.EConflict, "charge session %q is priced by price standard %d", sess.ID, id)
					}
				}
				if len(page) < f.Limit {
					break
				}
				last := page[len(page)-1]
				f.AfterUpdated, f.AfterID = last.UpdatedAt, last.ID
			}
		}
		if err := tx.DeletePriceStandard(ctx, id); err != nil {
			return err
		}
		return s.base.Audit(ctx, tx, &park.AuditEntry{At: s.base.Clock(), Action: "price_standard.delete",
			Target: strconv.FormatInt(id, 10), Before: core.Snapshot(p)})
	})
}

// LotStandardUse counts the lot's chargers in service on each standard.
func (s *Service) LotStandardUse(ctx context.Context, lot string) (map[int64]int, error) {
	use := map[int64]int{}
	err := s.base.View(ctx, func(tx park.Tx) error {
		clear(use)
		cs, err := tx.ListChargers(ctx, lot)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Retired == nil {
				use[c.StandardID]++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return use, nil
}

// StandardByID returns a standard (ENotFound).
func (s *Service) StandardByID(ctx context.Context, id int64) (*park.PriceStandard, error) {
	var p *park.PriceStandard
	err := s.base.View(ctx, func(tx park.Tx) (err error) { p, err = tx.GetPriceStandard(ctx, id); return })
	return p, err
}

// StandardPage is one page of standards and how many match in all.
type StandardPage struct {
	Standards []*park.PriceStandard
	Total     int
}

// Standards lists standards by name and family (Family -1: any), a page
// of at most MaxListLimit after AfterID; Offset pages skip whole pages.
func (s *Service) Standards(ctx context.Context, f park.PriceStandardFilter, offset int) (*StandardPage, error) {
	if f.Limit < 1 || f.Limit > MaxListLimit {
		return nil, park.Invalid("limit", "must be between 1 and %d, not %d", MaxListLimit, f.Limit).Because(park.ReasonRange, "1", strconv.FormatInt(int64(MaxListLimit), 10))
	}
	if f.Family < -1 || f.Family > park.FamilyCar {
		return nil, park.Invalid("family", "must be 0 (two-wheeler) or 1 (car), not %d", f.Family).Because(park.ReasonRange, "0", "1")
	}
	if offset < 0 || offset > MaxListOffset {
		return nil, park.Invalid("offset", "must be between 0 and %d, not %d", MaxListOffset, offset).Because(park.ReasonRange, "0", strconv.FormatInt(int64(MaxListOffset), 10))
	}
	page := &StandardPage{}
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		if page.Total, err = tx.CountPriceStandards(ctx, f); err != nil {
			return err
		}
		want := f.Limit
		f.Limit += offset
		all, err := tx.ListPriceStandards(ctx, f)
		if err != nil {
			return err
		}
		if offset < len(all) {
			page.Standards = all[offset:min(len(all), offset+want)]
		}
		return nil
	})
	return page, err
}

// Reading is one meter reading of a preview: energy since the start.
type Reading struct {
	At       time.Time
	EnergyWh int64
	PowerW   int64
}

// PreviewInput prices a hypothetical session.
type PreviewInput struct {
	Rules    park.ChargeRules
	Zone     string // IANA zone whose wall clock the windows are read on; "": UTC
	Start    time.Time
	End      time.Time
	Readings []Reading
	Prepaid  int64
	Full     bool
}

// Preview prices a session by rules without storing anything, line by
// line: what an operator checks before publishing a standard.
func (s *Service) Preview(in PreviewInput) (*tariff.ChargeResult, error) {
	st, err := Standard(in.Rules)
	if err != nil {
		return nil, err
	}
	loc := time.UTC
	if in.Zone != "" {
		if loc, err = park.LoadLocation(in.Zone); err != nil {
			return nil, park.Invalid("timezone", "unknown IANA time zone %q", in.Zone).Because(park.ReasonUnknown)
		}
	}
	switch {
	case in.Start.IsZero():
		return nil, park.Invalid("start", "is required").Because(park.ReasonRequired)
	case in.End.Before(in.Start):
		return nil, park.Invalid("end", "must not be before start").Because(park.ReasonOrder)
	case in.End.Sub(in.Start) > 366*24*time.Hour:
		return nil, park.Invalid("end", "a session of more than 366 days cannot be previewed").Because(park.ReasonRange, "0", "366")
	case in.Prepaid < 0 || in.Prepaid > park.MaxAmount:
		return nil, park.Invalid("prepaid", "must be between 0 and %d, not %d", int64(park.MaxAmount), in.Prepaid).Because(park.ReasonRange, "0", strconv.FormatInt(int64(park.MaxAmount), 10))
	case len(in.Readings) > 10_000:
		return nil, park.Invalid("readings", "at most 10000 readings, not %d", len(in.Readings)).Because(park.ReasonRange, "0", "10000")
	}
	sess := &tariff.ChargeSession{Start: in.Start, End: in.End, Loc: loc, Prepaid: in.Prepaid, Full: in.Full}
	for i, r := range in.Readings {
		if r.EnergyWh < 0 || r.PowerW < 0 || r.EnergyWh > MaxRegisterWh || r.PowerW > MaxPowerW {
			return nil, park.Invalid("readings", "reading %d: energy and power must be between 0 and %d Wh / %d W", i, int64(MaxRegisterWh), int64(MaxPowerW)).Because(park.ReasonRange)
		}
		sess.Readings = append(sess.Readings, tariff.ChargeReading{At: r.At, EnergyWh: r.EnergyWh, PowerW: r.PowerW})
	}
	res := byUse(st, in.Prepaid).Price(sess) // as a session is billed
	return &res, nil
}

// Bounds on one reading, far beyond any charger (a 1 TWh register, 1 GW),
// so that no reading can overflow a bill: a charger's register outside
// them is refused (internal/ocpp), as a preview's.
const (
	MaxRegisterWh = 1_000_000_000_000
	MaxPowerW     = 1_000_000_000
)
