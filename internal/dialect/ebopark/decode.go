package ebopark

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"parkd/internal/park"
	"parkd/internal/plate"
)

// timeLayout is the vendor's local time format (yyyy-MM-dd HH:mm:ss), in
// the lot's time zone.
const timeLayout = "2006-01-02 15:04:05"

// readBody reads the whole body, at most MaxBody bytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, &park.Error{Code: codeTooLarge, Message: "上限 1 MiB"}
	}
	if err != nil {
		return nil, &park.Error{Code: codeBody, Message: "读取失败"}
	}
	return b, nil
}

// decode reads one JSON object into v. Keys match case-insensitively (the
// vendor mixes ParkCode and userMobile); unknown keys are ignored, as
// vendor clients send extra fields. A wrong type names the field; trailing
// data after the object is refused. Messages never echo input values.
func decode(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) && typ.Field != "" {
			return &park.Error{Code: codeType, Field: typ.Field, Message: "应为 " + typ.Type.String()}
		}
		return &park.Error{Code: codeBody}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &park.Error{Code: codeBody, Message: "只能包含一个JSON对象"}
	}
	if bytes.HasPrefix(bytes.TrimSpace(body), []byte("null")) {
		return &park.Error{Code: codeBody}
	}
	return nil
}

// required returns *s, or a missing-parameter error naming field.
func required(field string, s *string) (string, error) {
	if s == nil || *s == "" {
		return "", &park.Error{Code: codeMissing, Field: field}
	}
	return *s, nil
}

// partnerLot returns a lot the partner may use. A lot that is not the
// partner's answers exactly like one that does not exist.
func (h *Handler) partnerLot(ctx context.Context, p *park.Partner, code *string) (*park.Lot, error) {
	c, err := partnerLotCode(p, code)
	if err != nil {
		return nil, err
	}
	l, err := h.svc.Gate.LotSettings(ctx, c)
	if park.IsCode(err, park.ENotFound) || park.IsCode(err, park.EInvalid) {
		return nil, &park.Error{Code: codeLot, Field: shorten(c)}
	}
	return l, err
}

// pageSize reads PageSize: def when absent, else 1 to park.MaxListLimit.
func pageSize(v *int, def int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < 1 || *v > park.MaxListLimit {
		return 0, &park.Error{Code: codeType, Field: "PageSize", Message: "应为1-1000"}
	}
	return *v, nil
}

// partnerLotCode is partnerLot without reading the lot: ParkCode is given
// and among the partner's lots.
func partnerLotCode(p *park.Partner, code *string) (string, error) {
	c, err := required("ParkCode", code)
	if err != nil {
		return "", err
	}
	if !p.MayUse(c) {
		return "", &park.Error{Code: codeLot, Field: shorten(c)}
	}
	return c, nil
}

// carPlate parses CarNo. Plate-less identities hold no pass.
func carPlate(s *string) (plate.Plate, error) {
	c, err := required("CarNo", s)
	if err != nil {
		return plate.Plate{}, err
	}
	p, err := plate.Normalize(c)
	var pe *plate.Error
	if errors.As(err, &pe) {
		return plate.Plate{}, &park.Error{Code: codePlate, Message: pe.Reason}
	}
	if err != nil {
		return plate.Plate{}, &park.Error{Code: codePlate}
	}
	if p.Kind == plate.KindNoPlate {
		return plate.Plate{}, &park.Error{Code: codePlate, Message: "无牌车不支持月租"}
	}
	return p, nil
}

func localTime(t time.Time, l *park.Lot) string {
	return t.In(l.Location()).Format(timeLayout)
}
