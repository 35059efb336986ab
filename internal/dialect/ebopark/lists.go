package ebopark

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"parkd/internal/park"
)

// listOps are the monthly pass (3.2.4), whitelist (3.2.11) and special
// vehicle (3.2.13) operations.
func (h *Handler) listOps() map[string]operation {
	return map[string]operation{
		"AddMonthCar":      h.addMonthCar,
		"UpdateMonthCar":   h.updateMonthCar,
		"DeleteMonthCar":   h.deleteMonthCar,
		"QueryAllMonthCar": h.queryAllMonthCar,
		"SyncMonthCar":     h.syncMonthCar,
		"AddWhiteCar":      h.addWhiteCar,
		"DeleteWhiteCar":   h.deleteWhiteCar,
		"SyncSpecialCar":   h.syncSpecialCar,
		"QuerySpecialCar":  h.querySpecialCar,
		"DeleteSpecialCar": h.deleteSpecialCar,
	}
}

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

// coreFields names the core's pass and list fields as the vendor does, so
// that a refusal by the core names the parameter the partner sent.
var coreFields = map[string]string{
	"holder_name": "UserName", "mobile": "UserMobile", "user_code": "UserCode", "plates": "CarNo",
	"plate": "CarNo", "spaces": "LotCount", "valid_from": "BeginTime", "valid_to": "EndTime",
	"plan": "Plan", "reason": "Reason", "passes": "MonthCars",
}

// vendorError renames the field of a core error (see coreFields); a
// SyncMonthCar item's "passes[i].x" becomes "MonthCars[i].X".
func vendorError(err error) error {
	pe, ok := err.(*park.Error)
	if !ok || pe.Field == "" {
		return err
	}
	f := pe.Field
	prefix := ""
	if strings.HasPrefix(f, "passes[") {
		if i := strings.Index(f, "]"); i > 0 {
			prefix, f = "MonthCars"+f[len("passes"):i+1], strings.TrimPrefix(f[i+1:], ".")
		}
	}
	if v, ok := coreFields[f]; ok {
		f = v
	}
	if prefix != "" && f != "" {
		f = prefix + "." + f
	} else if prefix != "" {
		f = prefix
	}
	return &park.Error{Code: pe.Code, Field: f, Message: pe.Message}
}

// plates reads CarNo: a string (one plate or a comma-separated list,
// "，" accepted) or an array of strings. Each plate is checked as CarNo
// is elsewhere (plate-less identities refused).
func plates(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, &park.Error{Code: codeMissing, Field: "CarNo"}
	}
	var list []string
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		list = strings.FieldsFunc(one, func(r rune) bool { return r == ',' || r == '，' })
	} else if err := json.Unmarshal(raw, &list); err != nil {
		return nil, &park.Error{Code: codeType, Field: "CarNo", Message: "应为字符串或字符串数组"}
	}
	out := make([]string, 0, len(list))
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, err := carPlate(&s)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Text)
	}
	if len(out) == 0 {
		return nil, &park.Error{Code: codeMissing, Field: "CarNo"}
	}
	return out, nil
}

// parseTime reads a lot-local yyyy-MM-dd HH:mm:ss time.
func parseTime(field string, s *string, l *park.Lot) (time.Time, error) {
	v, err := required(field, s)
	if err != nil {
		return time.Time{}, err
	}
	t, err := time.ParseInLocation(timeLayout, v, l.Location())
	if err != nil {
		return time.Time{}, &park.Error{Code: codeType, Field: field, Message: "应为 yyyy-MM-dd HH:mm:ss"}
	}
	return t, nil
}

func optString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// newPass translates the fields of a new pass (every required field
// present).
func newPass(f *monthCarFields, l *park.Lot) (*park.Pass, error) {
	ps, err := plates(f.CarNo)
	if err != nil {
		return nil, err
	}
	name, err := required("UserName", f.UserName)
	if err != nil {
		return nil, err
	}
	p := &park.Pass{HolderName: name, Mobile: optString(f.UserMobile), UserCode: optString(f.UserCode), Plates: ps}
	if p.ValidFrom, err = parseTime("BeginTime", f.BeginTime, l); err != nil {
		return nil, err
	}
	if p.ValidTo, err = parseTime("EndTime", f.EndTime, l); err != nil {
		return nil, err
	}
	if f.LotCount != nil {
		if *f.LotCount < 1 {
			return nil, &park.Error{Code: codeType, Field: "LotCount", Message: "应为正整数"}
		}
		p.Spaces = *f.LotCount
	}
	p.Plan = optString(f.RateID)
	if f.Plan != nil {
		p.Plan = *f.Plan
	}
	return p, nil
}

type monthIDResult struct {
	MonthID string `json:"monthId"`
}

