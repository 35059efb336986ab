package ebopark

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"parkd/internal/access"
	"parkd/internal/park"
	"parkd/internal/plate"
)

// An error reply is state -1 (the only error state the vendor documents)
// and a desc read by people: what is wrong (the tables below), then the
// vendor's parameter it concerns, then a detail in Chinese. The detail is
// never the core's English message: it comes from the tables of hints
// below, keyed by the code and the vendor's parameter, or, for an amount
// due, from the error's amount.

// reply is the state and desc heading of one kind of error.
type reply struct {
	state int
	desc  string
}

// replies maps every core code to its reply (a test checks that
// park.Codes() are all here). A code missing here is a bug and answers as
// EInternal.
var replies = map[park.Code]reply{
	park.EInvalid:        {-1, "参数错误"},
	park.ENotFound:       {-1, "未找到"},
	park.EConflict:       {-1, "数据冲突"},
	park.EUnauthorized:   {-1, "签名错误"},
	park.EQuoteExpired:   {-1, "订单已过期"},
	park.EQuotePaid:      {-1, "订单已支付"},
	park.EAmountMismatch: {-1, "金额不符"},
	park.EStaySettled:    {-1, "无需缴费"},
	park.EStayClosed:     {-1, "车辆已出场"},
	park.EIdempotencyKey: {-1, "订单号重复"},
	park.ELotFull:        {-1, "车场已满"},
	park.EEntryRefused:   {-1, "禁止入场"},
	park.ECardData:       {-1, "不接受银行卡数据"},
	park.ERateLimited:    {-1, "请求过于频繁，请稍后重试"},
	park.EReplayed:       {-1, "重复的请求"},
	park.EUnavailable:    {-1, "服务暂不可用，请稍后重试"},
	park.EInternal:       {-1, "系统内部错误"},
}

// refusalKind is what the dialect itself refuses, before any use case of
// the core runs.
type refusalKind int

const (
	refusedSign      refusalKind = iota + 1 // sign does not match, or the partner has no secret
	refusedPartner                          // partnerid names no Ebopark partner
	refusedLot                              // the lot does not exist or is not the partner's
	refusedMissing                          // a required parameter is absent or empty
	refusedType                             // a parameter has the wrong JSON type or format
	refusedBody                             // the body is not one JSON object
	refusedPlate                            // CarNo is not a plate
	refusedTooLarge                         // the body exceeds MaxBody
	refusedOperation                        // the operation is not served
	refusedNoResult                         // the core answered, but with nothing the operation can show
	refusedStale                            // the signed timestamp is too far from parkd's clock
	refusedRepeated                         // a parameter is named twice (in any case)
)

// refusals is the dialect's own table, beside replies.
var refusals = map[refusalKind]reply{
	refusedSign:      {-1, "签名错误"},
	refusedPartner:   {-1, "合作商不存在"},
	refusedLot:       {-1, "无权操作该车场或车场不存在"},
	refusedMissing:   {-1, "缺少参数"},
	refusedType:      {-1, "参数类型错误"},
	refusedBody:      {-1, "请求体不是JSON对象"},
	refusedPlate:     {-1, "车牌号格式错误"},
	refusedTooLarge:  {-1, "请求体过大"},
	refusedOperation: {-1, "不支持的接口"},
	refusedNoResult:  {-1, "未找到"},
	refusedStale:     {-1, "时间戳无效"},
	refusedRepeated:  {-1, "参数重复"},
}

// refusal is an error of the dialect itself: its kind, the vendor's
// parameter it concerns and a Chinese detail ("" for validHints').
type refusal struct {
	kind  refusalKind
	field string
	hint  string
}

func (r *refusal) Error() string { return refusals[r.kind].desc + " " + r.field + " " + r.hint }

func refuse(kind refusalKind, field, hint string) error {
	return &refusal{kind: kind, field: field, hint: hint}
}

// coreFields names the core's fields as the vendor's parameters, for the
// operations that do not say otherwise (operation.fields). A core field
// missing here is shown without a parameter.
var coreFields = map[string]string{
	"plate": "CarNo", "plates": "CarNo", "holder_name": "UserName", "mobile": "UserMobile",
	"user_code": "UserCode", "spaces": "LotCount", "valid_from": "BeginTime", "valid_to": "EndTime",
	"plan": "RateId", "reason": "Reason", "passes": "MonthCars", "pass": "MonthId", "months": "Months",
	"type": "SpecialType", "lot": "ParkCode", "locator": "Locator", "lane": "ChannelId",
	"request_id": "RequestId", "quote_id": "OrderNo", "order_no": "OrderNo", "amount": "PayFee",
	"method": "PayType", "reference": "TradeNo", "limit": "Limit", "after": "Cursor",
	"nonce": "nonce",
}

