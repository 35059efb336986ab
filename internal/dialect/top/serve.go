package top

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"

	"parkd/internal/park"
	"parkd/internal/recovery"
	"parkd/internal/rental"
)

// Calls the channel makes to parkd (the supplier). Their names and
// fields are parkd's choice after the gateway's conventions (the
// channel's documents for them are not known), kept here and in
// docs/rental.md.
const (
	CallStoreModels = "alitrip.rentcar.storevehmodel.query"
	CallOrderCheck  = "alitrip.rentcar.order.check"
	CallOrderSubmit = "alitrip.rentcar.order.submit"
	CallOrderQuery  = "alitrip.rentcar.order.query"
	CallOrderCancel = "alitrip.rentcar.order.cancel"
)

// MaxClockSkew is how far a call's timestamp may be from parkd's clock.
const MaxClockSkew = 10 * time.Minute

// orderStatus is the channel's code of each order status.
var orderStatus = map[string]int{park.OrderAwaitingPickup: 111, park.OrderInUse: 121, park.OrderAwaitingSettlement: 122,
	park.OrderCompleted: 123, park.OrderCancelled: 131}

// Fee codes of a price breakdown.
const feeRent = 11

// Handler serves the channel's calls.
type Handler struct {
	rental *rental.Service
	log    *slog.Logger
	now    func() time.Time
}

// Config wires a Handler.
type Config struct {
	Rental *rental.Service
	Log    *slog.Logger
	Now    func() time.Time // default time.Now
}

// New returns the channel's side of the dialect.
func New(c Config) *Handler {
	h := &Handler{rental: c.Rental, log: c.Log, now: c.Now}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	return h
}

// Mount registers the endpoint the operator gives the channel, for every
// method, so that a wrong one is answered in the gateway's envelope, as is
// a panic.
func (h *Handler) Mount(mount func(pattern string, h http.Handler)) {
	mount("/top/rental", recovery.Wrap(http.HandlerFunc(h.serve), h.log, Name, func(w http.ResponseWriter, _ *http.Request, err error) {
		h.answer(w, "", nil, err)
	}))
}

// callError is an error the channel is answered with.
type callError struct {
	code          int
	msg, sub, sm  string
	internalCause error
}

func (e *callError) Error() string { return e.sub + ": " + e.sm }

func refuse(sub, msg string) *callError {
	return &callError{code: 40, msg: "Invalid arguments", sub: sub, sm: msg}
}

// maxCallBody bounds a channel's call: its parameters are a few short
// texts.
const maxCallBody = 1 << 20

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		h.answer(w, "", nil, refuse("isv.invalid-parameter", "请用POST提交表单"))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxCallBody+1))
	if err == nil && len(body) > maxCallBody {
		// Cut at the limit it would be answered for what is missing.
		h.answer(w, "", nil, refuse("isv.invalid-parameter", fmt.Sprintf("请求体超过 %d 字节", maxCallBody)))
		return
	}
	form := url.Values{}
	if err == nil {
		form, err = url.ParseQuery(string(body))
	}
	for k, v := range r.URL.Query() {
		form[k] = append(form[k], v...)
	}
	method := form.Get("method")
	if err != nil {
		h.answer(w, method, nil, refuse("isv.invalid-parameter", "请求体不是表单"))
		return
	}
	// A parameter given twice (in the body, or in the body and the
	// query) reads either way: which one did the channel sign and mean?
	for _, k := range slices.Sorted(maps.Keys(form)) {
		if len(form[k]) > 1 {
			h.answer(w, method, nil, refuse("isv.invalid-parameter", "参数重复 "+k))
			return
		}
	}
	out, err := h.call(r.Context(), method, form)
	h.answer(w, method, out, err)
}