// addMonthCar is 月租新增: a new pass; the reply is its id.
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
	if ps.UserCode != "" {
		// SyncMonthCar and UpdateMonthCar find passes by UserCode.
		if _, err := h.svc.Access.PassByUserCode(ctx, l.Code, ps.UserCode); err == nil {
			return nil, 0, &park.Error{Code: park.EConflict, Field: "UserCode", Message: "该用户编码已有月租"}
		} else if !park.IsCode(err, park.ENotFound) {
			return nil, 0, vendorError(err)
		}
	}
	out, err := h.svc.Access.CreatePass(ctx, l.Code, ps)
	if err != nil {
		return nil, 0, vendorError(err)
	}
	return monthIDResult{MonthID: out.ID}, 1, nil
}

// findPass resolves MonthId, else UserCode.
func (h *Handler) findPass(ctx context.Context, l *park.Lot, in *monthCarWrite) (*park.Pass, error) {
	var (
		ps  *park.Pass
		err error
	)
	switch {
	case in.MonthID != nil && *in.MonthID != "":
		ps, err = h.svc.Access.GetPass(ctx, l.Code, *in.MonthID)
	case in.UserCode != nil && *in.UserCode != "":
		ps, err = h.svc.Access.PassByUserCode(ctx, l.Code, *in.UserCode)
	default:
		return nil, &park.Error{Code: codeMissing, Field: "MonthId/UserCode"}
	}
	if park.IsCode(err, park.ENotFound) || park.IsCode(err, park.EInvalid) {
		return nil, &park.Error{Code: park.ENotFound, Message: "月租不存在"}
	}
	return ps, err
}

// updateMonthCar is 月租修改: the pass named by MonthId (or, without it,
// UserCode) takes every field present in the request. The reply is the
// pass as QueryMonthCarInfoV2 shows it.
func (h *Handler) updateMonthCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in monthCarWrite
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	cur, err := h.findPass(ctx, l, &in)
	if err != nil {
		return nil, 0, err
	}
	// Translate everything before touching the core.
	f := &in.monthCarFields
	var (
		ps         []string
		from, to   time.Time
		name       string
		changeCode = in.MonthID != nil && *in.MonthID != "" && f.UserCode != nil
	)
	if len(f.CarNo) > 0 && string(f.CarNo) != "null" {
		if ps, err = plates(f.CarNo); err != nil {
			return nil, 0, err
		}
	}
	if f.UserName != nil {
		if name, err = required("UserName", f.UserName); err != nil {
			return nil, 0, err
		}
	}
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
	if f.LotCount != nil && *f.LotCount < 1 {
		return nil, 0, &park.Error{Code: codeType, Field: "LotCount", Message: "应为正整数"}
	}
	if changeCode && *f.UserCode != "" && *f.UserCode != cur.UserCode {
		if _, err := h.svc.Access.PassByUserCode(ctx, l.Code, *f.UserCode); err == nil {
			return nil, 0, &park.Error{Code: park.EConflict, Field: "UserCode", Message: "该用户编码已有月租"}
		}
	}
	out, err := h.svc.Access.UpdatePass(ctx, l.Code, cur.ID, func(x *park.Pass) error {
		if ps != nil {
			x.Plates = ps
		}
		if f.UserName != nil {
			x.HolderName = name
		}
		if f.UserMobile != nil {
			x.Mobile = *f.UserMobile
		}
		if changeCode {
			x.UserCode = *f.UserCode
		}
		if f.BeginTime != nil {
			x.ValidFrom = from
		}
		if f.EndTime != nil {
			x.ValidTo = to
		}
		if f.LotCount != nil {
			x.Spaces = *f.LotCount
		}
		if f.RateID != nil {
			x.Plan = *f.RateID
		}
		if f.Plan != nil {
			x.Plan = *f.Plan
		}
		return nil
	})
	if err != nil {
		return nil, 0, vendorError(err)
	}
	return passResult(l, out), 1, nil
}

// deleteMonthCar is 月租删除: the pass named by MonthId or UserCode.
func (h *Handler) deleteMonthCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in monthCarWrite
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	cur, err := h.findPass(ctx, l, &in)
	if err != nil {
		return nil, 0, err
	}
	if err := h.svc.Access.DeletePass(ctx, l.Code, cur.ID); err != nil {
		return nil, 0, vendorError(err)
	}
	return monthIDResult{MonthID: cur.ID}, 1, nil
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
// page PageNum (from 1) of PageSize (1-1000, default 10). total is the
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
	num := 1
	if in.PageNum != nil {
		if num = *in.PageNum; num < 1 {
			return nil, 0, &park.Error{Code: codeType, Field: "PageNum", Message: "应从1开始"}
		}
	}
	size, err := pageSize(in.PageSize, DefaultMonthPageSize)
	if err != nil {
		return nil, 0, err
	}
	all, err := h.svc.Access.ListPasses(ctx, l.Code)
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
	ParkCode  *string          `json:"ParkCode"`
	MonthCars []monthCarFields `json:"MonthCars"`
}

