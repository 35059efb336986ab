package lvcchong

import (
	"errors"
	"net/http"

	"parkd/internal/park"
)

// The vendor's error codes: 10001 a missing or expired token, -1 anything
// else.
const (
	codeToken = "10001"
	codeOther = "-1"
)

// apiError is an error in the vendor's words.
type apiError struct {
	Code string
	Msg  string
}

func (e *apiError) Error() string { return e.Code + " " + e.Msg }

func apiErr(code, msg string) *apiError { return &apiError{Code: code, Msg: msg} }

// paramErr refuses a parameter in the words the core's refusals use:
// every one begins 参数错误：, whichever layer found it.
func paramErr(detail string) *apiError {
	return apiErr(codeOther, coreErrors[park.EInvalid].Msg+"："+detail)
}

// coreErrors words each core error code the vendor's way, in one table.
var coreErrors = map[park.Code]apiError{
	park.EInvalid:        {codeOther, "参数错误"},
	park.ENotFound:       {codeOther, "查询无数据"},
	park.EConflict:       {codeOther, "操作冲突：端口正在使用或订单已结束"},
	park.EUnauthorized:   {codeToken, "token无效或已过期，请重新获取"},
	park.EQuoteExpired:   {codeOther, "报价已过期"},
	park.EQuotePaid:      {codeOther, "订单已支付"},
	park.EAmountMismatch: {codeOther, "金额不符"},
	park.EStaySettled:    {codeOther, "订单已结清"},
	park.EStayClosed:     {codeOther, "订单已关闭"},
	park.EIdempotencyKey: {codeOther, "重复请求与原请求不一致"},
	park.ELotFull:        {codeOther, "车场已满"},
	park.EEntryRefused:   {codeOther, "请求被拒绝"},
	park.ECardData:       {codeOther, "请求含有银行卡信息，已拒绝"},
	park.ERateLimited:    {codeOther, "请求过于频繁，请稍后再试"},
	park.EReplayed:       {codeOther, "重复请求"},
	park.EUnavailable:    {codeOther, "服务繁忙，请稍后再试"},
	park.EInternal:       {codeOther, "系统错误"},
}

// conflicts words a conflict by what is in the way (the core's Field);
// one naming nothing keeps the table's words.
var conflicts = map[string]string{
	"connector":  "操作冲突：端口正在使用",
	"charger_id": "操作冲突：设备已停用或暂停服务",
	"session_id": "操作冲突：订单已结束",
}

// offline words a conflict with a device that is not connected
// (park.ReasonNotConnected) by what was asked of it: a start makes no
// order; a stop is kept and sent once the device is back.
var offline = map[string]string{
	"charger_id": "设备离线，无法开始充电，请待设备恢复连接后再试",
	"session_id": "设备离线，停止指令暂未送达，设备恢复连接后将自动停止充电",
}

// silent words a conflict with a device that is connected but did not
// answer in time (park.ReasonNotAnswering): a stop is kept and sent
// again once the device is heard from.
var silent = map[string]string{
	"session_id": "设备无响应，停止指令暂未送达，将在设备恢复通信后重发",
}

// missing words a not-found error by what is missing (the core's Field).
var missing = map[string]string{
	"charger_id": "查询无数据：设备不存在",
	"session_id": "查询无数据：订单不存在",
}

// fieldNames are the vendor's names of the core's fields.
var fieldNames = map[string]string{
	"charger_id": "deviceId", "connector": "portNum", "prepaid": "payMoney", "limit_minutes": "workTime",
	"family": "deviceFamily", "limit": "pageSize", "offset": "pageNum", "updated_to": "endTime",
}

// word turns an error into the vendor's code and a Chinese message.
func word(err error) apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return *ae
	}
	var pe *park.Error
	if !errors.As(err, &pe) {
		return coreErrors[park.EInternal]
	}
	e, ok := coreErrors[pe.Code]
	if !ok {
		e = coreErrors[park.EInternal]
	}
	if m, ok := conflicts[pe.Field]; ok && pe.Code == park.EConflict {
		e.Msg = m
	}
	if m, ok := offline[pe.Field]; ok && pe.Code == park.EConflict && pe.Reason == park.ReasonNotConnected {
		e.Msg = m
	}
	if m, ok := silent[pe.Field]; ok && pe.Code == park.EConflict && pe.Reason == park.ReasonNotAnswering {
		e.Msg = m
	}
	if m, ok := missing[pe.Field]; ok && pe.Code == park.ENotFound {
		e.Msg = m
	}
	if pe.Code == park.EInvalid && pe.Field != "" {
		f := fieldNames[pe.Field]
		if f == "" {
			f = pe.Field
		}
		switch {
		case pe.Reason == park.ReasonRange && len(pe.Params) == 2:
			e.Msg += "：参数" + f + "必须在" + pe.Params[0] + "到" + pe.Params[1] + "之间"
		case pe.Reason == park.ReasonOrder:
			e.Msg += "：参数" + f + "必须晚于开始时间"
		case pe.Reason == park.ReasonRequired:
			e.Msg += "：缺少参数" + f
		case pe.Reason == park.ReasonControlCharacter && len(pe.Params) == 2:
			e.Msg += "：参数" + f + "不能含控制字符" + pe.Params[0] + "（第" + pe.Params[1] + "字节）"
		default:
			e.Msg += "：参数" + f + "的值无效"
		}
	}
	return e
}

func (h *Handler) fail(w http.ResponseWriter, err error) {
	e := word(err)
	var pe *park.Error
	if errors.As(err, &pe) && (pe.Code == park.EInternal || pe.Code == park.EUnavailable) || !errors.As(err, &pe) && !isAPI(err) {
		h.log.Error("lvcchong call failed", "err", err)
	}
	writeJSON(w, map[string]any{"success": false, "code": e.Code, "error": e.Msg})
}

func isAPI(err error) bool {
	var ae *apiError
	return errors.As(err, &ae)
}