// call authenticates the channel and runs its call.
func (h *Handler) call(ctx context.Context, method string, form url.Values) (any, error) {
	if err := required(form, "method", "app_key", "timestamp", "sign_method", "sign"); err != nil {
		return nil, err
	}
	if f := form.Get("format"); f != "" && f != "json" {
		// Every reply is JSON: a client that asked for XML would not read it.
		return nil, &callError{code: 23, msg: "Invalid format", sub: "isv.invalid-format", sm: "不支持的格式 " + f + ",请用 json"}
	}
	ch, err := h.rental.GetChannel(ctx, form.Get("app_key"))
	if park.IsCode(err, park.ENotFound) {
		return nil, &callError{code: 29, msg: "Invalid app Key", sub: "isv.appkey-not-exists", sm: "应用不存在"}
	} else if err != nil {
		return nil, err
	}
	at, err := ParseTimestamp(form.Get("timestamp"))
	if err != nil {
		return nil, &callError{code: 31, msg: "Invalid timestamp", sub: "isv.invalid-timestamp", sm: "时间戳格式错误"}
	}
	if d := h.now().Sub(at); d > MaxClockSkew || d < -MaxClockSkew {
		return nil, &callError{code: 31, msg: "Invalid timestamp", sub: "isv.invalid-timestamp", sm: "时间戳与服务器时间相差超过10分钟"}
	}
	p := map[string]string{}
	for k := range form {
		p[k] = form.Get(k)
	}
	want, err := Sign(form.Get("sign_method"), ch.Secret, p)
	if err != nil {
		return nil, &callError{code: 25, msg: "Invalid signature", sub: "isv.invalid-sign-method", sm: "不支持的签名方法"}
	}
	if !constantEqual(want, form.Get("sign")) {
		return nil, &callError{code: 25, msg: "Invalid signature", sub: "isv.invalid-signature", sm: "签名错误"}
	}
	switch method {
	case CallStoreModels:
		return h.storeModels(ctx, ch, form)
	case CallOrderCheck:
		return h.check(ctx, ch, form)
	case CallOrderSubmit:
		return h.submit(ctx, ch, form)
	case CallOrderQuery:
		o, err := h.channelOrder(ctx, ch, form)
		if err != nil {
			return nil, err
		}
		return orderResult(o), nil
	case CallOrderCancel:
		o, err := h.channelOrder(ctx, ch, form)
		if err != nil {
			return nil, err
		}
		if o, err = h.rental.CancelOrder(ctx, o.ID); err != nil {
			return nil, err
		}
		return orderResult(o), nil
	}
	return nil, &callError{code: 22, msg: "Invalid method", sub: "isv.invalid-method", sm: "不支持的方法 " + method}
}

// required refuses a call without one of the parameters named, first
// missing first: every missing parameter is worded the same way.
func required(form url.Values, names ...string) error {
	for _, k := range names {
		if form.Get(k) == "" {
			return refuse("isv.missing-parameter", "缺少参数 "+k)
		}
	}
	return nil
}

func constantEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var v byte
	for i := 0; i < len(a); i++ {
		v |= a[i] ^ b[i]
	}
	return v == 0
}

// storeErr words the core's refusal of a store (none, or one the channel
// does not sell) as the gateway's, naming the store asked for.
func storeErr(err error, store string) error {
	var pe *park.Error
	if errors.As(err, &pe) && pe.Code == park.ENotFound && pe.Field == "store_code" {
		return refuse("isv.store-not-exists", "门店不存在或未在本渠道销售: "+store)
	}
	return err
}

func (h *Handler) storeModels(ctx context.Context, ch *park.RentalChannel, form url.Values) (any, error) {
	if err := required(form, "store_code"); err != nil {
		return nil, err
	}
	code := form.Get("store_code")
	st, ts, err := h.rental.ChannelStoreModels(ctx, ch.ID, code)
	if err != nil {
		return nil, storeErr(err, code)
	}
	list := make([]storeVehicleModelInfo, len(ts))
	for i, t := range ts {
		if list[i], err = storeModelInfo(st, t); err != nil {
			return nil, err
		}
	}
	return storeModelsResult{List: list}, nil
}

