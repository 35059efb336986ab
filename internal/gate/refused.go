package gate

import (
	"context"
	"errors"

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