type syncOutcome struct {
	Index    int    `json:"index"`
	UserCode string `json:"userCode"`
	MonthID  string `json:"monthId"`
	Action   string `json:"action"` // "created" or "updated"
}

// syncMonthCar is 月租同步 (3.2.4.2): the property system's passes, keyed
// by UserCode, all or nothing. An invalid item answers state -1 naming
// MonthCars[i] and changes nothing.
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
		return nil, 0, &park.Error{Code: codeMissing, Field: "MonthCars"}
	}
	if len(in.MonthCars) > park.MaxListLimit {
		return nil, 0, &park.Error{Code: codeType, Field: "MonthCars", Message: "最多1000条"}
	}
	passes := make([]*park.Pass, len(in.MonthCars))
	for i := range in.MonthCars {
		f := &in.MonthCars[i]
		if _, err := required("UserCode", f.UserCode); err != nil {
			return nil, 0, itemErr(i, err)
		}
		if passes[i], err = newPass(f, l); err != nil {
			return nil, 0, itemErr(i, err)
		}
	}
	res, err := h.svc.Access.SyncPasses(ctx, l.Code, passes)
	if err != nil {
		return nil, 0, vendorError(err)
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

// itemErr names SyncMonthCar item i in a dialect error's field.
func itemErr(i int, err error) error {
	pe, ok := err.(*park.Error)
	if !ok {
		return err
	}
	f := fmt.Sprintf("MonthCars[%d]", i)
	if pe.Field != "" {
		f += "." + pe.Field
	}
	return &park.Error{Code: pe.Code, Field: f, Message: pe.Message}
}

type whiteCarRequest struct {
	ParkCode    *string `json:"ParkCode"`
	CarNo       *string `json:"CarNo"`
	BeginTime   *string `json:"BeginTime"`
	EndTime     *string `json:"EndTime"`
	Reason      *string `json:"Reason"`
	SpecialType *string `json:"SpecialType"`
}

// specialKinds maps SpecialType to the core's list kind.
var specialKinds = map[string]string{
	"police": park.AccessAllow, "ambulance": park.AccessAllow, "fire": park.AccessAllow,
	"blacklist": park.AccessDeny,
}

// farBegin and farEnd bound a special vehicle's entry when BeginTime or
// EndTime is absent: 2000-01-01 00:00:00 to 2100-01-01 00:00:00 lot-local.
func farBegin(l *park.Lot) time.Time { return time.Date(2000, 1, 1, 0, 0, 0, 0, l.Location()) }
func farEnd(l *park.Lot) time.Time   { return time.Date(2100, 1, 1, 0, 0, 0, 0, l.Location()) }

// addWhiteCar is 添加白名单车: CarNo enters and leaves free from BeginTime
// to EndTime. A plate already whitelisted (not as a special vehicle) has
// its entry replaced; a plate with a special or deny entry is a conflict.
func (h *Handler) addWhiteCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
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
	from, err := parseTime("BeginTime", in.BeginTime, l)
	if err != nil {
		return nil, 0, err
	}
	to, err := parseTime("EndTime", in.EndTime, l)
	if err != nil {
		return nil, 0, err
	}
	w := &park.WhitelistEntry{Plate: car.Text, Kind: park.AccessAllow, ValidFrom: from, ValidTo: to, Reason: optString(in.Reason)}
	out, err := h.upsertList(ctx, l, w, isPlainWhite)
	if err != nil {
		return nil, 0, err
	}
	return listResult(l, out), 1, nil
}

// isPlainWhite reports whether w is a whitelist car of AddWhiteCar (not a
// special vehicle, a hotel car or a deny entry).
func isPlainWhite(w *park.WhitelistEntry) bool {
	return w.Kind == park.AccessAllow && w.Category == park.ListWhite
}

// isSpecial reports whether w is a special vehicle of SyncSpecialCar.
func isSpecial(w *park.WhitelistEntry) bool { return w.Category == park.ListSpecial }

