package gate

import (
	"context"
	"errors"
	"fmt"

	"parkd/internal/park"
)

// maxRefusedPlate bounds the text kept of a refused record's plate.
const maxRefusedPlate = 64

// KeepRefused records, for an operator, a device's record of a passage
// that happened but that HandleEvent refused for good (why is its
// EInvalid: a plate that is not one). A device keeps an offline record
// until parkd has it, and would send this one again for ever; with the
// anomaly kept it may let go. Once per event id. Other errors are not
// kept: a record refused for a passing reason is sent again.
func (s *Service) KeepRefused(ctx context.Context, in EventInput, why error) error {
	if !in.Passed || !park.IsCode(why, park.EInvalid) {
		return errors.New("only a passage's record refused as invalid is kept")
	}
	text := []rune(park.CleanText(in.Plate))
	if len(text) > maxRefusedPlate {
		text = text[:maxRefusedPlate]
	}
	a := &park.Anomaly{ID: "refused:" + in.ID, LotCode: in.LotCode, Kind: park.AnomalyRefusedRecord,
		Plate: string(text), EventID: in.ID, At: s.base.Clock(), Detail: why.Error()}
	err := s.base.Update(ctx, func(tx park.Tx) error { return tx.InsertAnomaly(ctx, a) })
	if park.IsCode(err, park.EConflict) {
		return nil // kept the first time it came
	}
	if err != nil {
		return err
	}
	s.base.Log.Warn("gate anomaly", "lot", a.LotCode, "kind", a.Kind, "plate", a.Plate, "event", a.EventID, "detail", a.Detail)
	return nil
}

// KeepPlateless records, for an operator, a device's record of a passage
// that happened while parkd could not be reached, of a car whose plate it
// did not read. No stay can be made or closed without a plate (a
// temporary identity issued now reaches no driver), yet the car passed:
// the anomaly names the lane, its direction and when the car passed, so
// the operator can square the lot's count and the lane's pictures; the
// record's picture (in.ImageURL), having no event to hang from, is the
// anomaly's. Once per event id, so the device may let go of it:
// fresh says this call kept it (false: it was kept before). Errors:
// EInvalid (id, lane, type, image_url), ENotFound (lot).
func (s *Service) KeepPlateless(ctx context.Context, in EventInput) (fresh bool, err error) {
	now := s.base.Clock()
	clock := passedClock(&in, now)
	switch {
	case in.ID == "":
		return false, park.Invalid("id", "is required (1-128 characters)").Because(park.ReasonRequired)
	case len(in.ID) > 128:
		return false, park.Invalid("id", "is required (1-128 characters)").Because(park.ReasonLength, "1", "128")
	case in.Lane == "":
		return false, park.Invalid("lane", "is required (1-64 characters)").Because(park.ReasonRequired)
	case len(in.Lane) > 64:
		return false, park.Invalid("lane", "is required (1-64 characters)").Because(park.ReasonLength, "1", "64")
	case in.Type != park.EventEntry && in.Type != park.EventExit:
		return false, eventTypeError(in.Type)
	case len(in.ImageURL) > 2048:
		return false, park.Invalid("image_url", "is at most 2048 characters").Because(park.ReasonLength, "0", "2048")
	}
	if err := park.CheckTexts("id", in.ID, "lane", in.Lane, "image_url", in.ImageURL); err != nil {
		return false, err
	}
	detail := fmt.Sprintf("a car with no plate read passed lane %s (%s) while it was offline; no stay was made or closed for it",
		in.Lane, in.Type)
	if clock != "" {
		detail += "; " + clock
	}
	a := &park.Anomaly{ID: "plateless:" + in.ID, LotCode: in.LotCode, Kind: park.AnomalyPlatelessRecord,
		EventID: in.ID, At: in.At.UTC().Truncate(park.Precision), Detail: detail, ImageURL: in.ImageURL}
	err = s.base.Update(ctx, func(tx park.Tx) error {
		if _, err := tx.GetLotSettings(ctx, in.LotCode); err != nil {
			return err
		}
		return tx.InsertAnomaly(ctx, a)
	})
	if park.IsCode(err, park.EConflict) {
		return false, nil // kept the first time it came
	}
	if err != nil {
		return false, err
	}
	s.base.Log.Warn("gate anomaly", "lot", a.LotCode, "kind", a.Kind, "lane", in.Lane, "event", a.EventID, "detail", a.Detail)
	return true, nil
}