// vendorKeys is, per operation, how the vendor's document spells a
// parameter the dialect names otherwise (its usual ParkCode, CarNo, ...):
// every refusal of that operation, the dialect's own and the core's,
// names the parameter so. Keys match in any case on the way in.
var vendorKeys = map[string]map[string]string{
	"QueryMonthCarInfoV2": {"UserMobile": "userMobile"},
	"QueryDeduList": {"ParkCode": "parkCode", "CarNo": "carNo", "Status": "status", "SendStartTime": "sendStartTime",
		"SendEndTime": "sendEndTime", "Page": "page", "PageSize": "pageSize"},
}

// codeAbout is the parameter an error without a field concerns, when the
// operation does not say otherwise (operation.about): the refusals of a
// payment are about the order it pays or the partner's trade number.
var codeAbout = map[park.Code]string{
	park.EQuoteExpired: "OrderNo", park.EQuotePaid: "OrderNo", park.EStaySettled: "OrderNo",
	park.EStayClosed: "OrderNo", park.EIdempotencyKey: "TradeNo", park.EAmountMismatch: "PayFee",
}

// validHints says what a valid value of a parameter is: the detail of a
// core's EInvalid, and of a dialect's wrong-type refusal without a detail
// of its own.
var validHints = map[string]string{
	"CarNo":        "无牌车的临时车牌不能办理此业务，一个月租至多20个车牌且不能重复",
	"UserName":     "不能为空，至多200字节",
	"UserMobile":   "应为5-20位数字，可带+号",
	"UserCode":     "不能只含空白，至多64个字符",
	"LotCount":     "应为1到车牌数之间的整数",
	"EndTime":      "须晚于 BeginTime",
	"CheckOutTime": "须晚于 CheckInTime，且不能已过去",
	"RateId":       "应为本车场的月租费率",
	"MonthCars":    "应有1-1000条",
	"Reason":       "至多200字节",
	"RoomNo":       "至多" + strconv.Itoa(park.MaxRoomLen) + "个字符，不能含控制字符",
	"SpecialType":  "应为 " + oneOf(access.SpecialTypes()),
	"Months":       "应为1-36的整数",
	"OrderNo":      "应为1-64个半角可见字符",
	"TradeNo":      "应为1-64个半角可见字符",
	"PayType":      "应为1-32个半角可见字符",
	"PayFee":       "应为不超过上限的非负整数（分）",
	"Locator":      "应为1-32位字母或数字，且不能与 CarNo 同时给出",
	"ChannelId":    laneHint,
	"RequestId":    "应为1-64个半角可见字符",
	"Remark":       remarkHint,
	"DeduNo":       "应为1-64个半角可见字符",
	"DeduType":     "应为1小时、2金额（分）、3折扣（%）或4全免；分钟券请用 AddMinuteDeduction",
	"DeduValue":    "小时券1-168，金额券1-1000000分，折扣券1-100，全免券为1或不填",
	"Minutes":      "应为1-10080",
	"MerchantName": "至多64个字符",
	"Status":       "应为0未使用、1已使用、4已过期或5已撤销",
	"PageSize":     "应为1-1000的整数",
	"Cursor":       "应为上一页返回的 nextCursor，首页不传",
	"PageNum":      "应为1-1000000的整数",
	"Page":         "应为1-1000000的整数",
	"Limit":        "应为1-100的整数",
	"FreeMinutes":  "应为0-10080的整数",
	"DiscountFee":  "应为0-1000000的整数（分）",
	"MemberNo":     "应为1-64个半角可见字符",
	"AlwaysOpen":   "应为1或0",
	"EntryRight":   "应为1或0",
	"ExitRight":    "应为1或0",
	"OpenId":       "至多128个字符",
	"ParkCode":     "应为字符串",
}

// plateWhys word why a plate was refused (plate.Why), with its values
// (plate.Error.Params) for each %s.
var plateWhys = map[plate.Why]string{
	plate.WhyEmpty:     "车牌号为空",
	plate.WhyTooLong:   "过长，不是车牌号",
	plate.WhyEncoding:  "含无效字符编码",
	plate.WhyLength:    "长度为 %s 个字符，应为 %s 个",
	plate.WhyProvince:  "“%s”不是省份简称",
	plate.WhyCharacter: "“%s”不能出现在此位置，此处应为%s",
	plate.WhyForm:      "字符排列不符合车牌格式",
	plate.WhyNoPlate:   "无牌车没有车牌号，请使用入场时发放的临时车牌（临开头）",
	plate.WhyShort:     "应为完整车牌或车牌的至少后%s位",
}

