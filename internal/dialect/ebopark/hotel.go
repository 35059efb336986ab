package ebopark

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"parkd/internal/park"
)

// hotelOps are the hotel car operations (3.2.12). A hotel guest's car is
// an allowing list entry whose window is the guest's stay, so the gate
// rules of docs/rules.md let it in and out free while the guest stays and
// price any time outside the stay.
func (h *Handler) hotelOps() map[string]operation {
	return map[string]operation{
		"AddHotelCar":    h.addHotelCar,
		"QueryHotelCar":  h.queryHotelCar,
		"DeleteHotelCar": h.deleteHotelCar,
	}
}

// maxRoomNo bounds RoomNo (runes), kept as the entry's reason within the
// core's 200 bytes.
const maxRoomNo = 32

type hotelCarRequest struct {
	ParkCode     *string `json:"ParkCode"`
	CarNo        *string `json:"CarNo"`
	RoomNo       *string `json:"RoomNo"`
	CheckInTime  *string `json:"CheckInTime"`
	CheckOutTime *string `json:"CheckOutTime"`
}

type hotelCarResult struct {
	CarNo        string `json:"carNo"`
	RoomNo       string `json:"roomNo"`
	CheckInTime  string `json:"checkInTime"`
	CheckOutTime string `json:"checkOutTime"`
	ID           string `json:"id"`
}

func isHotel(w *park.WhitelistEntry) bool {
	return w.Kind == park.AccessAllow && w.Category == park.ListHotel
}

func hotelResult(l *park.Lot, w *park.WhitelistEntry) hotelCarResult {
	return hotelCarResult{CarNo: w.Plate, RoomNo: w.Reason,
		CheckInTime: localTime(w.ValidFrom, l), CheckOutTime: localTime(w.ValidTo, l), ID: w.ID}
}

// addHotelCar is 酒店车辆添加: CarNo enters and leaves free from
// CheckInTime to CheckOutTime. A plate that already is a hotel car has its
// room and window replaced; a plate with any other list entry (whitelist,
// special vehicle, blacklist) is a conflict.
func (h *Handler) addHotelCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in hotelCarRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	car, err := carPlate(in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	room := ""
	if in.RoomNo != nil {
		room = strings.TrimSpace(*in.RoomNo)
	}
	if room == "" {
		return nil, 0, &park.Error{Code: codeMissing, Field: "RoomNo"}
	}
	if !utf8.ValidString(room) || utf8.RuneCountInString(room) > maxRoomNo {
		return nil, 0, &park.Error{Code: codeType, Field: "RoomNo", Message: "最多32个字符"}
	}
	from, err := parseTime("CheckInTime", in.CheckInTime, l)
	if err != nil {
		return nil, 0, err
	}
	to, err := parseTime("CheckOutTime", in.CheckOutTime, l)
	if err != nil {
		return nil, 0, err
	}
	if !to.After(from) {
		return nil, 0, &park.Error{Code: park.EInvalid, Field: "CheckOutTime", Message: "须晚于 CheckInTime"}
	}
	w := &park.WhitelistEntry{Plate: car.Text, Kind: park.AccessAllow, ValidFrom: from, ValidTo: to, Category: park.ListHotel, Reason: room}
	out, err := h.upsertList(ctx, l, w, isHotel)
	if err != nil {
		return nil, 0, err
	}
	return hotelResult(l, out), 1, nil
}

// queryHotelCar is 酒店车辆查询: the lot's hotel cars (only CarNo's, or
// only RoomNo's, when given), by plate.
func (h *Handler) queryHotelCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in hotelCarRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	only := ""
	if in.CarNo != nil && *in.CarNo != "" {
		car, err := carPlate(in.CarNo)
		if err != nil {
			return nil, 0, err
		}
		only = car.Text
	}
	room := ""
	if in.RoomNo != nil {
		room = strings.TrimSpace(*in.RoomNo)
	}
	all, err := h.svc.Access.ListWhitelist(ctx, l.Code)
	if err != nil {
		return nil, 0, err
	}
	out := []hotelCarResult{}
	for _, w := range all {
		if isHotel(w) && (only == "" || w.Plate == only) && (room == "" || w.Reason == room) {
			out = append(out, hotelResult(l, w))
		}
	}
	slices.SortFunc(out, func(a, b hotelCarResult) int { return strings.Compare(a.CarNo, b.CarNo) })
	return out, len(out), nil
}

// deleteHotelCar is 酒店车辆删除: removes the plate's hotel entry (a
// guest who checked out early). A car inside pays from then on.
func (h *Handler) deleteHotelCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in hotelCarRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	car, err := carPlate(in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	w, err := h.svc.Access.WhitelistByPlate(ctx, l.Code, car.Text)
	if park.IsCode(err, park.ENotFound) || (err == nil && !isHotel(w)) {
		return nil, 0, &park.Error{Code: park.ENotFound, Message: "该车牌不是酒店车辆"}
	}
	if err != nil {
		return nil, 0, vendorError(err)
	}
	if err := h.svc.Access.DeleteWhitelist(ctx, l.Code, w.ID); err != nil {
		return nil, 0, vendorError(err)
	}
	return hotelResult(l, w), 1, nil
}
