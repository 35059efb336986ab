package ebopark

import (
	"context"

	"parkd/internal/access"
	"parkd/internal/park"
)

// periodOps are time-slot passes (3.2.8): a pass on a time-slot plan parks
// free only inside the plan's daily slots (docs/rules.md), and the lot's
// internal cars looked up by plate.
func (h *Handler) periodOps() map[string]*operation {
	// DeleteSlotPass refuses a whole-day pass as not found, naming the
	// pass; and keys that name different passes, naming the one that
	// differs.
	notSlot := "该车辆没有时段月租（全天月租请用 DeleteMonthCar 删除），或 MonthId、UserCode、CarNo 所指的不是同一月租"
	return map[string]*operation{
		"QueryPeriodMonthRates": {run: h.queryPeriodMonthRates},
		"SavePeriodMonthCar": {run: h.savePeriodMonthCar, about: map[park.Code]string{park.EConflict: "CarNo"},
			hints: map[park.Code]map[string]string{
				park.ENotFound: {"RateId": "时段月租费率不存在"},
				park.EInvalid:  {"RateId": "不是时段月租费率，全天月租请用 AddMonthCar", "CarNo": "无牌车不支持月租，一个月租至多20个车牌且不能重复"},
				park.EConflict: {"CarNo": "该车牌已属于其他月租，或该车已有全天月租"}}},
		"DeletePeriodMonthCar": {run: h.deletePeriodMonthCar, hints: map[park.Code]map[string]string{
			park.ENotFound: {"MonthId": notSlot, "UserCode": notSlot, "CarNo": notSlot}}},
		"QueryInnerCarByPlate": {run: h.queryInnerCarByPlate},
	}
}

// queryPeriodMonthRates is 获取时段月租费率: the lot's time-slot plans with
// their daily periods.
func (h *Handler) queryPeriodMonthRates(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	return h.lotRates(ctx, p, body, true)
}

type periodCarResult struct {
	monthCarResult
	RateID  string         `json:"rateId"`
	Periods []periodResult `json:"periods"`
	Action  string         `json:"action,omitempty"` // SavePeriodMonthCar: "created" or "updated"
}

func periodCar(l *park.Lot, ps *park.Pass) periodCarResult {
	return periodCarResult{monthCarResult: passResult(l, ps), RateID: ps.Plan, Periods: periods(ps.Slots)}
}

// savePeriodMonthCar is 新增&更新时段月租车辆信息: the core's time-slot
// pass of RateId (a time-slot plan), created, or replaced when MonthId,
// UserCode or the first plate names one, in one transaction.
func (h *Handler) savePeriodMonthCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in monthCarWrite
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	np, err := newPass(&in.monthCarFields, l)
	if err != nil {
		return nil, 0, err
	}
	if np.Plan == "" {
		return nil, 0, refuse(refusedMissing, "RateId", "")
	}
	ref := access.PassRef{ID: optString(in.MonthID), UserCode: np.UserCode}
	out, created, err := h.svc.Access.SaveSlotPass(ctx, p.ID, l.Code, ref, np)
	if err != nil {
		return nil, 0, err
	}
	res := periodCar(l, out)
	res.Action = "updated"
	if created {
		res.Action = "created"
	}
	return res, 1, nil
}

// deletePeriodMonthCar is 删除时段月租车辆信息: removes the time-slot pass
// named by MonthId, UserCode or CarNo (the first given); the core leaves
// a whole-day pass alone.
func (h *Handler) deletePeriodMonthCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in monthCarWrite
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	code, err := required("ParkCode", in.ParkCode) // the use case refuses a lot not the partner's
	if err != nil {
		return nil, 0, err
	}
	ps, err := plates(in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	ref := access.PassRef{ID: optString(in.MonthID), UserCode: optString(in.UserCode)}
	if len(ps) > 0 {
		ref.Plate = ps[0]
	}
	if ref == (access.PassRef{}) {
		return nil, 0, refuse(refusedMissing, "MonthId/UserCode/CarNo", "")
	}
	out, err := h.svc.Access.DeleteSlotPass(ctx, p.ID, code, ref)
	if err != nil {
		return nil, 0, err
	}
	return monthIDResult{MonthID: out.ID}, 1, nil
}

