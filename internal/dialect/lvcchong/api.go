package lvcchong

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"parkd/internal/park"
	"parkd/internal/recovery"
	"parkd/internal/system"
)

// Name is the dialect's name: a partner (an app, appId and appSecret)
// created with it speaks this API.
const Name = "lvcchong"

// SignToken is the dialect's one sign mode: a token from getToken.
const SignToken = "token"

// MaxBody bounds a request body.
const MaxBody = 16 << 10

// Handler serves the open API under /open/oem/.
type Handler struct {
	svc *system.System
	log *slog.Logger
	lim *limiter
}

// Config wires a Handler.
type Config struct {
	Service *system.System
	Log     *slog.Logger
}

// New returns the handler.
func New(c Config) *Handler {
	log := c.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Handler{svc: c.Service, log: log, lim: newLimiter()}
}

// Mount mounts the routes. The catch-all answers any other method or path
// under /open/oem in the vendor's envelope rather than the mux's
// plain-text 404/405; a panic is answered in it as well.
func (h *Handler) Mount(mount func(string, http.Handler)) {
	routes := map[string]http.Handler{
		"POST /open/oem/getToken":         h.route(nil, h.getToken),
		"POST /open/oem/getPriceStandard": h.route([]string{"name", "deviceFamily", "pageNum", "pageSize"}, h.getPriceStandard),
		"POST /open/oem/deviceStatus":     h.route([]string{"deviceId", "qcode"}, h.deviceStatus),
		"POST /open/oem/charge":           h.route([]string{"deviceId", "portNum", "payMoney", "workTime"}, h.charge),
		"POST /open/oem/stopCharge":       h.route([]string{"orderNum"}, h.stopCharge),
		"POST /open/oem/queryChargeOrder": h.route([]string{"orderNum", "deviceId", "status", "startTime", "endTime",
			"pageNum", "pageSize"}, h.queryChargeOrder),
	}
	calls := make(map[string]bool, len(routes))
	for p := range routes {
		calls[strings.TrimPrefix(p, "POST ")] = true
	}
	noRoute := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls[r.URL.Path] {
			h.fail(w, apiErr(codeOther, "请求方法错误：请用POST调用"))
			return
		}
		h.fail(w, apiErr(codeOther, "接口不存在"))
	})
	routes["/open/oem/"], routes["/open/oem"] = noRoute, noRoute
	for p, hh := range routes {
		mount(p, recovery.Wrap(hh, h.log, Name, func(w http.ResponseWriter, _ *http.Request, err error) { h.fail(w, err) }))
	}
}

// request is one decoded call: the form and, past getToken, the app.
type request struct {
	ctx  context.Context
	form url.Values
	app  *park.Partner
}

// route decodes the form strictly (keys, once each) and, for every call but
// getToken (keys nil), checks the token header first.
func (h *Handler) route(keys []string, fn func(*request) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := &request{ctx: r.Context()}
		data, err := h.serve(r, req, keys, fn)
		if err != nil {
			h.fail(w, err)
			return
		}
		writeJSON(w, map[string]any{"success": true, "data": data})
	})
}

func (h *Handler) serve(r *http.Request, req *request, keys []string, fn func(*request) (any, error)) (any, error) {
	if keys != nil {
		app, err := h.checkToken(r.Context(), r.Header.Get("token"))
		if err != nil {
			return nil, err
		}
		req.app = app
	} else {
		keys = []string{"appId", "appSecret"}
	}
	form, err := decodeForm(r, keys)
	if err != nil {
		return nil, err
	}
	req.form = form
	return fn(req)
}

// decodeForm reads an application/x-www-form-urlencoded body: only the
// given keys, each at most once. Parameters in the query string are
// refused: the API takes them in the form only, and one read nowhere would
// answer as if it had not been sent (an unfiltered list, say).
func decodeForm(r *http.Request, keys []string) (url.Values, error) {
	if err := checkNoQuery(r.URL.RawQuery); err != nil {
		return nil, err
	}
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded") {
		return nil, apiErr(codeOther, "请求格式错误：请使用 application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(nil, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		return nil, apiErr(codeOther, "请求体无法解析或超过长度限制")
	}
	return checkForm(r.PostForm, keys)
}

// checkNoQuery refuses a query string that holds any parameter, naming
// the first by name.
func checkNoQuery(raw string) error {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return paramErr("参数须放在表单中，URL查询串无法解析")
	}
	if len(q) == 0 {
		return nil
	}
	return paramErr("参数须放在表单中：" + clean(slices.Min(slices.Collect(maps.Keys(q)))))
}

func checkForm(form url.Values, keys []string) (url.Values, error) {
	for k, vs := range form {
		known := false
		for _, want := range keys {
			known = known || k == want
		}
		switch {
		case !known:
			return nil, paramErr("未知参数" + clean(k))
		case len(vs) > 1:
			return nil, paramErr("参数" + k + "重复")
		case !park.ValidText(vs[0]) || len(vs[0]) > 200:
			return nil, paramErr("参数" + k + "的值无效")
		}
	}
	return form, nil
}

// clean bounds outside text echoed in a message.
func clean(s string) string {
	if len(s) > 40 {
		s = s[:40]
	}
	return park.CleanText(s)
}

// intParam reads an optional integer parameter within [lo, hi]; def when
// absent.
func intParam(form url.Values, key string, lo, hi, def int64) (int64, error) {
	v := form.Get(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, paramErr("参数" + key + "必须是" + strconv.FormatInt(lo, 10) + "到" + strconv.FormatInt(hi, 10) + "之间的整数")
	}
	return n, nil
}

func required(form url.Values, key string) (string, error) {
	v := form.Get(key)
	if v == "" {
		return "", paramErr("缺少参数" + key)
	}
	return v, nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// page is the vendor's paging block.
type page struct {
	Total    int `json:"total"`
	Pages    int `json:"pages"`
	PageSize int `json:"pageSize"`
	PageNum  int `json:"pageNum"`
}

func newPage(total, size, num int) page {
	return page{Total: total, Pages: (total + size - 1) / size, PageSize: size, PageNum: num}
}