// request reads an order's store, model and times (GMT+8).
func request(ch *park.RentalChannel, form url.Values) (rental.OrderRequest, error) {
	r := rental.OrderRequest{ChannelID: ch.ID, ChannelOrderID: form.Get("out_order_id"), StoreCode: form.Get("store_code"),
		ModelCode: form.Get("vehicle_model_code")}
	if err := required(form, "store_code", "vehicle_model_code", "pickup_time", "return_time"); err != nil {
		return r, err
	}
	var err error
	if r.PickupAt, err = ParseTimestamp(form.Get("pickup_time")); err != nil {
		return r, refuse("isv.invalid-parameter", "pickup_time 须为 yyyy-MM-dd HH:mm:ss")
	}
	if r.ReturnAt, err = ParseTimestamp(form.Get("return_time")); err != nil {
		return r, refuse("isv.invalid-parameter", "return_time 须为 yyyy-MM-dd HH:mm:ss")
	}
	for _, t := range []struct {
		name string
		at   time.Time
	}{{"pickup_time", r.PickupAt}, {"return_time", r.ReturnAt}} {
		if park.CheckYear(t.name, t.at.In(gmt8)) != nil { // the year as the channel wrote it
			return r, refuse("isv.invalid-parameter", fmt.Sprintf("%s 年份应在%d到%d之间", t.name, park.MinYear, park.MaxYear))
		}
	}
	return r, nil
}

func (h *Handler) check(ctx context.Context, ch *park.RentalChannel, form url.Values) (any, error) {
	r, err := request(ch, form)
	if err != nil {
		return nil, err
	}
	q, err := h.rental.CheckOrder(ctx, r)
	if err != nil {
		return nil, storeErr(err, r.StoreCode)
	}
	return checkResult(q), nil
}

// maxOrderID bounds the channel's order id.
const maxOrderID = 64

func (h *Handler) submit(ctx context.Context, ch *park.RentalChannel, form url.Values) (any, error) {
	r, err := request(ch, form)
	if err != nil {
		return nil, err
	}
	if r.ChannelOrderID == "" {
		return nil, refuse("isv.missing-parameter", "缺少参数 out_order_id")
	}
	if len(r.ChannelOrderID) > maxOrderID {
		return nil, refuse("isv.invalid-parameter", fmt.Sprintf("out_order_id 过长: 最多 %d 个字节", maxOrderID))
	}
	o, err := h.rental.SubmitOrder(ctx, r)
	if err != nil {
		return nil, storeErr(err, r.StoreCode)
	}
	return orderResult(o), nil
}

func (h *Handler) channelOrder(ctx context.Context, ch *park.RentalChannel, form url.Values) (*park.RentalOrder, error) {
	if err := required(form, "out_order_id"); err != nil {
		return nil, err
	}
	id := form.Get("out_order_id")
	o, err := h.rental.ChannelOrder(ctx, ch.ID, id)
	if park.IsCode(err, park.ENotFound) {
		return nil, refuse("isv.order-not-exists", "订单不存在: "+id)
	}
	return o, err
}

// answer writes the channel's reply: {"<method>_response":{"message_code":0,
// "message":"success","result":...}} or {"error_response":{...}}.
func (h *Handler) answer(w http.ResponseWriter, method string, out any, err error) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	if err != nil {
		ce := callErrorOf(err)
		if ce.internalCause != nil {
			h.log.Error("rental channel call", "method", method, "err", ce.internalCause)
		}
		_ = json.NewEncoder(w).Encode(map[string]errorReply{"error_response": {Code: ce.code, Msg: ce.msg,
			SubCode: ce.sub, SubMsg: ce.sm}})
		return
	}
	name := "rental_response"
	if method != "" {
		name = replaceDots(method) + "_response"
	}
	// One key, the envelope: the map orders nothing.
	_ = json.NewEncoder(w).Encode(map[string]success{name: {MessageCode: 0, Message: "success", Result: out}})
}

