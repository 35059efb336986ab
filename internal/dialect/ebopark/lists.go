package ebopark

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"parkd/internal/access"
	"parkd/internal/park"
)

// listOps are the monthly pass (3.2.4), whitelist (3.2.11) and special
// vehicle (3.2.13) operations.
func (h *Handler) listOps() map[string]*operation {
	// A plate taken by another pass is refused by the store without a
	// field: it concerns CarNo.
	passAbout := map[park.Code]string{park.EConflict: "CarNo"}
	passHints := map[park.Code]map[string]string{park.EInvalid: {"CarNo": "无牌车不支持月租，一个月租至多20个车牌且不能重复"}}
	return map[string]*operation{
		"AddMonthCar":    {run: h.addMonthCar, about: passAbout, hints: passHints},
		"UpdateMonthCar": {run: h.updateMonthCar, about: passAbout, hints: passHints},
		// Both keys given must name one pass (access.DeletePassBy): the
		// one that names another is not found.
		"DeleteMonthCar": {run: h.deleteMonthCar, hints: map[park.Code]map[string]string{
			park.ENotFound: {"MonthId": passKeysHint, "UserCode": passKeysHint}}},
		"QueryAllMonthCar": {run: h.queryAllMonthCar},
		"SyncMonthCar": {run: h.syncMonthCar, hints: map[park.Code]map[string]string{
			park.EInvalid:  {"CarNo": passHints[park.EInvalid]["CarNo"] + "，同一车牌不能出现在两项中", "UserCode": "不能为空，同一请求中不能重复"},
			park.EConflict: {"MonthCars": "其中的车牌已属于其他月租"}}},
		"AddWhiteCar": {run: h.addWhiteCar, hints: map[park.Code]map[string]string{
			park.EConflict: {"CarNo": "该车牌已是特殊车辆、酒店车或黑名单"},
			park.EInvalid:  {"CarNo": "无牌车不支持白名单", "EndTime": windowHint}}},
		"DeleteWhiteCar": {run: h.deleteWhiteCar, hints: map[park.Code]map[string]string{
			park.ENotFound: {"CarNo": "该车牌不是白名单车"}}},
		"SyncSpecialCar": {run: h.syncSpecialCar, hints: map[park.Code]map[string]string{
			park.EConflict: {"CarNo": "该车牌已是白名单车或酒店车"},
			park.EInvalid:  {"CarNo": "无牌车不支持特殊车辆", "EndTime": windowHint}}},
		"QuerySpecialCar": {run: h.querySpecialCar},
		"DeleteSpecialCar": {run: h.deleteSpecialCar, hints: map[park.Code]map[string]string{
			park.ENotFound: {"CarNo": "该车牌不是特殊车辆"}}},
	}
}

// passKeysHint words DeleteMonthCar's not found: no such pass, or
// MonthId and UserCode name two.
const passKeysHint = "月租不存在，或 MonthId 与 UserCode 所指的不是同一月租"

// windowHint words the core's rule for a list entry's window
// (access.PutListEntry): its end after its start, and not already past.
const windowHint = "须晚于 BeginTime，且不能已过去"

// monthCarFields are the pass fields of AddMonthCar, UpdateMonthCar and
// each SyncMonthCar item. CarNo is one plate, a comma-separated list of
// plates, or an array of plates. Plan and RateId both name the plan; Plan
// wins when both are given.
type monthCarFields struct {
	CarNo      json.RawMessage `json:"CarNo"`
	UserName   *string         `json:"UserName"`
	UserMobile *string         `json:"UserMobile"`
	UserCode   *string         `json:"UserCode"`
	BeginTime  *string         `json:"BeginTime"`
	EndTime    *string         `json:"EndTime"`
	LotCount   *int            `json:"LotCount"`
	Plan       *string         `json:"Plan"`
	RateID     *string         `json:"RateId"`
}

type monthCarWrite struct {
	ParkCode *string `json:"ParkCode"`
	MonthID  *string `json:"MonthId"`
	monthCarFields
}

// plates reads CarNo: a string (one plate or a comma-separated list,
// "，" accepted) or an array of strings; nil when absent.
func plates(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var list []string
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		list = strings.FieldsFunc(one, func(r rune) bool { return r == ',' || r == '，' })
	} else if err := json.Unmarshal(raw, &list); err != nil {
		return nil, refuse(refusedType, "CarNo", "应为字符串或字符串数组")
	}
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := plateText("CarNo", s)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, refuse(refusedMissing, "CarNo", "")
	}
	return out, nil
}

