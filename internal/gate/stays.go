package gate

import (
	"context"
	"strconv"
	"unicode/utf8"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/plate"
)

// AnomalyRemoved marks a stay an operator or partner removed from the
// cars inside (park.AnomalyRemoved).
const AnomalyRemoved = park.AnomalyRemoved

// MaxRemoveReason bounds RemoveInside's reason (characters).
const MaxRemoveReason = 256

// RemoveInside is an operator's correction: the car with plateText (a
// plate or a temporary identity) is no longer inside lot, although no exit
// was read. Its open stay is closed now with anomaly "removed", nothing is
// charged, its space is freed, it takes the prepaid reservations it was
// inside during (closeStay), and an anomaly records who (by: an
// operator, a partner) and why. partner is the partner that asks ("" :
// an operator), which may remove cars only from its lots
// (core.PartnerLot). All in one transaction, retried on conflict.
// Errors: EInvalid (plate, by, reason), ENotFound (lot, or one the
// partner is not registered for, or no such car inside).
func (s *Service) RemoveInside(ctx context.Context, partner, lot, plateText, by, reason string) error {
	p, err := plate.Normalize(plateText)
	if err != nil {
		return core.PlateInvalid("plate", err)
	}
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > MaxRemoveReason {
		return park.Invalid("reason", "must be valid text of at most %d characters", MaxRemoveReason).Because(park.ReasonLength, "0", strconv.Itoa(MaxRemoveReason))
	}
	if err := park.CheckText("reason", reason); err != nil {
		return err
	}
	if err := park.CheckText("by", by); err != nil {
		return err
	}
	now := s.base.Clock()
	var noted []*park.Anomaly
	err = s.base.Update(ctx, func(tx park.Tx) error {
		noted = noted[:0]
		if err := core.PartnerLot(ctx, tx, partner, lot); err != nil {
			return err
		}
		l, err := tx.GetLotSettings(ctx, lot)
		if err != nil {
			return err
		}
		st, err := tx.FindInside(ctx, l.Code, p.Key)
		if park.IsCode(err, park.ENotFound) {
			return &park.Error{Code: park.ENotFound, Field: "plate", Message: "no car " + p.Text + " is inside lot " + l.Code}
		}
		if err != nil {
			return err
		}
		occ := l.Occupied
		at := now
		if at.Before(st.EntryAt) {
			at = st.EntryAt
		}
		if err := s.closeStay(ctx, tx, l, st, at, "", AnomalyRemoved, nil, now); err != nil {
			return err
		}
		detail := "removed from the cars inside"
		if by != "" {
			detail += " by " + by
		}
		if reason != "" {
			detail += ": " + reason
		}
		if err := s.anomaly(ctx, tx, &noted, l.Code, AnomalyRemoved, st.Plate, st.ID, "", at, detail); err != nil {
			return err
		}
		// The report says it was a removal by having no event; its reason
		// is the operator's own words, which every format passes on.
		if err := s.reportLeft(ctx, tx, l, st.ID, nil, by, reason); err != nil {
			return err
		}
		return tx.AddOccupied(ctx, l.Code, l.Occupied-occ) // last: it locks the lot's row
	})
	if err != nil {
		return err
	}
	for _, a := range noted {
		s.base.Log.Warn("stay removed", "lot", a.LotCode, "kind", a.Kind, "plate", a.Plate, "stay", a.StayID)
	}
	return nil
}

// RecordAnomaly records something at a lot that an operator must look at
// (kind, and detail in words), about a stay when stayID is set, and logs
// it. Other subsystems call it for what happened outside the gate's own
// decisions (a partner's late payment, say).
func (s *Service) RecordAnomaly(ctx context.Context, lot, kind, plateText, stayID, detail string) error {
	var noted []*park.Anomaly
	err := s.base.Write(ctx, func(tx park.Tx) error {
		noted = noted[:0]
		return s.anomaly(ctx, tx, &noted, lot, kind, plateText, stayID, "", s.base.Clock(), detail)
	})
	if err == nil {
		s.base.Log.Warn("anomaly", "lot", lot, "kind", kind, "plate", plateText, "stay", stayID, "detail", detail)
	}
	return err
}
