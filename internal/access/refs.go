package access

import (
	"context"
	"slices"

	"parkd/internal/core"
	"parkd/internal/park"
)

// PassRef names a pass of a lot: by its id, else by its holder's user
// code, else by one of its plates (the first that is set).
type PassRef struct {
	ID, UserCode, Plate string
}

// field is the input a reference names its pass by, for an error.
func (r PassRef) field() string {
	switch {
	case r.ID != "":
		return "pass"
	case r.UserCode != "":
		return "user_code"
	}
	return "plate"
}

// findPass resolves a reference in tx. Errors: EInvalid (nothing named;
// plate), ENotFound (field pass, user_code or plate).
func findPass(ctx context.Context, tx park.Tx, lot string, r PassRef) (*park.Pass, error) {
	if err := park.CheckTexts("pass", r.ID, "user_code", r.UserCode); err != nil {
		return nil, err
	}
	switch {
	case r.ID != "":
		p, err := getPassOf(ctx, tx, lot, r.ID)
		if park.IsCode(err, park.ENotFound) {
			return nil, &park.Error{Code: park.ENotFound, Field: "pass", Message: "no pass " + r.ID + " in lot " + lot}
		}
		return p, err
	case r.UserCode != "":
		return passByUserCode(ctx, tx, lot, r.UserCode)
	case r.Plate != "":
		_, keys, err := core.Plates("plate", []string{r.Plate})
		if err != nil {
			return nil, err
		}
		p, err := tx.FindPassByPlate(ctx, lot, keys[0])
		if park.IsCode(err, park.ENotFound) {
			return nil, &park.Error{Code: park.ENotFound, Field: "plate", Message: "no pass holds plate " + r.Plate + " in lot " + lot}
		}
		return p, err
	}
	return nil, park.Invalid("pass", "name the pass by id, user code or plate").Because(park.ReasonRequired)
}

// findPassAll is findPass for a reference whose every part must name the
// pass (a delete): a part that names another pass, or none, makes the
// reference name no pass, rather than the first part winning. Errors: as
// findPass; ENotFound names the disagreeing part.
func findPassAll(ctx context.Context, tx park.Tx, lot string, r PassRef) (*park.Pass, error) {
	p, err := findPass(ctx, tx, lot, r)
	if err != nil {
		return nil, err
	}
	if r.ID != "" && r.UserCode != "" && r.UserCode != p.UserCode {
		return nil, &park.Error{Code: park.ENotFound, Field: "user_code", Message: "pass " + p.ID + " has another user code"}
	}
	if r.Plate != "" && (r.ID != "" || r.UserCode != "") {
		_, keys, err := core.Plates("plate", []string{r.Plate})
		if err != nil {
			return nil, err
		}
		if !slices.Contains(p.PlateKeys, keys[0]) {
			return nil, &park.Error{Code: park.ENotFound, Field: "plate", Message: "pass " + p.ID + " does not hold plate " + r.Plate}
		}
	}
	return p, nil
}

// FindPass returns the pass a reference names (see findPass).
func (s *Service) FindPass(ctx context.Context, lot string, r PassRef) (*park.Pass, error) {
	var p *park.Pass
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		if _, err := tx.GetLotSettings(ctx, lot); err != nil {
			return err
		}
		p, err = findPass(ctx, tx, lot, r)
		return err
	})
	return p, err
}

// PassForHolder is the pass holding a plate, shown to someone who also
// gives the holder's mobile: when the pass records a mobile, it must
// match, so that a plate alone does not disclose who holds the pass.
// A mismatch answers exactly as no pass would.
// partner is the partner that asks ("" : an operator).
// Errors: EInvalid (plate, mobile), ENotFound (field plate; lot, or one
// partner may not use).
func (s *Service) PassForHolder(ctx context.Context, partner, lot, plateText, mobile string) (*park.Pass, error) {
	if !park.ValidMobile(mobile) {
		return nil, park.Invalid("mobile", "must be 5-20 digits, optionally starting with +").Because(park.ReasonFormat)
	}
	var p *park.Pass
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		if _, err := lotFor(ctx, tx, partner, lot); err != nil {
			return err
		}
		p, err = findPass(ctx, tx, lot, PassRef{Plate: plateText})
		return err
	})
	if err == nil && p.Mobile != "" && p.Mobile != mobile {
		err = &park.Error{Code: park.ENotFound, Field: "plate", Message: "no pass holds plate " + plateText + " in lot " + lot}
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}
