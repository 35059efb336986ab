package ebopark

import (
	"context"

	"parkd/internal/park"
)

// periodOps are time-slot passes (3.2.8): a pass on a time-slot plan parks
// free only inside the plan's daily slots (docs/rules.md), and the lot's
// internal cars looked up by plate.
func (h *Handler) periodOps() map[string]operation {
	return map[string]operation{
		"QueryPeriodMonthRates": h.queryPeriodMonthRates,
		"SavePeriodMonthCar":    h.savePeriodMonthCar,
		"DeletePeriodMonthCar":  h.deletePeriodMonthCar,
		"QueryInnerCarByPlate":  h.queryInnerCarByPlate,
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

// existingPass finds the pass a request names by MonthId, else UserCode,
// else the first plate of CarNo; nil when there is none.
func (h *Handler) existingPass(ctx context.Context, l *park.Lot, in *monthCarWrite, plates []string) (*park.Pass, error) {
	var (
		ps  *park.Pass
		err error
	)
	switch {
	case in.MonthID != nil && *in.MonthID != "":
		if ps, err = h.svc.Access.GetPass(ctx, l.Code, *in.MonthID); park.IsCode(err, park.ENotFound) {
			return nil, &park.Error{Code: park.ENotFound, Field: "MonthId", Message: "月租不存在"}
		}
		return ps, err
	case in.UserCode != nil && *in.UserCode != "":
		ps, err = h.svc.Access.PassByUserCode(ctx, l.Code, *in.UserCode)
	case len(plates) > 0:
		ps, err = h.svc.Access.PassByPlate(ctx, l.Code, plates[0])
	}
	if park.IsCode(err, park.ENotFound) {
		return nil, nil
	}
	return ps, err
}

// savePeriodMonthCar is 新增&更新时段月租车辆信息: a pass on a time-slot
// plan (RateId), created, or replaced when MonthId, UserCode or the first
// plate names an existing time-slot pass (every field takes the request's
// value, as SyncMonthCar does). A whole-day pass is never turned into a
// time-slot pass here (数据冲突).
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
		return nil, 0, &park.Error{Code: codeMissing, Field: "RateId"}
	}
	pl, err := h.svc.Access.GetPlan(ctx, l.Code, np.Plan)
	if park.IsCode(err, park.ENotFound) {
		return nil, 0, &park.Error{Code: park.ENotFound, Field: "RateId", Message: "时段月租费率不存在"}
	}
	if err != nil {
		return nil, 0, err
	}
	if len(pl.Slots) == 0 {
		return nil, 0, &park.Error{Code: codeType, Field: "RateId", Message: "不是时段月租费率，请用 AddMonthCar"}
	}
	cur, err := h.existingPass(ctx, l, &in, np.Plates)
	if err != nil {
		return nil, 0, err
	}
	if cur == nil {
		out, err := h.svc.Access.CreatePass(ctx, l.Code, np)
		if err != nil {
			return nil, 0, vendorError(err)
		}
		res := periodCar(l, out)
		res.Action = "created"
		return res, 1, nil
	}
	if len(cur.Slots) == 0 {
		return nil, 0, &park.Error{Code: park.EConflict, Field: "CarNo", Message: "该车已有全天月租"}
	}
	out, err := h.svc.Access.UpdatePass(ctx, l.Code, cur.ID, func(x *park.Pass) error {
		code := x.UserCode
		if in.UserCode != nil {
			code = *in.UserCode
		}
		id, created, version := x.ID, x.CreatedAt, x.Version
		*x = *np
		x.ID, x.LotCode, x.CreatedAt, x.Version, x.UserCode = id, l.Code, created, version, code
		return nil
	})
	if err != nil {
		return nil, 0, vendorError(err)
	}
	res := periodCar(l, out)
	res.Action = "updated"
	return res, 1, nil
}

// deletePeriodMonthCar is 删除时段月租车辆信息: removes the time-slot pass
// named by MonthId, UserCode or CarNo (a whole-day pass is left alone:
// DeleteMonthCar removes it).
func (h *Handler) deletePeriodMonthCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in monthCarWrite
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	var ps []string
	if len(in.CarNo) > 0 && string(in.CarNo) != "null" {
		if ps, err = plates(in.CarNo); err != nil {
			return nil, 0, err
		}
	}
	if ps == nil && (in.MonthID == nil || *in.MonthID == "") && (in.UserCode == nil || *in.UserCode == "") {
		return nil, 0, &park.Error{Code: codeMissing, Field: "MonthId/UserCode/CarNo"}
	}
	cur, err := h.existingPass(ctx, l, &in, ps)
	if err != nil {
		return nil, 0, err
	}
	if cur == nil || len(cur.Slots) == 0 {
		return nil, 0, &park.Error{Code: park.ENotFound, Message: "该车辆不是时段月租"}
	}
	if err := h.svc.Access.DeletePass(ctx, l.Code, cur.ID); err != nil {
		return nil, 0, vendorError(err)
	}
	return monthIDResult{MonthID: cur.ID}, 1, nil
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
	IsInner bool       `json:"isInner"` // a pass or an allowing list entry, valid now
	Cars    []innerCar `json:"cars"`
}

// queryInnerCarByPlate is 根据车牌获取内部车信息: what the lot knows of a
// plate: its pass (whole-day or time-slot) and its list entry (whitelist,
// special, hotel or blacklist), each with its validity. A plate with none
// answers state 0 with isInner false and cars [].
func (h *Handler) queryInnerCarByPlate(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in whiteCarRequest
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
	now := h.svc.Gate.Now()
	out := innerCarResult{CarNo: car.Text, Cars: []innerCar{}}
	ps, err := h.svc.Access.PassByPlate(ctx, l.Code, car.Text)
	switch {
	case err == nil:
		c := innerCar{Kind: innerMonth, UserName: ps.HolderName, UserMobile: ps.Mobile, BeginTime: localTime(ps.ValidFrom, l),
			EndTime: localTime(ps.ValidTo, l), Valid: ps.ValidAt(now), ID: ps.ID, RateID: ps.Plan, Periods: periods(ps.Slots)}
		if len(ps.Slots) > 0 {
			c.Kind = innerPeriod
		}
		out.Cars = append(out.Cars, c)
		out.IsInner = out.IsInner || c.Valid
	case !park.IsCode(err, park.ENotFound):
		return nil, 0, err
	}
	w, err := h.svc.Access.WhitelistByPlate(ctx, l.Code, car.Text)
	switch {
	case err == nil:
		c := innerCar{Kind: innerWhite, BeginTime: localTime(w.ValidFrom, l), EndTime: localTime(w.ValidTo, l),
			Valid: w.ValidAt(now), ID: w.ID}
		// A special vehicle's reason is its type, a hotel car's its room.
		switch {
		case w.Kind == park.AccessDeny && isSpecial(w):
			c.Kind, c.SpecialType = innerBlacklist, w.Reason
		case w.Kind == park.AccessDeny:
			c.Kind, c.Reason = innerBlacklist, w.Reason
		case isHotel(w):
			c.Kind, c.RoomNo = innerHotel, w.Reason
		case isPlainWhite(w):
			c.Reason = w.Reason
		default:
			c.Kind, c.SpecialType = innerSpecial, w.Reason
		}
		out.Cars = append(out.Cars, c)
		out.IsInner = out.IsInner || (c.Valid && c.Kind != innerBlacklist)
	case !park.IsCode(err, park.ENotFound):
		return nil, 0, err
	}
	return out, len(out.Cars), nil
}