// plateWants word what the place of a refused character takes
// (plate.Want, a plate.WhyCharacter's second value).
var plateWants = map[plate.Want]string{
	plate.WantLetter:        "字母",
	plate.WantDigit:         "数字",
	plate.WantLetterOrDigit: "字母或数字",
	plate.WantSerial:        "字母（I、O 除外）或数字",
	plate.WantPlateStart:    "省份简称、字母或数字",
	plate.WantSearch:        "汉字、字母或数字",
}

// plateHint words why a plate was refused; "" for a kind without words,
// or values the words do not take.
func plateHint(why plate.Why, params []string) string {
	w, ok := plateWhys[why]
	if !ok || strings.Count(w, "%s") != len(params) {
		return ""
	}
	args := make([]any, len(params))
	for i, p := range params {
		args[i] = p
	}
	if why == plate.WhyCharacter {
		want, ok := plateWants[plate.Want(params[1])]
		if !ok {
			return ""
		}
		args[1] = want
	}
	return fmt.Sprintf(w, args...)
}

// laneHint words the core's rule for a lane's name: the lot's cameras
// name lanes, in any text of at most 64 bytes.
const laneHint = "应为" + laneRule

// laneRule is laneHint without its verb, for hints that name the lane's
// kind first.
const laneRule = "本车场相机上报的通道编号，至多64字节"

// codeHints is the detail of the other codes, per parameter, for the
// operations that do not say otherwise (operation.hints).
var codeHints = map[park.Code]map[string]string{
	park.ENotFound: {
		"ParkCode":  "无权操作该车场或车场不存在",
		"CarNo":     "该车辆不在场内",
		"Locator":   "该停车票对应的车辆不在场内",
		"OrderNo":   "订单不存在，请重新查费",
		"TradeNo":   "没有该订单的支付记录",
		"MonthId":   "月租不存在",
		"UserCode":  "月租不存在",
		"RateId":    "月租费率不存在",
		"ChannelId": "该车场没有此通道（通道编号以相机上报为准）",
		"DeduNo":    "该券不存在",
	},
	park.EConflict: {
		"UserCode":  "该用户编码已有月租",
		"CarNo":     "该车牌已属于其他月租",
		"ChannelId": "道闸处于常开状态，请先取消常开",
	},
	park.EQuoteExpired: {"OrderNo": "请重新查费"},
	// A replay names what makes a repeat new in the partner's sign mode.
	park.EReplayed: {
		"nonce":     "5分钟内已收到过同一 nonce 的请求；如需再次执行，请用新的 nonce 签名",
		"RequestId": "5分钟内已收到过同一请求；如需再次执行，请在请求体中加入新的 RequestId（平台不读取它）",
	},
	park.EUnavailable: {"ChannelId": "道闸设备无响应，指令未送达"},
}

// typeHint words the JSON type the decoder expected.
func typeHint(t *json.UnmarshalTypeError) string {
	if t.Type == nil {
		return ""
	}
	if t.Type == reflect.TypeFor[text]() {
		return "应为字符串或整数"
	}
	switch t.Type.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "应为整数"
	case reflect.Float32, reflect.Float64:
		return "应为数字"
	case reflect.String:
		return "应为字符串"
	case reflect.Bool:
		return "应为1或0"
	case reflect.Slice, reflect.Array:
		return "应为数组"
	}
	return "应为JSON对象"
}

