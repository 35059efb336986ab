package ebopark

import (
	"context"
	"strconv"

	"parkd/internal/park"
)

type monthCarRequest struct {
	ParkCode   *string `json:"ParkCode"`
	CarNo      *string `json:"CarNo"`
	UserMobile *string `json:"UserMobile"` // the seed's userMobile: vendorKeys
}

// lotInfo is one space of a pass. The seed gives lotInfo as
// array [object {6}] without naming the six fields; these are parkd's.
// lotType is the space's type (the seed's only word on it is the error
// 车位类型错误, "wrong space type"), which for parkd is the pass's plan
// (docs/ebopark.md, QueryMonthCarInfoV2).
type lotInfo struct {
	LotNo     string `json:"lotNo"`     // space number within the pass, "1".."N"
	LotType   string `json:"lotType"`   // the pass's plan, "月租" when it has none
	ParkCode  string `json:"parkCode"`  // the lot
	BeginTime string `json:"beginTime"` // validity start, lot-local yyyy-MM-dd HH:mm:ss
	EndTime   string `json:"endTime"`   // validity end (exclusive), same format
	MonthID   string `json:"monthId"`   // parkd's pass id
}

type monthCarResult struct {
	UserMobile string    `json:"userMobile,omitempty"`
	UserName   string    `json:"userName"`
	LotInfo    []lotInfo `json:"lotInfo"`
	CarNo      []string  `json:"carNo"`
	UserCode   string    `json:"userCode"`
}

// monthCarOps is 月租查询, the one operation the vendor documents in full.
func (h *Handler) monthCarOps() map[string]*operation {
	return map[string]*operation{
		"QueryMonthCarInfoV2": {run: h.queryMonthCarInfoV2,
			hints: map[park.Code]map[string]string{park.ENotFound: {"CarNo": "该车牌在本车场无月租"}}},
	}
}

// queryMonthCarInfoV2 is 月租查询: the monthly pass holding CarNo in
// ParkCode, shown only to a caller who gives the holder's mobile when the
// pass records one (the core's PassForHolder).
func (h *Handler) queryMonthCarInfoV2(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in monthCarRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	car, err := carNo(in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	mobile, err := required("UserMobile", in.UserMobile)
	if err != nil {
		return nil, 0, err
	}
	ps, err := h.svc.Access.PassForHolder(ctx, p.ID, l.Code, car, mobile)
	if err != nil {
		return nil, 0, err
	}
	return passResult(l, ps), 1, nil
}

func passResult(l *park.Lot, ps *park.Pass) monthCarResult {
	typ := ps.Plan
	if typ == "" {
		typ = "月租"
	}
	out := monthCarResult{UserMobile: ps.Mobile, UserName: ps.HolderName, UserCode: ps.UserCode,
		CarNo: ps.Plates, LotInfo: make([]lotInfo, 0, ps.Spaces)}
	for i := range ps.Spaces {
		out.LotInfo = append(out.LotInfo, lotInfo{LotNo: strconv.Itoa(i + 1), LotType: typ, ParkCode: l.Code,
			BeginTime: localTime(ps.ValidFrom, l), EndTime: localTime(ps.ValidTo, l), MonthID: ps.ID})
	}
	return out
}
