package gate

import (
	"context"
	"errors"
	"regexp"

	"github.com/google/uuid"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/plate"
)

// PlatelessEntry is a car without a plate entering through a partner: its
// driver scanned the entry lane's code with the partner's app.
type PlatelessEntry struct {
	Lot    string
	Lane   string
	Source string // the partner ("" : an operator); it may use only its lots
	// RequestID, when given, makes the request idempotent for the
	// partner: the same id again answers the first entry.
	RequestID string
}

var requestIDRE = regexp.MustCompile(`^[\x21-\x7e]{1,64}$`)

// EnterPlateless records a plate-less car's entry now, in one
// transaction, and returns its stay: the stay's plate is the temporary
// identity the car pays and leaves with. A held entry is an error: the
// lot is full (ELotFull) or the car may not enter (EEntryRefused). The
// lane must be an entry lane the lot's cameras reported: a partner's
// mistyped lane neither admits a car nor becomes a lane.
// Errors: EInvalid (lane: an exit lane; request_id), ENotFound (lot, or
// one Source is not registered for: core.PartnerLot; lane), EConflict
// (request_id: used for an entry through another lane), ELotFull,
// EEntryRefused.
func (s *Service) EnterPlateless(ctx context.Context, in PlatelessEntry) (*park.Stay, *park.Lot, error) {
	id := "plateless-" + uuid.NewString()
	if in.RequestID != "" {
		if !requestIDRE.MatchString(in.RequestID) {
			return nil, nil, park.Invalid("request_id", "must be 1-64 visible ASCII characters").Because(park.ReasonFormat)
		}
		id = "plateless:" + in.Source + ":" + in.RequestID
	}
	if err := s.base.View(ctx, func(tx park.Tx) error {
		if err := core.PartnerLot(ctx, tx, in.Source, in.Lot); err != nil {
			return err
		}
		ln, err := reportedLane(ctx, tx, in.Lot, in.Lane)
		if err == nil && ln.Direction != park.DirectionIn {
			return park.Invalid("lane", "lane %s is an exit lane; a car enters through an entry lane", in.Lane).Because(park.ReasonNotApplicable)
		}
		return err
	}); err != nil {
		return nil, nil, err
	}
	var st *park.Stay
	var l *park.Lot
	dec, err := s.handleEvent(ctx, EventInput{LotCode: in.Lot, ID: id, Type: park.EventEntry, Plate: plate.NoPlate,
		Lane: in.Lane, At: s.base.Clock(), Source: in.Source}, func(tx park.Tx, dec park.Decision) error {
		if dec.Decision != park.DecisionOpen || dec.StayID == "" {
			return nil
		}
		var err error
		if st, err = tx.GetStay(ctx, dec.StayID); err != nil {
			return err
		}
		l, err = tx.GetLotSettings(ctx, in.Lot)
		return err
	})
	var pe *park.Error
	switch {
	case in.RequestID != "" && ReusedID(err) && errors.As(err, &pe):
		// The event id is the request id: the partner reused its own id.
		return nil, nil, &park.Error{Code: park.EConflict, Field: "request_id", Message: pe.Message}
	case err != nil:
		return nil, nil, err
	case dec.Reason == park.ReasonLotFull:
		return nil, nil, park.Errorf(park.ELotFull, "lot %s is full", in.Lot)
	case st == nil:
		return nil, nil, park.Errorf(park.EEntryRefused, "the entry was held (%s)", dec.Reason)
	}
	return st, l, nil
}