// writeError renders err as the vendor's error envelope, HTTP 200, in the
// words of op (nil before the operation is known). Internal errors are
// logged, never shown; request bodies are never logged.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, op *operation, err error) {
	var rf *refusal
	if errors.As(err, &rf) {
		rep := refusals[rf.kind]
		hint := rf.hint
		if hint == "" && rf.kind == refusedType {
			hint = validHints[leaf(rf.field)]
		}
		field := rf.field
		if rf.kind != refusedRepeated { // a repeated key is named as sent
			field = op.key(field)
		}
		writeJSON(w, envelope{State: rep.state, Desc: desc(rep.desc, field, hint)})
		return
	}
	code := park.ErrorCode(err)
	rep, ok := replies[code]
	if !ok {
		code, rep = park.EInternal, replies[park.EInternal]
	}
	switch code {
	case park.EInternal:
		h.log.Error("internal error", "dialect", Name, "path", r.URL.Path, "err", err)
		writeJSON(w, envelope{State: rep.state, Desc: rep.desc})
		return
	case park.EUnavailable:
		h.log.Warn("unavailable", "dialect", Name, "path", r.URL.Path, "err", err)
	}
	if op == nil {
		op = &operation{}
	}
	var pe *park.Error
	errors.As(err, &pe)
	if code == park.ENotFound && pe.Field == "lot" {
		// A lot the partner may not use, refused by the core: worded as
		// the dialect words every such lot, whichever use case refused it.
		rep := refusals[refusedLot]
		writeJSON(w, envelope{State: rep.state, Desc: desc(rep.desc, op.key("ParkCode"), "")})
		return
	}
	field := op.vendorField(pe.Field)
	if pe.Field == "" {
		field = op.aboutField(code)
	}
	hint := op.hint(code, leaf(field))
	if h := plateHint(plate.Why(pe.Reason), pe.Params); code == park.EInvalid && h != "" {
		hint = h // the core's own plate rule says more than the parameter's
	}
	if h := textHint(pe); code == park.EInvalid && h != "" {
		hint = h // so does the character a text may not hold
	}
	if code == park.EAmountMismatch {
		hint = "应付 " + strconv.FormatInt(fen(pe.Amount), 10) + " 分"
	}
	writeJSON(w, envelope{State: rep.state, Desc: desc(rep.desc, op.key(field), hint)})
}

// textHint words a text refused for a character it may not hold
// (park.ReasonControlCharacter): that character and its byte; "" for
// any other refusal.
func textHint(pe *park.Error) string {
	if pe.Reason != park.ReasonControlCharacter || len(pe.Params) != 2 {
		return ""
	}
	return "不能含控制字符 " + pe.Params[0] + "（第" + pe.Params[1] + "字节）"
}

// oneOf words a choice: a、b 或 c.
func oneOf(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], "、") + " 或 " + s[len(s)-1]
}

// desc joins a heading, the parameter and the detail.
func desc(head, field, hint string) string {
	if field != "" {
		head += " " + field
	}
	if hint != "" {
		head += "：" + hint
	}
	return head
}

// vendorField names a core field as the operation's parameter: "" when
// unnamed. An item of a list keeps its index: passes[1].valid_to is
// MonthCars[1].EndTime.
func (o *operation) vendorField(core string) string {
	if core == "" {
		return ""
	}
	if i := strings.IndexByte(core, '['); i > 0 {
		if j := strings.IndexByte(core[i:], ']'); j > 0 {
			list := o.vendorField(core[:i])
			if list == "" {
				return ""
			}
			out := list + core[i:i+j+1]
			if rest := strings.TrimPrefix(core[i+j+1:], "."); rest != "" {
				if v := o.vendorField(rest); v != "" {
					out += "." + v
				}
			}
			return out
		}
	}
	if v, ok := o.fields[core]; ok {
		return v
	}
	return coreFields[core]
}

// key spells a parameter (a path: MonthCars[1].EndTime) as the
// operation's document does (vendorKeys); op may be nil (no operation).
func (o *operation) key(field string) string {
	if o == nil || len(o.keys) == 0 || field == "" {
		return field
	}
	parts := strings.Split(field, ".")
	for i, p := range parts {
		name, index := p, ""
		if j := strings.IndexByte(p, '['); j >= 0 {
			name, index = p[:j], p[j:]
		}
		if v, ok := o.keys[name]; ok {
			parts[i] = v + index
		}
	}
	return strings.Join(parts, ".")
}

func (o *operation) aboutField(code park.Code) string {
	if v, ok := o.about[code]; ok {
		return v
	}
	return codeAbout[code]
}

// hint is the detail of code for a parameter: the operation's, else the
// default table's; for EInvalid, else what a valid value is.
func (o *operation) hint(code park.Code, field string) string {
	if field == "" {
		return ""
	}
	if v, ok := o.hints[code][field]; ok {
		return v
	}
	if v, ok := codeHints[code][field]; ok {
		return v
	}
	if code == park.EInvalid {
		return validHints[field]
	}
	return ""
}

// leaf is the parameter of a path: MonthCars[1].EndTime is EndTime.
func leaf(field string) string {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		field = field[i+1:]
	}
	if i := strings.IndexByte(field, '['); i >= 0 {
		field = field[:i]
	}
	return field
}

// envelope is every reply of /partnerService/*.
type envelope struct {
	State  int    `json:"state"`
	Total  int    `json:"total"`
	Result any    `json:"result,omitempty"`
	Desc   string `json:"desc"`
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // desc is read by people; "<" stays "<"
	_ = enc.Encode(v)
}
