package ebopark

import (
	"context"
	"strings"

	"parkd/internal/park"
)

// hotelOps are the hotel car operations (3.2.12). A hotel guest's car is
// an allowing list entry whose window is the guest's stay, so the gate
// rules of docs/rules.md let it in and out free while the guest stays and
// price any time outside the stay.
func (h *Handler) hotelOps() map[string]*operation {
	// A hotel car's window is the guest's stay and its reason the room.
	fields := map[string]string{"valid_from": "CheckInTime", "valid_to": "CheckOutTime", "reason": "RoomNo"}
	return map[string]*operation{
		"AddHotelCar": {run: h.addHotelCar, fields: fields, hints: map[park.Code]map[string]string{
			park.EConflict: {"CarNo": "该车牌已是白名单车、特殊车辆或黑名单"},
			park.EInvalid:  {"CarNo": "无牌车不支持酒店车辆"}}},
		"QueryHotelCar": {run: h.queryHotelCar, fields: fields},
		"DeleteHotelCar": {run: h.deleteHotelCar, fields: fields, hints: map[park.Code]map[string]string{
			park.ENotFound: {"CarNo": "该车牌不是酒店车辆"}}},
	}
}

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

func hotelResult(l *park.Lot, w *park.WhitelistEntry) hotelCarResult {
	return hotelCarResult{CarNo: w.Plate, RoomNo: w.Reason,
		CheckInTime: localTime(w.ValidFrom, l), CheckOutTime: localTime(w.ValidTo, l), ID: w.ID}
}

// addHotelCar is 酒店车辆添加: CarNo enters and leaves free from
// CheckInTime to CheckOutTime, an entry of the core's hotel list (a hotel
// car has its room and window replaced; a plate on another list is a
// conflict).
func (h *Handler) addHotelCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in hotelCarRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, car, err := h.lotAndCar(ctx, p, in.ParkCode, in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	room := strings.TrimSpace(optString(in.RoomNo)) // its length and text are the core's to check
	if room == "" {
		return nil, 0, refuse(refusedMissing, "RoomNo", "")
	}
	from, err := parseTime("CheckInTime", in.CheckInTime, l)
	if err != nil {
		return nil, 0, err
	}
	to, err := parseTime("CheckOutTime", in.CheckOutTime, l)
	if err != nil {
		return nil, 0, err
	}
	out, err := h.svc.Access.PutListEntry(ctx, p.ID, l.Code, &park.WhitelistEntry{Plate: car, Kind: park.AccessAllow,
		Category: park.ListHotel, ValidFrom: from, ValidTo: to, Reason: room})
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
	car, err := optCarNo(in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	all, err := h.svc.Access.ListEntries(ctx, p.ID, l.Code, park.ListHotel, car)
	if err != nil {
		return nil, 0, err
	}
	room := strings.TrimSpace(optString(in.RoomNo))
	out := []hotelCarResult{}
	for _, w := range all {
		if room == "" || w.Reason == room { // the room is the entry's reason
			out = append(out, hotelResult(l, w))
		}
	}
	return out, len(out), nil
}

// deleteHotelCar is 酒店车辆删除: removes the plate's hotel entry (a
// guest who checked out early). A car inside pays for its stay as a
// visitor would (docs/ebopark.md).
func (h *Handler) deleteHotelCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in hotelCarRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, car, err := h.lotAndCar(ctx, p, in.ParkCode, in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	w, err := h.svc.Access.DeleteListEntry(ctx, p.ID, l.Code, car, park.ListHotel)
	if err != nil {
		return nil, 0, err
	}
	return hotelResult(l, w), 1, nil
}