// lotCount reads LotCount: 0 when absent (the core's default, the number
// of plates); a given 0 or less is refused rather than taken as absent.
func lotCount(v *int) (int, error) {
	if v == nil {
		return 0, nil
	}
	if *v < 1 {
		return 0, refuse(refusedType, "LotCount", "应为正整数")
	}
	return *v, nil
}

// plan reads Plan, else RateId.
func (f *monthCarFields) plan() string {
	if f.Plan != nil {
		return *f.Plan
	}
	return optString(f.RateID)
}

// newPass translates the fields of a whole pass (every required field
// present).
func newPass(f *monthCarFields, l *park.Lot) (*park.Pass, error) {
	ps, err := plates(f.CarNo)
	if err != nil {
		return nil, err
	}
	if ps == nil {
		return nil, refuse(refusedMissing, "CarNo", "")
	}
	name, err := required("UserName", f.UserName)
	if err != nil {
		return nil, err
	}
	p := &park.Pass{HolderName: name, Mobile: optString(f.UserMobile), UserCode: optString(f.UserCode), Plates: ps, Plan: f.plan()}
	if p.ValidFrom, err = parseTime("BeginTime", f.BeginTime, l); err != nil {
		return nil, err
	}
	if p.ValidTo, err = parseTime("EndTime", f.EndTime, l); err != nil {
		return nil, err
	}
	if p.Spaces, err = lotCount(f.LotCount); err != nil {
		return nil, err
	}
	return p, nil
}

type monthIDResult struct {
	MonthID string `json:"monthId"`
}

// addMonthCar is 月租新增: a new pass; the reply is its id. A user code
// names at most one pass of the lot (the core's rule).
func (h *Handler) addMonthCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in monthCarWrite
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	ps, err := newPass(&in.monthCarFields, l)
	if err != nil {
		return nil, 0, err
	}
	out, err := h.svc.Access.CreatePass(ctx, p.ID, l.Code, ps)
	if err != nil {
		return nil, 0, err
	}
	return monthIDResult{MonthID: out.ID}, 1, nil
}

// passRef reads the pass a request names: MonthId, else UserCode.
func passRef(in *monthCarWrite) (access.PassRef, error) {
	switch {
	case in.MonthID != nil && *in.MonthID != "":
		return access.PassRef{ID: *in.MonthID}, nil
	case in.UserCode != nil && *in.UserCode != "":
		return access.PassRef{UserCode: *in.UserCode}, nil
	}
	return access.PassRef{}, refuse(refusedMissing, "MonthId/UserCode", "")
}