func replaceDots(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == '.' {
			b[i] = '_'
		}
	}
	return string(b)
}

// errorSubCodes words each core error code as the gateway's error (one
// table; every code is mapped, which a test checks). isv: the caller's
// fault; isp: parkd's, to retry.
var errorSubCodes = map[park.Code]struct{ sub, msg string }{
	park.EInvalid:        {"isv.invalid-parameter", "参数错误"},
	park.ENotFound:       {"isv.invalid-parameter", "门店或车型不存在"},
	park.EConflict:       {"isv.vehicle-unavailable", "该时段无可用车辆或订单状态不允许此操作"},
	park.EUnauthorized:   {"isv.invalid-signature", "认证失败"},
	park.EQuoteExpired:   {"isv.invalid-parameter", "报价已过期"},
	park.EQuotePaid:      {"isv.invalid-parameter", "已支付"},
	park.EAmountMismatch: {"isv.invalid-parameter", "金额不符"},
	park.EStaySettled:    {"isv.invalid-parameter", "无需支付"},
	park.EStayClosed:     {"isv.invalid-parameter", "车辆已离场"},
	park.EIdempotencyKey: {"isv.invalid-parameter", "幂等键冲突:该订单号已用于另一门店、车型或时间的订单"},
	park.ELotFull:        {"isv.invalid-parameter", "车场已满"},
	park.EEntryRefused:   {"isv.invalid-parameter", "不允许入场"},
	park.ECardData:       {"isv.invalid-parameter", "不接受银行卡数据"},
	park.ERateLimited:    {"isp.call-limited", "请求过于频繁"},
	park.EReplayed:       {"isv.invalid-parameter", "重复请求"},
	park.EUnavailable:    {"isp.service-unavailable", "服务暂不可用,请稍后重试"},
	park.EInternal:       {"isp.unknown-error", "服务内部错误"},
}

// channelParams names the core's fields as the channel's parameters, so
// that an error points at what the channel sent.
var channelParams = map[string]string{"pickup_at": "pickup_time", "return_at": "return_time", "model_code": "vehicle_model_code",
	"channel_order_id": "out_order_id", "status": "order_status"}

// invalidReasons says what a refused order time must be.
var invalidReasons = map[string]string{
	"pickup_time": fmt.Sprintf("取车时间不能早于当前时间,不能晚于 %d 天之后,且须满足门店的提前预订时长", int(rental.MaxAdvance/(24*time.Hour))),
	"return_time": fmt.Sprintf("还车时间须晚于取车时间,租期最长 %d 天,且在门店的最短与最长租期之内", int(rental.MaxLease/(24*time.Hour))),
}

func callErrorOf(err error) *callError {
	var ce *callError
	if errors.As(err, &ce) {
		return ce
	}
	code := park.ErrorCode(err)
	row, ok := errorSubCodes[code]
	if !ok || code == park.EInternal {
		return &callError{code: 15, msg: "Remote service error", sub: "isp.unknown-error", sm: "服务内部错误", internalCause: err}
	}
	msg := row.msg
	var pe *park.Error
	if errors.As(err, &pe) && pe.Field != "" {
		param := pe.Field
		if p, ok := channelParams[param]; ok {
			param = p
		}
		msg = fmt.Sprintf("%s (%s)", row.msg, param)
		if why, ok := invalidReasons[param]; ok && code == park.EInvalid {
			msg += ": " + why
		}
	}
	// The caller's fault (isv.) answers as seed 003's exception example
	// does, code 50; parkd's own (isp.) as the platform's 15.
	c := 15
	if row.sub[:4] == "isv." {
		c = 50
	}
	return &callError{code: c, msg: "Remote service error", sub: row.sub, sm: msg}
}