// upsertList creates w, or replaces the plate's existing entry when
// replaceable says it may (otherwise EConflict).
func (h *Handler) upsertList(ctx context.Context, l *park.Lot, w *park.WhitelistEntry, replaceable func(*park.WhitelistEntry) bool) (*park.WhitelistEntry, error) {
	old, err := h.svc.Access.WhitelistByPlate(ctx, l.Code, w.Plate)
	switch {
	case park.IsCode(err, park.ENotFound):
		out, err := h.svc.Access.CreateWhitelist(ctx, l.Code, w)
		return out, vendorError(err)
	case err != nil:
		return nil, vendorError(err)
	case !replaceable(old):
		return nil, &park.Error{Code: park.EConflict, Field: "CarNo", Message: "该车牌已有其他名单记录"}
	}
	out, err := h.svc.Access.UpdateWhitelist(ctx, l.Code, old.ID, func(x *park.WhitelistEntry) error {
		x.Kind, x.Category, x.ValidFrom, x.ValidTo, x.Reason = w.Kind, w.Category, w.ValidFrom, w.ValidTo, w.Reason
		return nil
	})
	return out, vendorError(err)
}

type listEntryResult struct {
	CarNo       string `json:"carNo"`
	BeginTime   string `json:"beginTime"`
	EndTime     string `json:"endTime"`
	Reason      string `json:"reason,omitempty"`
	SpecialType string `json:"specialType,omitempty"`
	ID          string `json:"id"`
}

func listResult(l *park.Lot, w *park.WhitelistEntry) listEntryResult {
	out := listEntryResult{CarNo: w.Plate, BeginTime: localTime(w.ValidFrom, l), EndTime: localTime(w.ValidTo, l), ID: w.ID}
	if isSpecial(w) {
		out.SpecialType = w.Reason
	} else {
		out.Reason = w.Reason
	}
	return out
}

// deleteListEntry removes the plate's entry when match accepts it
// (otherwise, or with no entry, ENotFound).
func (h *Handler) deleteListEntry(ctx context.Context, p *park.Partner, body []byte, match func(*park.WhitelistEntry) bool, what string) (any, int, error) {
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
	w, err := h.svc.Access.WhitelistByPlate(ctx, l.Code, car.Text)
	if park.IsCode(err, park.ENotFound) || (err == nil && !match(w)) {
		return nil, 0, &park.Error{Code: park.ENotFound, Message: "该车牌不是" + what}
	}
	if err != nil {
		return nil, 0, vendorError(err)
	}
	if err := h.svc.Access.DeleteWhitelist(ctx, l.Code, w.ID); err != nil {
		return nil, 0, vendorError(err)
	}
	return listResult(l, w), 1, nil
}

// deleteWhiteCar is 删除白名单车: removes the plate's whitelist entry
// (special vehicles are removed with DeleteSpecialCar).
func (h *Handler) deleteWhiteCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	return h.deleteListEntry(ctx, p, body, isPlainWhite, "白名单车")
}

// syncSpecialCar is 同步特殊车辆: police, ambulance and fire vehicles are
// whitelisted (they enter a full lot and leave free); blacklist refuses
// entry. BeginTime defaults to 2000-01-01 00:00:00, EndTime to
// 2100-01-01 00:00:00. An
// existing special entry for the plate is replaced; a plain whitelist
// entry is a conflict.
func (h *Handler) syncSpecialCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
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
	typ, err := required("SpecialType", in.SpecialType)
	if err != nil {
		return nil, 0, err
	}
	kind, ok := specialKinds[typ]
	if !ok {
		return nil, 0, &park.Error{Code: codeType, Field: "SpecialType", Message: "应为 police、ambulance、fire 或 blacklist"}
	}
	from, to := farBegin(l), farEnd(l)
	if in.BeginTime != nil {
		if from, err = parseTime("BeginTime", in.BeginTime, l); err != nil {
			return nil, 0, err
		}
	}
	if in.EndTime != nil {
		if to, err = parseTime("EndTime", in.EndTime, l); err != nil {
			return nil, 0, err
		}
	}
	w := &park.WhitelistEntry{Plate: car.Text, Kind: kind, ValidFrom: from, ValidTo: to, Category: park.ListSpecial, Reason: typ}
	out, err := h.upsertList(ctx, l, w, isSpecial)
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
	only := ""
	if in.CarNo != nil && *in.CarNo != "" {
		car, err := carPlate(in.CarNo)
		if err != nil {
			return nil, 0, err
		}
		only = car.Text
	}
	all, err := h.svc.Access.ListWhitelist(ctx, l.Code)
	if err != nil {
		return nil, 0, err
	}
	out := []listEntryResult{}
	for _, w := range all {
		if isSpecial(w) && (only == "" || w.Plate == only) {
			out = append(out, listResult(l, w))
		}
	}
	slices.SortFunc(out, func(a, b listEntryResult) int { return strings.Compare(a.CarNo, b.CarNo) })
	return out, len(out), nil
}

// deleteSpecialCar is 删除特殊车辆: removes the plate's special entry.
func (h *Handler) deleteSpecialCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	return h.deleteListEntry(ctx, p, body, isSpecial, "特殊车辆")
}
