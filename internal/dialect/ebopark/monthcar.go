package ebopark

import (
	"context"
	"regexp"
	"strconv"

	"parkd/internal/park"
)

type monthCarRequest struct {
	ParkCode   *string `json:"ParkCode"`
	CarNo      *string `json:"CarNo"`
	UserMobile *string `json:"userMobile"`
}

// lotInfo is one space of a pass. The seed gives lotInfo as
// array [object {6}] without naming the six fields; these are parkd's.
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

var mobileRE = regexp.MustCompile(`^\+?[0-9]{5,20}$`)

// queryMonthCarInfoV2 is 月租查询: the monthly pass holding CarNo in
// ParkCode. userMobile is required by the vendor; when the pass records a
// mobile, it must match (a plate alone does not disclose a holder's name).
func (h *Handler) queryMonthCarInfoV2(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in monthCarRequest
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
	mobile, err := required("userMobile", in.UserMobile)
	if err != nil {
		return nil, 0, err
	}
	if !mobileRE.MatchString(mobile) {
		return nil, 0, &park.Error{Code: codeType, Field: "userMobile", Message: "应为5-20位数字"}
	}
	ps, err := h.svc.Access.PassByPlate(ctx, l.Code, car.Text)
	if err != nil && !park.IsCode(err, park.ENotFound) {
		return nil, 0, err
	}
	if err != nil || (ps.Mobile != "" && ps.Mobile != mobile) {
		return nil, 0, &park.Error{Code: park.ENotFound, Message: "该车牌在本车场无月租"}
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
