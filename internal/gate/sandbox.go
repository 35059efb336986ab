package gate

import (
	"context"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// SandboxStay is a stay made up in a sandbox lot, where a partner's
// developers try their integration against stays that no camera saw.
type SandboxStay struct {
	Lot     string
	Locator string
	Plate   string
	EntryAt time.Time
	Source  string // the partner it is made up for ("" : an operator); it may use only its lots
}

// EnterSandbox records a made-up stay in a sandbox lot, inside from
// EntryAt, in one transaction, as a visitor's lane entry would (one more
// car inside, refused when the lot is full: lotFull). Errors: EInvalid
// (field lot: not a sandbox lot; plate; locator; entry_at), ENotFound
// (lot, or one Source is not registered for: core.PartnerLot), EConflict
// (the locator is taken, the plate is inside already, or, field plate,
// the car left the lot after EntryAt), ELotFull.
func (s *Service) EnterSandbox(ctx context.Context, in SandboxStay) (*park.Stay, error) {
	p, err := core.Plate("plate", in.Plate)
	if err != nil {
		return nil, err
	}
	now := s.base.Clock()
	switch {
	case in.Locator == "":
		return nil, park.Invalid("locator", "is required (1-32 characters)").Because(park.ReasonRequired)
	case len(in.Locator) > 32:
		return nil, park.Invalid("locator", "is required (1-32 characters)").Because(park.ReasonLength, "1", "32")
	case in.EntryAt.After(now):
		return nil, park.Invalid("entry_at", "must not be in the future").Because(park.ReasonRange)
	case !park.ValidText(in.Locator):
		return nil, park.CheckText("locator", in.Locator)
	}
	st := &park.Stay{
		ID: core.NewID(), LotCode: in.Lot, Plate: p.Text, PlateKey: p.Key, VehicleClass: park.ClassSmall,
		Locator: in.Locator, EntryAt: in.EntryAt.UTC().Truncate(park.Precision), EntryLane: "sandbox",
		State: park.StayIn, Source: in.Source, UpdatedAt: now,
	}
	err = s.base.Write(ctx, func(tx park.Tx) error {
		if err := core.PartnerLot(ctx, tx, in.Source, in.Lot); err != nil {
			return err
		}
		l, err := tx.GetLotSettings(ctx, in.Lot)
		if err != nil {
			return err
		}
		if !l.Sandbox {
			return park.Invalid("lot", "lot %s is not a sandbox lot", l.Code).Because(park.ReasonNotApplicable)
		}
		if _, err := tx.FindInside(ctx, l.Code, p.Key); err == nil {
			return park.Errorf(park.EConflict, "plate %s is inside already", p.Text)
		} else if !park.IsCode(err, park.ENotFound) {
			return err
		}
		if err := leftAfter(ctx, tx, l.Code, p.Key, st.EntryAt); err != nil {
			return err
		}
		if full, err := lotFull(ctx, tx, l); err != nil {
			return err
		} else if full {
			return park.Errorf(park.ELotFull, "lot %s is full", l.Code)
		}
		if err := tx.InsertStay(ctx, st); err != nil {
			return err
		}
		return tx.AddOccupied(ctx, l.Code, 1) // last: it locks the lot's row on some engines
	})
	if err != nil {
		return nil, err
	}
	s.base.Log.Info("sandbox stay made up", "lot", st.LotCode, "stay", st.ID, "locator", st.Locator, "plate", st.Plate)
	return st, nil
}

// leftAfter refuses a made-up entry before the car's last exit from the
// lot: the two stays would overlap, and time already paid for would be
// priced again.
func leftAfter(ctx context.Context, tx park.Tx, lot, plateKey string, entry time.Time) error {
	const page = 100
	after := ""
	for {
		sts, err := tx.ListStays(ctx, park.StayFilter{LotCode: lot, PlateKey: plateKey, Limit: page, AfterID: after})
		if err != nil {
			return err
		}
		for _, s := range sts {
			if s.ExitAt != nil && !s.ExitAt.Before(entry) {
				e := park.Errorf(park.EConflict, "plate %s left the lot at %s, after the entry", s.Plate, s.ExitAt.UTC().Format(time.RFC3339))
				e.Field = "plate"
				return e
			}
		}
		if len(sts) < page {
			return nil
		}
		after = sts[len(sts)-1].ID
	}
}
