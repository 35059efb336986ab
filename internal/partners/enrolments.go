package partners

import (
	"context"

	"parkd/internal/core"
	"parkd/internal/park"
)

// Enrol enrols a plate with a partner for sensorless payment: held at an
// exit of one of the partner's lots for an amount due, the car is paid
// for by the partner when its sensorless_exit subscription acknowledges
// (docs/deliveries.md). Enrolling a plate again changes nothing and
// returns the enrolment as it stands (its first plate text and time).
// Errors: EInvalid (plate; a plate-less car's temporary identity cannot
// be enrolled), ENotFound (partner).
func (s *Service) Enrol(ctx context.Context, partnerID, plateText string) (*park.Enrolment, error) {
	texts, keys, err := core.Plates("plate", []string{plateText})
	if err != nil {
		return nil, err
	}
	e := &park.Enrolment{PartnerID: partnerID, Plate: texts[0], PlateKey: keys[0], CreatedAt: s.base.Clock()}
	err = s.base.Write(ctx, func(tx park.Tx) error {
		if _, err := tx.GetPartner(ctx, partnerID); err != nil {
			return err
		}
		return tx.PutEnrolment(ctx, e)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Withdraw ends a plate's enrolment with a partner.
// Errors: EInvalid (plate), ENotFound (partner; field plate: not enrolled).
func (s *Service) Withdraw(ctx context.Context, partnerID, plateText string) error {
	_, keys, err := core.Plates("plate", []string{plateText})
	if err != nil {
		return err
	}
	return s.base.Write(ctx, func(tx park.Tx) error {
		if _, err := tx.GetPartner(ctx, partnerID); err != nil {
			return err
		}
		err := tx.DeleteEnrolment(ctx, partnerID, keys[0])
		if park.IsCode(err, park.ENotFound) {
			return &park.Error{Code: park.ENotFound, Field: "plate", Message: "plate " + plateText + " is not enrolled with partner " + partnerID}
		}
		return err
	})
}

// Enrolments lists a partner's enrolled plates (ENotFound: no partner).
func (s *Service) Enrolments(ctx context.Context, partnerID string) ([]*park.Enrolment, error) {
	var out []*park.Enrolment
	err := s.base.View(ctx, func(tx park.Tx) error {
		if _, err := tx.GetPartner(ctx, partnerID); err != nil {
			return err
		}
		var err error
		out, err = tx.ListEnrolments(ctx, partnerID)
		return err
	})
	return out, err
}