// Kinds of internal car (QueryInnerCarByPlate's kind).
const (
	innerMonth     = "month"     // whole-day monthly pass
	innerPeriod    = "period"    // time-slot pass
	innerWhite     = "white"     // AddWhiteCar
	innerSpecial   = "special"   // SyncSpecialCar police, ambulance, fire
	innerHotel     = "hotel"     // AddHotelCar
	innerBlacklist = "blacklist" // SyncSpecialCar blacklist: not internal, listed so the partner sees why it is refused
)

type innerCar struct {
	Kind        string         `json:"kind"`
	UserName    string         `json:"userName,omitempty"` // pass holder
	UserMobile  string         `json:"userMobile,omitempty"`
	BeginTime   string         `json:"beginTime"`
	EndTime     string         `json:"endTime"` // exclusive
	Valid       bool           `json:"valid"`   // valid now
	ID          string         `json:"id"`      // monthId or the list entry's id
	RateID      string         `json:"rateId,omitempty"`
	Periods     []periodResult `json:"periods,omitempty"`
	RoomNo      string         `json:"roomNo,omitempty"`
	SpecialType string         `json:"specialType,omitempty"`
	Reason      string         `json:"reason,omitempty"`
}

type innerCarResult struct {
	CarNo   string     `json:"carNo"`
	IsInner bool       `json:"isInner"` // the gate would let it in free now (capacity aside)
	Cars    []innerCar `json:"cars"`
}

// queryInnerCarByPlate is 根据车牌获取内部车信息: what the lot knows of a
// plate (the core's FindInternalCar): its pass (whole-day or time-slot)
// and its list entry (whitelist, special, hotel or blacklist), each with
// its validity, and whether the gate would let it in free now. A plate
// with none answers state 0 with isInner false and cars [].
func (h *Handler) queryInnerCarByPlate(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in whiteCarRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, car, err := h.lotAndCar(ctx, p, in.ParkCode, in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	ic, err := h.svc.Access.FindInternalCar(ctx, p.ID, l.Code, car)
	if err != nil {
		return nil, 0, err
	}
	out := innerCarResult{CarNo: ic.Plate, IsInner: ic.Internal, Cars: []innerCar{}}
	if ps := ic.Pass; ps != nil {
		c := innerCar{Kind: innerMonth, UserName: ps.HolderName, UserMobile: ps.Mobile, BeginTime: localTime(ps.ValidFrom, l),
			EndTime: localTime(ps.ValidTo, l), Valid: ic.PassValid, ID: ps.ID, RateID: ps.Plan, Periods: periods(ps.Slots)}
		if len(ps.Slots) > 0 {
			c.Kind = innerPeriod
		}
		out.Cars = append(out.Cars, c)
	}
	if w := ic.Entry; w != nil {
		c := innerCar{Kind: innerWhite, BeginTime: localTime(w.ValidFrom, l), EndTime: localTime(w.ValidTo, l),
			Valid: ic.EntryValid, ID: w.ID}
		// The wire kind of a list entry; a special vehicle's reason is its
		// type, a hotel car's its room.
		switch {
		case w.Kind == park.AccessDeny && w.Category == park.ListSpecial:
			c.Kind, c.SpecialType = innerBlacklist, w.Reason
		case w.Kind == park.AccessDeny:
			c.Kind, c.Reason = innerBlacklist, w.Reason
		case w.Category == park.ListHotel:
			c.Kind, c.RoomNo = innerHotel, w.Reason
		case w.Category == park.ListSpecial:
			c.Kind, c.SpecialType = innerSpecial, w.Reason
		default:
			c.Reason = w.Reason
		}
		out.Cars = append(out.Cars, c)
	}
	return out, len(out.Cars), nil
}
