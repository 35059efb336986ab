package ebopark

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"parkd/internal/park"
)

// Dialect-level codes, beside the core's.
const (
	codeUnknownPartner park.Code = "ebopark_unknown_partner" // partnerid names no Ebopark partner
	codeLot            park.Code = "ebopark_lot"             // the lot does not exist or is not the partner's
	codeMissing        park.Code = "ebopark_missing"         // a required parameter is absent or empty
	codeType           park.Code = "ebopark_type"            // a parameter has the wrong JSON type
	codeBody           park.Code = "ebopark_body"            // the body is not one JSON object
	codePlate          park.Code = "ebopark_plate"           // CarNo is not a plate
	codeTooLarge       park.Code = "ebopark_too_large"       // the body exceeds MaxBody
	codeUnknownOp      park.Code = "ebopark_unknown_op"      // the operation is not served
)

// replies is the one table from error codes to Ebopark states and the
// Chinese desc. Every error is state -1, the only error state the vendor
// documents; desc says which error it is. A code missing here is a bug and
// answers as EInternal.
var replies = map[park.Code]struct {
	state int
	desc  string
}{
	park.EUnauthorized:   {-1, "签名错误"},
	codeUnknownPartner:   {-1, "合作商不存在"},
	codeLot:              {-1, "无权操作该车场或车场不存在"},
	codeMissing:          {-1, "缺少参数"},
	codeType:             {-1, "参数类型错误"},
	codeBody:             {-1, "请求体不是JSON对象"},
	codePlate:            {-1, "车牌号格式错误"},
	codeTooLarge:         {-1, "请求体过大"},
	codeUnknownOp:        {-1, "不支持的接口"},
	codeLotFull:          {-1, "车场已满"},
	codeRefused:          {-1, "禁止入场"},
	park.EInvalid:        {-1, "参数错误"},
	park.ENotFound:       {-1, "未找到"},
	park.EConflict:       {-1, "数据冲突"},
	park.EQuoteExpired:   {-1, "订单已过期"},
	park.EQuotePaid:      {-1, "订单已支付"},
	park.EAmountMismatch: {-1, "金额不符"},
	park.EStaySettled:    {-1, "无需缴费"},
	park.EStayClosed:     {-1, "车辆已出场"},
	park.EIdempotencyKey: {-1, "订单号重复"},
	park.EUnavailable:    {-1, "服务暂不可用，请稍后重试"},
	park.EInternal:       {-1, "系统内部错误"},
}

// envelope is every reply of /partnerService/*.
type envelope struct {
	State  int    `json:"state"`
	Total  int    `json:"total"`
	Result any    `json:"result,omitempty"`
	Desc   string `json:"desc"`
}

// writeError renders err as the vendor's error envelope, HTTP 200. desc is
// the table's text, then the field, then the detail (for internal errors,
// never the detail: it is logged instead). Request bodies are never logged.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := park.ErrorCode(err)
	rep, ok := replies[code]
	if !ok {
		code, rep = park.EInternal, replies[park.EInternal]
	}
	desc := rep.desc
	var pe *park.Error
	if errors.As(err, &pe) && code != park.EInternal {
		if pe.Field != "" {
			desc += " " + pe.Field
		}
		if pe.Message != "" {
			desc += "：" + pe.Message
		}
	}
	switch code {
	case park.EInternal:
		h.log.Error("internal error", "dialect", "ebopark", "path", r.URL.Path, "err", err)
	case park.EUnavailable:
		h.log.Warn("database unavailable", "dialect", "ebopark", "path", r.URL.Path, "err", err)
	}
	writeJSON(w, envelope{State: rep.state, Desc: desc})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // desc is read by people; "<" stays "<"
	_ = enc.Encode(v)
}

// shorten makes caller input safe to echo in a desc: valid UTF-8, at most
// 32 runes.
func shorten(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if utf8.RuneCountInString(s) > 32 {
		s = string([]rune(s)[:32]) + "…"
	}
	return s
}