// updateMonthCar is 月租修改: the pass named by MonthId (or, without it,
// UserCode) takes every field present in the request, found and changed
// in one transaction. UserCode is a new code only when MonthId names the
// pass. The reply is the pass as QueryMonthCarInfoV2 shows it.
func (h *Handler) updateMonthCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in monthCarWrite
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	ref, err := passRef(&in)
	if err != nil {
		return nil, 0, err
	}
	f := &in.monthCarFields
	ps, err := plates(f.CarNo)
	if err != nil {
		return nil, 0, err
	}
	var name string
	if f.UserName != nil {
		if name, err = required("UserName", f.UserName); err != nil {
			return nil, 0, err
		}
	}
	var from, to time.Time
	if f.BeginTime != nil {
		if from, err = parseTime("BeginTime", f.BeginTime, l); err != nil {
			return nil, 0, err
		}
	}
	if f.EndTime != nil {
		if to, err = parseTime("EndTime", f.EndTime, l); err != nil {
			return nil, 0, err
		}
	}
	spaces, err := lotCount(f.LotCount)
	if err != nil {
		return nil, 0, err
	}
	out, err := h.svc.Access.UpdatePassBy(ctx, p.ID, l.Code, ref, func(x *park.Pass) error {
		if ps != nil {
			x.Plates = ps
		}
		if f.UserName != nil {
			x.HolderName = name
		}
		if f.UserMobile != nil {
			x.Mobile = *f.UserMobile
		}
		if ref.ID != "" && f.UserCode != nil {
			x.UserCode = *f.UserCode
		}
		if f.BeginTime != nil {
			x.ValidFrom = from
		}
		if f.EndTime != nil {
			x.ValidTo = to
		}
		if spaces > 0 {
			x.Spaces = spaces
		}
		if f.Plan != nil || f.RateID != nil {
			x.Plan = f.plan()
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return passResult(l, out), 1, nil
}

// deleteMonthCar is 月租删除: the pass named by MonthId or UserCode.
func (h *Handler) deleteMonthCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in monthCarWrite
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	code, err := required("ParkCode", in.ParkCode) // the use case refuses a lot not the partner's
	if err != nil {
		return nil, 0, err
	}
	ref, err := passRef(&in)
	if err != nil {
		return nil, 0, err
	}
	ref.UserCode = optString(in.UserCode) // both given: both must name the pass
	out, err := h.svc.Access.DeletePassBy(ctx, p.ID, code, ref)
	if err != nil {
		return nil, 0, err
	}
	return monthIDResult{MonthID: out.ID}, 1, nil
}

type pageRequest struct {
	ParkCode *string `json:"ParkCode"`
	PageNum  *int    `json:"PageNum"`
	PageSize *int    `json:"PageSize"`
}

type monthCarPage struct {
	PageNum  int              `json:"pageNum"`
	PageSize int              `json:"pageSize"`
	Records  []monthCarResult `json:"records"`
}

// DefaultMonthPageSize is QueryAllMonthCar's page when PageSize is absent.
const DefaultMonthPageSize = 10

// queryAllMonthCar is 查询车场所有月租: the lot's passes, oldest first,
// page PageNum (1-1000000) of PageSize (1-1000, default 10). total is the
// number of passes of the lot.
func (h *Handler) queryAllMonthCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in pageRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	num, err := pageNum("PageNum", in.PageNum)
	if err != nil {
		return nil, 0, err
	}
	size, err := pageSize(in.PageSize, DefaultMonthPageSize)
	if err != nil {
		return nil, 0, err
	}
	all, err := h.svc.Access.ListPasses(ctx, p.ID, l.Code)
	if err != nil {
		return nil, 0, err
	}
	slices.SortFunc(all, func(a, b *park.Pass) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	out := monthCarPage{PageNum: num, PageSize: size, Records: []monthCarResult{}}
	if start := (num - 1) * size; start < len(all) {
		for _, ps := range all[start:min(start+size, len(all))] {
			out.Records = append(out.Records, passResult(l, ps))
		}
	}
	return out, len(all), nil
}

type syncMonthRequest struct {
	ParkCode *string `json:"ParkCode"`
	// Each item is decoded on its own, so that a wrong type names it.
	MonthCars []json.RawMessage `json:"MonthCars"`
}

type syncOutcome struct {
	Index    int    `json:"index"`
	UserCode string `json:"userCode"`
	MonthID  string `json:"monthId"`
	Action   string `json:"action"` // "created" or "updated"
}

// syncMonthCar is 月租同步 (3.2.4.2): the property system's passes, keyed
// by UserCode, all or nothing (the core's SyncPasses). An invalid item
// answers state -1 naming MonthCars[i] and changes nothing.
func (h *Handler) syncMonthCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in syncMonthRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	if len(in.MonthCars) == 0 {
		return nil, 0, refuse(refusedMissing, "MonthCars", "")
	}
	passes := make([]*park.Pass, len(in.MonthCars))
	for i, raw := range in.MonthCars {
		f := &monthCarFields{}
		if err := decodeItem(raw, f); err != nil {
			return nil, 0, itemErr(i, err)
		}
		if _, err := required("UserCode", f.UserCode); err != nil {
			return nil, 0, itemErr(i, err)
		}
		if passes[i], err = newPass(f, l); err != nil {
			return nil, 0, itemErr(i, err)
		}
	}
	res, err := h.svc.Access.SyncPasses(ctx, p.ID, l.Code, passes)
	if err != nil {
		return nil, 0, err
	}
	out := make([]syncOutcome, len(res))
	for i, r := range res {
		out[i] = syncOutcome{Index: i, UserCode: r.Pass.UserCode, MonthID: r.Pass.ID, Action: "updated"}
		if r.Created {
			out[i].Action = "created"
		}
	}
	return out, len(out), nil
}

// decodeItem decodes one item of a list of objects (the body was decoded
// and checked whole already).
func decodeItem(raw json.RawMessage, v any) error {
	if b := bytes.TrimSpace(raw); len(b) == 0 || b[0] != '{' {
		return refuse(refusedType, "", "应为JSON对象")
	}
	if err := json.Unmarshal(raw, v); err != nil {
		if rf := typeRefusal(err, v); rf != nil {
			return rf
		}
		return refuse(refusedType, "", "应为JSON对象")
	}
	return nil
}

// itemErr names SyncMonthCar item i in a refusal's parameter.
func itemErr(i int, err error) error {
	rf, ok := err.(*refusal)
	if !ok {
		return err
	}
	f := fmt.Sprintf("MonthCars[%d]", i)
	if rf.field != "" {
		f += "." + rf.field
	}
	return refuse(rf.kind, f, rf.hint)
}

type whiteCarRequest struct {
	ParkCode    *string `json:"ParkCode"`
	CarNo       *string `json:"CarNo"`
	BeginTime   *string `json:"BeginTime"`
	EndTime     *string `json:"EndTime"`
	Reason      *string `json:"Reason"`
	SpecialType *string `json:"SpecialType"`
}

// lotAndCar reads ParkCode (with its lot) and CarNo.
func (h *Handler) lotAndCar(ctx context.Context, p *park.Partner, parkCode, car *string) (*park.Lot, string, error) {
	l, err := h.partnerLot(ctx, p, parkCode)
	if err != nil {
		return nil, "", err
	}
	c, err := carNo(car)
	if err != nil {
		return nil, "", err
	}
	return l, c, nil
}

// addWhiteCar is 添加白名单车: CarNo enters and leaves free from BeginTime
// to EndTime. The core's list rules apply: a whitelist car has its entry
// replaced, a plate on another list is a conflict.
func (h *Handler) addWhiteCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in whiteCarRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, car, err := h.lotAndCar(ctx, p, in.ParkCode, in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	from, err := parseTime("BeginTime", in.BeginTime, l)
	if err != nil {
		return nil, 0, err
	}
	to, err := parseTime("EndTime", in.EndTime, l)
	if err != nil {
		return nil, 0, err
	}
	out, err := h.svc.Access.PutListEntry(ctx, p.ID, l.Code, &park.WhitelistEntry{Plate: car, Kind: park.AccessAllow,
		Category: park.ListWhite, ValidFrom: from, ValidTo: to, Reason: optString(in.Reason)})
	if err != nil {
		return nil, 0, err
	}
	return listResult(l, out), 1, nil
}

type listEntryResult struct {
	CarNo       string `json:"carNo"`
	BeginTime   string `json:"beginTime"`
	EndTime     string `json:"endTime"`
	Reason      string `json:"reason,omitempty"`
	SpecialType string `json:"specialType,omitempty"`
	ID          string `json:"id"`
}

// listResult shows a whitelist or special entry; a special vehicle's
// reason is its type.
func listResult(l *park.Lot, w *park.WhitelistEntry) listEntryResult {
	out := listEntryResult{CarNo: w.Plate, BeginTime: localTime(w.ValidFrom, l), EndTime: localTime(w.ValidTo, l), ID: w.ID}
	if w.Category == park.ListSpecial {
		out.SpecialType = w.Reason
	} else {
		out.Reason = w.Reason
	}
	return out
}

// deleteListEntry removes the plate's entry of one list.
func (h *Handler) deleteListEntry(ctx context.Context, p *park.Partner, body []byte, list string) (any, int, error) {
	var in whiteCarRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, car, err := h.lotAndCar(ctx, p, in.ParkCode, in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	w, err := h.svc.Access.DeleteListEntry(ctx, p.ID, l.Code, car, list)
	if err != nil {
		return nil, 0, err
	}
	return listResult(l, w), 1, nil
}

// deleteWhiteCar is 删除白名单车: removes the plate's whitelist entry
// (special vehicles are removed with DeleteSpecialCar).
func (h *Handler) deleteWhiteCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	return h.deleteListEntry(ctx, p, body, park.ListWhite)
}

// syncSpecialCar is 同步特殊车辆: the core's special vehicles (police,
// ambulance and fire vehicles enter a full lot and leave free, a
// blacklisted car is kept out; an absent window is the core's default).
func (h *Handler) syncSpecialCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in whiteCarRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, car, err := h.lotAndCar(ctx, p, in.ParkCode, in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	typ, err := required("SpecialType", in.SpecialType)
	if err != nil {
		return nil, 0, err
	}
	from, err := optTime("BeginTime", in.BeginTime, l)
	if err != nil {
		return nil, 0, err
	}
	to, err := optTime("EndTime", in.EndTime, l)
	if err != nil {
		return nil, 0, err
	}
	out, err := h.svc.Access.PutSpecialVehicle(ctx, p.ID, l.Code, car, typ, from, to)
	if err != nil {
		return nil, 0, err
	}
	return listResult(l, out), 1, nil
}

// querySpecialCar is 查询特殊车辆: the lot's special vehicles (or the one
// CarNo names), by plate.
func (h *Handler) querySpecialCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in whiteCarRequest
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
	all, err := h.svc.Access.ListEntries(ctx, p.ID, l.Code, park.ListSpecial, car)
	if err != nil {
		return nil, 0, err
	}
	out := make([]listEntryResult, len(all))
	for i, w := range all {
		out[i] = listResult(l, w)
	}
	return out, len(out), nil
}

// deleteSpecialCar is 删除特殊车辆: removes the plate's special entry.
func (h *Handler) deleteSpecialCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	return h.deleteListEntry(ctx, p, body, park.ListSpecial)
}
